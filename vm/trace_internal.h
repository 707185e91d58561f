// Tracing internals shared by vm/trace.cpp and bifs/erlang_trace.cpp.
#pragma once

#include <mutex>

#include "vm/code_table.h"
#include "vm/trace.h"

namespace bvm {

// Serialises changes to trace flags, tracers and trace patterns. Lock
// order: code_mutex() -> trace_mutex() -> a process's sig_lock.
std::mutex& trace_mutex();
extern Tracer* g_new_tracer;  // tracer of new processes (under trace_mutex)
// Removes p's flags and tracer (under trace_mutex).
void trace_clear_process(Process* p);
// {trace, Pid, Tag, A [, B]} (+ scheduler id, timestamp per `flags`) to
// the tracee's tracer. B may be NON_VALUE.
void trace_emit(Process* tracee, uint32_t flags, Term tag, Term a, Term b);
FunctionInfo* function_of_mfa(const Term* mfa);
UWord trace_breakpoint_handler();
UWord trace_export_handler();

}  // namespace bvm
