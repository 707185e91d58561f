#include "vm/scheduler.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <new>
#include <vector>

#include "vm/atom_table.h"
#include "vm/epoch.h"
#include "vm/gc.h"
#include "vm/interp.h"
#include "vm/literal_release.h"
#include "vm/signals.h"
#include "vm/system_logger.h"
#include "vm/term_print.h"
#include "vm/timers.h"
#include "vm/trace.h"
#include "vm/vm.h"
#include "vm/vm_stats.h"

namespace bvm {

namespace {

constexpr unsigned SPIN_ROUNDS = 4000;  // pause instructions: some tens of microseconds

std::vector<Scheduler*> g_scheds;
std::atomic<int> g_sleeping{0};
thread_local Scheduler* t_current = nullptr;

// Which schedulers take work: those up to schedulers_online, and only the
// first while multi-scheduling is blocked. Changed under g_ms_mutex.
std::atomic<unsigned> g_online{1};
std::atomic<bool> g_ms_blocked{false};
std::mutex g_ms_mutex;
struct Blocker {
  Term pid;
  unsigned full;    // system_flag(multi_scheduling, block) calls not undone
  unsigned normal;  // ... block_normal
};
std::vector<Blocker> g_blockers;  // under g_ms_mutex

bool active(const Scheduler* s) {
  if (s->id == 1) return true;
  if (g_ms_blocked.load(std::memory_order_acquire)) return false;
  return s->id <= g_online.load(std::memory_order_acquire);
}

// Where work meant for s goes when s does not take work.
Scheduler* active_or_first(Scheduler* s) { return active(s) ? s : g_scheds[0]; }

// The queue a runnable process goes to: its priority, or that of a system
// task waiting in its signal queue if higher.
unsigned queue_prio(const Process* p) {
  unsigned prio = p->prio.load(std::memory_order_relaxed);
  unsigned sys = p->sys_prio.load(std::memory_order_seq_cst);
  return sys < prio ? sys : prio;
}

// Appends p to s's queue for its priority (s->rq_lock held). A sender
// raising sys_prio meanwhile either finds p queued (rq_owner, then moves
// it) or is seen by the second look here: both sides store, then load,
// sequentially consistent.
void push_locked(Scheduler* s, Process* p) {
  unsigned prio = queue_prio(p);
  s->rq[prio].push_back(p);
  p->rq_owner.store(s, std::memory_order_seq_cst);
  unsigned again = queue_prio(p);
  if (again < prio) {
    s->rq[prio].pop_back();
    s->rq[again].push_back(p);
    prio = again;
  }
  p->rq_prio = uint8_t(prio);
  s->rq_len++;
  s->rq_len_hint.store(s->rq_len, std::memory_order_relaxed);
}

// Takes the next process from s's queues (s->rq_lock held).
Process* pop_locked(Scheduler* s) {
  if (!s->rq_len) return nullptr;
  std::deque<Process*>* q = nullptr;
  if (!s->rq[PRIO_MAX].empty()) {
    q = &s->rq[PRIO_MAX];
  } else if (!s->rq[PRIO_HIGH].empty()) {
    q = &s->rq[PRIO_HIGH];
  } else {
    bool normal = !s->rq[PRIO_NORMAL].empty(), low = !s->rq[PRIO_LOW].empty();
    if (normal && (!low || ++s->normal_picks % 8 != 0)) q = &s->rq[PRIO_NORMAL];
    else q = &s->rq[PRIO_LOW];
  }
  Process* p = q->front();
  q->pop_front();
  p->rq_owner.store(nullptr, std::memory_order_relaxed);
  s->rq_len--;
  s->rq_len_hint.store(s->rq_len, std::memory_order_relaxed);
  return p;
}

// Takes a process from another scheduler whose queue holds at least
// `min_len`. An idle scheduler asks for two (the owner will get to a single
// waiting process soon); one invited by a busy owner takes one.
Process* steal(Scheduler* self, size_t min_len) {
  if (!active(self)) return nullptr;
  size_t n = g_scheds.size();
  for (size_t k = 1; k < n; k++) {
    Scheduler* v = g_scheds[(self->id - 1 + k) % n];
    if (v->rq_len_hint.load(std::memory_order_relaxed) < min_len) continue;
    std::unique_lock<std::mutex> lock(v->rq_lock, std::try_to_lock);
    if (!lock.owns_lock() || v->rq_len < min_len) continue;
    if (Process* p = pop_locked(v)) return p;
  }
  return nullptr;
}

void wake_sleeper(Scheduler* except) {
  for (Scheduler* s : g_scheds) {
    if (s == except || !active(s)) continue;
    std::lock_guard<std::mutex> lock(s->rq_lock);
    if (s->sleeping && !s->woken) {
      s->woken = true;
      s->rq_cv.notify_one();
      return;
    }
  }
}

// The scheduler found nothing to run, or something after being idle.
void idle_begin(Scheduler* s) {
  if (s->idle_since.load(std::memory_order_relaxed) == 0)
    s->idle_since.store(scheduler_clock_ns(), std::memory_order_relaxed);
}
Process* idle_end(Scheduler* s, Process* p) {
  int64_t since = s->idle_since.load(std::memory_order_relaxed);
  if (since != 0) {
    s->idle_ns.fetch_add(scheduler_clock_ns() - since, std::memory_order_relaxed);
    s->idle_since.store(0, std::memory_order_relaxed);
  }
  return p;
}

}  // namespace

int64_t scheduler_clock_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

namespace {

// s takes no work now (schedulers_online, multi-scheduling blocked): its
// queued processes go to the first scheduler, and it sleeps until it takes
// work again.
void park_inactive(Scheduler* s) {
  std::vector<Process*> moved;
  {
    std::lock_guard<std::mutex> lock(s->rq_lock);
    for (auto& q : s->rq) {
      for (Process* p : q) {
        p->rq_owner.store(nullptr, std::memory_order_relaxed);
        moved.push_back(p);
      }
      q.clear();
    }
    s->rq_len = 0;
    s->rq_len_hint.store(0, std::memory_order_relaxed);
  }
  for (Process* p : moved) {
    p->scheduler = g_scheds[0];
    scheduler_enqueue(p);
  }
  idle_begin(s);
  std::unique_lock<std::mutex> lock(s->rq_lock);
  s->sleeping = true;
  s->rq_cv.wait(lock, [s] { return active(s) || s->rq_len; });
  s->sleeping = false;
  s->woken = false;
}

// Blocks until there is a process to run.
Process* next_process(Scheduler* s) {
  bool invited = false;  // a busy scheduler woke us to take some of its work
  for (;;) {
    if (!active(s)) {
      park_inactive(s);
      continue;
    }
    {
      std::lock_guard<std::mutex> lock(s->rq_lock);
      if (Process* p = pop_locked(s)) return idle_end(s, p);
    }
    idle_begin(s);
    if (Process* p = steal(s, invited ? 1 : 2)) return idle_end(s, p);
    // Spin a little before sleeping: work often comes right back (a reply,
    // the next hop of a ring), and waking a sleeping thread is slow.
    bool more = false;
    for (unsigned i = 0; i < SPIN_ROUNDS && !more; i++) {
      __builtin_ia32_pause();
      more = s->rq_len_hint.load(std::memory_order_relaxed) != 0;
    }
    if (more) continue;
    // Announce the sleep, then look once more: an enqueuer either sees us
    // asleep or we see its work.
    {
      std::lock_guard<std::mutex> lock(s->rq_lock);
      s->sleeping = true;
    }
    int sleeping = g_sleeping.fetch_add(1, std::memory_order_seq_cst) + 1;
    Process* p = steal(s, 2);
    {
      std::unique_lock<std::mutex> lock(s->rq_lock);
      if (!p) {
        lock.unlock();
        epoch_reclaim();
        // Only when the whole VM goes idle: trimming returns the free pages
        // of every thread's arena, and a busy scheduler would fault them in
        // again at its next collections.
        if (sleeping == int(g_scheds.size())) memory_trim_if_worthwhile();
        lock.lock();
        s->rq_cv.wait(lock, [s] { return s->rq_len || s->woken; });
        p = pop_locked(s);
        invited = !p && s->woken;
      }
      s->sleeping = false;
      s->woken = false;
    }
    g_sleeping.fetch_sub(1, std::memory_order_seq_cst);
    if (p) return idle_end(s, p);
  }
}

// The error report of a process whose heap outgrew max_heap_size, as the
// reference words it (p is switched out: its heap may be allocated on).
void max_heap_report(Process* p) {
  size_t total = p->heap_limit_report;
  p->heap_limit_report = 0;
  auto cons = [p](Term h, Term t) {
    Term* hp = p->halloc(2);
    hp[0] = h;
    hp[1] = t;
    return make_list(hp);
  };
  Term args = cons(NIL, NIL);  // GC info: not kept here
  args = cons(make_small(SWord(p->msg_len)), args);
  args = cons(am::true_, args);
  args = cons(p->max_heap_kill ? am::true_ : am::false_, args);
  args = cons(make_small(SWord(total)), args);
  args = cons(make_small(SWord(p->max_heap_size)), args);
  args = cons(p->id, args);
  std::string pid = term_to_text(p->id);
  char text[512];
  std::snprintf(text, sizeof text,
                "     Process:            %s \n     Context:            maximum heap size reached\n"
                "     Max Heap Size:      %zu\n     Total Heap Size:    %zu\n     Kill:               %s\n"
                "     Error Logger:       true\n     Message Queue Len:  %zu\n     GC Info:            []\n",
                pid.c_str(), p->max_heap_size, total, p->max_heap_kill ? "true" : "false", p->msg_len);
  system_logger_error(p,
                      "     Process:            ~p ~n     Context:            maximum heap size reached~n"
                      "     Max Heap Size:      ~p~n     Total Heap Size:    ~p~n     Kill:               ~p~n"
                      "     Error Logger:       ~p~n     Message Queue Len:  ~p~n     GC Info:            ~p~n",
                      args, text);
}

void put_back(Scheduler* s, Process* p) {
  p->state.store(ProcState::Runnable, std::memory_order_relaxed);
  if (!active(s)) {
    p->scheduler = s = g_scheds[0];
  }
  std::lock_guard<std::mutex> lock(s->rq_lock);
  push_locked(s, p);
}

// A suspended process (erlang:suspend_process/2) runs no code: it waits,
// woken only to act on its signals, until its last suspend level goes.
void park_suspended(Scheduler* s, Process* p) {
  p->status_hint = ProcState::Waiting;
  {
    std::lock_guard<SpinLock> lock(p->sig_lock);
    if (!p->sig_in_first) {
      p->state.store(ProcState::Waiting, std::memory_order_relaxed);
      return;
    }
  }
  put_back(s, p);  // signals arrived meanwhile
}

// Runs p for a slice; true if it used the whole slice (and others may be
// waiting behind it).
bool run_one(Scheduler* s, Process* p) {
  p->scheduler = s;
  p->state.store(ProcState::Running, std::memory_order_relaxed);
  bool elevated = p->rq_prio < p->prio.load(std::memory_order_relaxed);
  if (signals_pending(p) && process_handle_signals(p) == SignalResult::Exit) {
    process_terminate(p);
    return false;
  }
  // Copy requests of the literal area collector are carried out where the
  // registers are known: here, and when the process stops running.
  if (literal_copy_pending(p)) literal_copy_run(p, p->arg_reg, p->arity);
  if (p->suspend_count) {
    park_suspended(s, p);
    return false;
  }
  if (elevated) {
    // Scheduled above its priority for system tasks, now done: its own
    // code waits for its own turn.
    put_back(s, p);
    return false;
  }
  if (p->hibernated && !p->msg_first) {
    // Hibernating and only signals came (process_info, links, monitors):
    // acted on, and it sleeps on without waking (its heap stays small; what
    // answering them left in heap fragments is collected away).
    if (p->mbuf) gc_collect_hibernate(p, p->arg_reg, p->arity);
    bool more;
    {
      std::lock_guard<SpinLock> lock(p->sig_lock);
      more = p->sig_in_first != nullptr;
      if (!more) p->state.store(ProcState::Waiting, std::memory_order_relaxed);
    }
    if (more) put_back(s, p);
    return false;
  }
  if (trace_flags_of(p) & TF_SCHED) trace_sched(p, atom_put("in"));
  RunResult result;
  try {
    result = interp_run(s, p);
  } catch (const std::bad_alloc&) {
    // Erlang code asked for more memory than the system gives (a huge
    // binary, say): the reference aborts the whole VM; we end the process
    // that asked, with system_limit, and keep the rest running.
    p->exit_reason = am::system_limit;
    result = RunResult::Exit;
  }
  if (p->heap_limit_report) max_heap_report(p);
  stats_switched_out(p, result == RunResult::Exit);  // erlang:statistics/1
  if (trace_flags_of(p) & TF_SCHED) {
    if (result != RunResult::Exit) trace_sched(p, atom_put("out"));
    else if (trace_flags_of(p) & TF_EXITING) trace_sched(p, atom_put("out_exited"));
  }
  switch (result) {
    case RunResult::Yield:
      // A BIF may have acted on a signal that kills it (exit/2 to itself).
      if (p->exit_reason != NON_VALUE ||
          (signals_pending(p) && process_handle_signals(p) == SignalResult::Exit)) {
        process_terminate(p);
        return false;
      }
      if (literal_copy_pending(p)) literal_copy_run(p, p->arg_reg, p->arity);
      if (p->suspend_count) {
        park_suspended(s, p);
        return false;
      }
      p->status_hint = ProcState::Runnable;
      put_back(s, p);
      return true;
    case RunResult::Wait: {
      if (literal_copy_pending(p)) literal_copy_run(p, p->arg_reg, p->arity);
      p->status_hint = ProcState::Waiting;
      if (p->timeout_armed && !p->timed_out && !p->recv_timer)
        p->recv_timer = timer_start_receive(p->id, p->timer_gen, p->timeout_at_us);
      {
        std::lock_guard<SpinLock> lock(p->sig_lock);
        if (!p->sig_in_first) {
          p->state.store(ProcState::Waiting, std::memory_order_relaxed);
          return false;
        }
      }
      put_back(s, p);  // signals arrived while it ran
      return false;
    }
    case RunResult::Exit:
      process_terminate(p);
      return false;
  }
  return false;
}

// Gives one of s's processes to a scheduler with at least two fewer
// runnable processes (queued plus the one running), if there is one.
void balance(Scheduler* s) {
  size_t mine = s->rq_len_hint.load(std::memory_order_relaxed);
  if (mine < 2) return;
  Scheduler* target = nullptr;
  size_t least = mine;
  for (Scheduler* o : g_scheds) {
    if (o == s || !active(o)) continue;
    size_t load = o->rq_len_hint.load(std::memory_order_relaxed) + (o->busy.load(std::memory_order_relaxed) ? 1 : 0);
    if (load + 2 <= least) {
      least = load;
      target = o;
    }
  }
  if (!target) return;
  Process* p = nullptr;
  {
    std::lock_guard<std::mutex> lock(s->rq_lock);
    for (unsigned prio = PRIO_LOW + 1; prio-- > 0 && !p;) {
      if (!s->rq[prio].empty()) {
        p = s->rq[prio].back();
        s->rq[prio].pop_back();
        p->rq_owner.store(nullptr, std::memory_order_relaxed);
      }
    }
    if (!p) return;
    s->rq_len--;
    s->rq_len_hint.store(s->rq_len, std::memory_order_relaxed);
  }
  p->scheduler = target;
  scheduler_enqueue(p);
}

void scheduler_main(Scheduler* s) {
  t_current = s;
  EpochParticipant& ep = this_thread_epoch();
  unsigned since_reclaim = 0;
  for (;;) {
    Process* p = next_process(s);
    s->busy.store(true, std::memory_order_relaxed);
    ep.pin();
    bool used_slice = run_one(s, p);
    ep.unpin();
    s->busy.store(false, std::memory_order_relaxed);
    if (used_slice && g_scheds.size() > 1) balance(s);
    // More work than this scheduler can do soon (processes waiting behind
    // one that used its whole slice and is queued again, or several
    // waiting): let a sleeper steal some. A lone process, whether it just
    // woke up or used its slice, is simply run next, here: moving it to
    // another core would only cost its caches.
    size_t waiting = s->rq_len_hint.load(std::memory_order_relaxed);
    if (waiting >= 2 && g_sleeping.load(std::memory_order_seq_cst) > 0)
      wake_sleeper(s);
    if (++since_reclaim == 64) {
      since_reclaim = 0;
      epoch_reclaim();
    }
  }
}

}  // namespace

void schedulers_create(unsigned n) {
  if (n < 1) n = 1;
  if (n > MAX_SCHEDULERS) n = MAX_SCHEDULERS;
  g_online.store(n);
  for (unsigned i = 0; i < n; i++) {
    auto* s = new Scheduler();
    s->id = i + 1;
    g_scheds.push_back(s);
  }
}

unsigned scheduler_count() { return unsigned(g_scheds.size()); }
Scheduler* scheduler_at(unsigned i) { return g_scheds[i]; }

void schedulers_start() {
  for (Scheduler* s : g_scheds) {
    s->thread = std::thread(scheduler_main, s);
    s->thread.detach();
  }
}

Scheduler* current_scheduler() { return t_current; }

void scheduler_enqueue(Process* p) {
  Scheduler* s = active_or_first(p->scheduler ? p->scheduler : t_current ? t_current : g_scheds[0]);
  bool wake_owner;
  {
    std::lock_guard<std::mutex> lock(s->rq_lock);
    push_locked(s, p);
    wake_owner = s->sleeping && !s->woken;
    if (wake_owner) s->woken = true;
  }
  if (wake_owner) s->rq_cv.notify_one();
}

// ---- schedulers online, multi-scheduling blocks

namespace {

// Wakes every scheduler that may have parked (it looks whether it takes
// work again).
void wake_all() {
  for (Scheduler* s : g_scheds) {
    std::lock_guard<std::mutex> lock(s->rq_lock);
    s->woken = true;
    s->rq_cv.notify_one();
  }
}

// After taking schedulers out of use: waits (a little, bounded) for those
// running a process to finish their slice, so that on return they run
// nothing more (as the reference's blocking is synchronous).
void wait_for_inactive_to_stop() {
  Scheduler* me = current_scheduler();
  for (int round = 0; round < 2000; round++) {
    bool busy = false;
    for (Scheduler* s : g_scheds)
      if (s != me && !active(s) && s->busy.load(std::memory_order_acquire)) busy = true;
    if (!busy) return;
    std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
}

Term ms_state_locked() {
  bool full = false, normal = false;
  for (const Blocker& b : g_blockers) {
    if (b.full) full = true;
    if (b.normal) normal = true;
  }
  if (full) return atom_put("blocked");
  if (normal) return atom_put("blocked_normal");
  return atom_put("enabled");  // (the reference has dirty schedulers besides, even with +S 1)
}

void update_blocked_locked() {
  bool blocked = false;
  for (const Blocker& b : g_blockers)
    if (b.full || b.normal) blocked = true;
  g_ms_blocked.store(blocked && g_scheds.size() > 1, std::memory_order_release);
}

}  // namespace

unsigned schedulers_online() { return g_online.load(std::memory_order_acquire); }

unsigned schedulers_set_online(unsigned n) {
  unsigned old;
  {
    std::lock_guard<std::mutex> lock(g_ms_mutex);
    old = g_online.exchange(n, std::memory_order_acq_rel);
  }
  if (n > old) wake_all();
  else if (n < old) wait_for_inactive_to_stop();
  return old;
}

Term scheduler_multi_scheduling(Term pid, bool block, bool normal) {
  Term state;
  bool blocked_now;
  {
    std::lock_guard<std::mutex> lock(g_ms_mutex);
    auto it = std::find_if(g_blockers.begin(), g_blockers.end(), [&](const Blocker& b) { return b.pid == pid; });
    if (block) {
      if (it == g_blockers.end()) it = g_blockers.insert(g_blockers.end(), Blocker{pid, 0, 0});
      (normal ? it->normal : it->full)++;
    } else if (it != g_blockers.end()) {
      unsigned& c = normal ? it->normal : it->full;
      if (c) c--;
      if (!it->full && !it->normal) g_blockers.erase(it);
    }
    bool was = g_ms_blocked.load(std::memory_order_relaxed);
    update_blocked_locked();
    blocked_now = g_ms_blocked.load(std::memory_order_relaxed);
    state = ms_state_locked();
    if (was && !blocked_now) {
      // unblocked: the others take work again (woken below)
    }
  }
  if (blocked_now) wait_for_inactive_to_stop();
  else wake_all();
  return state;
}

Term scheduler_multi_scheduling_state() {
  std::lock_guard<std::mutex> lock(g_ms_mutex);
  return ms_state_locked();
}

std::vector<Term> scheduler_blockers(bool normal) {
  std::vector<Term> v;
  if (g_scheds.size() == 1) return v;  // as the reference: none listed
  std::lock_guard<std::mutex> lock(g_ms_mutex);
  for (const Blocker& b : g_blockers)
    if (normal ? b.normal : b.full) v.push_back(b.pid);
  return v;
}

void scheduler_release_blocks(Term pid) {
  bool unblocked = false;
  {
    std::lock_guard<std::mutex> lock(g_ms_mutex);
    auto it = std::find_if(g_blockers.begin(), g_blockers.end(), [&](const Blocker& b) { return b.pid == pid; });
    if (it == g_blockers.end()) return;
    g_blockers.erase(it);
    bool was = g_ms_blocked.load(std::memory_order_relaxed);
    update_blocked_locked();
    unblocked = was && !g_ms_blocked.load(std::memory_order_relaxed);
  }
  if (unblocked) wake_all();
}

void scheduler_elevate(Process* p) {
  Scheduler* s = p->rq_owner.load(std::memory_order_seq_cst);
  if (!s) return;  // running or being queued (it looks at sys_prio then) or waiting
  std::lock_guard<std::mutex> lock(s->rq_lock);
  if (p->rq_owner.load(std::memory_order_relaxed) != s) return;
  unsigned want = queue_prio(p);
  if (want >= p->rq_prio) return;
  auto& q = s->rq[p->rq_prio];
  for (auto it = q.begin(); it != q.end(); ++it) {
    if (*it == p) {
      q.erase(it);
      s->rq[want].push_back(p);
      p->rq_prio = uint8_t(want);
      return;
    }
  }
}

}  // namespace bvm
