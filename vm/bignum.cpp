#include "vm/bignum.h"

#include <gmp.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace bvm {

static_assert(sizeof(mp_limb_t) == sizeof(UWord), "64-bit GMP limbs expected");

Term make_integer_from_limbs(Term* hp, const UWord* limbs, UWord n, bool negative, UWord* used) {
  while (n > 0 && limbs[n - 1] == 0) n--;
  if (n == 0) {
    *used = 0;
    return make_small(0);
  }
  if (n == 1) {
    UWord v = limbs[0];
    if (!negative && v <= UWord(MAX_SMALL)) {
      *used = 0;
      return make_small(SWord(v));
    }
    if (negative && v <= UWord(MAX_SMALL) + 1) {
      *used = 0;
      return make_small(-SWord(v));
    }
  }
  hp[0] = make_header(n, negative ? Sub::NegBig : Sub::PosBig);
  if (hp + 1 != limbs) std::copy(limbs, limbs + n, hp + 1);
  *used = n + 1;
  return make_boxed(hp);
}

Term make_integer_from_le_bytes(Term* hp, const uint8_t* bytes, size_t nbytes, bool negative, UWord* used) {
  UWord n = (nbytes + 7) / 8;
  Term* limbs = hp + 1;
  for (UWord i = 0; i < n; i++) {
    UWord w = 0;
    for (unsigned k = 0; k < 8; k++) {
      size_t b = i * 8 + k;
      if (b < nbytes) w |= UWord(bytes[b]) << (8 * k);
    }
    limbs[i] = w;
  }
  return make_integer_from_limbs(hp, limbs, n, negative, used);
}

Term make_integer_i64(Term* hp, int64_t v, UWord* used) {
  if (fits_small(v)) {
    *used = 0;
    return make_small(v);
  }
  UWord mag = v < 0 ? UWord(0) - UWord(v) : UWord(v);
  hp[1] = mag;
  return make_integer_from_limbs(hp, hp + 1, 1, v < 0, used);
}

Term make_integer_u64(Term* hp, uint64_t v, UWord* used) {
  if (v <= UWord(MAX_SMALL)) {
    *used = 0;
    return make_small(SWord(v));
  }
  hp[1] = v;
  return make_integer_from_limbs(hp, hp + 1, 1, false, used);
}

bool big_to_double(Term t, double* out) {
  if (is_small(t)) {
    *out = double(small_val(t));
    return true;
  }
  // Correctly rounded: GMP's mpz_get_d truncates, so round via the top bits.
  UWord n = big_size(t);
  const UWord* d = big_digits(t);
  double r = 0;
  for (UWord i = n; i-- > 0;) {
    r = r * 18446744073709551616.0 + double(d[i]);
    if (!std::isfinite(r)) return false;
  }
  *out = big_negative(t) ? -r : r;
  return std::isfinite(r);
}

std::string integer_to_string(Term t, int base) {
  static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  if (is_small(t)) {
    SWord v = small_val(t);
    UWord mag = v < 0 ? UWord(0) - UWord(v) : UWord(v);
    char buf[80];
    int pos = sizeof buf;
    if (base == 10) {  // a constant divisor: no division instruction
      do {
        buf[--pos] = char('0' + mag % 10);
        mag /= 10;
      } while (mag);
    } else {
      do {
        buf[--pos] = digits[mag % UWord(base)];
        mag /= UWord(base);
      } while (mag);
    }
    if (v < 0) buf[--pos] = '-';
    return std::string(buf + pos, sizeof buf - pos);
  }
  UWord n = big_size(t);
  std::vector<mp_limb_t> tmp(big_digits(t), big_digits(t) + n);
  tmp.push_back(0);  // mpn_get_str needs one extra limb of scratch
  std::vector<unsigned char> out(size_t(double(n) * 64 / 1.0 + 2));
  size_t len = mpn_get_str(out.data(), base, tmp.data(), mp_size_t(n));
  std::string s;
  s.reserve(len + 1);
  if (big_negative(t)) s.push_back('-');
  size_t i = 0;
  while (i + 1 < len && out[i] == 0) i++;  // mpn_get_str may emit leading zeros
  for (; i < len; i++) s.push_back(digits[out[i]]);
  return s;
}

}  // namespace bvm
