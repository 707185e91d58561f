// Map operations used by the interpreter and the maps BIFs, for both kinds
// of maps (vm/map.h). The BIF-side ones allocate with halloc and never
// collect; map_put_instr may collect.
#pragma once

#include "vm/process.h"
#include "vm/term.h"

namespace bvm {

// The value of `key` in `map`, or NON_VALUE.
Term map_get(Term map, Term key);

// put_map_assoc / put_map_exact: the map operand `map_op` updated with n
// key/value operand pairs at kv. Collects garbage if needed (x[0..live)
// are roots). NON_VALUE on error, with p->exc_* set: {badmap, M} or
// {badkey, K}. Mode: MAP_PUT_EXACT (put_map_exact), MAP_PUT_SORTED (the
// keys are distinct and in term order).
constexpr unsigned MAP_PUT_EXACT = 1, MAP_PUT_SORTED = 2;
Term map_put_instr(Process* p, UWord map_op, unsigned mode, const UWord* kv, UWord n, Term* x, unsigned live);

// maps:put/3: `map` with key => value (the map itself if that changes nothing).
Term map_put(Process* p, Term map, Term key, Term value);
// maps:update/3: NON_VALUE if the key is not in the map.
Term map_update(Process* p, Term map, Term key, Term value);
// maps:remove/2: `map` without key (the map itself if the key is not
// there); *value gets the removed value, or NON_VALUE.
Term map_remove(Process* p, Term map, Term key, Term* value);

// A map from n pairs (later keys win), allocated with halloc.
Term map_from_list_pairs(Process* p, const Term* keys, const Term* values, UWord n);

}  // namespace bvm
