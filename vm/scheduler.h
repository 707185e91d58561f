// Schedulers: each runs processes on one OS thread.
//
// Ownership: a runnable process is in exactly one run queue; a running
// process belongs to the scheduler running it, which alone touches its heap.
// The x and float registers are the scheduler's: a process's live registers
// are copied into Process::arg_reg when it is switched out.
#pragma once

#include <cstdint>
#include <deque>

#include "vm/process.h"

namespace bvm {

constexpr unsigned MAX_FREG = 1024;

struct Scheduler {
  Term x[MAX_REG + 8];
  double fr[MAX_FREG];
  unsigned id = 0;
  std::deque<Process*> run_queue;
};

}  // namespace bvm
