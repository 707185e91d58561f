// Match specifications: compiling and running them.
//
//   [{Head, Guards, Body}, ...]
//
// The table dialect (ets:select and friends, ets:match_spec_run,
// ets:test_ms) matches Head against an object, checks that every guard
// evaluates to `true`, and returns the value of the last body expression.
// The trace dialect (erlang:match_spec_test(_, _, trace)) matches a list of
// arguments and returns `true` or what {message, M} said; it also reports
// return_trace and exception_trace.
//
// Semantics follow the reference (erl_db_util.c): patterns match exactly
// ('$N' variables bind, '_' matches anything, floats must have the same
// bits, a map pattern matches a map holding at least its keys); a guard
// that fails or raises makes the clause fail; in a body, a function call
// that raises (or an and/or/andalso/orelse on a non-boolean) evaluates to
// 'EXIT' and evaluation goes on.
//
// A compiled spec owns a copy of the spec's terms. Running it allocates
// results of guard functions (arithmetic, ...) on the process heap and
// builds tuples and lists in thread-local scratch memory: the value run()
// returns may point into the subject, the spec and the scratch memory, and
// is valid until the next run() on this thread. copy_out() gives a copy on
// the process heap.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "vm/process.h"
#include "vm/term.h"

namespace bvm {

enum class MsDialect : uint8_t { Table, Trace };

// A lint message as erlang:match_spec_test/3 reports it.
struct MsMessage {
  bool error;  // else a warning
  std::string text;
};

// Trace dialect: what the body asked for.
enum MsTraceFlags : unsigned {
  MS_RETURN_TRACE = 1,
  MS_EXCEPTION_TRACE = 2,
  MS_NOTSUP = 4,  // the spec used a trace action this VM does not have
};

class MatchSpec {
 public:
  // Compiles `spec`; nullptr if it is not a valid match specification.
  // *system_limit (if given) is set when it failed for being too deeply
  // nested; `messages` (if given) receives the reference's lint messages.
  static std::unique_ptr<MatchSpec> compile(Term spec, MsDialect dialect, std::vector<MsMessage>* messages = nullptr,
                                            bool* system_limit = nullptr);
  ~MatchSpec();

  // Runs the spec on `subject` (an object, or for the trace dialect a list
  // of arguments). NON_VALUE if no clause matches. *flags (trace) gets
  // MsTraceFlags. See the file comment for where the result lives.
  Term run(Process* p, Term subject, unsigned* flags = nullptr) const;
  // run(), then the value copied onto p's heap.
  Term run_copy(Process* p, Term subject, unsigned* flags = nullptr) const;

  // ---- for tables: what the heads say about the key
  enum class KeyKind { Unbound, Bound, Partial, Impossible };
  size_t clause_count() const;
  // The key element of clause i's head for a table with key position
  // `keypos`, and whether it is fully bound. Variables in *key (Partial)
  // are wildcards: test them with ms_is_wildcard.
  KeyKind head_key(size_t clause, UWord keypos, Term* key) const;
  // True if every clause's body is exactly [true] (select_delete/count
  // only need the guard).
  bool bodies_are_true() const;

  struct Impl;

 private:
  MatchSpec() = default;
  std::unique_ptr<Impl> impl_;
};

// What {caller} evaluates to in a trace match spec run on this thread
// (set around the run by call tracing; NON_VALUE: undefined).
extern thread_local Term g_ms_caller;

// A variable or '_' in a compiled head (see MatchSpec::head_key).
bool ms_is_wildcard(Term t);
// The number N of an atom '$N', or -1.
long ms_variable_number(Term atom);
// select_replace/2 needs every clause to keep the key: the reference's
// check on the source spec (a list of {Head, Guards, Body}).
bool ms_keeps_key(Term spec, UWord keypos);

}  // namespace bvm
