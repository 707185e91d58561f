// Maps: the two representations and what every map operation shares.
//
// A map is a boxed object with subtag Map. Word 1 is raw: its two low bits
// give the kind of map object, the rest depends on the kind. Every word
// after word 1 is a term (vm/heap_layout.h), whatever the kind.
//
// Flat map (at most MAP_SMALL_LIMIT keys):
//   [hdr(2 + n, Map)] [n << 2 | MAP_FLAT] [keys: a tuple of n keys] [value 1] ... [value n]
// Keys are sorted in map-key order (term order where integers sort before
// floats, term_compare_exact), so lookups can stop early and equal maps
// have identical layouts.
//
// Hash map (more than MAP_SMALL_LIMIT keys): a hash array mapped trie, the
// reference's "hashmap" (vm/hashmap.h). Its root is the map term:
//   head  [hdr(2 + c, Map)] [bitmap << 2 | MAP_HEAD] [size, a small integer] [child 1] ... [child c]
//   node  [hdr(1 + c, Map)] [bitmap << 2 | MAP_NODE] [child 1] ... [child c]
//   collision node
//         [hdr(1 + c, Map)] [c << 2 | MAP_COLLISION] [leaf 1] ... [leaf c]
// A child is a leaf, the cons cell [Key | Value], or a node. Only heads
// and flat maps are Erlang values; nodes are reachable only from a head.
//
// A map is a hash map exactly when it has more than MAP_SMALL_LIMIT keys:
// every operation that shrinks a hash map to MAP_SMALL_LIMIT keys or fewer
// returns a flat map, as the reference does.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "vm/term.h"

namespace bvm {

constexpr unsigned MAP_FLAT = 0;
constexpr unsigned MAP_HEAD = 1;
constexpr unsigned MAP_NODE = 2;
constexpr unsigned MAP_COLLISION = 3;
constexpr UWord MAP_SMALL_LIMIT = 32;

inline unsigned map_kind(Term m) { return unsigned(boxed_val(m)[1] & 3); }
inline bool is_flatmap(Term m) { return map_kind(m) == MAP_FLAT; }
inline bool is_hashmap(Term m) { return map_kind(m) == MAP_HEAD; }

inline UWord flatmap_size(Term m) { return boxed_val(m)[1] >> 2; }
inline Term flatmap_keys(Term m) { return boxed_val(m)[2]; }
inline Term* flatmap_values(Term m) { return boxed_val(m) + 3; }

inline UWord hashmap_size(Term m) { return UWord(small_val(boxed_val(m)[2])); }

inline UWord map_size(Term m) { return is_flatmap(m) ? flatmap_size(m) : hashmap_size(m); }

// Words needed for a flat map of n pairs (map object plus its keys tuple).
inline UWord flatmap_words(UWord n) { return 3 + n + 1 + n; }

// Builds a flat map from n key/value pairs (in any order) at hp, which must
// have flatmap_words(n) words. Returns NON_VALUE if a key occurs twice.
Term map_from_pairs(Term* hp, const Term* keys, const Term* values, UWord n);

// All pairs in map-key order (term order of the keys).
void map_pairs(Term m, std::vector<std::pair<Term, Term>>& out);

// All pairs in the order the reference lists them (maps:to_list/1,
// maps:keys/1, term_to_binary/1): key order for a flat map; for a hash map
// the trie's leaves from the highest slot to the lowest, depth first.
void map_pairs_iteration_order(Term m, std::vector<std::pair<Term, Term>>& out);

}  // namespace bvm
