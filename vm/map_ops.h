// Map operations used by the interpreter and the maps BIFs.
#pragma once

#include "vm/process.h"
#include "vm/term.h"

namespace bvm {

// The value of `key` in `map`, or NON_VALUE.
Term map_get(Term map, Term key);

// put_map_assoc / put_map_exact: the map operand `map_op` updated with n
// key/value operand pairs at kv. Collects garbage if needed (x[0..live)
// are roots). NON_VALUE on error, with p->exc_* set: {badmap, M} or
// {badkey, K}.
Term map_put_instr(Process* p, UWord map_op, bool exact, const UWord* kv, UWord n, Term* x, unsigned live);

// A map from n pairs (later keys win), allocated with halloc.
Term map_from_list_pairs(Process* p, const Term* keys, const Term* values, UWord n);

}  // namespace bvm
