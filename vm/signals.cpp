#include "vm/signals.h"

#include <algorithm>
#include <atomic>

#include "bifs/bif.h"
#include "vm/atom_table.h"
#include "vm/copy.h"
#include "vm/identity.h"
#include "vm/messages.h"
#include "vm/vm.h"

namespace bvm {

RefNumbers new_ref_numbers() {
  static std::atomic<uint64_t> counter{1};
  uint64_t n = counter.fetch_add(1, std::memory_order_relaxed);
  return RefNumbers{{uint32_t(n & 0x3FFFF), uint32_t(n >> 18), uint32_t(n >> 50)}};
}

Term make_ref_term(Process* p, const RefNumbers& r) {
  return make_ref_at(p->halloc(LOCAL_REF_WORDS), Sub::Ref, nullptr, r.n, 3);
}

bool ref_term_numbers(Term ref, RefNumbers* out) {
  if (!is_boxed_sub(ref, Sub::Ref)) return false;
  uint32_t nums[MAX_REF_NUMBERS];
  ref_numbers(ref, nums);
  *out = RefNumbers{{nums[0], nums[1], nums[2]}};
  return true;
}

bool link_processes(Process* a, Term other) {
  if (other == a->id) return true;
  Process* b = process_lookup(other);
  if (!b || b->state == ProcState::Exited || b->pending_exit != NON_VALUE) return false;
  if (std::find(a->links.begin(), a->links.end(), other) == a->links.end()) a->links.push_back(other);
  if (std::find(b->links.begin(), b->links.end(), a->id) == b->links.end()) b->links.push_back(a->id);
  return true;
}

void unlink_processes(Process* a, Term other) {
  a->links.erase(std::remove(a->links.begin(), a->links.end(), other), a->links.end());
  if (Process* b = process_lookup(other)) b->links.erase(std::remove(b->links.begin(), b->links.end(), a->id), b->links.end());
}

namespace {

// {Tag, Ref, process, Item, Reason} to the watcher.
void send_down(Process* from_heap, Process* watcher, const MonitorEntry& m, Term item, Term reason) {
  Term msg = make_tuple(from_heap, {m.tag, make_ref_term(from_heap, m.ref), atom_put("process"), item, reason});
  message_send(from_heap, watcher, msg);
}

}  // namespace

Term monitor_process(Process* watcher, Term target, Term name, Term tag) {
  RefNumbers r = new_ref_numbers();
  MonitorEntry mine{r, target, name, tag};
  Process* t = target == NON_VALUE ? nullptr : process_lookup(target);
  if (!t || t->state == ProcState::Exited || t->pending_exit != NON_VALUE) {
    // Immediately down: noproc, naming the target as it was given.
    Term item = name != NON_VALUE ? make_tuple(watcher, {name, local_node()->name}) : target;
    send_down(watcher, watcher, mine, item, atom_put("noproc"));
    return make_ref_term(watcher, r);
  }
  if (t == watcher) {
    // Monitoring oneself is allowed; it fires only on one's own death (never seen).
  }
  watcher->monitors.push_back(mine);
  t->monitored_by.push_back(MonitorEntry{r, watcher->id, name, tag});
  return make_ref_term(watcher, r);
}

bool demonitor_process(Process* watcher, Term ref) {
  RefNumbers r;
  if (!ref_term_numbers(ref, &r)) return false;
  auto it = std::find_if(watcher->monitors.begin(), watcher->monitors.end(),
                         [&](const MonitorEntry& m) { return m.ref == r; });
  if (it == watcher->monitors.end()) return false;
  if (Process* t = process_lookup(it->other)) {
    t->monitored_by.erase(std::remove_if(t->monitored_by.begin(), t->monitored_by.end(),
                                         [&](const MonitorEntry& m) { return m.ref == r; }),
                          t->monitored_by.end());
  }
  watcher->monitors.erase(it);
  return true;
}

void send_exit_signal(Process* from_proc, Term from, Process* to, Term reason, bool from_link) {
  if (to->state == ProcState::Exited || to->pending_exit != NON_VALUE) return;
  bool kill = reason == am::kill && !from_link;
  if (!kill && (to->flags & PF_TRAP_EXIT)) {
    message_send(from_proc, to, make_tuple(from_proc, {atom_put("EXIT"), from, reason}));
    return;
  }
  if (reason == am::normal && from != to->id) return;  // a normal exit does not kill others
  Term r = kill ? am::killed : reason;
  // Record the reason on the target's side (it lives in the target's fragment).
  UWord words = copy_size(r);
  if (words) {
    HeapFragment* f = HeapFragment::create(words);
    Term* hp = f->mem;
    to->pending_exit = copy_term(r, &hp, &f->off_heap);
    f->used = words;
    f->next = to->mbuf;
    to->mbuf = f;
    to->mbuf_words += words;
  } else {
    to->pending_exit = r;
  }
  process_wake_for_exit(to);
}

void process_terminated(Process* p) {
  Term reason = p->exit_reason;
  // Links: each linked process gets an exit signal.
  std::vector<Term> links;
  links.swap(p->links);
  for (Term other : links) {
    Process* o = process_lookup(other);
    if (!o) continue;
    o->links.erase(std::remove(o->links.begin(), o->links.end(), p->id), o->links.end());
    send_exit_signal(p, p->id, o, reason, true);
  }
  // Watchers get 'DOWN'.
  std::vector<MonitorEntry> by;
  by.swap(p->monitored_by);
  for (const MonitorEntry& m : by) {
    Process* w = process_lookup(m.other);
    if (!w) continue;
    w->monitors.erase(std::remove_if(w->monitors.begin(), w->monitors.end(),
                                     [&](const MonitorEntry& x) { return x.ref == m.ref; }),
                      w->monitors.end());
    Term item = m.name != NON_VALUE ? make_tuple(p, {m.name, local_node()->name}) : p->id;
    send_down(p, w, m, item, reason);
  }
  // Monitors it held are gone.
  for (const MonitorEntry& m : p->monitors) {
    if (Process* t = process_lookup(m.other)) {
      t->monitored_by.erase(std::remove_if(t->monitored_by.begin(), t->monitored_by.end(),
                                           [&](const MonitorEntry& x) { return x.ref == m.ref; }),
                            t->monitored_by.end());
    }
  }
  p->monitors.clear();
}

}  // namespace bvm
