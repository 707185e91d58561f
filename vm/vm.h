// The running VM: the process table, spawning, waking, and the main loop.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vm/process.h"

namespace bvm {

// Process table.
Process* process_lookup(Term pid);         // nullptr if no such live process
std::vector<Process*> process_list();

// Creates a process that will run M:F(Args...). Args must be a proper list.
// Returns the new process (already runnable), or nullptr (system_limit).
Process* process_spawn(Process* parent, Term module, Term function, Term args);

// Registered names.
Process* process_whereis(Term name);
bool process_register(Term name, Process* p);   // false if taken or p has a name
bool process_unregister(Term name);

// Makes a waiting process runnable (a message arrived, a timer fired).
void process_wake(Process* p);
// An exit signal arrived for a process that is not running: schedule it so
// the scheduler can terminate it.
void process_wake_for_exit(Process* p);

// Runs processes until halt() is called or nothing is left to run.
// Returns the exit status for the OS process.
int vm_run();
// Requests the VM to stop with this status (erlang:halt/1,2).
void vm_halt(int status);
bool vm_halting();

int64_t monotonic_us();

}  // namespace bvm
