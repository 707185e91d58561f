// Registered names: name -> pid, shared by all schedulers.
//
// Readers (whereis, sending to a name) take a shared lock; register and
// unregister take it exclusively. Lock order: the registry's lock, then a
// process's sig_lock (register/2 checks the process is still alive under
// both, and an exiting process removes its name after marking itself
// Exited, so a dead process never keeps a name).
#pragma once

#include <vector>

#include "vm/term.h"

namespace bvm {

// false: the name is taken, the pid already has a name, or it is not alive.
bool registry_register(Term name, Term pid);
bool registry_unregister(Term name);
Term registry_whereis(Term name);     // the pid, or NON_VALUE
Term registry_name_of(Term pid);      // the name, or NON_VALUE
void registry_remove_pid(Term pid);   // when the process exits
std::vector<Term> registry_names();

}  // namespace bvm
