// Loading modules: from the code path on demand, or from binaries; and
// what happens when code calls a function that has no code.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vm/code_index.h"
#include "vm/process.h"

namespace bvm {

// Directories searched for <module>.beam, in order.
std::vector<std::string>& code_path();

// Loads `module` from the code path unless it is loaded. True if it is
// loaded afterwards; otherwise `error` says why (not found, bad file, ...).
bool code_ensure_loaded(Term module, std::string* error);

// Reads, prepares and commits a module image. `expected` (an atom, or
// NON_VALUE) must match the module's name. On failure returns false with
// `reason` set to an atom as code:load_binary/3 reports it (badfile,
// not_purged, on_load_not_allowed, ...) and `message` a description.
bool code_load_image(Term expected, const uint8_t* data, size_t size, const std::string& file_name,
                     Term* reason, std::string* message);

// The stub of an export without code was called with arguments in x.
// Loads the module on demand; returns where to continue, or nullptr with
// an undef error prepared (p->exc_*; the function is the top frame).
const UWord* resolve_undefined(Process* p, const Export* e, Term* x);
// A fun whose module's code is not loaded was called.
const UWord* resolve_unloaded_fun(Process* p, Term fun, Term* x, unsigned arity);
// M:F(...) with M or F not an atom: prepares erlang:apply/3's badarg.
void apply_bad_target(Process* p, Term m, Term f, Term* x, unsigned arity);

}  // namespace bvm
