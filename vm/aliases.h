// Process aliases: which process an alias reference leads to.
//
// The owner keeps its active aliases in Process::aliases and decides, when
// a message sent to an alias arrives, whether it is still active; this
// global table only routes: reference numbers -> owner pid. Sharded, each
// shard under its own mutex.
#pragma once

#include "vm/process.h"

namespace bvm {

void alias_route_add(const RefNumbers& ref, Term owner);
void alias_route_remove(const RefNumbers& ref);
Term alias_route_owner(const RefNumbers& ref);  // NON_VALUE if none

}  // namespace bvm
