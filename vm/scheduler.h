// Schedulers: one OS thread each, running processes from their own run
// queues.
//
// Ownership: a runnable process is in exactly one run queue; a running
// process belongs to the scheduler running it, which alone touches its
// heap. The x and float registers are the scheduler's: a process's live
// registers are copied into Process::arg_reg when it is switched out.
//
// Each scheduler has a queue per priority (max, high, normal, low; low
// runs once per 8 normal picks when both wait). A process made runnable
// by another thread goes to the queue of the scheduler that last ran it.
// A scheduler without work steals from the others, then sleeps on its
// condition variable; a scheduler that has more work than it is running
// wakes a sleeper, which then steals. After a process used a whole slice,
// a scheduler with two or more processes more than another gives it one
// (so CPU-bound work spreads evenly). An idle VM has every scheduler
// asleep and uses no CPU.
//
// Lock order: a process's sig_lock may be held when taking a run queue
// lock (never the other way round).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "vm/process.h"

namespace bvm {

constexpr unsigned MAX_FREG = 1024;
constexpr unsigned MAX_SCHEDULERS = 1024;
// What erlang:system_info(dirty_io_schedulers) reports.
constexpr unsigned DIRTY_IO_SCHEDULERS = 10;

struct Scheduler {
  Term x[MAX_REG + 8];
  double fr[MAX_FREG];
  unsigned id = 0;  // 1-based, as erlang:system_info(scheduler_id)
  uint64_t unique = 0;  // erlang:unique_integer/0,1 (not monotonic), this thread's count

  std::mutex rq_lock;
  std::condition_variable rq_cv;
  std::deque<Process*> rq[PRIO_COUNT];  // under rq_lock
  size_t rq_len = 0;                    // under rq_lock
  std::atomic<size_t> rq_len_hint{0};   // for thieves, without the lock
  std::atomic<bool> busy{false};        // running a process now
  bool sleeping = false;                // under rq_lock
  bool woken = false;                   // under rq_lock
  unsigned normal_picks = 0;
  // Scheduler wall time (statistics(scheduler_wall_time)): nanoseconds
  // spent idle so far, and since when it is idle now (0: busy). Written by
  // the scheduler's own thread only.
  std::atomic<int64_t> idle_ns{0};
  std::atomic<int64_t> idle_since{0};
  std::thread thread;
};

// Steady-clock nanoseconds (the scheduler wall time's clock).
int64_t scheduler_clock_ns();

// Creates n schedulers (call once, before anything is enqueued).
void schedulers_create(unsigned n);
unsigned scheduler_count();
// The scheduler with id i + 1 (i < scheduler_count()).
Scheduler* scheduler_at(unsigned i);
// Starts the scheduler threads.
void schedulers_start();
// The scheduler running on this thread, or nullptr.
Scheduler* current_scheduler();
// Puts a Runnable process on a run queue (p->scheduler's, else this
// thread's, else the first) and wakes a scheduler if needed.
void scheduler_enqueue(Process* p);
// ---- schedulers online and multi-scheduling blocks. Schedulers above
// schedulers_online, and all but the first while multi-scheduling is
// blocked, take no work: their queued processes move to the first
// scheduler and they sleep. Timers are not per scheduler here, so nothing
// else moves.
unsigned schedulers_online();
// Sets it (1..scheduler_count()); returns the previous value.
unsigned schedulers_set_online(unsigned n);
// system_flag(multi_scheduling, block | unblock | block_normal |
// unblock_normal) for process `pid`; returns the state after it. Each
// block by a process counts; its blocks end when it exits.
Term scheduler_multi_scheduling(Term pid, bool block, bool normal);
Term scheduler_multi_scheduling_state();  // enabled | blocked | blocked_normal | disabled
std::vector<Term> scheduler_blockers(bool normal);
void scheduler_release_blocks(Term pid);

// p->sys_prio was raised: a runnable p waiting in a lower priority queue
// moves to the higher one.
void scheduler_elevate(Process* p);

}  // namespace bvm
