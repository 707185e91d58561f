// Tracing: the per-process hooks, trace messages, call-trace breakpoints
// and trace frames. The BIFs that set it all up are in bifs/erlang_trace.cpp.
#include "vm/trace.h"

#include <time.h>

#include <cstddef>

#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "vm/atom_table.h"
#include "vm/code_index.h"
#include "vm/code_table.h"
#include "vm/epoch.h"
#include "vm/exception.h"
#include "vm/gc.h"
#include "vm/instr.h"
#include "vm/interp.h"
#include "vm/map.h"
#include "vm/copy.h"
#include "vm/match_spec.h"
#include "vm/message.h"
#include "vm/scheduler.h"
#include "vm/signals.h"
#include "vm/trace_internal.h"
#include "vm/vm.h"

namespace bvm {

std::atomic<uint32_t> g_trace_new_flags{0};

Tracer::~Tracer() {
  if (frag) HeapFragment::destroy_consume(frag);
}

TracePoint::~TracePoint() {
  delete ms;
  if (frag) HeapFragment::destroy_consume(frag);
}

std::mutex& trace_mutex() {
  static std::mutex* m = new std::mutex();
  return *m;
}

Tracer* g_new_tracer = nullptr;  // under trace_mutex()

namespace {

struct TraceAtoms {
  Term trace = atom_put("trace"), trace_ts = atom_put("trace_ts"), erl_tracer = atom_put("erl_tracer"),
       send = atom_put("send"), send_to_non_existing_process = atom_put("send_to_non_existing_process"),
       receive = atom_put("receive"), call = atom_put("call"), return_from = atom_put("return_from"),
       exception_from = atom_put("exception_from"), return_to = atom_put("return_to"), spawn = atom_put("spawn"),
       spawned = atom_put("spawned"), exit = atom_put("exit"), link = atom_put("link"), unlink = atom_put("unlink"),
       getting_linked = atom_put("getting_linked"), getting_unlinked = atom_put("getting_unlinked"),
       nanosecond = atom_put("nanosecond"), monotonic = atom_put("monotonic");
};
const TraceAtoms& TA() {
  static const TraceAtoms* a = new TraceAtoms();
  return *a;
}

UWord g_codes[5][2];  // return_trace, exception_trace, return_to, (breakpoint, export: handler words)
UWord g_breakpoint_handler = 0;
UWord g_export_handler = 0;

// Trace messages are built in a scratch process of this thread, then
// copied into the message sent: no tracee heap is touched, so hooks may run
// anywhere (inside a collection, between two scheduling slices).
struct Scratch {
  Process* p;
  Scratch() {
    p = new Process();
    p->min_heap_size = 1024;
    process_init_heap(p, 1024);
    p->id = make_small(0);
  }
  ~Scratch() {
    process_free_memory(p);
    delete p;
  }
};

Process* scratch() {
  thread_local Scratch s;
  return s.p;
}

void scratch_reset(Process* s) {
  s->htop = s->heap;
  s->off_heap.release_all();
  for (HeapFragment* f = s->mbuf; f;) {
    HeapFragment* next = f->next;
    HeapFragment::destroy_consume(f);
    f = next;
  }
  s->mbuf = nullptr;
  s->mbuf_words = 0;
}

// timestamp wins over strict_monotonic_timestamp, which wins over
// monotonic_timestamp; cpu_timestamp makes `timestamp` CPU time.
Term timestamp(Process* s, uint32_t flags) {
  const TraceAtoms& a = TA();
  if (flags & TF_CPU_TS) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    int64_t us = int64_t(t.tv_sec) * 1000000 + t.tv_nsec / 1000;
    return make_tuple(s, {make_integer(s, us / 1000000000000), make_integer(s, us / 1000000 % 1000000),
                          make_integer(s, us % 1000000)});
  }
  if (flags & TF_TIMESTAMP) return erlang_now_0(s, nullptr);
  Term unit[1] = {a.nanosecond};
  Term mono = erlang_monotonic_time_1(s, unit);
  if (flags & TF_STRICT_MONO_TS) {
    Term kind[1] = {make_cons(s, a.monotonic, NIL)};
    return make_tuple(s, {mono, erlang_unique_integer_1(s, kind)});
  }
  return mono;
}

const Tracer* tracer_of(const Process* p) { return p->tracer.load(std::memory_order_acquire); }

}  // namespace

// Removes all tracing from p (its tracer died, or it exits).
void trace_clear_process(Process* p) {
  p->trace_flags.store(0, std::memory_order_relaxed);
  Tracer* t = p->tracer.exchange(nullptr, std::memory_order_acq_rel);
  if (t) epoch_retire([t] { delete t; });
}

// Sends a built trace message; false if the tracer is gone.
static bool deliver(const Tracer* t, Term tracee, Term msg) {
  if (t->module == TA().erl_tracer) {
    if (is_local_pid(t->state)) {
      if (t->state == tracee) return true;  // a tracer does not trace itself
      return signal_send(t->state, signal_new(SigKind::Message, tracee, msg));
    }
    if (is_local_port(t->state)) {
      signal_send(t->state, signal_new(SigKind::Message, tracee, msg));
      return true;
    }
    return true;
  }
  // Another tracer module: its enabled/3 and trace/5 NIFs.
  Export* en = export_get(t->module, atom_put("enabled"), 3);
  Export* tr = export_get(t->module, atom_put("trace"), 5);
  BifFn enf = en ? (en->nif ? en->nif : en->bif) : nullptr;
  BifFn trf = tr ? (tr->nif ? tr->nif : tr->bif) : nullptr;
  if (!enf || !trf) return false;
  Process* s = scratch();
  Term tag = tuple_elem(msg, 3);
  Term eargs[3] = {tag, t->state, tracee};
  Term r = enf(s, eargs);
  if (r == atom_put("remove")) return false;
  if (r != atom_put("trace")) return true;
  Term* hp = s->halloc(flatmap_words(0));
  Term targs[5] = {tag, t->state, tracee, tuple_elem(msg, 4), map_from_pairs(hp, nullptr, nullptr, 0)};
  trf(s, targs);
  return true;
}

void trace_emit(Process* tracee, uint32_t flags, Term tag, Term a, Term b) {
  const Tracer* t = tracer_of(tracee);
  if (!t) return;
  const TraceAtoms& at = TA();
  Process* s = scratch();
  Term parts[8];
  unsigned n = 0;
  parts[n++] = (flags & TF_ANY_TS) ? at.trace_ts : at.trace;
  parts[n++] = tracee->id;
  parts[n++] = tag;
  parts[n++] = a;
  if (b != NON_VALUE) parts[n++] = b;
  if (flags & TF_SCHED_ID) {
    Scheduler* sc = current_scheduler();
    parts[n++] = make_small(sc ? sc->id : 0);
  }
  if (flags & TF_ANY_TS) parts[n++] = timestamp(s, flags);
  Term* hp = s->halloc(1 + n);
  hp[0] = make_header(n, Sub::Tuple);
  for (unsigned i = 0; i < n; i++) hp[1 + i] = parts[i];
  bool ok = deliver(t, tracee->id, make_boxed(hp));
  scratch_reset(s);
  if (!ok) {
    std::lock_guard<std::mutex> lock(trace_mutex());
    if (tracer_of(tracee) == t) trace_clear_process(tracee);
  }
}

// ---------------------------------------------------------------- events

void trace_send(Process* p, Term to, Term msg, bool delivered) {
  const TraceAtoms& a = TA();
  trace_emit(p, trace_flags_of(p), delivered ? a.send : a.send_to_non_existing_process, msg, to);
}

void trace_receive(Process* p, Term msg) { trace_emit(p, trace_flags_of(p), TA().receive, msg, NON_VALUE); }

void trace_proc_event(Process* p, Term tag, Term what) { trace_emit(p, trace_flags_of(p), tag, what, NON_VALUE); }

void trace_registry_event(Process* p, Term pid, Term name, bool reg) {
  Process* q = pid == p->id ? p : process_lookup(pid);
  if (!q || !(trace_flags_of(q) & TF_PROCS)) return;
  trace_emit(q, trace_flags_of(q), atom_put(reg ? "register" : "unregister"), name, NON_VALUE);
}

void trace_exit(Process* p, Term reason) { trace_emit(p, trace_flags_of(p), TA().exit, reason, NON_VALUE); }

static Term current_function(Process* s, const Process* p) {
  const UWord* pc = p->i;
  if (!pc) return make_small(0);
  const UWord* d = interp_dispatch_table();
  if (pc[0] == d[I_call_bif_export] || pc[0] == d[I_call_undefined] || pc[0] == g_export_handler) {
    const Export* e = reinterpret_cast<const Export*>(pc[1]);
    return make_tuple(s, {e->mfa[0], e->mfa[1], e->mfa[2]});
  }
  const Term* mfa = code_mfa_at(pc);
  if (!mfa) return make_small(0);
  return make_tuple(s, {mfa[0], mfa[1], mfa[2]});
}

void trace_sched(Process* p, Term tag) {
  Process* s = scratch();
  Term mfa = current_function(s, p);
  trace_emit(p, trace_flags_of(p), tag, mfa, NON_VALUE);
}

void trace_gc(Process* p, bool major, bool end, size_t reclaimed) {
  static const char* const keys[] = {"wordsize",      "old_heap_block_size", "heap_block_size",
                                     "mbuf_size",     "recent_size",         "stack_size",
                                     "old_heap_size", "heap_size",           "bin_vheap_size",
                                     "bin_vheap_block_size", "bin_old_vheap_size", "bin_old_vheap_block_size"};
  size_t vals[] = {end ? reclaimed : sizeof(Term),
                   size_t(p->old_hend - p->old_heap),
                   p->heap_sz,
                   p->mbuf_words,
                   p->high_water ? size_t(p->high_water - p->heap) : 0,
                   size_t(p->hend - p->stop),
                   size_t(p->old_htop - p->old_heap),
                   size_t(p->htop - p->heap),
                   0,
                   p->min_bin_vheap_size,
                   0,
                   p->min_bin_vheap_size};
  Process* s = scratch();
  Term l = NIL;
  for (size_t i = sizeof(vals) / sizeof(vals[0]); i-- > 0;)
    l = make_cons(s, make_tuple(s, {atom_put(keys[i]), make_integer(s, int64_t(vals[i]))}), l);
  const char* tag = major ? (end ? "gc_major_end" : "gc_major_start") : (end ? "gc_minor_end" : "gc_minor_start");
  trace_emit(p, trace_flags_of(p), atom_put(tag), l, NON_VALUE);
  scratch_reset(s);
}

// Gives q the flags and tracer of `from` (under trace_mutex()).
static void inherit(Process* q, uint32_t flags, const Tracer* t) {
  if (!t) return;
  Tracer* copy = new Tracer();
  copy->module = t->module;
  copy->state = t->state;
  if (!is_immed(t->state)) {
    UWord words = copy_size(t->state);
    copy->frag = HeapFragment::create(words);
    Term* hp = copy->frag->mem;
    copy->state = copy_term(t->state, &hp, &copy->frag->off_heap);
    copy->frag->used = words;
  }
  Tracer* old = q->tracer.exchange(copy, std::memory_order_acq_rel);
  if (old) epoch_retire([old] { delete old; });
  q->trace_flags.store(flags, std::memory_order_relaxed);
}

void trace_spawned(Process* parent, Process* child, Term m, Term f, Term args, bool link) {
  uint32_t pf = parent ? trace_flags_of(parent) : 0;
  {
    std::lock_guard<std::mutex> lock(trace_mutex());
    const Tracer* pt = parent ? tracer_of(parent) : nullptr;
    if ((pf & TF_SOFS) && pt) {
      inherit(child, pf & ~TF_SOFS, pt);
      parent->trace_flags.fetch_and(~(TF_SOFS | TF_SOS), std::memory_order_relaxed);
    } else if ((pf & TF_SOS) && pt) {
      inherit(child, pf, pt);
    } else if (link && (pf & TF_SOFL) && pt) {
      inherit(child, pf & ~TF_SOFL, pt);
      parent->trace_flags.fetch_and(~(TF_SOFL | TF_SOL), std::memory_order_relaxed);
    } else if (link && (pf & TF_SOL) && pt) {
      inherit(child, pf, pt);
    } else if (uint32_t nf = g_trace_new_flags.load(std::memory_order_relaxed)) {
      inherit(child, nf, g_new_tracer);
    }
  }
  const TraceAtoms& a = TA();
  if (parent && (pf & TF_PROCS)) {
    Process* s = scratch();
    Term mfa = make_tuple(s, {m, f, args});
    trace_emit(parent, pf, a.spawn, child->id, mfa);
    if (link) trace_emit(parent, pf, a.link, child->id, NON_VALUE);
    scratch_reset(s);
  }
  uint32_t cf = trace_flags_of(child);
  if (cf & TF_PROCS) {
    Process* s = scratch();
    Term mfa = make_tuple(s, {m, f, args});
    trace_emit(child, cf, a.spawned, parent ? parent->id : am::undefined, mfa);
    if (link && parent) trace_emit(child, cf, a.getting_linked, parent->id, NON_VALUE);
    scratch_reset(s);
  }
}

void trace_linked(Process* p, Term other, bool link) {
  uint32_t pf = trace_flags_of(p);
  if (link && (pf & (TF_SOL | TF_SOFL)) && is_local_pid(other)) {
    std::lock_guard<std::mutex> lock(trace_mutex());
    Process* q = process_lookup(other);
    if (q && q->state.load() != ProcState::Exited && tracer_of(p)) {
      if (pf & TF_SOFL) {
        inherit(q, pf & ~TF_SOFL, tracer_of(p));
        p->trace_flags.fetch_and(~(TF_SOFL | TF_SOL), std::memory_order_relaxed);
      } else {
        inherit(q, pf, tracer_of(p));
      }
      if (q->state.load() == ProcState::Exited) trace_clear_process(q);
    }
  }
  if (pf & TF_PROCS) trace_emit(p, pf, link ? TA().link : TA().unlink, other, NON_VALUE);
}

void trace_process_exited(Process* p) {
  if (!p->tracer.load(std::memory_order_acquire) && !trace_flags_of(p)) return;
  std::lock_guard<std::mutex> lock(trace_mutex());
  trace_clear_process(p);
}

// ---------------------------------------------------------------- call tracing

void trace_set_codes(UWord return_trace, UWord exception_trace, UWord return_to, UWord breakpoint,
                     UWord export_tramp) {
  g_codes[0][0] = return_trace;
  g_codes[1][0] = exception_trace;
  g_codes[2][0] = return_to;
  g_breakpoint_handler = breakpoint;
  g_export_handler = export_tramp;
}
const UWord* trace_return_code() { return g_codes[0]; }
const UWord* trace_exception_code() { return g_codes[1]; }
const UWord* trace_return_to_code() { return g_codes[2]; }
UWord trace_breakpoint_handler() { return g_breakpoint_handler; }
UWord trace_export_handler() { return g_export_handler; }
bool is_trace_frame_code(const UWord* ra) { return ra == g_codes[0] || ra == g_codes[1] || ra == g_codes[2]; }

// Words of the trace frame starting with code `c`.
static unsigned frame_words(const UWord* c) { return c == g_codes[2] ? 1 : 4; }

const Term* trace_skip_frames(const Term* s) {
  for (;;) {
    const UWord* ra = reinterpret_cast<const UWord*>(*s);
    if (!is_return_address(*s) || !is_trace_frame_code(ra)) return s;
    s += frame_words(ra);
  }
}

FunctionInfo* function_of_mfa(const Term* mfa) {
  return reinterpret_cast<FunctionInfo*>(reinterpret_cast<char*>(const_cast<Term*>(mfa)) -
                                         offsetof(FunctionInfo, mfa));
}

namespace {

// The call event of a traced function: the match spec, the message.
// Returns the match spec's trace flags (MS_RETURN_TRACE...), or -1 when
// the call is not traced at all.
int call_event(Process* p, const TracePoint* tp, const Term* args, unsigned arity) {
  uint32_t flags = trace_flags_of(p);
  if (!(flags & TF_CALL) || !tracer_of(p)) return -1;
  Process* s = scratch();
  Term arglist = NIL;
  for (unsigned i = arity; i-- > 0;) arglist = make_cons(s, args[i], arglist);
  Term result = am::true_;
  unsigned msf = 0;
  if (tp->ms) {
    // {caller}: the function the call returns to (trace frames skipped).
    const Term* ra = trace_skip_frames(p->stop);
    const Term* cmfa = is_return_address(*ra) ? code_mfa_at(reinterpret_cast<const UWord*>(*ra)) : nullptr;
    g_ms_caller = cmfa ? make_tuple(s, {cmfa[0], cmfa[1], cmfa[2]}) : NON_VALUE;
    result = tp->ms->run(p, arglist, &msf);
    g_ms_caller = NON_VALUE;
    if (result == NON_VALUE) {
      scratch_reset(s);
      return -1;
    }
  }
  if (result != am::false_ && !(flags & TF_SILENT)) {
    Term what = make_tuple(s, {tp->mfa[0], tp->mfa[1], (flags & TF_ARITY) ? tp->mfa[2] : arglist});
    trace_emit(p, flags, TA().call, what, result == am::true_ ? NON_VALUE : result);
  }
  scratch_reset(s);
  return int(msf & (MS_RETURN_TRACE | MS_EXCEPTION_TRACE));
}

// Pushes the frames call_event asked for (and return_to's).
void push_frames(Process* p, const Term* mfa, int msf, bool local, Term* x, unsigned arity) {
  bool want_rt = msf & (MS_RETURN_TRACE | MS_EXCEPTION_TRACE);
  // One return_to frame per chain of tail calls: none if one is already
  // under the return_trace frames at the top.
  const Term* below = p->stop;
  while (reinterpret_cast<const UWord*>(*below) == g_codes[0] || reinterpret_cast<const UWord*>(*below) == g_codes[1])
    below += 4;
  bool want_to = local && (trace_flags_of(p) & TF_RETURN_TO) && reinterpret_cast<const UWord*>(*below) != g_codes[2];
  unsigned need = (want_rt ? 4 : 0) + (want_to ? 1 : 0);
  if (!need) return;
  if (size_t(p->stop - p->htop) < need) gc_collect(p, need, x, arity);
  if (want_to) {
    *--p->stop = reinterpret_cast<Term>(g_codes[2]);
  }
  if (want_rt) {
    p->stop -= 4;
    p->stop[0] = reinterpret_cast<Term>((msf & MS_EXCEPTION_TRACE) ? g_codes[1] : g_codes[0]);
    p->stop[1] = mfa[0];
    p->stop[2] = mfa[1];
    p->stop[3] = mfa[2];
  }
}

}  // namespace

UWord trace_breakpoint(Process* p, const UWord* entry, Term* x) {
  const Term* mfa = reinterpret_cast<const Term*>(entry[-1]);
  FunctionInfo* fi = function_of_mfa(mfa);
  UWord orig = std::atomic_ref<UWord>(fi->saved_entry).load(std::memory_order_acquire);
  const TracePoint* tp = std::atomic_ref<TracePoint*>(fi->tp).load(std::memory_order_acquire);
  if (tp && tp->counting && !tp->count_paused.load(std::memory_order_relaxed))
    tp->count.fetch_add(1, std::memory_order_relaxed);
  if (tp && tp->local) {
    unsigned arity = unsigned(small_val(mfa[2]));
    int msf = call_event(p, tp, x, arity);
    if (msf >= 0) push_frames(p, mfa, msf, true, x, arity);
  }
  return orig;
}

const UWord* trace_export_call(Process* p, const Export* e, Term* x) {
  const UWord* target = e->trace_target.load(std::memory_order_acquire);
  const TracePoint* tp = e->trace.load(std::memory_order_acquire);
  if (tp) {
    int msf = call_event(p, tp, x, e->arity);
    if (msf >= 0) push_frames(p, e->mfa, msf, false, x, e->arity);
  }
  return target;
}

Term trace_bif_call(Process* p, const Export* e, BifFn fn, Term* x, bool tail) {
  const TracePoint* tp = e->bif ? e->trace.load(std::memory_order_acquire) : nullptr;
  int msf = tp ? call_event(p, tp, x, e->arity) : -1;
  const UWord* call_pc = p->i;
  Term r = fn(p, x);
  if (msf > 0 && !(trace_flags_of(p) & TF_SILENT)) {
    Process* s = scratch();
    Term what = make_tuple(s, {e->mfa[0], e->mfa[1], e->mfa[2]});
    if (r == NON_VALUE) {
      if (msf & MS_EXCEPTION_TRACE) {
        Term reason = p->exc_reason;
        Term v = make_tuple(s, {exc_class_atom(p->exc_class), reason});
        trace_emit(p, trace_flags_of(p), TA().exception_from, what, v);
      }
    } else if (!is_catch(r)) {
      trace_emit(p, trace_flags_of(p), TA().return_from, what, r);
    }
    scratch_reset(s);
  }
  uint32_t flags = trace_flags_of(p);
  if (msf >= 0 && tp->local && r != NON_VALUE && !is_catch(r) && (flags & TF_CALL) && (flags & TF_RETURN_TO) &&
      !(flags & TF_SILENT)) {
    // return_to: where the BIF returns (a trace frame there reports itself).
    const UWord* to = nullptr;
    if (!tail) {
      to = call_pc;
    } else if (is_return_address(p->stop[0]) && !is_trace_frame_code(reinterpret_cast<const UWord*>(p->stop[0]))) {
      to = reinterpret_cast<const UWord*>(p->stop[0]);
    }
    const Term* mfa = to ? code_mfa_at(to) : nullptr;
    if (mfa) {
      Process* s = scratch();
      trace_emit(p, flags, TA().return_to, make_tuple(s, {mfa[0], mfa[1], mfa[2]}), NON_VALUE);
    }
  }
  return r;
}

unsigned trace_frame_return(Process* p, const UWord* which, Term value) {
  uint32_t flags = trace_flags_of(p);
  Process* s = scratch();
  if (which == g_codes[2]) {
    if ((flags & TF_CALL) && (flags & TF_RETURN_TO) && !(flags & TF_SILENT)) {
      const Term* ra = trace_skip_frames(p->stop + 1);
      const Term* mfa = is_return_address(*ra) ? code_mfa_at(reinterpret_cast<const UWord*>(*ra)) : nullptr;
      Term what = mfa ? make_tuple(s, {mfa[0], mfa[1], mfa[2]}) : make_small(0);
      if (!mfa || reinterpret_cast<const UWord*>(*ra) != normal_exit_code())
        trace_emit(p, flags, TA().return_to, what, NON_VALUE);
    }
    scratch_reset(s);
    return 1;
  }
  if ((flags & TF_CALL) && !(flags & TF_SILENT)) {
    Term what = make_tuple(s, {p->stop[1], p->stop[2], p->stop[3]});
    trace_emit(p, flags, TA().return_from, what, value);
  }
  scratch_reset(s);
  return 4;
}

void trace_frame_exception(Process* p, const Term* frame) {
  const UWord* which = reinterpret_cast<const UWord*>(frame[0]);
  if (which != g_codes[1]) return;
  uint32_t flags = trace_flags_of(p);
  if (!(flags & TF_CALL) || (flags & TF_SILENT)) return;
  Process* s = scratch();
  Term what = make_tuple(s, {frame[1], frame[2], frame[3]});
  Term v = make_tuple(s, {exc_class_atom(p->exc_class), p->exc_reason});
  trace_emit(p, flags, TA().exception_from, what, v);
  scratch_reset(s);
}

}  // namespace bvm

namespace bvm {

void trace_return_to_handler(Process* p, const UWord* handler) {
  uint32_t flags = trace_flags_of(p);
  if (!(flags & TF_CALL) || !(flags & TF_RETURN_TO) || (flags & TF_SILENT)) return;
  const Term* mfa = code_mfa_at(handler);
  if (!mfa) return;
  Process* s = scratch();
  trace_emit(p, flags, TA().return_to, make_tuple(s, {mfa[0], mfa[1], mfa[2]}), NON_VALUE);
  scratch_reset(s);
}

}  // namespace bvm
