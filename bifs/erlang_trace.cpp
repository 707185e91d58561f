// Tracing BIFs: erts_internal:trace/3 and trace_pattern/3 (behind
// erlang:trace/3 and trace_pattern/2,3), erlang:trace_info/2 and
// trace_delivered/1. The machinery is in vm/trace.cpp.
#include <algorithm>
#include <vector>

#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "vm/atom_table.h"
#include "vm/code_table.h"
#include "vm/copy.h"
#include "vm/epoch.h"
#include "vm/match_spec.h"
#include "vm/signals.h"
#include "vm/trace_internal.h"
#include "vm/vm.h"

namespace bvm {

namespace {

struct FlagName {
  const char* name;
  uint32_t bit;
};
// In the order trace_info lists them.
const FlagName kFlags[] = {
    {"running_procs", TF_RUNNING_PROCS},
    {"running_ports", TF_RUNNING_PORTS},
    {"ports", TF_PORTS},
    {"scheduler_id", TF_SCHED_ID},
    {"silent", TF_SILENT},
    {"return_to", TF_RETURN_TO},
    {"arity", TF_ARITY},
    {"garbage_collection", TF_GC},
    {"exiting", TF_EXITING},
    {"running", TF_RUNNING},
    {"set_on_first_link", TF_SOFL},
    {"set_on_link", TF_SOL},
    {"set_on_first_spawn", TF_SOFS},
    {"procs", TF_PROCS},
    {"call", TF_CALL},
    {"set_on_spawn", TF_SOS},
    {"receive", TF_RECEIVE},
    {"send", TF_SEND},
    {"monotonic_timestamp", TF_MONO_TS},
    {"strict_monotonic_timestamp", TF_STRICT_MONO_TS},
    {"cpu_timestamp", TF_CPU_TS},
    {"timestamp", TF_TIMESTAMP},
};
constexpr uint32_t TF_ALL = ~uint32_t(0) & ~TF_CPU_TS & ((TF_SCHED_ID << 1) - 1);

bool flag_bit(Term a, uint32_t* bit) {
  if (!is_atom(a)) return false;
  std::string_view s = atom_text(a);
  if (s == "all") {
    *bit = TF_ALL;
    return true;
  }
  for (const FlagName& f : kFlags) {
    if (s == f.name) {
      *bit = f.bit;
      return true;
    }
  }
  return false;
}

Term flags_list(Process* p, uint32_t flags) {
  Term l = NIL;
  for (size_t i = sizeof(kFlags) / sizeof(kFlags[0]); i-- > 0;)
    if (flags & kFlags[i].bit) l = make_cons(p, atom_put(kFlags[i].name), l);
  return l;
}

Tracer* new_tracer(Term module, Term state) {
  Tracer* t = new Tracer();
  t->module = module;
  t->state = state;
  if (!is_immed(state)) {
    UWord words = copy_size(state);
    t->frag = HeapFragment::create(words);
    Term* hp = t->frag->mem;
    t->state = copy_term(state, &hp, &t->frag->off_heap);
    t->frag->used = words;
  }
  return t;
}

bool same_tracer(const Tracer* a, Term module, Term state) {
  return a && a->module == module && (a->state == state || (is_immed(a->state) && a->state == state));
}

// Under trace_mutex(): changes q's flags (and tracer).
void set_process_flags(Process* q, bool on, uint32_t bits, Term module, Term state) {
  uint32_t old = trace_flags_of(q);
  if (on) {
    if (!same_tracer(q->tracer.load(std::memory_order_acquire), module, state)) {
      Tracer* t = new_tracer(module, state);
      Tracer* prev = q->tracer.exchange(t, std::memory_order_acq_rel);
      if (prev) epoch_retire([prev] { delete prev; });
    }
    q->trace_flags.store(old | bits, std::memory_order_relaxed);
  } else {
    uint32_t now = old & ~bits;
    if (now == 0) {
      trace_clear_process(q);
    } else {
      q->trace_flags.store(now, std::memory_order_relaxed);
    }
  }
  if (q->state.load(std::memory_order_acquire) == ProcState::Exited) trace_clear_process(q);
}

Term a_erl_tracer() {
  static const Term a = atom_put("erl_tracer");
  return a;
}

}  // namespace

BIF_FN(erts_internal_trace_3) {
  Term spec = args[0], how = args[1], list = args[2];
  bool on;
  if (how == am::true_) on = true;
  else if (how == am::false_) on = false;
  else return raise_badarg(p);
  uint32_t bits = 0;
  Term module = NON_VALUE, state = NON_VALUE;
  static const Term a_tracer = atom_put("tracer");
  Term l = list;
  for (; is_list(l); l = cdr(l)) {
    Term f = car(l);
    uint32_t b;
    if (flag_bit(f, &b)) {
      bits |= b;
    } else if (is_tuple(f) && tuple_arity(f) == 2 && tuple_elem(f, 1) == a_tracer) {
      Term t = tuple_elem(f, 2);
      if (!is_local_pid(t) && !is_local_port(t)) return raise_badarg(p);
      module = a_erl_tracer();
      state = t;
    } else if (is_tuple(f) && tuple_arity(f) == 3 && tuple_elem(f, 1) == a_tracer && is_atom(tuple_elem(f, 2))) {
      module = tuple_elem(f, 2);
      state = tuple_elem(f, 3);
      if (module == a_erl_tracer() && !is_local_pid(state) && !is_local_port(state)) return raise_badarg(p);
    } else {
      return raise_badarg(p);
    }
  }
  if (!is_nil(l)) return raise_badarg(p);
  if (module == NON_VALUE) {
    module = a_erl_tracer();
    state = p->id;
  }

  static const Term a_all = atom_put("all"), a_processes = atom_put("processes"), a_existing = atom_put("existing"),
                    a_existing_processes = atom_put("existing_processes"), a_new = atom_put("new"),
                    a_new_processes = atom_put("new_processes"), a_ports = atom_put("ports"),
                    a_existing_ports = atom_put("existing_ports"), a_new_ports = atom_put("new_ports");
  std::lock_guard<std::mutex> lock(trace_mutex());
  if (is_local_pid(spec)) {
    Process* q = process_lookup(spec);
    if (!q || q->state.load() == ProcState::Exited) return raise_badarg(p);
    set_process_flags(q, on, bits, module, state);
    return make_small(1);
  }
  if (is_local_port(spec)) return make_small(1);  // no port events here
  if (!is_atom(spec)) return raise_badarg(p);
  bool existing = spec == a_all || spec == a_processes || spec == a_existing || spec == a_existing_processes;
  bool fresh = spec == a_all || spec == a_processes || spec == a_new || spec == a_new_processes;
  if (!existing && !fresh) {
    if (spec == a_ports || spec == a_existing_ports || spec == a_new_ports) return make_small(0);
    return raise_badarg(p);
  }
  int64_t n = 0;
  if (existing) {
    for (Term pid : process_pids()) {
      Process* q = process_lookup(pid);
      if (!q || q->state.load() == ProcState::Exited) continue;
      if (on && pid == state) continue;  // a tracer does not trace itself
      set_process_flags(q, on, bits, module, state);
      n++;
    }
  }
  if (fresh) {
    uint32_t old = g_trace_new_flags.load();
    uint32_t now = on ? old | bits : old & ~bits;
    if (on && !same_tracer(g_new_tracer, module, state)) {
      Tracer* prev = g_new_tracer;
      g_new_tracer = new_tracer(module, state);
      if (prev) epoch_retire([prev] { delete prev; });
    }
    if (now == 0 && g_new_tracer) {
      Tracer* prev = g_new_tracer;
      g_new_tracer = nullptr;
      epoch_retire([prev] { delete prev; });
    }
    g_trace_new_flags.store(g_new_tracer ? now : 0);
  }
  return make_integer(p, n);
}

// ---------------------------------------------------------------- trace_info

static Term tracer_term(Process* p, const Tracer* t) {
  if (!t) return NIL;
  if (t->module == a_erl_tracer()) return t->state;
  return make_tuple(p, {t->module, t->state});
}

namespace {

// The function (loaded, current version) of M:F/A, or nullptr.
FunctionInfo* function_of(Term m, Term f, Term a) {
  Module* mod = module_get(m);
  ModuleVersion* v = mod ? mod->current.load(std::memory_order_acquire) : nullptr;
  if (!v) return nullptr;
  for (FunctionInfo& fi : v->functions)
    if (fi.mfa[1] == f && fi.mfa[2] == a) return &fi;
  return nullptr;
}

Term ms_term(Process* p, const TracePoint* tp) {
  if (!tp->ms) return NIL;
  Term* hp = p->halloc(copy_size(tp->ms_source));
  return copy_term(tp->ms_source, &hp, &p->off_heap);
}

}  // namespace

BIF_FN(erlang_trace_info_2) {
  Term what = args[0], item = args[1];
  static const Term a_flags = atom_put("flags"), a_tracer = atom_put("tracer"), a_traced = atom_put("traced"),
                    a_match_spec = atom_put("match_spec"), a_meta = atom_put("meta"),
                    a_meta_match_spec = atom_put("meta_match_spec"), a_call_count = atom_put("call_count"),
                    a_call_time = atom_put("call_time"), a_all = atom_put("all"), a_local = atom_put("local"),
                    a_global = atom_put("global"), a_new = atom_put("new"), a_new_processes = atom_put("new_processes"),
                    a_on_load = atom_put("on_load"), a_send = atom_put("send"), a_receive = atom_put("receive");
  if (is_local_pid(what) || what == a_new || what == a_new_processes) {
    if (item != a_flags && item != a_tracer) return raise_badarg(p);
    std::lock_guard<std::mutex> lock(trace_mutex());
    uint32_t flags;
    const Tracer* t;
    if (is_local_pid(what)) {
      Process* q = process_lookup(what);
      if (!q || q->state.load() == ProcState::Exited) return am::undefined;
      flags = trace_flags_of(q);
      t = q->tracer.load();
    } else {
      flags = g_trace_new_flags.load();
      t = g_new_tracer;
    }
    if (item == a_flags) return make_tuple(p, {a_flags, flags_list(p, flags)});
    return make_tuple(p, {a_tracer, tracer_term(p, t)});
  }
  if (is_local_port(what)) {
    if (item == a_flags) return make_tuple(p, {item, NIL});
    if (item == a_tracer) return make_tuple(p, {item, NIL});
    return raise_badarg(p);
  }
  if (what == a_on_load || what == a_send || what == a_receive) {
    if (what != a_on_load && item == a_match_spec) return make_tuple(p, {item, am::true_});
    return make_tuple(p, {item, am::false_});
  }
  if (!is_tuple(what) || tuple_arity(what) != 3 || !is_atom(tuple_elem(what, 1)) || !is_atom(tuple_elem(what, 2)) ||
      !is_small(tuple_elem(what, 3)))
    return raise_badarg(p);
  if (item != a_traced && item != a_match_spec && item != a_meta && item != a_meta_match_spec &&
      item != a_call_count && item != a_call_time && item != a_all)
    return raise_badarg(p);
  std::lock_guard<std::mutex> code_lock(code_mutex());
  std::lock_guard<std::mutex> lock(trace_mutex());
  Term m = tuple_elem(what, 1), f = tuple_elem(what, 2), a = tuple_elem(what, 3);
  const TracePoint* tp = nullptr;   // call tracing
  const TracePoint* ctp = nullptr;  // call_count
  Term kind = am::false_;
  Export* e = export_get(m, f, uint32_t(small_val(a)));
  FunctionInfo* fi = function_of(m, f, a);
  const TracePoint* ftp = fi ? std::atomic_ref<TracePoint*>(fi->tp).load() : nullptr;
  if (ftp && ftp->counting) ctp = ftp;
  if (e && e->bif && e->trace.load()) {
    tp = e->trace.load();
    kind = tp->local ? a_local : a_global;
  } else if (ftp && ftp->local) {
    tp = ftp;
    kind = a_local;
  } else if (e && !e->bif && e->trace.load()) {
    tp = e->trace.load();
    kind = a_global;
  }
  if (!fi && !(e && e->bif)) return make_tuple(p, {item, am::undefined});  // no such function
  Term ms = tp ? ms_term(p, tp) : am::false_;
  Term count = ctp ? make_integer(p, ctp->count.load()) : am::false_;
  if (item == a_traced) return make_tuple(p, {item, kind});
  if (item == a_match_spec) return make_tuple(p, {item, ms});
  if (item == a_call_count) return make_tuple(p, {item, count});
  if (item == a_meta || item == a_meta_match_spec || item == a_call_time) return make_tuple(p, {item, am::false_});
  if (!tp && !ctp) return make_tuple(p, {item, am::false_});
  Term l = NIL;
  Term items[6][2] = {{a_traced, kind},           {a_match_spec, ms},       {a_meta, am::false_},
                      {a_meta_match_spec, am::false_}, {a_call_time, am::false_}, {a_call_count, count}};
  for (int i = 5; i >= 0; i--) l = make_cons(p, make_tuple(p, {items[i][0], items[i][1]}), l);
  return make_tuple(p, {item, l});
}

BIF_FN(erlang_trace_delivered_1) {
  static const Term a_all = atom_put("all"), a_trace_delivered = atom_put("trace_delivered");
  Term t = args[0];
  if (!is_local_pid(t) && t != a_all) return raise_badarg(p);
  // Trace messages are in their tracer's queue as soon as they are made.
  Term ref = make_ref_term(p, new_ref_numbers());
  send_message(p, p->id, make_tuple(p, {a_trace_delivered, t, ref}));
  return ref;
}

// ---------------------------------------------------------------- trace_pattern

namespace {

void retire_tp(TracePoint* tp) {
  if (tp) epoch_retire([tp] { delete tp; });
}

TracePoint* make_tp(const Term* mfa, bool local, Term ms_source) {
  TracePoint* tp = new TracePoint();
  tp->mfa[0] = mfa[0];
  tp->mfa[1] = mfa[1];
  tp->mfa[2] = mfa[2];
  tp->local = local;
  if (is_list(ms_source)) {
    UWord words = copy_size(ms_source);
    tp->frag = HeapFragment::create(words);
    Term* hp = tp->frag->mem;
    tp->ms_source = copy_term(ms_source, &hp, &tp->frag->off_heap);
    tp->frag->used = words;
    tp->ms = MatchSpec::compile(tp->ms_source, MsDialect::Trace).release();
  }
  return tp;
}

// A new trace point for fi with call tracing as given (local: on with
// `source`, else off) and call_count as the old one had it.
TracePoint* with_trace(const TracePoint* old, const Term* mfa, bool local, Term source) {
  TracePoint* tp = make_tp(mfa, local, local ? source : am::true_);
  if (old && old->counting) {
    tp->counting = true;
    tp->count_paused.store(old->count_paused.load());
    tp->count.store(old->count.load());
  }
  return tp;
}

// ...and one with the old call tracing and call_count as given.
TracePoint* with_count(const TracePoint* old, const Term* mfa, bool counting) {
  bool local = old && old->local;
  TracePoint* tp = make_tp(mfa, local, local && old->ms ? old->ms_source : am::true_);
  tp->counting = counting;
  return tp;
}

void set_local(FunctionInfo* fi, TracePoint* tp) {
  UWord* entry = const_cast<UWord*>(fi->start) + 2;
  std::atomic_ref<UWord> saved(fi->saved_entry);
  if (tp) {
    if (!saved.load()) saved.store(std::atomic_ref<UWord>(*entry).load(std::memory_order_relaxed));
    retire_tp(std::atomic_ref<TracePoint*>(fi->tp).exchange(tp));
    std::atomic_ref<UWord>(*entry).store(trace_breakpoint_handler(), std::memory_order_release);
  } else {
    if (saved.load()) std::atomic_ref<UWord>(*entry).store(saved.load(), std::memory_order_release);
    retire_tp(std::atomic_ref<TracePoint*>(fi->tp).exchange(nullptr));
  }
}

void set_global(Export* e, TracePoint* tp) {
  if (tp) {
    const UWord* cur = e->address.load();
    if (cur != e->trace_stub) {
      e->trace_stub[0] = trace_export_handler();
      e->trace_stub[1] = reinterpret_cast<UWord>(e);
      e->trace_target.store(cur);
    }
    retire_tp(e->trace.exchange(tp));
    e->address.store(e->trace_stub);
  } else {
    if (e->address.load() == e->trace_stub) e->address.store(e->trace_target.load());
    retire_tp(e->trace.exchange(nullptr));
  }
}

}  // namespace

BIF_FN(erts_internal_trace_pattern_3) {
  Term mfa = args[0], ms = args[1], flist = args[2];
  static const Term a_global = atom_put("global"), a_local = atom_put("local"), a_meta = atom_put("meta"),
                    a_call_count = atom_put("call_count"), a_call_time = atom_put("call_time"),
                    a_restart = atom_put("restart"), a_pause = atom_put("pause"), a_on_load = atom_put("on_load"),
                    a_send = atom_put("send"), a_receive = atom_put("receive"), a_any = atom_put("_"),
                    a_apply = atom_put("apply");
  bool local = false, global = false, other = false, call_count = false, unsupported = false;
  Term l = flist;
  for (; is_list(l); l = cdr(l)) {
    Term f = car(l);
    if (f == a_global) global = true;
    else if (f == a_local) local = true;
    else if (f == a_call_count) call_count = true;
    else if (f == a_meta || f == a_call_time) other = unsupported = true;
    else if (is_tuple(f) && tuple_arity(f) >= 2 && tuple_elem(f, 1) == a_meta) other = unsupported = true;
    else return raise_badarg(p);
  }
  if (call_count && !local) other = true;
  if (!is_nil(l) || (global && (local || other))) return raise_badarg(p);
  if (!local && !other) global = true;
  bool on;
  if (ms == am::true_ || ms == NIL || ms == a_restart || ms == a_pause) on = true;
  else if (ms == am::false_) on = false;
  else if (is_list(ms)) {
    on = true;
    std::unique_ptr<MatchSpec> c = MatchSpec::compile(ms, MsDialect::Trace);
    if (!c) {
      p->exc_error_info = atom_put("match_spec");
      return raise_badarg(p);
    }
  } else {
    return raise_badarg(p);
  }
  // Not implemented, so refused rather than silently ignored: meta
  // tracing, call_time, and match specifications on send and receive.
  if (unsupported && on) return raise_error(p, am::notsup);
  if ((mfa == a_send || mfa == a_receive) && is_list(ms) && ms != NIL) return raise_error(p, am::notsup);
  if (mfa == a_send || mfa == a_receive || mfa == a_on_load) return make_small(mfa == a_on_load ? 0 : 1);
  if (!is_tuple(mfa) || tuple_arity(mfa) != 3) return raise_badarg(p);
  Term m = tuple_elem(mfa, 1), f = tuple_elem(mfa, 2), a = tuple_elem(mfa, 3);
  if (!is_atom(m) || !is_atom(f) || !(a == a_any || (is_small(a) && small_val(a) >= 0))) return raise_badarg(p);
  if ((m == a_any && (f != a_any || a != a_any)) || (f == a_any && a != a_any)) return raise_badarg(p);
  Term source = (is_list(ms) && ms != NIL) ? ms : am::true_;
  int64_t n = 0;
  std::lock_guard<std::mutex> code_lock(code_mutex());
  std::lock_guard<std::mutex> lock(trace_mutex());
  for (Module* mod : loaded_modules()) {
    if (m != a_any && mod->name != m) continue;
    ModuleVersion* v = mod->current.load(std::memory_order_acquire);
    if (!v) continue;
    for (FunctionInfo& fi : v->functions) {
      if (f != a_any && fi.mfa[1] != f) continue;
      if (a != a_any && fi.mfa[2] != a) continue;
      Export* e = export_get(fi.mfa[0], fi.mfa[1], uint32_t(small_val(fi.mfa[2])));
      if (e && e->bif) {  // a BIF: traced where it is called (call_bif)
        n++;
        if (other && !local) continue;
        // apply/2,3 are calls rather than functions of their own: the
        // function they call is what gets traced.
        if (fi.mfa[0] == am::erlang && fi.mfa[1] == a_apply) continue;
        retire_tp(e->trace.exchange(on ? make_tp(fi.mfa, local, source) : nullptr));
        continue;
      }
      bool exported = e && std::find(v->exports.begin(), v->exports.end(), e) != v->exports.end();
      if (local || other) {
        n++;
        if (fi.end - fi.start <= 2) continue;
        const TracePoint* old = std::atomic_ref<TracePoint*>(fi.tp).load();
        if (call_count) {
          if (ms == a_pause || ms == a_restart) {
            if (old && old->counting) {
              if (ms == a_restart) old->count.store(0);
              old->count_paused.store(ms == a_pause);
            }
          } else if (on) {
            set_local(&fi, with_count(old, fi.mfa, true));
          } else if (old && old->counting) {
            set_local(&fi, old->local ? with_count(old, fi.mfa, false) : nullptr);
          }
        }
        if (!local) continue;
        if (on && exported && e->trace.load()) set_global(e, nullptr);
        old = std::atomic_ref<TracePoint*>(fi.tp).load();
        if (on) set_local(&fi, with_trace(old, fi.mfa, true, source));
        else if (old && old->counting) set_local(&fi, with_trace(old, fi.mfa, false, source));
        else set_local(&fi, nullptr);
      } else {
        if (on) {  // global tracing replaces local tracing, exported or not
          const TracePoint* old = std::atomic_ref<TracePoint*>(fi.tp).load();
          if (old && old->local) set_local(&fi, old->counting ? with_trace(old, fi.mfa, false, source) : nullptr);
        }
        if (!exported) continue;
        n++;
        if (on) {
          set_global(e, make_tp(fi.mfa, false, source));
        } else {
          set_global(e, nullptr);
        }
      }
    }
  }
  return make_integer(p, n);
}

}  // namespace bvm
