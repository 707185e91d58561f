// The interpreter: a direct-threaded loop over prepared code (vm/instrs.def).
#pragma once

#include "vm/process.h"
#include "vm/term.h"

namespace bvm {

struct Scheduler;

enum class RunResult {
  Yield,  // out of reductions, or erlang:yield/0: put it back in the run queue
  Wait,   // waiting in receive
  Exit,   // finished: p->exit_reason says why
};

// Builds the dispatch table and sets the export stubs' handlers; call once.
void interp_init();
// Handler address of each instruction, indexed by Instr.
const UWord* interp_dispatch_table();
// A one-instruction program that ends a process normally: the bottom of
// every process's stack, and where a spawned process's first call returns.
const UWord* normal_exit_code();
// Runs p on scheduler s until it yields, waits or exits.
RunResult interp_run(Scheduler* s, Process* p);

}  // namespace bvm
