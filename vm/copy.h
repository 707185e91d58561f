// Copying terms between heaps (messages, spawn arguments, ETS later).
// Like the reference, a copy does not preserve sharing inside the term.
// Off-heap binaries are shared: the copy takes a new reference.
#pragma once

#include "vm/binary.h"
#include "vm/term.h"

namespace bvm {

// Heap words a copy of t needs.
UWord copy_size(Term t);
// Copies t into [*hp, *hp + copy_size(t)); advances *hp. Refc binaries are
// linked into `oh`.
Term copy_term(Term t, Term** hp, OffHeap* oh);

}  // namespace bvm
