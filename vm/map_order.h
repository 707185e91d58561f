// The order in which the reference iterates a map's pairs (maps:to_list,
// maps:fold, term_to_binary, ...).
//
// Maps of at most MAP_SMALL_LIMIT keys are flat: their pairs come in key
// order. Larger maps are hash array mapped tries: a key's path through the
// trie is its map_key_hash (vm/term_hash.h), four bits per level starting
// with the lowest, rehashed at a new depth every eight levels; iteration
// visits each node's slots from the highest to the lowest, depth first.
//
// This VM keeps every map flat for now; these functions reproduce the
// trie's order from the keys. For keys made of numbers, binaries, lists and
// tuples of them, that order is the reference's; keys containing atoms,
// pids, ports, references or funs hash differently in the reference (see
// vm/term_hash.h), so their order is well-defined but differs.
#pragma once

#include <utility>
#include <vector>

#include "vm/term.h"

namespace bvm {

void map_pairs_iteration_order(Term map, std::vector<std::pair<Term, Term>>& out);

// Sorts keys [begin, end) into trie iteration order.
void sort_keys_trie_order(Term* begin, Term* end);

}  // namespace bvm
