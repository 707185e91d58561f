// Links, monitors and exit signals between processes.
//
// Each process keeps its links (pids) and two monitor lists: the monitors
// it holds (`monitors`: what it watches) and those held on it
// (`monitored_by`). Monitor references are kept as their numbers, not as
// heap terms, so these lists are not GC roots.
//
// An exit signal to a process that is not running is recorded as
// `pending_exit`; the scheduler terminates the process before it would run
// again. A process terminating sends exit signals along its links and
// 'DOWN' messages to its watchers.
#pragma once

#include <cstdint>
#include <vector>

#include "vm/process.h"

namespace bvm {

struct RefNumbers {
  uint32_t n[3];
  bool operator==(const RefNumbers& o) const { return n[0] == o.n[0] && n[1] == o.n[1] && n[2] == o.n[2]; }
};

struct MonitorEntry {
  RefNumbers ref;
  Term other;     // the watched (in `monitors`) or watching (in `monitored_by`) pid
  Term name;      // monitor by registered name: the name, else NON_VALUE
  Term tag;       // the first element of the message ('DOWN' unless {tag, T})
};

RefNumbers new_ref_numbers();
Term make_ref_term(Process* p, const RefNumbers& r);
bool ref_term_numbers(Term ref, RefNumbers* out);

// link/unlink: both sides, immediately. False if `other` is not alive
// (the caller then delivers noproc as the reference does).
bool link_processes(Process* a, Term other);
void unlink_processes(Process* a, Term other);

// monitor(process, Target): returns the reference. A dead target gets an
// immediate 'DOWN' with reason noproc.
Term monitor_process(Process* watcher, Term target_pid, Term name, Term tag);
// demonitor(Ref): true if it was active.
bool demonitor_process(Process* watcher, Term ref);

// Sends an exit signal from `from` with `reason` to `to` (exit/2 and
// links): trapped as a message, ignored (normal), or ends the process.
void send_exit_signal(Process* from_proc, Term from, Process* to, Term reason, bool from_link);

// Called by the scheduler when p has terminated with p->exit_reason:
// notifies links and watchers. p's heap is still valid.
void process_terminated(Process* p);

}  // namespace bvm
