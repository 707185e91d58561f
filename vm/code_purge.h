// Purging old code, as OTP's erts_code_purger drives it:
//
//   erts_internal:purge_module(M, prepare)   is there old code? If so it
//       becomes the purge target, and the funs whose code lies in it stop
//       being callable (their entries are cleared and remembered), so no
//       process can enter it afresh while the others are checked;
//   request_system_task(P, _, {check_process_code, Id, M}) to every
//       process: each checks its own saved instruction pointer and stack
//       for addresses in the target (code_refers_to) and replies;
//   purge_module(M, complete)  the old version goes: its code range is
//       unregistered and its code freed once no scheduler can be running
//       it; or purge_module(M, abort) (soft purge found users): the funs
//       get their entries back.
//
// One purge at a time (the reference's purge state). `prepare_on_load`
// targets the version whose on_load function failed instead of the old one.
//
// What a purged version leaves behind on purpose: its literal area and its
// metadata (function table, line table) stay allocated, because processes
// may still hold literals of it and current_mfa pointers into it.
#pragma once

#include <vector>

#include "vm/code_table.h"
#include "vm/process.h"

namespace bvm {

enum class PurgeStep { Prepare, PrepareOnLoad, Complete, Abort };
enum class PurgeResult { True, False, Badarg };

PurgeResult code_purge_module(Term module, PurgeStep step);
PurgeResult code_purge_module_locked(Term module, PurgeStep step, std::vector<Term>* waiting);

// Is fe one of the funs the purge in progress made uncallable? If so,
// `pid` (which called it) is recorded: it suspends itself, and the purge
// resumes it when it completes or aborts.
bool code_purge_fun_pending(const FunEntry* fe, Term pid);

// Whether process p (not running: its state saved, or the caller itself
// with pc = nullptr) runs or will return into old code of `module`.
bool code_process_refers_to_old(const Process* p, Term module);

}  // namespace bvm
