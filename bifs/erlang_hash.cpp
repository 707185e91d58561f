// erlang: phash/2 and phash2/1,2, with the reference's values (vm/term_hash.h).
#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "vm/term_hash.h"

namespace bvm {

namespace {

constexpr uint64_t TWO_POW_32 = uint64_t(1) << 32;

// The range argument: an integer in 1..2^32.
bool hash_range(Term t, uint64_t* range) {
  if (!is_small(t) || small_val(t) < 1 || uint64_t(small_val(t)) > TWO_POW_32) return false;
  *range = uint64_t(small_val(t));
  return true;
}

}  // namespace

// 1..Range
BIF_FN(erlang_phash_2) {
  uint64_t range;
  if (!hash_range(args[1], &range)) return raise_badarg(p);
  uint64_t h = term_phash(args[0]);
  return make_uinteger(p, 1 + h % range);
}

// 0..2^27-1
BIF_FN(erlang_phash2_1) {
  (void)p;
  return make_small(SWord(term_phash2(args[0]) & ((1u << 27) - 1)));
}

// 0..Range-1
BIF_FN(erlang_phash2_2) {
  uint64_t range;
  if (!hash_range(args[1], &range)) return raise_badarg(p);
  return make_uinteger(p, term_phash2(args[0]) % range);
}

}  // namespace bvm
