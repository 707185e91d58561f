#include "vm/vm_stats.h"

#include <atomic>

#include "vm/scheduler.h"

namespace bvm {

namespace {

struct alignas(64) Slot {
  std::atomic<uint64_t> reductions{0}, context_switches{0}, gcs{0}, words_reclaimed{0};
};

// Slot 0 for threads that are not schedulers, then one per scheduler id.
Slot slots[MAX_SCHEDULERS + 1];

Slot& my_slot() {
  Scheduler* s = current_scheduler();
  return slots[s ? s->id : 0];
}

}  // namespace

void stats_switched_out(const Process* p, bool exited) {
  // The interpreter leaves the reductions left in the slice in p->fcalls
  // when it switches a process out to wait or to yield.
  uint64_t reductions = exited ? 0 : uint64_t(CONTEXT_REDS - p->fcalls);
  Slot& s = my_slot();
  s.reductions.fetch_add(reductions, std::memory_order_relaxed);
  s.context_switches.fetch_add(1, std::memory_order_relaxed);
}

void stats_gc_done(size_t words_before, size_t words_after) {
  Slot& s = my_slot();
  s.gcs.fetch_add(1, std::memory_order_relaxed);
  if (words_before > words_after) s.words_reclaimed.fetch_add(words_before - words_after, std::memory_order_relaxed);
}

StatsTotals stats_totals() {
  StatsTotals t;
  for (unsigned i = 0, n = scheduler_count(); i <= n && i <= MAX_SCHEDULERS; i++) {
    const Slot& s = slots[i];
    t.reductions += s.reductions.load(std::memory_order_relaxed);
    t.context_switches += s.context_switches.load(std::memory_order_relaxed);
    t.gcs += s.gcs.load(std::memory_order_relaxed);
    t.words_reclaimed += s.words_reclaimed.load(std::memory_order_relaxed);
  }
  return t;
}

}  // namespace bvm
