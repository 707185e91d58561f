// Maps.
//
// Flat map (at most MAP_SMALL_LIMIT keys):
//   [hdr(2 + n, Map)] [n << 2 | MAP_FLAT] [keys: a tuple of n keys] [value 1] ... [value n]
// Keys are sorted in map-key order (term order where integers sort before
// floats, term_compare_exact), so lookups can stop early and equal maps
// have identical layouts.
//
// Larger maps will be hash array mapped tries (issue 3); until then the
// builders below produce flat maps of any size.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "vm/term.h"

namespace bvm {

constexpr unsigned MAP_FLAT = 0;
constexpr UWord MAP_SMALL_LIMIT = 32;

inline bool is_flatmap(Term m) { return (boxed_val(m)[1] & 3) == MAP_FLAT; }
inline UWord flatmap_size(Term m) { return boxed_val(m)[1] >> 2; }
inline Term flatmap_keys(Term m) { return boxed_val(m)[2]; }
inline Term* flatmap_values(Term m) { return boxed_val(m) + 3; }

UWord map_size(Term m);
// Words needed for a flat map of n pairs (map object plus its keys tuple).
inline UWord flatmap_words(UWord n) { return 3 + n + 1 + n; }

// Builds a map from n key/value pairs (in any order) at hp, which must have
// flatmap_words(n) words. Returns NON_VALUE if a key occurs twice.
Term map_from_pairs(Term* hp, const Term* keys, const Term* values, UWord n);

// All pairs in map-key order.
void map_pairs(Term m, std::vector<std::pair<Term, Term>>& out);

}  // namespace bvm
