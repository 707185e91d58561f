// Term hashes with the reference's exact values.
//
//   term_phash   erlang:phash/2 (the old "make_hash")
//   term_phash2  erlang:phash2/1,2 (the portable hash; stable across nodes
//                and releases, used by OTP code for sets, dict, rand, ...)
//   term_internal_hash / map_key_hash
//                the reference's node-local hash that places keys in the
//                hash trie of a large map; it decides the order in which
//                large maps are iterated and encoded (see vm/hashmap.h).
//
// phash and phash2 depend only on a term's value, with one exception taken
// from the reference: pids, ports and references hash their numbers (not
// their node). The internal hash also mixes in raw term words, such as an
// atom's index in the atom table, which this VM does not share with the
// reference: for keys containing atoms, funs or identifiers it is
// well-defined but differs from the reference's.
//
// None of these recurse on the C stack.
#pragma once

#include <cstdint>

#include "vm/term.h"

namespace bvm {

// The hash the reference's atom table keeps for an atom (hashpjw over its
// text, Latin-1 code points taken as single bytes).
uint32_t atom_ext_hash(Term atom);

uint32_t term_phash(Term t);
uint32_t term_phash2(Term t);

uint32_t term_internal_hash(Term t, uint32_t salt);
// The hash of a map key at trie depth `depth` (0 for the first 8 levels,
// 1 for the next 8, ...).
uint32_t map_key_hash(Term key, uint32_t depth);

}  // namespace bvm
