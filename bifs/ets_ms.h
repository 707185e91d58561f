// Compiled match specifications as programs see them (bifs/ets_ms.cpp).
//
// ets:match_spec_compile/1 returns a reference standing for the compiled
// spec. The reference's magic references are freed with their last copy;
// this VM has no such references yet, so compiled specs are kept for the
// VM's lifetime, one per distinct spec (compiling an equal spec again
// returns the same reference).
#pragma once

#include "vm/match_spec.h"

namespace bvm {

// The spec `ref` stands for, or nullptr.
const MatchSpec* ets_compiled_ms(Term ref);

}  // namespace bvm
