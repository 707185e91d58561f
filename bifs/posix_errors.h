// POSIX error numbers as the atoms erl names them (enoent, eacces, ...;
// `unknown` for a number it has no name for).
#pragma once

#include "vm/process.h"
#include "vm/term.h"

namespace bvm {

Term posix_error_atom(int err);
// {error, PosixAtom} on p's heap.
Term posix_error_tuple(Process* p, int err);

}  // namespace bvm
