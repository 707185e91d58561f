// The running VM: spawning processes, starting the schedulers, halting.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "vm/process.h"

namespace bvm {

// Start-up settings (from the command line: +S, +P).
struct VmConfig {
  unsigned schedulers = 0;     // 0: one per core
  size_t process_limit = 0;    // 0: the default (262,144)
};
// Creates the process table and the schedulers; call once before spawning.
void vm_init(const VmConfig& config);

// A live process by pid (the caller is a scheduler thread, or pinned: see
// vm/epoch.h), else nullptr.
Process* process_lookup(Term pid);
std::vector<Term> process_pids();

// The max_heap_size new processes get (erlang:system_flag(max_heap_size, _)).
struct MaxHeapDefault {
  size_t size = 0;  // words; 0: unlimited
  bool kill = true;
  bool error_logger = true;
};
MaxHeapDefault max_heap_default();
void set_max_heap_default(const MaxHeapDefault& d);

struct SpawnOpts {
  bool link = false;
  bool monitor = false;
  Term monitor_tag = NON_VALUE;     // {tag, T} in the monitor options
  bool monitor_alias = false;       // {alias, Mode} in the monitor options
  AliasMode alias_mode = AliasMode::Explicit;
  uint8_t prio = PRIO_NORMAL;
  size_t min_heap_size = 0;         // 0: default
  size_t min_bin_vheap_size = 0;    // 0: default
  uint32_t fullsweep_after = 65535;
  size_t max_heap_size = max_heap_default().size;  // 0: unlimited
  bool max_heap_kill = max_heap_default().kill;
  bool max_heap_error_logger = max_heap_default().error_logger;
  bool off_heap_msgq = false;
  bool system_process = false;      // a process of the runtime (init leaves it alive)
};

// Creates a process that will run M:F(Args...). Args must be a proper
// list. Returns it (already runnable), or nullptr at the process limit.
// With opts.monitor, *monitor_ref gets the monitor's reference.
Process* process_spawn(Process* parent, Term module, Term function, Term args, const SpawnOpts& opts = {},
                       Term* monitor_ref = nullptr);

// Runs the schedulers until halt or until no process is left; returns the
// exit status for the OS process.
int vm_run();
// Lists every process and where it is (SIGQUIT does this, then exits 2).
void vm_dump_processes(FILE* out);

// erlang:halt: flushes stdout/stderr and ends the OS process at once.
[[noreturn]] void vm_halt(int status);
// Called by process_terminate when a process has left the table.
void vm_process_exited();
// The VM halts (status 1) when this process exits: OTP's init, whose death
// leaves nothing to run the system.
void vm_set_vital_process(Term pid);
bool vm_is_vital_process(Term pid);

}  // namespace bvm
