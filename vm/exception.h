// Exceptions: saving the stack trace when one is raised, finding the
// catch that handles it, and building the stack-trace list on demand.
//
// At raise time only a compact "raw" trace is saved: the failing code
// address, the return addresses found on the stack (duplicates collapsed,
// at most the backtrace depth, 8 by default) and, for BIF and
// function_clause errors, the arguments. It is a tuple
//   {'$raw_trace', Class, Current, Pc, ArgsOrArity, ErrorInfo, Cp...}
// with code pointers stored as small integers, so the GC can move it like
// any term. build_stacktrace turns it into the familiar
//   [{M, F, ArityOrArgs, [{file, F}, {line, L} | ErrorInfo]}, ...].
#pragma once

#include "vm/code_index.h"
#include "vm/process.h"

namespace bvm {

extern int backtrace_depth;  // erlang:system_flag(backtrace_depth, N)

// Saves the raw trace of the exception in p->exc_* into p->exc_stacktrace.
//   pc       the failing instruction (its function is the current one)
//   x        the x registers (arguments of a function_clause error)
//   func     for function_clause: the function's MFA triple (args in x)
// A BIF error (p->exc_bif set) makes the BIF the first frame, with the
// arguments p->exc_bif_args.
void exc_save_trace(Process* p, const UWord* pc, const Term* x, const Term* func_mfa);

// Finds the innermost catch on the stack. If there is one, pops the stack
// down to its frame and returns the handler address; nullptr otherwise.
const UWord* exc_find_handler(Process* p);

// A raw trace (or an already built list, returned as is) as a list.
Term exc_build_stacktrace(Process* p, Term trace);
bool exc_is_raw_trace(Term t);
// A stack trace given by erlang:raise/3, kept with its class so that a
// rethrow (the raise instruction of try ... after) keeps the class too.
Term exc_user_trace(Process* p, ExcClass c, Term list);
// The class a raw or user trace records; false for anything else.
bool exc_trace_class(Term trace, ExcClass* out);

// The exit reason of a process that did not catch its exception:
// error -> {Reason, Stack}, exit -> Reason, throw -> {{nocatch, V}, Stack}.
Term exc_exit_reason(Process* p);

// Class atom <-> ExcClass.
Term exc_class_atom(ExcClass c);
bool exc_class_from_atom(Term a, ExcClass* out);

// The `{'EXIT', ...}` value of an exception caught by `catch Expr`.
Term exc_catch_value(Process* p);

// The stack trace of a live process stopped at `pc` (process_info's
// current_stacktrace): [{M, F, Arity, Location}, ...], backtrace_depth deep.
Term exc_current_stacktrace(Process* p, const UWord* pc);
// The MFA triple of the function containing pc, or nullptr.
const Term* code_mfa_at(const UWord* pc);

// Is raise/3's stack trace argument a valid stack trace list?
bool exc_valid_stacktrace(Term t);

}  // namespace bvm
