// Declarations of every BIF function in bifs.def.
#pragma once

#include "vm/process.h"

namespace bvm {
#define BIF(module, name, arity, fn, flags) Term fn(Process* p, Term* args);
#include "bifs/bifs.def"
#undef BIF
}  // namespace bvm
