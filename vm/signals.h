// Signals between processes: messages, exit signals, link/unlink,
// monitor/demonitor, group leader changes, requests and receive timeouts.
//
// Any thread may send a signal: it appends the node to the receiver's
// incoming queue under the receiver's `sig_lock` and, if the receiver was
// waiting, makes it runnable. Only the receiver acts on its signals (when
// it is scheduled in, in receive, when it yields, and when it exits), so
// signals from one process to another arrive in the order they were sent,
// whatever their kind, and no thread touches another process's heap, links
// or monitors.
//
// Lifecycle: a terminating process marks itself Exited under its lock and
// drains its queue, answering leftover link and monitor signals with noproc
// as the reference does; a sender that finds the receiver Exited (or not in
// the process table) gets `false` back and answers itself. The exited
// process then leaves the process table and is freed once no thread can
// hold a pointer to it (vm/epoch.h).
#pragma once

#include <cstdint>

#include "vm/message.h"
#include "vm/process.h"

namespace bvm {

// Numbers for a new reference (unique, laid out as the reference's).
RefNumbers new_ref_numbers();
constexpr uint32_t ALIAS_REF_BIT = uint32_t(1) << 16;  // in n[1]: the reference is an alias
Term make_ref_term(Process* p, const RefNumbers& r);
bool ref_term_numbers(Term ref, RefNumbers* out);

// ---- building and delivering signal nodes (any thread)
// A node of `kind` from `from` with copies of `term` and `aux` (either may
// be NON_VALUE) in one fragment.
Message* signal_new(SigKind kind, Term from, Term term, Term aux = NON_VALUE);
// Appends m to p's incoming queue and wakes p if it waits. If p has exited
// m is freed and the result is false.
bool signal_deliver(Process* p, Message* m);
// Looks up a local pid (the caller is pinned) and delivers; false if there
// is no such live process (m is freed).
bool signal_send(Term to, Message* m);

// ---- what BIFs do (run in the process `self`)
bool send_message(Process* self, Term to_pid, Term msg);   // false: no such process
void send_exit(Process* self, Term to_pid, Term reason);   // exit/2
bool link_to(Process* self, Term other);                   // false: noproc
void unlink_from(Process* self, Term other);
// Monitors `target` (a pid, or NON_VALUE when a name was not registered).
// `name` is the registered name used, else NON_VALUE. Returns the ref; a
// target that does not exist gets an immediate 'DOWN' with noproc.
// With `alias`, the reference is also an alias of self with that mode.
Term monitor_process(Process* self, Term target, Term name, Term tag, const AliasMode* alias = nullptr);
// A monitor that fires at once: {Tag, Ref, Type, Item, Reason} goes to
// self's own queue; with `alias`, Ref is an alias (kept only when
// explicit_unalias). Returns Ref.
Term monitor_down_now(Process* self, Term type, Term item, Term tag, Term reason, const AliasMode* alias);
// Removes the monitor; false if it was not active.
bool demonitor_process(Process* self, Term ref);
// A message to an alias reference (dropped unless the alias is active).
void send_alias_message(Process* self, Term alias, Term msg);
// Creates an alias of `self` with `mode`; returns the reference.
Term alias_create(Process* self, AliasMode mode);
// The same, returning the reference's numbers.
RefNumbers alias_numbers_create(Process* self, AliasMode mode);
// Deactivates an alias of self; false if it was not active.
bool alias_remove(Process* self, Term ref);
// The monitor entry a watched process keeps (owns a copy of a boxed tag).
MonitorEntry monitored_by_entry(const RefNumbers& ref, Term watcher, Term name, Term tag);
void monitor_entry_free(MonitorEntry& e);
// Sends a request to run `fn` in `to`; false if it does not exist.
bool send_request(Process* self, Term to_pid, RequestFn fn, const RefNumbers& ref, Term payload);
// In a request's fn: sends {Ref, Value} to the requester.
void request_reply(Process* receiver, Message* request, Term value);

// ---- receiving
enum class SignalResult { Nothing, Messages, Exit };
// Acts on every signal sent to p so far (p runs on this thread, its
// registers swapped out). Exit: p must terminate with p->exit_reason.
SignalResult process_handle_signals(Process* p);
inline bool signals_pending(const Process* p) { return p->sig_pending.load(std::memory_order_acquire); }

// Terminates p (running on this thread) with p->exit_reason: notifies
// links and watchers, unregisters it, removes it from the process table
// and retires its memory.
void process_terminate(Process* p);

}  // namespace bvm
