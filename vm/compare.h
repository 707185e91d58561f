// The standard term order and equality.
//
//   number < atom < reference < fun < port < pid < tuple < map < nil < list < bitstring
//
// term_compare: arithmetic order (1 == 1.0), as `<`, `==` and lists:sort/1.
// term_compare_exact: term order where an integer and a float are never
// equal (integers sort first); used for map keys and `=:=`.
// Both return <0, 0 or >0 and never recurse on the C stack.
#pragma once

#include "vm/term.h"

namespace bvm {

int term_compare(Term a, Term b);
int term_compare_exact(Term a, Term b);
// Equality alone: the same answers as the comparisons, without ordering
// (so maps of more than 32 keys compare shape by shape, unsorted).
bool term_equal(Term a, Term b, bool exact);
inline bool term_eq_exact(Term a, Term b) { return a == b || term_equal(a, b, true); }
inline bool term_eq(Term a, Term b) { return a == b || term_equal(a, b, false); }

int atom_compare(Term a, Term b);

}  // namespace bvm
