// The interpreter loop. Every handler is a label `L_<instr>` reached by
// computed goto from the address stored in the instruction's first word.
//
// Registers: I (next instruction), E (stack top, = p->stop when the process
// is switched out or calls out), x[] and fr[] (the scheduler's register
// files). The heap top lives in p->htop (not cached).
//
// Before anything that may allocate or inspect the stack (BIFs, GC, the
// exception path) E is stored back into p->stop; after a GC it is reloaded.
#include "vm/interp.h"

#include <cmath>
#include <cstring>

#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "vm/code_loading.h"
#include "vm/vm.h"
#include "vm/atom_table.h"
#include "vm/bits.h"
#include "vm/code_table.h"
#include "vm/bignum.h"
#include "vm/copy.h"
#include "vm/compare.h"
#include "vm/exception.h"
#include "vm/gc.h"
#include "vm/instr.h"
#include "vm/map.h"
#include "vm/map_ops.h"
#include "vm/message.h"
#include "vm/messages.h"
#include "vm/scheduler.h"
#include "vm/signals.h"
#include "vm/timers.h"
#include "vm/trace.h"

namespace bvm {

namespace {
UWord g_dispatch[I_COUNT];
bool g_dispatch_ready = false;
UWord g_normal_exit[2];
UWord g_apply_fun[2];
}  // namespace

const UWord* apply_fun_code() { return g_apply_fun; }

const UWord* interp_dispatch_table() { return g_dispatch; }
const UWord* normal_exit_code() { return g_normal_exit; }

void interp_init() {
  if (g_dispatch_ready) return;
  interp_run(nullptr, nullptr);
  g_normal_exit[0] = g_dispatch[I_normal_exit];
  g_normal_exit[1] = 0;
  g_apply_fun[0] = g_dispatch[I_apply_fun];
  g_apply_fun[1] = 0;
  exports_set_stub_handlers(g_dispatch[I_call_undefined], g_dispatch[I_call_bif_export]);
  trace_set_codes(g_dispatch[I_return_trace], g_dispatch[I_exception_trace], g_dispatch[I_return_to_trace],
                  g_dispatch[I_trace_breakpoint], g_dispatch[I_trace_export]);
}

// The code address a function reached through an export was called from
// (for the stack trace of an error it raises): inside the call instruction.
// The receive is over: its timer (if one was started) is not needed.
static void end_receive_timeout(Process* p) {
  p->timeout_armed = false;
  p->timed_out = false;
  if (p->recv_timer) {
    timer_cancel_receive(p->recv_timer);
    p->recv_timer = 0;
  }
}

static const UWord* caller_pc(const Term* E) {
  E = trace_skip_frames(E);
  const UWord* ra = reinterpret_cast<const UWord*>(E[0]);
  if (!is_header(E[0]) || ra == nullptr || ra == normal_exit_code()) return nullptr;
  return ra - 1;
}

// Arity of the function a call is about to enter (for switching out there).
static unsigned entry_arity(const Process* p, const UWord* target) {
  if (target[0] == g_dispatch[I_call_undefined] || target[0] == g_dispatch[I_call_bif_export] ||
      target[0] == g_dispatch[I_trace_export])
    return reinterpret_cast<const Export*>(target[1])->arity;
  if (target[0] == g_dispatch[I_apply_fun]) return p->trap_arity + 1;
  const Term* mfa = reinterpret_cast<const Term*>(target[-1]);
  return unsigned(small_val(mfa[2]));
}

RunResult interp_run(Scheduler* s, Process* p) {
  static const void* const labels[] = {
#define INSTR(name, words) &&L_##name,
#define VARIANT(name, family, ...) &&L_##name,
#define FAMILY(name)
#include "vm/instrs.def"
#undef INSTR
#undef VARIANT
#undef FAMILY
  };
  if (!s) {
    for (unsigned i = 0; i < I_COUNT; i++) g_dispatch[i] = reinterpret_cast<UWord>(labels[i]);
    g_dispatch_ready = true;
    return RunResult::Exit;
  }

  Term* x = s->x;
  double* fr = s->fr;
  if (__builtin_expect(p->hibernated, false)) {
    p->hibernated = false;
    // Woken from hibernation: a collection brings the shrunken heap back to
    // at least min_heap_size before the code runs on (as the reference).
    if (p->heap_sz < p->min_heap_size) gc_collect(p, 0, p->arg_reg, p->arity);
  }
  const UWord* I = p->i;
  Term* E = p->stop;
  int FCALLS = CONTEXT_REDS;
  unsigned live_on_switch = 0;
  Term bif_args[4];
  const Export* bif_failed = nullptr;   // the BIF that raised (bif_error)
  const Term* bif_failed_args = nullptr;
  UWord call_arity = 0;                 // do_call_fun: arguments before the fun
  int call_mode = 0;                    // 0 call, 1 last call, 2 from a trap
  unsigned map_mode = 0;                // do_put_map: MAP_PUT_* flags
  // A tail call (call_bif_last/only, apply_last) went straight on to a
  // BIF's export stub: where it was made, for the stack trace of an error
  // the BIF raises (the caller's frame is gone). Consumed by the stub.
  const UWord* bif_tail_pc = nullptr;
  for (unsigned i = 0; i < p->arity; i++) x[i] = p->arg_reg[i];

#define LIKELY(c) __builtin_expect(!!(c), 1)
#define UNLIKELY(c) __builtin_expect(!!(c), 0)
#define DISPATCH() goto* reinterpret_cast<const void*>(*I)
#define NEXT(n)   \
  do {            \
    I += (n);     \
    DISPATCH();   \
  } while (0)
#define SRC(w) ((UWord(w) & 3) ? Term(w) : ((UWord(w) & 4) ? E[UWord(w) >> 3] : x[UWord(w) >> 3]))
#define DST(w) (*((UWord(w) & 4) ? &E[UWord(w) >> 3] : &x[UWord(w) >> 3]))
#define ADDR(w) reinterpret_cast<const UWord*>(w)
#define JUMP(a)   \
  do {            \
    I = ADDR(a);  \
    DISPATCH();   \
  } while (0)
#define SWAPOUT() (p->stop = E)
#define SWAPIN() (E = p->stop)
  // Makes `need` words free on the heap; x[0..live) survive.
#define GC_TEST(need, live)                                         \
  do {                                                              \
    SWAPOUT(); /* helpers after it allocate with p->halloc */       \
    if (UNLIKELY(size_t(E - p->htop) < size_t(need) || gc_stress)) {\
      SWAPOUT();                                                    \
      p->i = I;                                                     \
      gc_collect(p, size_t(need), x, unsigned(live));               \
      SWAPIN();                                                     \
      if (p->heap_limit_hit) goto heap_limit_kill;                  \
    }                                                               \
  } while (0)
#define HALLOC(n) (p->htop += (n), p->htop - (n))
  // A BIF left much of its result in heap fragments: merge them now.
#define GC_AFTER_BIF(live)                          \
  do {                                              \
    if (UNLIKELY(gc_after_bif_wanted(p))) {         \
      SWAPOUT();                                    \
      gc_collect(p, 0, x, unsigned(live));          \
      SWAPIN();                                     \
      if (p->heap_limit_hit) goto heap_limit_kill;  \
    }                                               \
  } while (0)
  // Call dispatch with the reduction check: switch out at the callee's entry.
#define DISPATCH_CALL(target)                       \
  do {                                              \
    I = ADDR(target);                               \
    if (LIKELY(--FCALLS > 0)) DISPATCH();           \
    live_on_switch = entry_arity(p, I);             \
    goto context_switch;                            \
  } while (0)
  // The stack top is saved first: building the reason may allocate, and
  // halloc must not hand out words of the current stack frame.
#define RAISE(cls, reason)          \
  do {                              \
    SWAPOUT();                      \
    p->exc_class = (cls);           \
    p->exc_reason = (reason);       \
    goto handle_error;              \
  } while (0)
#define BADARG() RAISE(ExcClass::Error, am::badarg)
  // A test: go on when cond holds, else jump to the fail label I[1].
#define TEST(cond, len)          \
  do {                           \
    if (cond) NEXT(len);         \
    JUMP(I[1]);                  \
  } while (0)
  // A failing test or guard BIF: jump to the fail label, or raise if none.
#define FAIL_TO(fail_word, reason)  \
  do {                              \
    if (fail_word) JUMP(fail_word); \
    RAISE(ExcClass::Error, reason); \
  } while (0)

  DISPATCH();

  // ==================================================================
  // moves
L_swap: {
  Term t = DST(I[1]);
  DST(I[1]) = DST(I[2]);
  DST(I[2]) = t;
  NEXT(3);
}
L_init_y:
  E[I[1]] = NIL;
  NEXT(2);
L_init_yregs: {
  UWord n = I[1];
  for (UWord i = 0; i < n; i++) E[I[2 + i]] = NIL;
  NEXT(2 + n);
}

  // ==================================================================
  // frames and heap
L_allocate:
  GC_TEST(I[1], I[2]);
  E -= I[1];
  E[0] = NIL;
  NEXT(3);
L_allocate_heap:
  GC_TEST(I[1] + I[2], I[3]);
  E -= I[1];
  E[0] = NIL;
  NEXT(4);
L_allocate_zero:
  GC_TEST(I[1], I[2]);
  E -= I[1];
  for (UWord i = 0; i < I[1]; i++) E[i] = NIL;
  NEXT(3);
L_allocate_heap_zero:
  GC_TEST(I[1] + I[2], I[3]);
  E -= I[1];
  for (UWord i = 0; i < I[1]; i++) E[i] = NIL;
  NEXT(4);
L_deallocate:
  E += I[1];
  NEXT(2);
L_deallocate_return:
  E += I[1];
  goto L_return;
L_test_heap:
  GC_TEST(I[1], I[2]);
  NEXT(3);
L_trim: {
  Term cp = E[0];
  E += I[1];
  E[0] = cp;
  NEXT(2);
}

  // ==================================================================
  // calls and returns
L_call:
  E[0] = reinterpret_cast<Term>(I + 2);
  DISPATCH_CALL(I[1]);
L_call_last:
  E += I[2];
  DISPATCH_CALL(I[1]);
L_call_only:
  DISPATCH_CALL(I[1]);
L_call_ext:
  E[0] = reinterpret_cast<Term>(I + 2);
  DISPATCH_CALL(reinterpret_cast<const Export*>(I[1])->address.load(std::memory_order_acquire));
L_call_ext_last:
  E += I[2];
  DISPATCH_CALL(reinterpret_cast<const Export*>(I[1])->address.load(std::memory_order_acquire));
L_call_ext_only:
  DISPATCH_CALL(reinterpret_cast<const Export*>(I[1])->address.load(std::memory_order_acquire));
L_return:
  I = ADDR(E[0]);
  E[0] = NIL;
  if (LIKELY(--FCALLS > 0)) DISPATCH();
  live_on_switch = 1;
  goto context_switch;

  // A BIF called as a function. Results go to x0; errors name the BIF.
#define CALL_BIF(fn_word, export_word, tail)                                   \
  Term r;                                                                      \
  do {                                                                         \
    SWAPOUT();                                                                 \
    p->i = I;                                                                  \
    p->fcalls = FCALLS;                                                        \
    const Export* cbe_ = reinterpret_cast<const Export*>(export_word);         \
    if (LIKELY(!cbe_->trace.load(std::memory_order_relaxed)))                  \
      r = reinterpret_cast<BifFn>(fn_word)(p, x);                              \
    else                                                                       \
      r = trace_bif_call(p, cbe_, reinterpret_cast<BifFn>(fn_word), x, tail);  \
    FCALLS = p->fcalls;                                                        \
    if (r == NON_VALUE) {                                                      \
      bif_failed = reinterpret_cast<const Export*>(export_word);               \
      bif_failed_args = x;                                                     \
      goto bif_error;                                                          \
    }                                                                          \
  } while (0)
L_call_bif: {
  CALL_BIF(I[1], I[2], false);
  if (is_catch(r)) {
    if (r == BIF_TRAP) {
      E[0] = reinterpret_cast<Term>(I + 3);
      DISPATCH_CALL(p->trap_addr);
    }
    x[0] = p->trap_value;  // BIF_YIELD
    I += 3;
    live_on_switch = 1;
    goto yield_now;
  }
  x[0] = r;
  GC_AFTER_BIF(1);
  NEXT(3);
}
L_call_bif_last: {
  CALL_BIF(I[1], I[2], true);
  E += I[3];
  if (is_catch(r)) {
    if (r == BIF_TRAP) {
      if (p->trap_addr[0] == g_dispatch[I_call_bif_export]) bif_tail_pc = I;
      DISPATCH_CALL(p->trap_addr);
    }
    x[0] = p->trap_value;
    I = ADDR(E[0]);
    E[0] = NIL;
    live_on_switch = 1;
    goto yield_now;
  }
  x[0] = r;
  GC_AFTER_BIF(1);
  goto L_return;
}
L_call_bif_only: {
  CALL_BIF(I[1], I[2], true);
  if (is_catch(r)) {
    if (r == BIF_TRAP) {
      if (p->trap_addr[0] == g_dispatch[I_call_bif_export]) bif_tail_pc = I;
      DISPATCH_CALL(p->trap_addr);
    }
    x[0] = p->trap_value;
    I = ADDR(E[0]);
    E[0] = NIL;
    live_on_switch = 1;
    goto yield_now;
  }
  x[0] = r;
  GC_AFTER_BIF(1);
  goto L_return;
}
  // Export stub of a BIF: reached by call_ext through the export, apply, funs.
L_call_bif_export: {
  const Export* e = reinterpret_cast<const Export*>(I[1]);
  const UWord* tail_pc = bif_tail_pc;
  bif_tail_pc = nullptr;
  SWAPOUT();
  p->fcalls = FCALLS;  // reductions left, for BIFs that read or set them
  Term r = LIKELY(!e->trace.load(std::memory_order_relaxed)) ? e->bif(p, x) : trace_bif_call(p, e, e->bif, x, true);
  FCALLS = p->fcalls;
  if (r == NON_VALUE) {
    bif_failed = e;
    bif_failed_args = x;
    // Reached through an export: the caller's return address tells where
    // (or the tail call that came here).
    I = tail_pc ? tail_pc : caller_pc(E);
    goto bif_error;
  }
  if (is_catch(r)) {
    if (r == BIF_TRAP) {
      if (tail_pc && p->trap_addr[0] == g_dispatch[I_call_bif_export]) bif_tail_pc = tail_pc;
      DISPATCH_CALL(p->trap_addr);
    }
    x[0] = p->trap_value;
    I = ADDR(E[0]);
    E[0] = NIL;
    live_on_switch = 1;
    goto yield_now;
  }
  x[0] = r;
  GC_AFTER_BIF(1);
  goto L_return;
}
L_func_info: {
  const Term* mfa = reinterpret_cast<const Term*>(I[1]);
  p->exc_bif = nullptr;
  p->exc_class = ExcClass::Error;
  p->exc_reason = am::function_clause;
  SWAPOUT();
  exc_save_trace(p, I, x, mfa);
  goto find_handler;
}
L_normal_exit:
  p->exit_reason = am::normal;
  SWAPOUT();
  p->i = I;
  return RunResult::Exit;
L_call_undefined: {
  // Not loaded (or no such function): load the module from the code path
  // if it is not loaded at all, else (or if that fails) call the error
  // handler, which raises undef.
  const Export* e = reinterpret_cast<const Export*>(I[1]);
  SWAPOUT();
  const UWord* target = resolve_undefined(p, e, x);
  if (!target) {
    I = caller_pc(E);
    goto save_trace;
  }
  JUMP(target);
}
L_apply: {
  UWord arity = I[1];
  Term m = x[arity], f = x[arity + 1];
  if (!is_atom(m) || !is_atom(f)) {
    // Build the args list and raise as erlang:apply/3 would.
    SWAPOUT();
    apply_bad_target(p, m, f, x, unsigned(arity));
    goto save_trace;
  }
  E[0] = reinterpret_cast<Term>(I + 2);
  DISPATCH_CALL(export_put(m, f, unsigned(arity))->address.load(std::memory_order_acquire));
}
L_apply_last: {
  UWord arity = I[1];
  Term m = x[arity], f = x[arity + 1];
  if (!is_atom(m) || !is_atom(f)) {
    SWAPOUT();
    apply_bad_target(p, m, f, x, unsigned(arity));
    goto save_trace;
  }
  E += I[2];
  const UWord* target = export_put(m, f, unsigned(arity))->address.load(std::memory_order_acquire);
  if (target[0] == g_dispatch[I_call_bif_export]) bif_tail_pc = I;
  DISPATCH_CALL(target);
}
L_apply_mfa:
  // Reached only through BIF traps; never emitted.
  BADARG();
L_call_fun:
  call_arity = I[1];
  call_mode = 0;
  goto do_call_fun;
L_call_fun_last:
  call_arity = I[1];
  call_mode = 1;
  goto do_call_fun;
L_apply_fun:
  // erlang:apply/2 trapped here: the fun follows its arguments.
  call_arity = p->trap_arity;
  call_mode = 2;
  goto do_call_fun;
do_call_fun: {
  UWord arity = call_arity;
  Term fun = x[arity];
  const UWord* target = nullptr;
  if (is_boxed(fun) && header_sub(boxed_header(fun)) == Sub::Fun) {
    const FunEntry* fe = fun_entry(fun);
    if (fe->arity != arity) goto bad_arity;
    UWord nfree = fun_num_free(fun);
    const Term* env = fun_env(fun);
    for (UWord i = 0; i < nfree; i++) x[arity + i] = env[i];
    target = static_cast<const UWord*>(fe->address.load(std::memory_order_acquire));
    if (!target) {
      SWAPOUT();
      target = resolve_unloaded_fun(p, fun, x, unsigned(arity));
      if (!target) goto save_trace;
      if (p->suspend_count) FCALLS = 0;  // suspended (pending purge): stop at the call
    }
  } else if (is_boxed(fun) && header_sub(boxed_header(fun)) == Sub::Export) {
    const Export* e = export_fun_entry(fun);
    if (e->arity != arity) goto bad_arity;
    target = e->address.load(std::memory_order_acquire);
  } else {
    RAISE(ExcClass::Error, make_tuple(p, {am::badfun, fun}));
  }
  if (call_mode == 0) {
    E[0] = reinterpret_cast<Term>(I + 2);
  } else if (call_mode == 1) {
    E += I[2];
  }
  DISPATCH_CALL(target);
bad_arity : {
  SWAPOUT();
  Term args = NIL;
  for (UWord i = arity; i-- > 0;) args = make_cons(p, x[i], args);
  Term inner = make_tuple(p, {fun, args});
  RAISE(ExcClass::Error, make_tuple(p, {am::badarity, inner}));
}
}
L_make_fun: {
  FunEntry* fe = reinterpret_cast<FunEntry*>(I[1]);
  UWord n = I[3];
  // The environment is read before the destination is written.
  SWAPOUT();  // halloc reads the stack top
  Term* hp = p->halloc(FUN_HEADER_WORDS + n);
  hp[0] = make_header(2 + n, Sub::Fun);
  hp[1] = reinterpret_cast<Term>(fe);
  hp[2] = p->id;
  for (UWord i = 0; i < n; i++) hp[3 + i] = SRC(I[4 + i]);
  DST(I[2]) = make_boxed(hp);
  NEXT(4 + n);
}
L_jump:
  JUMP(I[1]);

  // ==================================================================
  // guard BIFs: arguments copied into bif_args; failure jumps or raises
  // Calls the BIF of I[1] (export I[2]) on bif_args into the new variable
  // r; a failure jumps to fail_word, or raises with the BIF as top frame.
#define GUARD_BIF_CALL(r, fail_word)                                           \
  SWAPOUT();                                                                   \
  Term r = reinterpret_cast<BifFn>(I[1])(p, bif_args);                         \
  if (r == NON_VALUE) {                                                        \
    if (fail_word) JUMP(fail_word);                                            \
    bif_failed = reinterpret_cast<const Export*>(I[2]);                        \
    bif_failed_args = bif_args;                                                \
    goto bif_error;                                                            \
  }
#define GUARD_BIF(nargs, fail_word, dst_word, len)                             \
  do {                                                                         \
    GUARD_BIF_CALL(r_, fail_word);                                             \
    DST(dst_word) = r_;                                                        \
    NEXT(len);                                                                 \
  } while (0)
L_bif0:
  GUARD_BIF(0, 0, I[3], 4);
L_bif1:
  bif_args[0] = SRC(I[4]);
  GUARD_BIF(1, I[3], I[5], 6);
L_bif2:
  bif_args[0] = SRC(I[4]);
  bif_args[1] = SRC(I[5]);
  GUARD_BIF(2, I[3], I[6], 7);
L_gc_bif1:
  bif_args[0] = SRC(I[5]);
  GUARD_BIF(1, I[3], I[6], 7);
L_gc_bif2:
  bif_args[0] = SRC(I[5]);
  bif_args[1] = SRC(I[6]);
  GUARD_BIF(2, I[3], I[7], 8);
L_gc_bif3:
  bif_args[0] = SRC(I[5]);
  bif_args[1] = SRC(I[6]);
  bif_args[2] = SRC(I[7]);
  GUARD_BIF(3, I[3], I[8], 9);
  // Inline guard BIFs: the common case here, everything else (including
  // the error) through the generic handler of the same layout.
L_bif0_self:
  DST(I[3]) = p->id;
  NEXT(4);
L_bif1_hd: {
  Term l = SRC(I[4]);
  if (is_list(l)) {
    DST(I[5]) = car(l);
    NEXT(6);
  }
  goto L_bif1;
}
L_bif1_tl: {
  Term l = SRC(I[4]);
  if (is_list(l)) {
    DST(I[5]) = cdr(l);
    NEXT(6);
  }
  goto L_bif1;
}
L_bif2_element: {
  Term n = SRC(I[4]), t = SRC(I[5]);
  if (is_small(n) && is_tuple(t)) {
    UWord i = UWord(small_val(n));
    if (i - 1 < tuple_arity(t)) {
      DST(I[6]) = tuple_elem(t, i);
      NEXT(7);
    }
  }
  goto L_bif2;
}
L_bif2_map_get: {
  Term k = SRC(I[4]), m = SRC(I[5]);
  if (is_map(m)) {
    Term v = map_get(m, k);
    if (v != NON_VALUE) {
      DST(I[6]) = v;
      NEXT(7);
    }
  }
  goto L_bif2;
}
L_bif2_is_map_key: {
  Term k = SRC(I[4]), m = SRC(I[5]);
  if (is_map(m)) {
    DST(I[6]) = map_get(m, k) != NON_VALUE ? am::true_ : am::false_;
    NEXT(7);
  }
  goto L_bif2;
}
L_gc_bif1_length: {
  Term l = SRC(I[5]);
  SWord n = 0;
  while (is_list(l)) {
    n++;
    l = cdr(l);
  }
  if (is_nil(l)) {
    DST(I[6]) = make_small(n);
    NEXT(7);
  }
  goto L_gc_bif1;
}
L_gc_bif1_tuple_size: {
  Term t = SRC(I[5]);
  if (is_tuple(t)) {
    DST(I[6]) = make_small(SWord(tuple_arity(t)));
    NEXT(7);
  }
  goto L_gc_bif1;
}
L_gc_bif1_map_size: {
  Term m = SRC(I[5]);
  if (is_map(m)) {
    DST(I[6]) = make_small(SWord(map_size(m)));
    NEXT(7);
  }
  goto L_gc_bif1;
}
L_gc_bif1_byte_size: {
  Term b = SRC(I[5]);
  if (is_bitstring(b)) {
    DST(I[6]) = make_small(SWord((bitstring_bits(b) + 7) / 8));
    NEXT(7);
  }
  goto L_gc_bif1;
}
  // ==================================================================
  // operand-specialised families (moves, tests, arithmetic, lists, tuples)
#include "vm/interp_variants.inc"

  // ==================================================================
  // tests
L_is_function2: {
  Term f = SRC(I[2]), a = SRC(I[3]);
  if (!is_small(a) || small_val(a) < 0) {
    if (!is_big(a) || big_negative(a)) BADARG();  // a negative or non-integer arity
    JUMP(I[1]);
  }
  TEST(is_fun(f) && fun_arity(f) == UWord(small_val(a)), 4);
}
L_select_val_jump: {
  Term t = SRC(I[1]);
  UWord n = I[4];
  if (is_small(t)) {
    UWord idx = UWord(small_val(t) - small_val(Term(I[3])));
    if (idx < n) JUMP(I[5 + idx]);
  }
  JUMP(I[2]);
}
L_select_val_bsearch: {
  Term t = SRC(I[1]);
  UWord n = I[3];
  const UWord* vals = I + 4;
  UWord lo = 0, hi = n;
  while (lo < hi) {
    UWord mid = (lo + hi) / 2;
    if (vals[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  if (lo < n && vals[lo] == t) JUMP(vals[n + lo]);
  JUMP(I[2]);
}
L_select_val_linear: {
  Term t = SRC(I[1]);
  UWord n = I[3];
  const UWord* vals = I + 4;
  for (UWord i = 0; i < n; i++)
    if (term_eq_exact(t, Term(vals[i]))) JUMP(vals[n + i]);
  JUMP(I[2]);
}
L_select_tuple_arity: {
  Term t = SRC(I[1]);
  UWord n = I[3];
  const UWord* vals = I + 4;
  if (is_tuple(t)) {
    Term h = boxed_header(t);
    for (UWord i = 0; i < n; i++)
      if (vals[i] == h) JUMP(vals[n + i]);
  }
  JUMP(I[2]);
}

  // ==================================================================
  // data
L_set_tuple_element:
  tuple_elem(DST(I[2]), I[3]) = SRC(I[1]);
  NEXT(4);
L_put_tuple2: {
  UWord n = I[2];
  Term* hp = HALLOC(1 + n);
  hp[0] = make_header(n, Sub::Tuple);
  for (UWord i = 0; i < n; i++) hp[1 + i] = SRC(I[3 + i]);
  DST(I[1]) = make_boxed(hp);
  NEXT(3 + n);
}
L_update_record: {
  // (hint, size, src, dst, n, (index, value)...): copy the tuple, then update.
  // The compiler reserves the heap space with a preceding test_heap.
  UWord size = I[2];
  UWord n = I[5];
  Term src = SRC(I[3]);
  Term* hp = HALLOC(size + 1);
  std::memcpy(hp, tuple_val(src), (size + 1) * sizeof(Term));
  for (UWord i = 0; i < n; i++) hp[I[6 + 2 * i]] = SRC(I[7 + 2 * i]);
  DST(I[4]) = make_boxed(hp);
  NEXT(6 + 2 * n);
}

  // ==================================================================
  // errors
L_badmatch:
  SWAPOUT();  // the tuple is allocated with p->halloc
  RAISE(ExcClass::Error, make_tuple(p, {am::badmatch, SRC(I[1])}));
L_case_end:
  SWAPOUT();  // the tuple is allocated with p->halloc
  RAISE(ExcClass::Error, make_tuple(p, {am::case_clause, SRC(I[1])}));
L_if_end:
  RAISE(ExcClass::Error, am::if_clause);
L_try_case_end:
  SWAPOUT();  // the tuple is allocated with p->halloc
  RAISE(ExcClass::Error, make_tuple(p, {am::try_clause, SRC(I[1])}));
L_badrecord:
  SWAPOUT();  // the tuple is allocated with p->halloc
  RAISE(ExcClass::Error, make_tuple(p, {am::badrecord, SRC(I[1])}));
L_raise: {
  // Old-style rethrow: (raw) stack trace, value. The class comes from the trace.
  Term trace = SRC(I[1]);
  Term value = SRC(I[2]);
  ExcClass c = ExcClass::Error;
  exc_trace_class(trace, &c);
  p->exc_class = c;
  p->exc_reason = value;
  p->exc_stacktrace = trace;
  goto find_handler;
}
L_build_stacktrace:
  SWAPOUT();
  x[0] = exc_build_stacktrace(p, x[0]);
  NEXT(1);
L_raw_raise: {
  ExcClass c;
  if (!exc_class_from_atom(x[0], &c)) {
    x[0] = am::badarg;
    NEXT(1);
  }
  p->exc_class = c;
  p->exc_reason = x[1];
  // The trace records the class (a later rethrow takes it from there).
  if (exc_is_raw_trace(x[2])) {
    boxed_val(x[2])[2] = exc_class_atom(c);
    p->exc_stacktrace = x[2];
  } else {
    SWAPOUT();
    p->exc_stacktrace = exc_user_trace(p, c, x[2]);
  }
  goto find_handler;
}

  // ==================================================================
  // catch and try: the y register holds a catch marker with the handler
L_catch:
L_try:
  E[I[1]] = make_catch(I[2] >> 3);
  NEXT(3);
L_catch_end:
  E[I[1]] = NIL;
  if (x[0] == NON_VALUE) {
    SWAPOUT();
    p->exc_class = x[1] == am::throw_ ? ExcClass::Throw : x[1] == am::exit ? ExcClass::Exit : ExcClass::Error;
    p->exc_reason = x[2];
    p->exc_stacktrace = x[3];
    x[0] = exc_catch_value(p);
    p->exc_reason = NON_VALUE;
    p->exc_stacktrace = NIL;
  }
  NEXT(2);
L_try_end:
  E[I[1]] = NIL;
  NEXT(2);
L_try_case:
  E[I[1]] = NIL;
  x[0] = x[1];
  x[1] = x[2];
  x[2] = x[3];
  NEXT(2);

  // ==================================================================
  // messages
L_send: {
  SWAPOUT();
  Term r = erlang_send_2(p, x);
  if (r == NON_VALUE) {
    bif_failed = export_put(am::erlang, atom_put("send"), 2);
    bif_failed_args = x;
    goto bif_error;
  }
  x[0] = r;
  if (--FCALLS <= 0) {
    I += 1;
    live_on_switch = 1;
    goto yield_now;
  }
  NEXT(1);
}
L_loop_rec: {
  Message* m = *p->msg_save;
  if (!m) {
    // Act on signals that arrived since (new messages join the queue).
    if (signals_pending(p)) {
      SWAPOUT();
      p->i = I;
      if (process_handle_signals(p) == SignalResult::Exit) return RunResult::Exit;
      if (p->suspend_count) {  // suspended: stop here, resume at this receive
        p->arity = 0;
        p->fcalls = FCALLS;
        return RunResult::Yield;
      }
      m = *p->msg_save;
    }
    if (!m) JUMP(I[1]);
  }
  // A small message moves to the heap. What is copied is the whole term,
  // which may be more than the fragment: an 'EXIT' or 'DOWN' tuple built on
  // the heap around a reason in the fragment is copied too.
  // (A term whose top lies in the fragment is all in it: no need to size it.)
  if (m->frag && !m->frag_merged && m->frag->used <= SMALL_MESSAGE && size_t(E - p->htop) >= m->frag->used &&
      (is_immed(m->term) || m->frag->contains(reinterpret_cast<const Term*>(m->term & ~UWord(3))) ||
       size_t(E - p->htop) >= copy_size(m->term)))
    message_to_heap(p, m);
  DST(I[2]) = m->term;
  NEXT(3);
}
L_loop_rec_end:
  p->msg_save = &(*p->msg_save)->next;
  JUMP(I[1]);
L_remove_message:
  message_remove_current(p);
  if (p->timeout_armed) end_receive_timeout(p);
  NEXT(1);
L_wait:
  p->i = ADDR(I[1]);
  SWAPOUT();
  p->arity = 0;
  p->fcalls = FCALLS;
  return RunResult::Wait;
L_wait_timeout: {
  if (p->timed_out) {
    p->timed_out = false;
    p->timeout_armed = false;
    NEXT(3);
  }
  if (!p->timeout_armed) {
    Term t = SRC(I[2]);
    if (t == am::infinity) {
      p->i = ADDR(I[1]);
      SWAPOUT();
      p->arity = 0;
      return RunResult::Wait;
    }
    int64_t ms;
    if (!term_to_int64(t, &ms) || ms < 0 || ms > int64_t(0xFFFFFFFF)) {  // the reference's range
      p->msg_save = &p->msg_first;  // the receive is over: the next starts at the front
      RAISE(ExcClass::Error, atom_put("timeout_value"));
    }
    if (ms == 0) NEXT(3);
    // The scheduler starts the timer when the process goes to sleep; a
    // Timeout signal of an earlier receive has an older number.
    p->timeout_armed = true;
    p->timer_gen++;
    p->timeout_at_us = timer_now_us() + ms * 1000;
  }
  p->i = ADDR(I[1]);
  SWAPOUT();
  p->arity = 0;
  return RunResult::Wait;
}
L_timeout:
  p->msg_save = &p->msg_first;
  if (p->timeout_armed) end_receive_timeout(p);
  NEXT(1);
L_recv_marker_reserve:
  DST(I[1]) = recv_marker_reserve(p);
  NEXT(2);
L_recv_marker_bind:
  recv_marker_bind(p, SRC(I[1]), SRC(I[2]));
  NEXT(3);
L_recv_marker_clear:
  recv_marker_clear(p, SRC(I[1]));
  NEXT(2);
L_recv_marker_use:
  recv_marker_use(p, SRC(I[1]));
  NEXT(2);

  // ==================================================================
  // floats
L_fclearerror:
  NEXT(1);
L_fcheckerror:
  NEXT(2);
L_fmove_to_fr:
  fr[I[2]] = float_val(SRC(I[1]));
  NEXT(3);
L_fmove_from_fr: {
  Term* hp = HALLOC(FLOAT_WORDS);
  DST(I[2]) = make_float_at(hp, fr[I[1]]);
  NEXT(3);
}
L_fconv: {
  Term t = SRC(I[1]);
  double d;
  if (is_small(t)) {
    d = double(small_val(t));
  } else if (is_float(t)) {
    d = float_val(t);
  } else if (is_big(t)) {
    if (!big_to_double(t, &d)) RAISE(ExcClass::Error, am::badarith);
  } else {
    RAISE(ExcClass::Error, am::badarith);
  }
  fr[I[2]] = d;
  NEXT(3);
}
#define FLOAT_OP(op)                                        \
  do {                                                      \
    double r = fr[I[1]] op fr[I[2]];                        \
    if (!std::isfinite(r)) RAISE(ExcClass::Error, am::badarith); \
    fr[I[3]] = r;                                           \
    NEXT(4);                                                \
  } while (0)
L_fadd:
  FLOAT_OP(+);
L_fsub:
  FLOAT_OP(-);
L_fmul:
  FLOAT_OP(*);
L_fdiv:
  FLOAT_OP(/);
L_fnegate:
  fr[I[2]] = -fr[I[1]];
  NEXT(3);

  // ==================================================================
  // maps (vm/map_ops.h does the work)
L_put_map_assoc:
  map_mode = 0;
  goto do_put_map;
L_put_map_exact:
  map_mode = MAP_PUT_EXACT;
  goto do_put_map;
L_put_map_assoc_sorted:
  map_mode = MAP_PUT_SORTED;
  goto do_put_map;
L_put_map_exact_sorted:
  map_mode = MAP_PUT_EXACT | MAP_PUT_SORTED;
  goto do_put_map;
do_put_map: {
  UWord n = I[5];
  SWAPOUT();
  Term r = map_put_instr(p, I[2], map_mode, I + 6, n, x, unsigned(I[4]));
  SWAPIN();
  if (r == NON_VALUE) {
    if (I[1]) JUMP(I[1]);
    goto handle_error;
  }
  DST(I[3]) = r;
  NEXT(6 + 2 * n);
}
L_new_map_lit: {
  UWord n = I[4];
  GC_TEST(3 + n, I[2]);
  Term* hp = HALLOC(3 + n);
  hp[0] = make_header(2 + n, Sub::Map);
  hp[1] = (n << 2) | MAP_FLAT;
  hp[2] = Term(I[3]);
  for (UWord i = 0; i < n; i++) hp[3 + i] = SRC(I[5 + i]);
  DST(I[1]) = make_boxed(hp);
  NEXT(5 + n);
}
L_has_map_fields: {
  Term m = SRC(I[2]);
  UWord n = I[3];
  if (!is_map(m)) JUMP(I[1]);
  for (UWord i = 0; i < n; i++)
    if (map_get(m, SRC(I[4 + i])) == NON_VALUE) JUMP(I[1]);
  NEXT(4 + n);
}
L_get_map_elements: {
  Term m = SRC(I[2]);
  UWord n = I[3];
  if (!is_map(m)) JUMP(I[1]);
  // All keys must be present; only then are the destinations written.
  Term vals[64];
  Term* v = n <= 64 ? vals : new Term[n];
  for (UWord i = 0; i < n; i++) {
    v[i] = map_get(m, SRC(I[4 + 2 * i]));
    if (v[i] == NON_VALUE) {
      if (v != vals) delete[] v;
      JUMP(I[1]);
    }
  }
  for (UWord i = 0; i < n; i++) DST(I[5 + 2 * i]) = v[i];
  if (v != vals) delete[] v;
  NEXT(4 + 2 * n);
}

  // ==================================================================
  // binaries (vm/bits.h does the work; handlers move operands)
#include "vm/interp_bits.inc"

L_nop:
  NEXT(1);

  // ==================================================================
  // tracing (vm/trace.h)
L_trace_breakpoint: {
  // I is a traced function's entry; its own handler word is kept aside.
  SWAPOUT();
  p->i = I;
  p->fcalls = FCALLS;
  UWord orig = trace_breakpoint(p, I, x);
  SWAPIN();
  if (p->heap_limit_hit) goto heap_limit_kill;
  goto* reinterpret_cast<const void*>(orig);
}
L_trace_export: {
  SWAPOUT();
  p->i = I;
  p->fcalls = FCALLS;
  const UWord* target = trace_export_call(p, reinterpret_cast<const Export*>(I[1]), x);
  SWAPIN();
  if (p->heap_limit_hit) goto heap_limit_kill;
  JUMP(target);
}
L_return_trace:
L_exception_trace:
L_return_to_trace:
  // Returned into a trace frame (E points at it): report, pop, return on.
  SWAPOUT();
  p->i = I;
  E += trace_frame_return(p, I, x[0]);
  goto L_return;
L_executable_line:
  NEXT(1);

  // ==================================================================
  // switching out, errors

bif_error:
  // A BIF failed: it is the top frame of the stack trace, with its arguments.
  SWAPOUT();
  p->exc_bif = bif_failed;
  {
    unsigned n = bif_failed->arity;
    Term args = NIL;
    for (unsigned i = n; i-- > 0;) args = make_cons(p, bif_failed_args[i], args);
    p->exc_bif_args = args;
  }
  goto save_trace;

handle_error:
  // An error raised by the instruction at I itself.
  SWAPOUT();
  p->exc_bif = nullptr;
  goto save_trace;

save_trace:
  // p->exc_bif / exc_bif_args are set when a function (BIF or undefined
  // function) is to be the top frame.
  SWAPOUT();
  exc_save_trace(p, I, x, nullptr);
  goto find_handler;

find_handler: {
  SWAPOUT();  // raw_raise and erlang:raise/3 come here straight from their instruction
  p->exc_bif = nullptr;
  p->exc_bif_args = NON_VALUE;
  p->exc_error_info = NON_VALUE;
  const UWord* handler = exc_find_handler(p);
  if (handler) {
    SWAPIN();
    x[0] = NON_VALUE;
    x[1] = exc_class_atom(p->exc_class);
    x[2] = p->exc_reason;
    x[3] = p->exc_stacktrace;
    p->exc_reason = NON_VALUE;
    p->exc_stacktrace = NIL;
    JUMP(handler);
  }
  p->exit_reason = exc_exit_reason(p);
  p->crash_report = p->exc_class == ExcClass::Error;
  p->i = I;
  return RunResult::Exit;
}

heap_limit_kill:
  // max_heap_size with kill: the process dies at once, reason killed.
  SWAPOUT();
  p->i = I;
  p->exit_reason = am::killed;
  return RunResult::Exit;

context_switch:
  // Out of reductions at a call or return: resume at I with live x registers.
yield_now:
  if (p->heap_limit_hit) goto heap_limit_kill;
  if (p->hibernate_pending) {
    // erlang:hibernate/3: the BIF left the call in p->i and p->arg_reg;
    // only the bottom frame (the return to normal_exit) remains.
    p->hibernate_pending = false;
    p->gc_pending = false;
    p->stop = p->hend - 1;
    // Its return address: a tail call of hibernate already "returned"
    // through it, which cleared it.
    p->stop[0] = reinterpret_cast<Term>(normal_exit_code());
    p->hibernated = true;
    p->msg_save = &p->msg_first;
    gc_collect_hibernate(p, p->arg_reg, p->arity);
    p->reductions += uint64_t(CONTEXT_REDS - FCALLS);
    return p->msg_first ? RunResult::Yield : RunResult::Wait;
  }
  SWAPOUT();
  if (p->gc_pending) {
    p->gc_pending = false;
    gc_collect_major(p, 0, x, live_on_switch);
    if (p->heap_limit_hit) goto heap_limit_kill;
  }
  p->i = I;
  p->arity = live_on_switch;
  Term* saved = p->args_room(live_on_switch);
  for (unsigned i = 0; i < live_on_switch; i++) saved[i] = x[i];
  p->fcalls = FCALLS;
  p->reductions += uint64_t(CONTEXT_REDS - FCALLS);
  return RunResult::Yield;

#undef DISPATCH
#undef NEXT
#undef SRC
#undef DST
#undef JUMP
}

}  // namespace bvm
