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
inline bool term_eq_exact(Term a, Term b) { return a == b || term_compare_exact(a, b) == 0; }
inline bool term_eq(Term a, Term b) { return a == b || term_compare(a, b) == 0; }

int atom_compare(Term a, Term b);

}  // namespace bvm
