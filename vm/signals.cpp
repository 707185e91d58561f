#include "vm/signals.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <string>

#include "bifs/bif.h"
#include "vm/aliases.h"
#include "vm/atom_table.h"
#include "vm/copy.h"
#include "vm/epoch.h"
#include "vm/ets_registry.h"
#include "vm/identity.h"
#include "vm/literal_release.h"
#include "vm/nif_resources.h"
#include "vm/port.h"
#include "vm/process_table.h"
#include "vm/registry.h"
#include "vm/scheduler.h"
#include "vm/system_logger.h"
#include "vm/term_print.h"
#include "vm/timers.h"
#include "vm/trace.h"
#include "vm/vm.h"

namespace bvm {

// ---------------------------------------------------------------- refs

// A reference's numbers as the reference lays them out: 18 low bits of a
// per-thread counter, then the counter's next 14 bits over the creating
// scheduler's id (bits 0-15; 0 for other threads; bit 16 marks aliases),
// then the counter's high 32 bits.
static RefNumbers ref_numbers_of(uint32_t thread, uint64_t value) {
  return RefNumbers{{uint32_t(value & 0x3FFFF), (uint32_t(value) & ~uint32_t(0x3FFFF)) | thread,
                     uint32_t(value >> 32)}};
}

RefNumbers new_ref_numbers() {
  if (Scheduler* s = current_scheduler()) {
    thread_local uint64_t counter = 0;
    return ref_numbers_of(s->id, ++counter);
  }
  static std::atomic<uint64_t> shared{0};
  return ref_numbers_of(0, shared.fetch_add(1, std::memory_order_relaxed) + 1);
}

Term make_ref_term(Process* p, const RefNumbers& r) {
  return make_ref_at(p->halloc(LOCAL_REF_WORDS), Sub::Ref, nullptr, r.n, 3);
}

bool ref_term_numbers(Term ref, RefNumbers* out) {
  if (!is_boxed_sub(ref, Sub::Ref)) return false;
  uint32_t nums[MAX_REF_NUMBERS];
  if (ref_numbers(ref, nums) != 3) return false;
  *out = RefNumbers{{nums[0], nums[1], nums[2]}};
  return true;
}

// ---------------------------------------------------------------- nodes

static_assert(sizeof(Message) % alignof(HeapFragment) == 0, "a fragment follows a message in one block");

Message* message_alloc(size_t words) {
  if (!words) return new Message();
  HeapFragment* f = HeapFragment::create_after(sizeof(Message), words);
  Message* m = new (f->block) Message();
  m->in_frag_block = true;
  m->frag = f;
  return m;
}

void message_free(Message* m) {
  bool in_block = m->in_frag_block;
  if (m->frag) HeapFragment::destroy_consume(m->frag);  // frees m too when in its block
  if (!in_block) delete m;
}

Message* signal_new(SigKind kind, Term from, Term term, Term aux) {
  UWord words = (term == NON_VALUE ? 0 : copy_size(term)) + (aux == NON_VALUE ? 0 : copy_size(aux));
  Message* m = message_alloc(words);
  m->kind = kind;
  m->from = from;
  if (words) {
    Term* hp = m->frag->mem;
    if (term != NON_VALUE) term = copy_term(term, &hp, &m->frag->off_heap);
    if (aux != NON_VALUE) aux = copy_term(aux, &hp, &m->frag->off_heap);
    m->frag->used = words;
  }
  m->term = term;
  m->aux = aux;
  return m;
}

bool signal_deliver(Process* p, Message* m) {
  bool wake = false;
  bool elevate = false;
  unsigned task_prio = m->sched_prio;
  {
    std::lock_guard<SpinLock> lock(p->sig_lock);
    if (p->state.load(std::memory_order_relaxed) == ProcState::Exited) {
      // Dropped: the receiver is gone.
    } else {
      if (task_prio < p->sys_prio.load(std::memory_order_relaxed) &&
          task_prio < p->prio.load(std::memory_order_relaxed)) {
        p->sys_prio.store(uint8_t(task_prio), std::memory_order_seq_cst);
        elevate = true;  // (if it is queued: see scheduler_elevate)
      }
      if (m->kind == SigKind::Message) p->incoming_msgs++;
      *p->sig_in_last = m;
      p->sig_in_last = &m->next;
      p->sig_pending.store(true, std::memory_order_release);
      if (p->state.load(std::memory_order_relaxed) == ProcState::Waiting) {
        p->state.store(ProcState::Runnable, std::memory_order_relaxed);
        wake = true;
      }
      m = nullptr;
    }
  }
  if (m) {
    message_free(m);
    return false;
  }
  if (wake) scheduler_enqueue(p);
  else if (elevate) scheduler_elevate(p);
  return true;
}

bool signal_send(Term to, Message* m) {
  if (is_local_port(to)) return port_signal(to, m);
  Process* p = process_table().lookup(to);
  if (!p) {
    message_free(m);
    return false;
  }
  return signal_deliver(p, m);
}

// ---------------------------------------------------------------- sending

bool send_message(Process* self, Term to, Term msg) {
  return signal_send(to, signal_new(SigKind::Message, self->id, msg));
}

void send_exit(Process* self, Term to, Term reason) {
  signal_send(to, signal_new(SigKind::Exit, self->id, reason));
}

static bool has_link(const Process* p, Term other) {
  return std::find(p->links.begin(), p->links.end(), other) != p->links.end();
}

static void drop_link(Process* p, Term other) {
  auto it = std::find(p->links.begin(), p->links.end(), other);
  if (it != p->links.end()) p->links.erase(it);
}

bool link_to(Process* self, Term other) {
  if (other == self->id) return true;
  if (has_link(self, other)) return true;
  if (!signal_send(other, signal_new(SigKind::Link, self->id, NON_VALUE))) return false;
  self->links.push_back(other);
  if (trace_flags_of(self)) trace_linked(self, other, true);
  return true;
}

void unlink_from(Process* self, Term other) {
  if (!has_link(self, other)) return;
  drop_link(self, other);
  signal_send(other, signal_new(SigKind::Unlink, self->id, NON_VALUE));
  if (trace_flags_of(self)) trace_linked(self, other, false);
}

// The 'DOWN' message: {Tag, Ref, process, Item, Reason}, built on p's heap.
static Term down_tuple(Process* p, const MonitorEntry& m, Term item, Term reason) {
  Term type = is_port(item) ? atom_put("port") : am::process;
  return make_tuple(p, {m.tag, make_ref_term(p, m.ref), type, item, reason});
}

// How the watcher names what it watched: the pid, or {Name, Node}.
static Term down_item(Process* p, const MonitorEntry& m, Term pid) {
  return m.name != NON_VALUE ? make_tuple(p, {m.name, local_node()->name}) : pid;
}

static void send_down(Process* from, Term watcher, const MonitorEntry& m, Term reason) {
  Term msg = down_tuple(from, m, down_item(from, m, from->id), reason);
  Message* s = signal_new(SigKind::MonitorDown, from->id, msg);
  s->ref = m.ref;
  signal_send(watcher, s);
}

MonitorEntry monitored_by_entry(const RefNumbers& ref, Term watcher, Term name, Term tag) {
  MonitorEntry e{ref, watcher, name, tag};
  if (!is_immed(tag)) {
    UWord words = copy_size(tag);
    e.tag_frag = HeapFragment::create(words);
    Term* hp = e.tag_frag->mem;
    e.tag = copy_term(tag, &hp, &e.tag_frag->off_heap);
    e.tag_frag->used = words;
  }
  return e;
}

void monitor_entry_free(MonitorEntry& e) {
  if (e.tag_frag) HeapFragment::destroy_consume(e.tag_frag);
  e.tag_frag = nullptr;
}

static void alias_drop(Process* self, const RefNumbers& r) {
  auto& v = self->aliases;
  auto it = std::find_if(v.begin(), v.end(), [&](const AliasEntry& a) { return a.ref == r; });
  if (it == v.end()) return;
  v.erase(it);
  alias_route_remove(r);
}

static void alias_add(Process* self, const RefNumbers& r, AliasMode mode) {
  self->aliases.push_back(AliasEntry{r, mode});
  alias_route_add(r, self->id);
}

static RefNumbers new_alias_numbers() {
  RefNumbers r = new_ref_numbers();
  r.n[1] |= ALIAS_REF_BIT;
  return r;
}

RefNumbers alias_numbers_create(Process* self, AliasMode mode) {
  RefNumbers r = new_alias_numbers();
  alias_add(self, r, mode);
  return r;
}

Term alias_create(Process* self, AliasMode mode) {
  RefNumbers r = new_alias_numbers();
  alias_add(self, r, mode);
  return make_ref_term(self, r);
}

bool alias_remove(Process* self, Term ref) {
  RefNumbers r;
  if (!ref_term_numbers(ref, &r)) return false;
  auto& v = self->aliases;
  if (std::find_if(v.begin(), v.end(), [&](const AliasEntry& a) { return a.ref == r; }) == v.end()) return false;
  alias_drop(self, r);
  return true;
}

void send_alias_message(Process* self, Term alias, Term msg) {
  RefNumbers r;
  if (!ref_term_numbers(alias, &r) || !(r.n[1] & ALIAS_REF_BIT)) return;
  Term owner = alias_route_owner(r);
  if (owner == NON_VALUE) return;
  Message* s = signal_new(SigKind::AliasMessage, self->id, msg);
  s->ref = r;
  signal_send(owner, s);
}

Term monitor_process(Process* self, Term target, Term name, Term tag, const AliasMode* alias) {
  RefNumbers r = alias ? new_alias_numbers() : new_ref_numbers();
  if (alias) alias_add(self, r, *alias);
  MonitorEntry mine{r, target, name, tag};
  if (target == self->id) return make_ref_term(self, r);  // never fires
  bool sent = false;
  if (target != NON_VALUE) {
    Message* s = signal_new(SigKind::Monitor, self->id, tag, name);
    s->ref = r;
    sent = signal_send(target, s);
  }
  if (!sent) {
    // Down at once with noproc, naming the target as it was given. It goes
    // through our own queue like any signal.
    Term item = name != NON_VALUE ? make_tuple(self, {name, local_node()->name}) : target;
    Term down = down_tuple(self, mine, item, am::noproc);
    if (alias && *alias != AliasMode::Explicit) alias_drop(self, r);
    signal_send(self->id, signal_new(SigKind::Message, self->id, down));
    return make_ref_term(self, r);
  }
  if (!is_immed(mine.tag)) mine.tag = NON_VALUE;  // only the watched side builds 'DOWN'
  self->monitors.push_back(mine);
  return make_ref_term(self, r);
}

Term monitor_down_now(Process* self, Term type, Term item, Term tag, Term reason, const AliasMode* alias) {
  RefNumbers r = alias ? new_alias_numbers() : new_ref_numbers();
  if (alias && *alias == AliasMode::Explicit) alias_add(self, r, *alias);
  Term ref = make_ref_term(self, r);
  Term down = make_tuple(self, {tag, ref, type, item, reason});
  signal_send(self->id, signal_new(SigKind::Message, self->id, down));
  return ref;
}

// A monitor of self's ended (demonitor or 'DOWN'): an alias made with it
// in a demonitor mode ends too.
static void monitor_ended(Process* self, const RefNumbers& r) {
  for (const AliasEntry& a : self->aliases) {
    if (a.ref == r) {
      if (a.mode == AliasMode::Demonitor || a.mode == AliasMode::ReplyDemonitor) alias_drop(self, r);
      return;
    }
  }
}

bool demonitor_process(Process* self, Term ref) {
  RefNumbers r;
  if (!ref_term_numbers(ref, &r)) return false;
  auto it = std::find_if(self->monitors.begin(), self->monitors.end(),
                         [&](const MonitorEntry& m) { return m.ref == r; });
  if (it == self->monitors.end()) return false;
  Message* s = signal_new(SigKind::Demonitor, self->id, NON_VALUE);
  s->ref = r;
  signal_send(it->other, s);
  self->monitors.erase(it);
  monitor_ended(self, r);
  return true;
}

bool send_request(Process* self, Term to, RequestFn fn, const RefNumbers& ref, Term payload) {
  Message* s = signal_new(SigKind::Request, self->id, payload);
  s->ref = ref;
  s->fn = fn;
  // A receiver of lower priority than the requester acts on it at the
  // requester's priority (no priority inversion), as the reference.
  s->sched_prio = self->prio.load(std::memory_order_relaxed);
  return signal_send(to, s);
}

void request_reply(Process* receiver, Message* request, Term value) {
  Term msg = make_tuple(receiver, {make_ref_term(receiver, request->ref), value});
  signal_send(request->from, signal_new(SigKind::Message, receiver->id, msg));
}

// ---------------------------------------------------------------- receiving

namespace {

Message* take_incoming(Process* p) {
  std::lock_guard<SpinLock> lock(p->sig_lock);
  p->sys_prio.store(PRIO_COUNT, std::memory_order_relaxed);
  p->msgq_len_shared.store(p->msgq_len_shared.load(std::memory_order_relaxed) + p->incoming_msgs,
                           std::memory_order_relaxed);
  p->incoming_msgs = 0;
  Message* list = p->sig_in_first;
  p->sig_in_first = nullptr;
  p->sig_in_last = &p->sig_in_first;
  p->sig_pending.store(false, std::memory_order_relaxed);
  return list;
}

// Appends m (a message whose term may point into m->frag) to the private queue.
void enqueue_private(Process* p, Message* m) {
  if (trace_flags_of(p) & TF_RECEIVE) trace_receive(p, m->term);
  if (m->kind != SigKind::Message)  // (messages were counted when taken in)
    p->msgq_len_shared.store(p->msgq_len_shared.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  m->kind = SigKind::Message;
  m->next = nullptr;
  *p->msg_last = m;
  p->msg_last = &m->next;
  p->msg_len++;
}

// The process dies with `reason`, a term in m's fragment (kept alive by
// handing the fragment to the heap) or an immediate.
void die_with(Process* p, Message* m, Term reason) {
  p->exit_reason = reason;
  message_consume(p, m);
}

// {'EXIT', From, Reason} into the private queue.
void exit_message(Process* p, Message* m) {
  m->term = make_tuple(p, {am::EXIT, m->from, m->term});
  enqueue_private(p, m);
}

// Acts on one signal; true if it killed p (m consumed either way).
bool handle_one(Process* p, Message* m, bool* got_message) {
  switch (m->kind) {
    case SigKind::Message:
      enqueue_private(p, m);
      *got_message = true;
      return false;
    case SigKind::Exit: {
      Term reason = m->term;
      if (reason == am::kill) {
        die_with(p, m, am::killed);
        return true;
      }
      if (p->flags & PF_TRAP_EXIT) {
        exit_message(p, m);
        *got_message = true;
        return false;
      }
      if (reason == am::normal && m->from != p->id) break;
      die_with(p, m, reason);
      return true;
    }
    case SigKind::LinkExit: {
      if (!has_link(p, m->from)) break;  // unlinked since
      drop_link(p, m->from);
      if ((trace_flags_of(p) & TF_PROCS) && ((p->flags & PF_TRAP_EXIT) || m->term == am::normal))
        trace_proc_event(p, atom_put("getting_unlinked"), m->from);
      if (p->flags & PF_TRAP_EXIT) {
        exit_message(p, m);
        *got_message = true;
        return false;
      }
      if (m->term == am::normal) break;
      die_with(p, m, m->term);
      return true;
    }
    case SigKind::Link:
      if (!has_link(p, m->from)) p->links.push_back(m->from);
      if (trace_flags_of(p) & TF_PROCS) trace_proc_event(p, atom_put("getting_linked"), m->from);
      break;
    case SigKind::Unlink:
      drop_link(p, m->from);
      if (trace_flags_of(p) & TF_PROCS) trace_proc_event(p, atom_put("getting_unlinked"), m->from);
      break;
    case SigKind::Monitor: {
      MonitorEntry e{m->ref, m->from, m->aux, m->term};
      if (!is_immed(e.tag)) {
        e.tag_frag = m->frag;  // the fragment holds just the tag
        m->frag = nullptr;
      }
      p->monitored_by.push_back(e);
      break;
    }
    case SigKind::Demonitor: {
      auto& v = p->monitored_by;
      auto it = std::find_if(v.begin(), v.end(), [&](const MonitorEntry& e) { return e.ref == m->ref; });
      if (it != v.end()) {
        monitor_entry_free(*it);
        v.erase(it);
      }
      break;
    }
    case SigKind::MonitorDown: {
      auto& v = p->monitors;
      auto it = std::find_if(v.begin(), v.end(), [&](const MonitorEntry& e) { return e.ref == m->ref; });
      if (it == v.end()) break;  // demonitored since
      v.erase(it);
      monitor_ended(p, m->ref);
      enqueue_private(p, m);
      *got_message = true;
      return false;
    }
    case SigKind::AliasMessage: {
      auto& v = p->aliases;
      auto it = std::find_if(v.begin(), v.end(), [&](const AliasEntry& a) { return a.ref == m->ref; });
      if (it == v.end()) break;  // not (or no longer) an active alias
      if (it->mode == AliasMode::Reply) {
        alias_drop(p, m->ref);
      } else if (it->mode == AliasMode::ReplyDemonitor) {
        alias_drop(p, m->ref);
        Term ref = make_ref_term(p, m->ref);
        demonitor_process(p, ref);
      }
      enqueue_private(p, m);
      *got_message = true;
      return false;
    }
    case SigKind::Request:
      m->fn(p, m, true);
      break;
    case SigKind::Suspend:
      p->suspend_count++;
      break;
    case SigKind::Resume:
      if (p->suspend_count) p->suspend_count--;
      break;
    case SigKind::Timeout:
      if (p->timeout_armed && m->ref.n[0] == p->timer_gen) {
        p->timed_out = true;
        p->recv_timer = 0;
        *got_message = true;  // wakes the receive
      }
      break;
  }
  message_free(m);
  return false;
}

}  // namespace

// System tasks (requests with a priority) taken in one batch run after the
// batch, by priority: max, high, then normal with one low after every 8
// normal ones while both wait (as the reference interleaves them).
namespace {

struct TaskQueues {
  Message* first[PRIO_COUNT] = {};
  Message** last[PRIO_COUNT];
  TaskQueues() {
    for (unsigned i = 0; i < PRIO_COUNT; i++) last[i] = &first[i];
  }
  bool empty() const { return !first[0] && !first[1] && !first[2] && !first[3]; }
  void push(Message* m) {
    *last[m->task_prio] = m;
    last[m->task_prio] = &m->next;
  }
  Message* pop(unsigned prio) {
    Message* m = first[prio];
    first[prio] = m->next;
    if (!first[prio]) last[prio] = &first[prio];
    m->next = nullptr;
    return m;
  }
  Message* next(Process* p) {
    if (first[PRIO_MAX]) return pop(PRIO_MAX);
    if (first[PRIO_HIGH]) return pop(PRIO_HIGH);
    if (first[PRIO_NORMAL] && first[PRIO_LOW]) {
      if (++p->sys_normal_picks <= 8) return pop(PRIO_NORMAL);
      p->sys_normal_picks = 0;
      return pop(PRIO_LOW);
    }
    p->sys_normal_picks = 0;
    if (first[PRIO_NORMAL]) return pop(PRIO_NORMAL);
    return first[PRIO_LOW] ? pop(PRIO_LOW) : nullptr;
  }
};

}  // namespace

SignalResult process_handle_signals(Process* p) {
  Message* list = take_incoming(p);
  bool got = false;
  TaskQueues tasks;
  while (list) {
    Message* m = list;
    list = m->next;
    m->next = nullptr;
    if (m->kind == SigKind::Request && m->task_prio < PRIO_COUNT) {
      tasks.push(m);
      continue;
    }
    if (handle_one(p, m, &got)) {
      p->sig_rest = list;
      // Tasks taken before it died are answered as for a dead process.
      while (Message* t = tasks.next(p)) {
        t->fn(p, t, false);
        message_free(t);
      }
      return SignalResult::Exit;
    }
  }
  while (Message* t = tasks.next(p)) {
    t->fn(p, t, true);
    message_free(t);
  }
  return got ? SignalResult::Messages : SignalResult::Nothing;
}

// ---------------------------------------------------------------- exiting

namespace {

// A signal that reached p after it started to exit.
void answer_while_exiting(Process* p, Message* m) {
  switch (m->kind) {
    case SigKind::Link: {
      Message* s = signal_new(SigKind::LinkExit, p->id, am::noproc);
      signal_send(m->from, s);
      break;
    }
    case SigKind::Monitor: {
      MonitorEntry e{m->ref, m->from, m->aux, m->term};
      send_down(p, m->from, e, am::noproc);
      break;
    }
    case SigKind::Request:
      m->fn(p, m, false);
      break;
    default:
      break;
  }
  message_free(m);
}

// "Error in process P with exit value: ..." to the system logger (the
// reference's EXF_LOG report of a process dying of an uncaught error).
void crash_report(Process* p) {
  Term* hp = p->halloc(4);
  hp[0] = p->id;
  hp[1] = make_list(hp + 2);
  hp[2] = p->exit_reason;
  hp[3] = NIL;
  std::string text = "Error in process " + term_to_text(p->id) + " with exit value:\n" + term_to_text(p->exit_reason) + "\n";
  system_logger_error(p, "Error in process ~p with exit value:~n~p~n", make_list(hp), text);
}

}  // namespace

void process_terminate(Process* p) {
  Term reason = p->exit_reason;
  Message* rest = p->sig_rest;
  p->sig_rest = nullptr;
  Message* late;
  {
    std::lock_guard<SpinLock> lock(p->sig_lock);
    p->state.store(ProcState::Exited, std::memory_order_release);
    late = p->sig_in_first;
    p->sig_in_first = nullptr;
    p->sig_in_last = &p->sig_in_first;
  }
  for (Message* lists[2] = {rest, late}; Message* l : lists) {
    while (l) {
      Message* m = l;
      l = m->next;
      answer_while_exiting(p, m);
    }
  }
  literal_copy_drop(p);
  if (p->recv_timer) {
    timer_cancel_receive(p->recv_timer);
    p->recv_timer = 0;
  }
  // Timers sent to it go with it (no one adds any once it is Exited).
  if (p->dest_timers) {
    for (const RefNumbers& r : p->dest_timers->refs) timer_cancel(r);
    p->dest_timers.reset();
  }
  if (p->crash_report) crash_report(p);
  if (vm_is_vital_process(p->id)) vm_halt(1);
  if (trace_flags_of(p) & TF_PROCS) {
    Term name = registry_name_of(p->id);
    if (name != NON_VALUE) trace_proc_event(p, atom_put("unregister"), name);
    trace_exit(p, reason);
  }
  trace_process_exited(p);

  // Its name and tables are released before links and monitors fire (as
  // the reference): whoever sees the 'DOWN' or 'EXIT' may register the
  // name again at once.
  registry_remove_pid(p->id);
  ets_process_exited(p);
  for (Term other : p->links) signal_send(other, signal_new(SigKind::LinkExit, p->id, reason));
  p->links.clear();
  for (MonitorEntry& m : p->monitored_by) {
    send_down(p, m.other, m, reason);
    monitor_entry_free(m);
  }
  p->monitored_by.clear();
  for (const AliasEntry& a : p->aliases) alias_route_remove(a.ref);
  p->aliases.clear();
  for (const MonitorEntry& m : p->monitors) {
    Message* s = signal_new(SigKind::Demonitor, p->id, NON_VALUE);
    s->ref = m.ref;
    signal_send(m.other, s);
  }
  p->monitors.clear();
  if (p->ms_blocker) scheduler_release_blocks(p->id);
  // Collection requests that waited for collections to be enabled.
  if (ProcessExtra* x = p->extra_if()) {
    for (auto& [to, m] : x->gc_waiting) signal_send(to, m);
    x->gc_waiting.clear();
  }
  // Its suspend levels on other processes go with it.
  if (ProcessExtra* x = p->extra_if()) {
    for (const Process::SuspendEntry& e : x->suspending) signal_send(e.pid, signal_new(SigKind::Resume, p->id, NON_VALUE));
    x->suspending.clear();
  }
  nif_resources_process_exited(p);  // closes its files, frees its zlib streams...
  // Its references to shared binaries go now, not when its memory does
  // (after the epoch): nothing reads a dead process's heap, and a binary's
  // reference count must not wait for unrelated schedulers.
  p->off_heap.release_all();
  for (HeapFragment* f = p->mbuf; f; f = f->next) f->off_heap.release_all();

  process_table().remove(p);
  epoch_retire([p] {
    process_free_memory(p);
    delete p;
  });
  vm_process_exited();
}

}  // namespace bvm
