// Which words of a boxed object are terms. Shared by the garbage collector
// and term copying: one description of every heap object's layout.
#pragma once

#include "vm/term.h"

namespace bvm {

// Term words of the object with header h: [first, first + count) counted
// from the header. Every other body word is raw (sizes, pointers, bytes).
inline void object_term_fields(Term h, UWord* first, UWord* count) {
  UWord arity = header_arity(h);
  switch (header_sub(h)) {
    case Sub::Tuple: *first = 1; *count = arity; return;
    case Sub::Fun: *first = 2; *count = arity - 1; return;   // [entry*] then creator, env
    case Sub::SubBin: *first = 3; *count = 1; return;        // [bits][offset][original]
    case Sub::MatchState: *first = 1; *count = 1; return;    // [original][raw state...]
    case Sub::Map: *first = 2; *count = arity - 1; return;   // [kind] then terms (vm/map.h)
    default: *first = 0; *count = 0; return;                 // all raw
  }
}

}  // namespace bvm
