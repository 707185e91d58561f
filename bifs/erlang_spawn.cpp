// erlang: spawning with options, process flags, names, group leaders,
// hibernation, garbage collection requests and liveness checks.
#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "vm/atom_table.h"
#include "vm/code_purge.h"
#include "vm/copy.h"
#include "vm/map.h"
#include "vm/registry.h"
#include "vm/messages.h"
#include "vm/scheduler.h"
#include "vm/signals.h"
#include "vm/trace.h"
#include "vm/vm.h"

namespace bvm {

namespace {

bool priority_of(Term t, uint8_t* out) {
  if (t == am::low) *out = PRIO_LOW;
  else if (t == am::normal) *out = PRIO_NORMAL;
  else if (t == am::high) *out = PRIO_HIGH;
  else if (t == am::max) *out = PRIO_MAX;
  else return false;
  return true;
}

Term priority_atom(uint8_t prio) {
  static const Term names[] = {am::max, am::high, am::normal, am::low};
  return names[prio];
}

bool non_neg(Term t, size_t* out) {
  int64_t v;
  if (!term_to_int64(t, &v) || v < 0) return false;
  *out = size_t(v);
  return true;
}

// The reference rounds heap sizes up to its size sequence, with minimums.
size_t normal_min_heap(size_t words) { return next_heap_size(words < 233 ? 233 : words); }
size_t normal_min_vheap(size_t words) { return next_heap_size(words < 46422 ? 46422 : words); }

}  // namespace

// max_heap_size: a size, or #{size => N, kill => B, error_logger => B}.
bool parse_max_heap(Term t, size_t* size, bool* kill, bool* log) {
  if (is_small(t)) return non_neg(t, size);
  if (!is_map(t)) return false;
  std::vector<std::pair<Term, Term>> pairs;
  map_pairs(t, pairs);
  bool has_size = false;
  for (auto [k, v] : pairs) has_size |= k == am::size;
  if (!has_size) return false;  // a map must give the size
  for (auto [k, v] : pairs) {
    if (k == am::size) {
      if (!non_neg(v, size)) return false;
    } else if (k == am::kill && (v == am::true_ || v == am::false_)) {
      *kill = v == am::true_;
    } else if (k == am::error_logger && (v == am::true_ || v == am::false_)) {
      *log = v == am::true_;
    } else {
      return false;
    }
  }
  return true;
}

Term max_heap_map(Process* p, size_t size, bool kill, bool log) {
  Term keys[] = {am::error_logger, am::kill, am::size};
  Term vals[] = {log ? am::true_ : am::false_, kill ? am::true_ : am::false_, make_integer(p, int64_t(size))};
  return map_from_pairs(p->halloc(flatmap_words(3)), keys, vals, 3);
}

namespace {

// Monitor options of {monitor, Opts}: [{tag, T}, {alias, Mode}].
bool parse_monitor_opts(Term opts, SpawnOpts* o) {
  if (list_length(opts) < 0) return false;
  for (Term l = opts; is_list(l); l = cdr(l)) {
    Term e = car(l);
    if (!is_tuple(e) || tuple_arity(e) != 2) return false;
    Term k = tuple_elem(e, 1), v = tuple_elem(e, 2);
    if (k == am::tag) {
      o->monitor_tag = v;
    } else if (k == am::alias) {
      if (v == am::explicit_unalias) o->alias_mode = AliasMode::Explicit;
      else if (v == am::demonitor) o->alias_mode = AliasMode::Demonitor;
      else if (v == am::reply_demonitor) o->alias_mode = AliasMode::ReplyDemonitor;
      else return false;
      o->monitor_alias = true;
    } else {
      return false;
    }
  }
  return true;
}

bool parse_spawn_opts(Term list, SpawnOpts* o) {
  if (list_length(list) < 0) return false;
  for (Term l = list; is_list(l); l = cdr(l)) {
    Term e = car(l);
    if (e == am::link) {
      o->link = true;
    } else if (e == am::monitor) {
      o->monitor = true;
    } else if (is_tuple(e) && tuple_arity(e) == 2) {
      Term k = tuple_elem(e, 1), v = tuple_elem(e, 2);
      size_t n;
      if (k == am::monitor) {
        o->monitor = true;
        if (!parse_monitor_opts(v, o)) return false;
      } else if (k == am::priority) {
        if (!priority_of(v, &o->prio)) return false;
      } else if (k == am::min_heap_size) {
        if (!non_neg(v, &n)) return false;
        o->min_heap_size = normal_min_heap(n);
      } else if (k == am::min_bin_vheap_size) {
        if (!non_neg(v, &n)) return false;
        o->min_bin_vheap_size = normal_min_vheap(n);
      } else if (k == am::fullsweep_after) {
        if (!non_neg(v, &n)) return false;
        o->fullsweep_after = n > 65535 ? 65535 : uint32_t(n);
      } else if (k == am::max_heap_size) {
        if (!parse_max_heap(v, &o->max_heap_size, &o->max_heap_kill, &o->max_heap_error_logger)) return false;
      } else if (k == am::message_queue_data) {
        if (v != am::on_heap && v != am::off_heap) return false;
        o->off_heap_msgq = v == am::off_heap;
      } else if (k == atom_put("scheduler")) {
        // {scheduler, N}: accepted for 0..schedulers; processes are not
        // bound to a scheduler here (work stealing moves them anyway).
        if (!is_small(v) || small_val(v) < 0 || small_val(v) > SWord(scheduler_count())) return false;
      } else {
        return false;
      }
    } else {
      return false;
    }
  }
  return true;
}

Term spawn_common(Process* p, Term* args, const SpawnOpts& o) {
  if (!is_atom(args[0]) || !is_atom(args[1]) || list_length(args[2]) < 0) return raise_badarg(p);
  Term ref = NON_VALUE;
  Process* child = process_spawn(p, args[0], args[1], args[2], o, &ref);
  if (!child) return raise_system_limit(p);
  if (o.monitor) return make_tuple(p, {child->id, ref});
  return child->id;
}

}  // namespace

BIF_FN(erlang_spawn_3) { return spawn_common(p, args, SpawnOpts{}); }

// A process of the runtime system itself (erts_code_purger, ...):
// init's shutdown leaves it alive (erts_internal:is_system_process/1).
BIF_FN(erts_internal_spawn_system_process_3) {
  SpawnOpts o;
  o.system_process = true;
  return spawn_common(p, args, o);
}

BIF_FN(erlang_spawn_link_3) {
  SpawnOpts o;
  o.link = true;
  return spawn_common(p, args, o);
}

BIF_FN(erlang_spawn_opt_4) {
  SpawnOpts o;
  if (!parse_spawn_opts(args[3], &o)) return raise_badarg(p);
  return spawn_common(p, args, o);
}

// The option set of process_flag(monitor_nodes | {monitor_nodes, Opts}, _)
// as a small key: 0x80 for the plain flag, else bit 0 connection_id, bit 1
// nodedown_reason, bit 2 list, bits 3-4 node_type (visible, hidden, all).
static bool node_monitor_key(Term flag, uint8_t* key) {
  if (is_atom(flag)) {
    *key = 0x80;
    return true;
  }
  Term opts = tuple_elem(flag, 2);
  if (!is_map(opts)) return false;
  std::vector<std::pair<Term, Term>> pairs;
  map_pairs(opts, pairs);
  uint8_t k = 0;
  for (auto& [o, v] : pairs) {
    bool b = v == am::true_ || v == am::false_;
    if (o == atom_put("connection_id") && b) {
      if (v == am::true_) k |= 1;
    } else if (o == atom_put("nodedown_reason") && b) {
      if (v == am::true_) k |= 2;
    } else if (o == atom_put("list") && b) {
      if (v == am::true_) k |= 4;
    } else if (o == atom_put("node_type") && v == atom_put("visible")) {
      k |= 1 << 3;
    } else if (o == atom_put("node_type") && v == atom_put("hidden")) {
      k |= 2 << 3;
    } else if (o == atom_put("node_type") && v == atom_put("all")) {
      k |= 3 << 3;
    } else {
      return false;
    }
  }
  *key = k;
  return true;
}

// Adds one subscription (on) or drops all of them (off); returns the count
// before.
static uint32_t node_monitor_update(Process* p, uint8_t key, bool on) {
  auto& v = p->extra().node_monitors;
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (it->first != key) continue;
    uint32_t before = it->second;
    if (on) it->second++;
    else v.erase(it);
    return before;
  }
  if (on) v.emplace_back(key, 1);
  return 0;
}

BIF_FN(erlang_process_flag_2) {
  Term flag = args[0], value = args[1];
  auto boolean = [](Term v) { return v == am::true_ || v == am::false_; };
  if (flag == am::trap_exit) {
    if (!boolean(value)) return raise_badarg(p);
    Term old = (p->flags & PF_TRAP_EXIT) ? am::true_ : am::false_;
    if (value == am::true_) p->flags |= PF_TRAP_EXIT;
    else p->flags &= ~PF_TRAP_EXIT;
    return old;
  }
  if (flag == atom_put("scheduler")) {
    // Binding to a scheduler is accepted and not acted on (see spawn_opt).
    if (!is_small(value) || small_val(value) < 0 || small_val(value) > SWord(scheduler_count())) return raise_badarg(p);
    return make_small(0);
  }
  if (flag == am::priority) {
    uint8_t prio;
    if (!priority_of(value, &prio)) return raise_badarg(p);
    Term old = priority_atom(p->prio.load(std::memory_order_relaxed));
    p->prio.store(prio, std::memory_order_relaxed);
    return old;
  }
  size_t n;
  if (flag == am::min_heap_size) {
    if (!non_neg(value, &n)) return raise_badarg(p);
    Term old = make_integer(p, int64_t(p->min_heap_size));
    p->min_heap_size = normal_min_heap(n);
    return old;
  }
  if (flag == am::min_bin_vheap_size) {
    if (!non_neg(value, &n)) return raise_badarg(p);
    Term old = make_integer(p, int64_t(p->min_bin_vheap_size));
    p->min_bin_vheap_size = normal_min_vheap(n);
    return old;
  }
  if (flag == am::fullsweep_after) {
    if (!non_neg(value, &n)) return raise_badarg(p);
    Term old = make_integer(p, p->max_gen_gcs);
    p->max_gen_gcs = n > 65535 ? 65535 : uint32_t(n);
    return old;
  }
  if (flag == am::max_heap_size) {
    size_t size = p->max_heap_size;
    bool kill = p->max_heap_kill, log = p->max_heap_error_logger;
    if (is_map(value)) size = 0;
    if (!parse_max_heap(value, &size, &kill, &log) || (size && size < p->heap_sz)) return raise_badarg(p);
    Term old = max_heap_map(p, p->max_heap_size, p->max_heap_kill, p->max_heap_error_logger);
    p->max_heap_size = size;
    p->max_heap_kill = kill;
    p->max_heap_error_logger = log;
    return old;
  }
  if (flag == am::message_queue_data) {
    if (value != am::on_heap && value != am::off_heap) return raise_badarg(p);
    Term old = p->off_heap_msgq ? am::off_heap : am::on_heap;
    p->off_heap_msgq = value == am::off_heap;
    return old;
  }
  if (flag == atom_put("monitor_nodes") || (is_tuple(flag) && tuple_arity(flag) == 2 &&
                                            tuple_elem(flag, 1) == atom_put("monitor_nodes"))) {
    uint8_t key;
    if (!boolean(value) || !node_monitor_key(flag, &key)) return raise_badarg(p);
    return make_small(SWord(node_monitor_update(p, key, value == am::true_)));
  }
  if (flag == am::sensitive) {
    if (!boolean(value)) return raise_badarg(p);
    Term old = p->sensitive ? am::true_ : am::false_;
    p->sensitive = value == am::true_;
    return old;
  }
  if (flag == atom_put("save_calls")) {
    // Accepted (0..10000) but calls are not recorded: last_calls is false.
    if (!is_small(value) || small_val(value) < 0 || small_val(value) > 10000)
      return raise_error_cause(p, am::badarg, atom_put("none"));
    return make_small(0);
  }
  if (flag == atom_put("error_handler")) {
    // Only the standard error handler is supported.
    if (!is_atom(value)) return raise_badarg(p);
    if (value != atom_put("error_handler")) return raise_error(p, am::notsup);
    return value;
  }
  return raise_error_cause(p, am::badarg, atom_put("badopt"));
}

// process_flag(Pid, save_calls, N) through erlang.erl: badtype for a pid
// that is no live local process, badarg for anything else that is wrong.
BIF_FN(erts_internal_process_flag_3) {
  Term pid = args[0], flag = args[1], value = args[2];
  if (!is_local_pid(pid)) return atom_put("badtype");
  if (flag != atom_put("save_calls") || !is_small(value) || small_val(value) < 0 || small_val(value) > 10000)
    return am::badarg;
  if (pid == p->id) return make_small(0);
  // Asked in order with the other signals to it (it may be dying).
  RefNumbers r = new_ref_numbers();
  auto fn = [](Process* receiver, Message* m, bool alive) {
    request_reply(receiver, m, alive ? make_small(0) : atom_put("badtype"));
  };
  if (!send_request(p, pid, fn, r, NON_VALUE)) return atom_put("badtype");
  message_save_end(p);
  return make_ref_term(p, r);
}

// ---- liveness

static void alive_request(Process* receiver, Message* m, bool alive) {
  request_reply(receiver, m, alive ? am::true_ : am::false_);
}

BIF_FN(erlang_is_process_alive_1) {
  Term pid = args[0];
  if (!is_local_pid(pid)) return raise_badarg(p);
  if (pid == p->id) return am::true_;
  Process* t = process_lookup(pid);
  if (!t) return am::false_;
  // Signals we sent it earlier (an exit, say) must be acted on first: ask
  // it through its queue when it has any.
  if (signals_pending(t) || t->state.load(std::memory_order_acquire) == ProcState::Exited)
    return bif_trap(p, export_put(atom_put("erts_internal"), atom_put("is_process_alive"), 1));
  return am::true_;
}

BIF_FN(erts_internal_is_system_process_1) {
  if (!is_local_pid(args[0])) return raise_badarg(p);
  Process* t = process_lookup(args[0]);
  return t && t->system_process ? am::true_ : am::false_;
}

BIF_FN(erts_internal_is_process_alive_2) {
  RefNumbers r;
  if (!is_local_pid(args[0]) || !ref_term_numbers(args[1], &r)) return raise_badarg(p);
  if (!send_request(p, args[0], alive_request, r, NON_VALUE))
    signal_send(p->id, signal_new(SigKind::Message, p->id, make_tuple(p, {args[1], am::false_})));
  return am::ok;
}

BIF_FN(erlang_yield_0) {
  (void)args;
  p->trap_value = am::true_;
  return BIF_YIELD;
}

BIF_FN(erlang_bump_reductions_1) {
  int64_t n;
  if (!term_to_int64(args[0], &n) || n < 0) return raise_badarg(p);
  p->reductions += uint64_t(n);
  return am::true_;
}

BIF_FN(erlang_hibernate_3) {
  SWord n = list_length(args[2]);
  if (!is_atom(args[0]) || !is_atom(args[1]) || n < 0) return raise_badarg(p);
  if (n > 255) return raise_system_limit(p);
  unsigned i = 0;
  Term* regs = p->args_room(unsigned(n));
  for (Term l = args[2]; is_list(l); l = cdr(l)) regs[i++] = car(l);
  p->arity = unsigned(n);
  p->i = export_put(args[0], args[1], unsigned(n))->address.load(std::memory_order_acquire);
  p->hibernate_pending = true;
  return BIF_YIELD;
}

// ---- garbage collection and code checks

static Term am_check_process_code() {
  static const Term a = atom_put("check_process_code");
  return a;
}

BIF_FN(erts_internal_garbage_collect_1) {
  if (args[0] != am::major && args[0] != am::minor) return raise_badarg(p);
  p->gc_pending = true;
  p->trap_value = am::true_;
  return BIF_YIELD;
}

// A system task's answer {Tag, ReqId, Result}, sent by the process that
// ran it.
static void task_reply(Process* receiver, Message* m, Term result) {
  Term reply = make_tuple(receiver, {tuple_elem(m->term, 1), tuple_elem(m->term, 2), result});
  signal_send(m->from, signal_new(SigKind::Message, receiver->id, reply));
}

static void gc_request(Process* receiver, Message* m, bool alive) {
  if (alive && receiver->gc_disabled) {
    // Answered when collections are enabled again.
    Term reply = make_tuple(receiver, {tuple_elem(m->term, 1), tuple_elem(m->term, 2), am::true_});
    receiver->extra().gc_waiting.emplace_back(m->from, signal_new(SigKind::Message, receiver->id, reply));
    return;
  }
  if (alive) receiver->gc_pending = true;
  task_reply(receiver, m, alive ? am::true_ : am::false_);
}

// {check_process_code, ReqId, Module}: the process checks itself (it is
// not running now) and answers {check_process_code, ReqId, Bool}; a
// process that is gone answers false.
static void cpc_request(Process* receiver, Message* m, bool alive) {
  bool refers = alive && code_process_refers_to_old(receiver, tuple_elem(m->term, 3));
  task_reply(receiver, m, refers ? am::true_ : am::false_);
}

// {system_task_test, ReqId}: does nothing but answer (true when run).
static void test_request(Process* receiver, Message* m, bool alive) {
  task_reply(receiver, m, alive ? am::true_ : am::false_);
}

// request_system_task(Pid, Prio, Request) with Request one of
// {garbage_collect, ReqId, minor | major}, {check_process_code, ReqId,
// Module} and {system_task_test, ReqId}. The task runs in Pid (at Prio,
// even when Pid's own priority is lower) and answers {Tag, ReqId, Result};
// a process that does not exist answers false at once.
BIF_FN(erts_internal_request_system_task_3) {
  Term pid = args[0], req = args[2];
  if (!is_local_pid(pid) || !is_tuple(req) || tuple_arity(req) < 2 || tuple_arity(req) > 4) return raise_badarg(p);
  unsigned prio;
  Term pr = args[1];
  if (pr == am::max) prio = PRIO_MAX;
  else if (pr == am::high) prio = PRIO_HIGH;
  else if (pr == am::normal) prio = PRIO_NORMAL;
  else if (pr == am::low) prio = PRIO_LOW;
  else if (pr == atom_put("inherit")) prio = p->prio.load(std::memory_order_relaxed);
  else return raise_badarg(p);
  Term kind = tuple_elem(req, 1);
  Term arg0 = tuple_arity(req) >= 3 ? tuple_elem(req, 3) : NON_VALUE;
  RequestFn fn;
  if (kind == am::garbage_collect) {
    if (arg0 != am::minor && arg0 != am::major) return raise_badarg(p);
    fn = gc_request;
  } else if (kind == am_check_process_code()) {
    if (arg0 == NON_VALUE || !is_atom(arg0)) return raise_badarg(p);
    fn = cpc_request;
  } else if (kind == atom_put("system_task_test")) {
    fn = test_request;
  } else {
    return raise_badarg(p);
  }
  Message* s = signal_new(SigKind::Request, p->id, req);
  s->fn = fn;
  s->task_prio = s->sched_prio = uint8_t(prio);
  if (!signal_send(pid, s)) {
    Term reply = make_tuple(p, {kind, tuple_elem(req, 2), am::false_});
    signal_send(p->id, signal_new(SigKind::Message, p->id, reply));
  }
  return am::ok;
}

// ---- suspending processes

// erlang:suspend_process/2 (through erlang.erl): the caller holds one
// suspend level on Suspendee for as long as it has called suspend more
// often than resume (or until it exits); a process with any level held
// runs no code (it still acts on signals: it can be killed, asked for
// information, collected). Returns true or false (the suspend count
// changed or not), an error atom (badarg, badopt), or a reference when the
// caller must wait for {Ref, Result}: a synchronous suspend returns once
// the suspendee has acted on it.
static Process::SuspendEntry* suspend_entry(Process* p, Term pid) {
  if (!p->extra_if()) return nullptr;
  auto& v = p->extra().suspending;
  for (size_t i = 0; i < v.size(); i++) {
    if (v[i].pid != pid) continue;
    if (!process_lookup(pid)) {  // it died: its levels went with it
      v.erase(v.begin() + SWord(i));
      return nullptr;
    }
    return &v[i];
  }
  return nullptr;
}

static void remove_suspend_entry(Process* p, Term pid) {
  if (!p->extra_if()) return;
  auto& v = p->extra().suspending;
  for (size_t i = 0; i < v.size(); i++) {
    if (v[i].pid == pid) {
      v.erase(v.begin() + SWord(i));
      return;
    }
  }
}

// The suspendee's answer to a suspend request with a reply: {Tag, Reply}.
// The request is {Tag, Default, Async}: a suspended process answers
// Default; one no longer suspended not_suspended (asynchronous) or
// internal_error; a dead one exited (asynchronous) or badarg.
static void suspend_reply_request(Process* receiver, Message* m, bool alive) {
  Term tag = tuple_elem(m->term, 1);
  bool async = tuple_elem(m->term, 3) == am::true_;
  Term res;
  if (!alive) res = atom_put(async ? "exited" : "badarg");
  else if (receiver->suspend_count) res = tuple_elem(m->term, 2);
  else res = atom_put(async ? "not_suspended" : "internal_error");
  signal_send(m->from, signal_new(SigKind::Message, receiver->id, make_tuple(receiver, {tag, res})));
}

BIF_FN(erts_internal_suspend_process_2) {
  Term pid = args[0];
  if (pid == p->id || !is_local_pid(pid)) return am::badarg;
  bool async = false, unless_suspending = false;
  Term reply_tag = NON_VALUE;
  Term l = args[1];
  static const Term am_async = atom_put("asynchronous");
  static const Term am_unless = atom_put("unless_suspending");
  for (; is_list(l); l = cdr(l)) {
    Term o = car(l);
    if (o == am_unless) {
      unless_suspending = true;
    } else if (o == am_async) {
      async = true;
    } else if (is_tuple(o) && tuple_arity(o) == 2 && tuple_elem(o, 1) == am_async) {
      async = true;
      reply_tag = tuple_elem(o, 2);
    } else {
      return atom_put("badopt");
    }
  }
  if (l != NIL) return atom_put("badopt");
  Process::SuspendEntry* e = suspend_entry(p, pid);
  Term res;
  bool first = false;
  if (e && unless_suspending) {
    res = am::false_;
  } else if (e) {
    e->count++;
    res = am::true_;
  } else {
    p->extra().suspending.push_back({pid, 1});
    first = true;
    res = am::true_;
  }
  if (first && !signal_send(pid, signal_new(SigKind::Suspend, p->id, NON_VALUE))) {
    remove_suspend_entry(p, pid);
    if (!async) return am::badarg;
    if (reply_tag != NON_VALUE) {
      Term msg = make_tuple(p, {reply_tag, am::badarg});
      signal_send(p->id, signal_new(SigKind::Message, p->id, msg));
    }
    return res;
  }
  Term tag = reply_tag;
  if (!async) {
    RefNumbers r = new_ref_numbers();
    tag = make_ref_term(p, r);
    message_save_end(p);
  }
  if (tag != NON_VALUE) {
    Term req = make_tuple(p, {tag, async ? atom_put("suspended") : res, async ? am::true_ : am::false_});
    Message* s = signal_new(SigKind::Request, p->id, req);
    s->fn = suspend_reply_request;
    if (!signal_send(pid, s)) {
      Term msg = make_tuple(p, {tag, atom_put(async ? "badarg" : "exited")});
      signal_send(p->id, signal_new(SigKind::Message, p->id, msg));
    }
  }
  return async ? res : tag;
}

BIF_FN(erlang_resume_process_1) {
  Term pid = args[0];
  if (pid == p->id || !is_local_pid(pid)) return raise_badarg(p);
  Process::SuspendEntry* e = suspend_entry(p, pid);
  if (!e) return raise_badarg(p);
  if (--e->count == 0) {
    remove_suspend_entry(p, pid);
    signal_send(pid, signal_new(SigKind::Resume, p->id, NON_VALUE));
  }
  return am::true_;
}

// ---- group leaders

BIF_FN(erlang_group_leader_0) {
  (void)args;
  return p->group_leader;
}

static void set_group_leader(Process* p, Term leader) {
  UWord words = copy_size(leader);
  if (!words) {
    p->group_leader = leader;
    return;
  }
  Term* hp = p->halloc(words);
  p->group_leader = copy_term(leader, &hp, &p->off_heap);
}

// group_leader(GL, Pid) first tries this; false means "ask Pid" (/3).
BIF_FN(erts_internal_group_leader_2) {
  Term gl = args[0], pid = args[1];
  if (!is_pid(gl)) return am::badarg;
  if (pid == p->id) {
    set_group_leader(p, gl);
    return am::true_;
  }
  if (!is_local_pid(pid)) return raise_badarg(p);
  return process_lookup(pid) ? am::false_ : am::badarg;
}

static void group_leader_request(Process* receiver, Message* m, bool alive) {
  if (alive) set_group_leader(receiver, m->term);
  request_reply(receiver, m, alive ? am::true_ : am::badarg);
}

BIF_FN(erts_internal_group_leader_3) {
  RefNumbers r;
  if (!is_pid(args[0]) || !is_local_pid(args[1]) || !ref_term_numbers(args[2], &r)) return raise_badarg(p);
  if (!send_request(p, args[1], group_leader_request, r, args[0]))
    signal_send(p->id, signal_new(SigKind::Message, p->id, make_tuple(p, {args[2], am::badarg})));
  return am::ok;
}

// ---- names

BIF_FN(erlang_register_2) {
  Term name = args[0], pid = args[1];
  if (!is_atom(name) || name == am::undefined || !is_local_pid(pid) || !registry_register(name, pid))
    return raise_badarg(p);
  trace_registry_event(p, pid, name, true);
  return am::true_;
}

BIF_FN(erlang_unregister_1) {
  Term pid = is_atom(args[0]) ? registry_whereis(args[0]) : NON_VALUE;
  if (!is_atom(args[0]) || !registry_unregister(args[0])) return raise_badarg(p);
  if (pid != NON_VALUE) trace_registry_event(p, pid, args[0], false);
  return am::true_;
}

BIF_FN(erlang_whereis_1) {
  if (!is_atom(args[0])) return raise_badarg(p);
  Term pid = registry_whereis(args[0]);
  return pid == NON_VALUE ? am::undefined : pid;
}

BIF_FN(erlang_registered_0) {
  (void)args;
  Term l = NIL;
  for (Term name : registry_names()) l = make_cons(p, name, l);
  return l;
}

BIF_FN(erlang_processes_0) {
  (void)args;
  std::vector<Term> pids = process_pids();
  Term l = NIL;
  for (size_t i = pids.size(); i-- > 0;) l = make_cons(p, pids[i], l);
  return l;
}

}  // namespace bvm

namespace bvm {

// erts_internal:spawn_request(M, F, A, Opts): spawns at once and answers
// with a message {ReplyTag, ReqId, ok, Pid} (or {.., error, Reason}), as the
// reply option asks. A monitor asked for has the request's reference.
// Returns the reference, or the atoms badarg / badopt for erlang.erl to raise.
BIF_FN(erts_internal_spawn_request_4) {
  if (!is_atom(args[0]) || !is_atom(args[1]) || list_length(args[2]) < 0 || list_length(args[3]) < 0)
    return am::badarg;
  static const Term am_reply_tag = atom_put("reply_tag"), am_reply = atom_put("reply"),
                    am_spawn_reply = atom_put("spawn_reply"), am_yes = atom_put("yes"),
                    am_no = atom_put("no"), am_error_only = atom_put("error_only"),
                    am_success_only = atom_put("success_only");
  Term tag = am_spawn_reply, reply = am_yes;
  bool bad_reply = false;
  // The options without reply_tag and reply, for parse_spawn_opts.
  Term rest = NIL;
  for (Term l = args[3]; is_list(l); l = cdr(l)) {
    Term e = car(l);
    if (is_tuple(e) && tuple_arity(e) == 2 && tuple_elem(e, 1) == am_reply_tag) {
      tag = tuple_elem(e, 2);
    } else if (is_tuple(e) && tuple_arity(e) == 2 && tuple_elem(e, 1) == am_reply) {
      Term v = tuple_elem(e, 2);
      if (v != am_yes && v != am_no && v != am_error_only && v != am_success_only) bad_reply = true;
      else reply = v;
    } else {
      rest = make_cons(p, e, rest);
    }
  }
  if (bad_reply) reply = am_yes;
  // Bad options are answered, as spawn failures are, by an error reply.
  SpawnOpts o;
  Term error = NON_VALUE;
  Term ref = NON_VALUE;
  Process* child = nullptr;
  if (bad_reply || !parse_spawn_opts(rest, &o)) {
    error = atom_put("badopt");
  } else {
    child = process_spawn(p, args[0], args[1], args[2], o, &ref);
    if (!child) error = am::system_limit;
  }
  if (ref == NON_VALUE) ref = make_ref_term(p, new_ref_numbers());
  Term msg = NON_VALUE;
  if (child && (reply == am_yes || reply == am_success_only))
    msg = make_tuple(p, {tag, ref, am::ok, child->id});
  else if (!child && (reply == am_yes || reply == am_error_only))
    msg = make_tuple(p, {tag, ref, am::error, error});
  if (msg != NON_VALUE) signal_send(p->id, signal_new(SigKind::Message, p->id, msg));
  return ref;
}

// The reply of a local spawn request was sent when it was made.
BIF_FN(erlang_spawn_request_abandon_1) {
  if (!is_ref(args[0])) return raise_badarg(p);
  return am::false_;
}

}  // namespace bvm
