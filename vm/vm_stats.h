// VM-wide counters for erlang:statistics/1: reductions and context switches
// (counted when a process is switched out), garbage collections and the
// words they reclaimed. Each scheduler thread counts in its own slot, so
// counting costs no contention; readers add the slots up.
#pragma once

#include <cstddef>
#include <cstdint>

#include "vm/process.h"

namespace bvm {

// p was switched out after a slice (`exited`: it ended in it).
void stats_switched_out(const Process* p, bool exited);
// A collection of a heap holding `words_before` words left `words_after`.
void stats_gc_done(size_t words_before, size_t words_after);

struct StatsTotals {
  uint64_t reductions = 0;
  uint64_t context_switches = 0;
  uint64_t gcs = 0;
  uint64_t words_reclaimed = 0;
};
StatsTotals stats_totals();

}  // namespace bvm
