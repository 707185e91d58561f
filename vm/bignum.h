// Bignums: [hdr(n, PosBig | NegBig)] [limb 0] ... [limb n-1]
// Sign and magnitude; limbs are 64-bit little-endian, GMP mpn compatible.
// Invariant: a bignum is normalised (top limb non-zero) and never holds a
// value that fits a small integer; every constructor here returns a small
// when the value fits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "vm/term.h"

namespace bvm {

// Maximum limbs of a bignum: the reference's limit, 2^19 - 1 words
// (33554368 bits). Results beyond it raise system_limit; bit syntax matches
// of wider integers fail.
constexpr UWord MAX_BIG_LIMBS = (UWord(1) << 19) - 1;

inline UWord big_words(UWord limbs) { return 1 + limbs; }

// Words needed to hold any integer of `nbytes` magnitude bytes.
inline UWord integer_words_for_bytes(size_t nbytes) { return big_words((nbytes + 7) / 8); }

// Builds an integer from little-endian magnitude bytes. Uses at most
// integer_words_for_bytes(n) words at hp (none if the result is small).
Term make_integer_from_le_bytes(Term* hp, const uint8_t* bytes, size_t n, bool negative, UWord* used);
// Builds an integer from sign and limbs (normalising). `hp` needs 1 + n words.
Term make_integer_from_limbs(Term* hp, const UWord* limbs, UWord n, bool negative, UWord* used);
// int64/uint64 to a term; hp needs up to 2 words.
Term make_integer_i64(Term* hp, int64_t v, UWord* used);
Term make_integer_u64(Term* hp, uint64_t v, UWord* used);

// The integer as a double; false if it is too large for a finite double.
bool big_to_double(Term t, double* out);

// Text of an integer term in base 2..36 (upper-case digits, like integer_to_list/2).
std::string integer_to_string(Term t, int base = 10);

}  // namespace bvm
