// erlang:statistics/1.
//
// Reductions and context switches are counted when processes are switched
// out (vm/vm_stats.h), so `exact_reductions` is `reductions` here: the
// calling process's running slice is not included. Run queues are the
// schedulers' own, then the dirty CPU queue (and with *_all the dirty I/O
// queue): we have no dirty schedulers, so those are empty. Not available
// yet (error notsup): `io` (no ports) and `microstate_accounting`.
// `scheduler_wall_time(_all)` is `undefined` until the flag is switched on
// (erts_internal:scheduler_wall_time/1, through kernel_refc), then it
// lists the normal schedulers' active and total nanoseconds since.
#include <atomic>
#include <chrono>
#include <mutex>
#include <vector>

#include "bifs/bif.h"
#include "vm/atom_table.h"
#include "vm/scheduler.h"
#include "vm/vm_stats.h"

// Last: it defines PRIO_MAX, a name vm/process.h uses.
#include <sys/resource.h>

namespace bvm {

namespace {

const auto vm_start = std::chrono::steady_clock::now();

int64_t user_cpu_ms() {
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru) != 0) return 0;
  return (int64_t(ru.ru_utime.tv_sec) * 1000000 + ru.ru_utime.tv_usec) / 1000;
}

// {Total, Total - Total at the previous call}, the previous call being any
// process's.
Term total_and_diff(Process* p, std::atomic<int64_t>& last, int64_t total) {
  int64_t prev = last.exchange(total, std::memory_order_relaxed);
  return make_tuple(p, {make_integer(p, total), make_integer(p, total - prev)});
}

struct QueueCounts {
  std::vector<uint64_t> runnable, active;  // per scheduler
};

QueueCounts queue_counts() {
  QueueCounts c;
  for (unsigned i = 0, n = scheduler_count(); i < n; i++) {
    Scheduler* s = scheduler_at(i);
    uint64_t queued = s->rq_len_hint.load(std::memory_order_relaxed);
    c.runnable.push_back(queued);
    c.active.push_back(queued + (s->busy.load(std::memory_order_relaxed) ? 1 : 0));
  }
  return c;
}

Term uint_list(Process* p, const std::vector<uint64_t>& v, unsigned empty_dirty_queues) {
  Term l = NIL;
  for (unsigned i = 0; i < empty_dirty_queues; i++) l = make_cons(p, make_small(0), l);
  for (size_t i = v.size(); i-- > 0;) l = make_cons(p, make_uinteger(p, v[i]), l);
  return l;
}

uint64_t sum(const std::vector<uint64_t>& v) {
  uint64_t s = 0;
  for (uint64_t x : v) s += x;
  return s;
}

}  // namespace

// ---- scheduler wall time: measured all along (vm/scheduler.h), reported
// from when erts_internal:scheduler_wall_time(true) switched it on.

namespace {

struct WallTimeBase {
  int64_t at = 0;                  // clock when switched on; 0: off
  std::vector<int64_t> idle;       // each scheduler's idle_ns then
};
std::mutex g_wall_lock;
WallTimeBase g_wall;

int64_t idle_now(Scheduler* s, int64_t now) {
  int64_t since = s->idle_since.load(std::memory_order_relaxed);
  return s->idle_ns.load(std::memory_order_relaxed) + (since ? now - since : 0);
}

Term scheduler_wall_time(Process* p) {
  std::lock_guard<std::mutex> lock(g_wall_lock);
  if (!g_wall.at) return am::undefined;
  int64_t now = scheduler_clock_ns();
  Term list = NIL;
  for (unsigned i = scheduler_count(); i-- > 0;) {
    Scheduler* s = scheduler_at(i);
    int64_t total = now - g_wall.at;
    int64_t active = total - (idle_now(s, now) - g_wall.idle[i]);
    if (active < 0) active = 0;
    list = make_cons(p, make_tuple(p, {make_small(SWord(i + 1)), make_integer(p, active), make_integer(p, total)}), list);
  }
  return list;
}

}  // namespace

// scheduler_wall_time(Enable) -> WasEnabled
BIF_FN(erts_internal_scheduler_wall_time_1) {
  if (args[0] != am::true_ && args[0] != am::false_) return raise_badarg(p);
  std::lock_guard<std::mutex> lock(g_wall_lock);
  bool was = g_wall.at != 0;
  if (args[0] == am::true_ && !was) {
    int64_t now = scheduler_clock_ns();
    g_wall.idle.clear();
    for (unsigned i = 0; i < scheduler_count(); i++) g_wall.idle.push_back(idle_now(scheduler_at(i), now));
    g_wall.at = now;
  } else if (args[0] == am::false_) {
    g_wall.at = 0;
  }
  return was ? am::true_ : am::false_;
}

BIF_FN(erlang_statistics_1) {
  Term item = args[0];
  if (!is_atom(item)) return raise_badarg(p);
  std::string_view k = atom_text(item);
  if (k == "scheduler_wall_time" || k == "scheduler_wall_time_all") return scheduler_wall_time(p);
  if (k == "total_active_tasks" || k == "total_active_tasks_all") return make_uinteger(p, sum(queue_counts().active));
  if (k == "total_run_queue_lengths" || k == "total_run_queue_lengths_all" || k == "run_queue")
    return make_uinteger(p, sum(queue_counts().runnable));
  if (k == "active_tasks" || k == "active_tasks_all")
    return uint_list(p, queue_counts().active, k == "active_tasks" ? 1 : 2);
  if (k == "run_queue_lengths" || k == "run_queue_lengths_all")
    return uint_list(p, queue_counts().runnable, k == "run_queue_lengths" ? 1 : 2);
  if (k == "run_queues") {
    QueueCounts c = queue_counts();
    size_t n = c.runnable.size() + 2;
    Term* hp = p->halloc(1 + n);
    hp[0] = make_header(n, Sub::Tuple);
    for (size_t i = 0; i < n; i++) hp[1 + i] = i < c.runnable.size() ? make_uinteger(p, c.runnable[i]) : make_small(0);
    return make_boxed(hp);
  }
  if (k == "context_switches")
    return make_tuple(p, {make_uinteger(p, stats_totals().context_switches), make_small(0)});
  if (k == "garbage_collection") {
    StatsTotals t = stats_totals();
    return make_tuple(p, {make_uinteger(p, t.gcs), make_uinteger(p, t.words_reclaimed), make_small(0)});
  }
  if (k == "reductions" || k == "exact_reductions") {
    static std::atomic<int64_t> last{0};
    return total_and_diff(p, last, int64_t(stats_totals().reductions));
  }
  if (k == "runtime") {
    static std::atomic<int64_t> last{0};
    return total_and_diff(p, last, user_cpu_ms());
  }
  if (k == "wall_clock") {
    static std::atomic<int64_t> last{0};
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - vm_start);
    return total_and_diff(p, last, int64_t(ms.count()));
  }
  if (k == "io" || k == "microstate_accounting") return raise_error(p, am::notsup);
  return raise_badarg(p);
}

}  // namespace bvm
