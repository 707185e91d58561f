// Copying terms between heaps (messages, spawn arguments, ETS later).
// Like the reference, a copy does not preserve sharing inside the term.
// Off-heap binaries are shared: the copy takes a new reference.
#pragma once

#include <functional>

#include "vm/binary.h"
#include "vm/term.h"

namespace bvm {

// Heap words a copy of t needs.
UWord copy_size(Term t);
// Copies t into [*hp, *hp + copy_size(t)); advances *hp. Refc binaries are
// linked into `oh`.
Term copy_term(Term t, Term** hp, OffHeap* oh);

// Copies that keep sharing: each object for which `shared(ptr)` holds is
// copied once, however many times it is referred to. Other objects
// (literals) are left where they are or, with `copy_others`, copied flat
// at each reference (as the reference's copy_shared does).
struct SharedCopy {
  std::function<bool(const Term*)> shared;
  bool copy_others = false;
  UWord size(Term t) const;  // heap words copy(t) needs
  Term copy(Term t, Term** hp, OffHeap* oh) const;
};

}  // namespace bvm
