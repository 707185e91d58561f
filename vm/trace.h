// Tracing: erlang:trace/3 (process events), erlang:trace_pattern/3 (call
// tracing), and the trace messages they produce. See vm/README.md
// ("Tracing") for the invariants.
//
// - Each process has a trace-flags word and a tracer record. Hooks on slow
//   paths (send, receive, spawn, link, register, exit, scheduling, GC) test
//   the flags word and call in here only when a flag is set.
// - Call tracing costs nothing for untraced functions: a local pattern
//   replaces the handler word of the function's entry instruction with the
//   trace_breakpoint instruction (the original word is kept in the
//   function's FunctionInfo); a global pattern points the export at a
//   trampoline in the export (trace_export); a BIF's export gets a trace
//   point that the call_bif instructions test.
// - return_trace / exception_trace / return_to push small frames whose
//   "return address" is one of the static trace_return codes below; stack
//   traces skip them and the exception unwinder reports through them.
#pragma once

#include <atomic>
#include <cstdint>

#include "vm/code_index.h"
#include "vm/process.h"
#include "vm/term.h"

namespace bvm {

struct Export;
struct FunctionInfo;
class MatchSpec;

enum TraceFlag : uint32_t {
  TF_SEND = 1u << 0,
  TF_RECEIVE = 1u << 1,
  TF_PROCS = 1u << 2,
  TF_CALL = 1u << 3,
  TF_SILENT = 1u << 4,
  TF_RETURN_TO = 1u << 5,
  TF_RUNNING = 1u << 6,
  TF_EXITING = 1u << 7,
  TF_RUNNING_PROCS = 1u << 8,
  TF_GC = 1u << 9,
  TF_SOS = 1u << 10,   // set_on_spawn
  TF_SOFS = 1u << 11,  // set_on_first_spawn
  TF_SOL = 1u << 12,   // set_on_link
  TF_SOFL = 1u << 13,  // set_on_first_link
  TF_ARITY = 1u << 14,
  TF_TIMESTAMP = 1u << 15,
  TF_MONO_TS = 1u << 16,
  TF_STRICT_MONO_TS = 1u << 17,
  TF_CPU_TS = 1u << 18,
  TF_PORTS = 1u << 19,
  TF_RUNNING_PORTS = 1u << 20,
  TF_SCHED_ID = 1u << 21,
};
constexpr uint32_t TF_ANY_TS = TF_TIMESTAMP | TF_MONO_TS | TF_STRICT_MONO_TS | TF_CPU_TS;
constexpr uint32_t TF_SCHED = TF_RUNNING | TF_RUNNING_PROCS | TF_EXITING;

// Where trace messages of a process go: erl_tracer with a pid (or port)
// as state for {tracer, Pid}, or a tracer module with its state.
// Immutable once published; replaced ones are freed through epoch_retire.
struct Tracer {
  Term module;
  Term state;
  HeapFragment* frag = nullptr;  // owns a boxed state
  ~Tracer();
};

// A call trace pattern of one function (or BIF). Immutable once
// published; a new pattern replaces it (the old goes through epoch_retire).
struct TracePoint {
  Term mfa[3];
  bool local = false;       // call tracing (a local pattern; for BIFs either)
  MatchSpec* ms = nullptr;  // nullptr: trace every call (pattern `true`)
  Term ms_source = NIL;     // what trace_info(_, match_spec) shows
  HeapFragment* frag = nullptr;
  // call_count (local breakpoints only): pause and restart change these in
  // place; a new pattern carries them over.
  bool counting = false;
  mutable std::atomic<bool> count_paused{false};
  mutable std::atomic<int64_t> count{0};
  ~TracePoint();
};

inline uint32_t trace_flags_of(const Process* p) { return p->trace_flags.load(std::memory_order_relaxed); }

// True while any process or the new-process defaults have flags (spawn
// tests this before looking at its parent).
extern std::atomic<uint32_t> g_trace_new_flags;

// ---- process event hooks: call only when the flag is set
void trace_send(Process* p, Term to, Term msg, bool delivered);  // TF_SEND
void trace_receive(Process* p, Term msg);                        // TF_RECEIVE
void trace_proc_event(Process* p, Term tag, Term what);          // TF_PROCS: link, unlink, getting_linked, register...
void trace_exit(Process* p, Term reason);                        // TF_PROCS
void trace_sched(Process* p, Term tag);                          // TF_SCHED: in, out, in_exiting, out_exited...
void trace_gc(Process* p, bool major, bool end, size_t reclaimed);  // TF_GC
// Spawn: inheritance (set_on_spawn, new processes) and spawn/spawned events.
void trace_spawned(Process* parent, Process* child, Term m, Term f, Term args, bool link);
// register/unregister of `pid` by p (the event is pid's).
void trace_registry_event(Process* p, Term pid, Term name, bool reg);
// Links: set_on_link inheritance and link events (p linked to other).
void trace_linked(Process* p, Term other, bool link);
// The process is exiting: its tracer record goes.
void trace_process_exited(Process* p);
inline bool trace_spawn_wanted(const Process* parent) {
  return g_trace_new_flags.load(std::memory_order_relaxed) || (parent && trace_flags_of(parent));
}

// ---- call tracing (from the interpreter; the process is swapped out,
// x holds the arguments). Each may collect garbage (x[0..arity) live) and
// push trace frames: reload the stack top afterwards.
// A breakpoint at a function entry: returns the entry's original handler.
UWord trace_breakpoint(Process* p, const UWord* entry, Term* x);
// An export's trampoline: returns where the call goes.
const UWord* trace_export_call(Process* p, const Export* e, Term* x);
// A traced BIF: calls it, with the call/return/exception messages. A tail
// call returns to p->stop[0], another to the function at p->i.
Term trace_bif_call(Process* p, const Export* e, BifFn fn, Term* x, bool tail);
// Return through a trace frame at p->stop (code `which`): sends
// return_from / return_to; returns the number of frame words to pop.
unsigned trace_frame_return(Process* p, const UWord* which, Term value);
// The exception unwinder passed a trace frame starting at `frame`.
void trace_frame_exception(Process* p, const Term* frame);
// ...and a return_to frame on the way to the catch at `handler`.
void trace_return_to_handler(Process* p, const UWord* handler);

// The static codes trace frames return to (set up by the interpreter).
void trace_set_codes(UWord return_trace, UWord exception_trace, UWord return_to, UWord breakpoint, UWord export_tramp);
const UWord* trace_return_code();
const UWord* trace_exception_code();
const UWord* trace_return_to_code();
bool is_trace_frame_code(const UWord* ra);
// The first return address slot at or above s that is not a trace frame.
const Term* trace_skip_frames(const Term* s);


}  // namespace bvm
