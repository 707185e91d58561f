#include "vm/bits.h"

#include <cmath>
#include <cstring>
#include <vector>

#include "bifs/bif.h"
#include "vm/atom_table.h"
#include "vm/binary.h"
#include "vm/bignum.h"
#include "vm/instr.h"
#include "vm/map.h"

namespace bvm {

uint16_t double_to_half(double d);

namespace {

inline void put_field(uint8_t* dst, UWord off, unsigned value, unsigned nbits) {
  // Writes the low nbits (1..8) of value at bit offset off.
  uint8_t* d = dst + off / 8;
  unsigned o = unsigned(off % 8);
  if (o + nbits <= 8) {
    unsigned shift = 8 - o - nbits;
    uint8_t mask = uint8_t(((1u << nbits) - 1) << shift);
    d[0] = uint8_t((d[0] & ~mask) | ((value << shift) & mask));
  } else {
    unsigned first = 8 - o;             // bits into d[0]
    unsigned second = nbits - first;    // bits into d[1]
    uint8_t m0 = uint8_t((1u << first) - 1);
    d[0] = uint8_t((d[0] & ~m0) | ((value >> second) & m0));
    unsigned shift = 8 - second;
    uint8_t m1 = uint8_t(((1u << second) - 1) << shift);
    d[1] = uint8_t((d[1] & ~m1) | ((value << shift) & m1));
  }
}

inline unsigned get_field(const uint8_t* src, UWord off, unsigned nbits) {
  const uint8_t* s = src + off / 8;
  unsigned o = unsigned(off % 8);
  unsigned v = unsigned(s[0]) << 8;
  if (o + nbits > 8) v |= s[1];
  return (v >> (16 - o - nbits)) & ((1u << nbits) - 1);
}

// The two's complement of an integer term truncated to `bits` bits, as
// little-endian bytes (ceil(bits/8) of them). False if t is not an integer.
bool integer_le_bytes(Term t, UWord bits, std::vector<uint8_t>& out) {
  size_t nbytes = (bits + 7) / 8;
  out.assign(nbytes, 0);
  if (is_small(t)) {
    int64_t v = small_val(t);
    for (size_t i = 0; i < nbytes; i++) out[i] = i < 8 ? uint8_t(uint64_t(v) >> (8 * i)) : (v < 0 ? 0xFF : 0);
    return true;
  }
  if (!is_big(t)) return false;
  const UWord* limbs = big_digits(t);
  UWord n = big_size(t);
  bool neg = big_negative(t);
  unsigned carry = 1;
  for (size_t i = 0; i < nbytes; i++) {
    UWord li = i / 8;
    unsigned b = li < n ? unsigned(limbs[li] >> (8 * (i % 8))) & 0xFF : 0;
    if (neg) {
      unsigned x = (~b & 0xFF) + carry;
      b = x & 0xFF;
      carry = x >> 8;
    }
    out[i] = uint8_t(b);
  }
  return true;
}

void write_integer_bytes(uint8_t* dst, UWord off, const std::vector<uint8_t>& le, UWord bits, bool little) {
  size_t full = bits / 8;
  unsigned rem = unsigned(bits % 8);
  if (little) {
    for (size_t i = 0; i < full; i++, off += 8) put_field(dst, off, le[i], 8);
    if (rem) put_field(dst, off, le[full] & ((1u << rem) - 1), rem);
  } else {
    if (rem) {
      put_field(dst, off, le[full] & ((1u << rem) - 1), rem);
      off += rem;
    }
    if (off % 8 == 0) {
      uint8_t* d = dst + off / 8;
      for (size_t i = 0; i < full; i++) d[i] = le[full - 1 - i];
    } else {
      for (size_t i = full; i-- > 0; off += 8) put_field(dst, off, le[i], 8);
    }
  }
}

// Writes a float; false if the size is not 16, 32 or 64 (reason in *why).
bool write_float(uint8_t* dst, UWord off, Term t, UWord bits, bool little, Term* why) {
  double d;
  if (is_float(t)) {
    d = float_val(t);
  } else if (is_small(t)) {
    d = double(small_val(t));
  } else if (is_big(t)) {
    if (!big_to_double(t, &d)) {
      *why = atom_put("no_float");
      return false;
    }
  } else {
    *why = atom_put("type");
    return false;
  }
  uint8_t bytes[8];
  unsigned n;
  if (bits == 64) {
    uint64_t u;
    std::memcpy(&u, &d, 8);
    for (int i = 0; i < 8; i++) bytes[i] = uint8_t(u >> (56 - 8 * i));
    n = 8;
  } else if (bits == 32) {
    float f = float(d);
    uint32_t u;
    std::memcpy(&u, &f, 4);
    for (int i = 0; i < 4; i++) bytes[i] = uint8_t(u >> (24 - 8 * i));
    n = 4;
  } else if (bits == 16) {
    uint16_t h = double_to_half(d);
    bytes[0] = uint8_t(h >> 8);
    bytes[1] = uint8_t(h);
    n = 2;
  } else {
    *why = atom_put("invalid");
    return false;
  }
  for (unsigned i = 0; i < n; i++) put_field(dst, off + 8 * i, little ? bytes[n - 1 - i] : bytes[i], 8);
  return true;
}

// UTF encodings. Returns the number of bytes, 0 if not a valid code point.
unsigned encode_utf(unsigned kind, uint32_t c, bool little, uint8_t out[4]) {
  if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
  if (kind == 8) {
    if (c < 0x80) { out[0] = uint8_t(c); return 1; }
    if (c < 0x800) { out[0] = uint8_t(0xC0 | c >> 6); out[1] = uint8_t(0x80 | (c & 0x3F)); return 2; }
    if (c < 0x10000) {
      out[0] = uint8_t(0xE0 | c >> 12);
      out[1] = uint8_t(0x80 | ((c >> 6) & 0x3F));
      out[2] = uint8_t(0x80 | (c & 0x3F));
      return 3;
    }
    out[0] = uint8_t(0xF0 | c >> 18);
    out[1] = uint8_t(0x80 | ((c >> 12) & 0x3F));
    out[2] = uint8_t(0x80 | ((c >> 6) & 0x3F));
    out[3] = uint8_t(0x80 | (c & 0x3F));
    return 4;
  }
  if (kind == 16) {
    uint16_t units[2];
    unsigned n;
    if (c < 0x10000) {
      units[0] = uint16_t(c);
      n = 1;
    } else {
      uint32_t v = c - 0x10000;
      units[0] = uint16_t(0xD800 | (v >> 10));
      units[1] = uint16_t(0xDC00 | (v & 0x3FF));
      n = 2;
    }
    for (unsigned i = 0; i < n; i++) {
      out[2 * i] = uint8_t(little ? units[i] : units[i] >> 8);
      out[2 * i + 1] = uint8_t(little ? units[i] >> 8 : units[i]);
    }
    return 2 * n;
  }
  for (int i = 0; i < 4; i++) out[i] = uint8_t(little ? c >> (8 * i) : c >> (24 - 8 * i));
  return 4;
}

Term make_bs_error_info(Process* p, unsigned segment, BsSeg kind, Term info, Term value) {
  const char* op;
  switch (kind) {
    case BsSeg::Append: case BsSeg::PrivateAppend: case BsSeg::Binary: op = "binary"; break;
    case BsSeg::Float: op = "float"; break;
    case BsSeg::Integer: op = "integer"; break;
    case BsSeg::String: op = "string"; break;
    case BsSeg::Utf8: op = "utf8"; break;
    case BsSeg::Utf16: op = "utf16"; break;
    default: op = "utf32"; break;
  }
  Term cause = make_tuple(p, {make_small(segment), atom_put(op), info, value});
  Term keys[3] = {atom_put("cause"), atom_put("function"), atom_put("module")};
  Term vals[3] = {cause, atom_put("format_bs_fail"), atom_put("erl_erts_errors")};
  Term* hp = p->halloc(flatmap_words(3));
  return map_from_pairs(hp, keys, vals, 3);
}

bool bs_fail(Process* p, const BsSegment& s, Term reason, Term info, Term value) {
  p->exc_class = ExcClass::Error;
  p->exc_reason = reason;
  p->exc_error_info = make_bs_error_info(p, s.segment, s.kind, info, value);
  return false;
}

}  // namespace

void copy_bits(const uint8_t* src, UWord soff, uint8_t* dst, UWord doff, UWord n) {
  if (n == 0) return;
  src += soff / 8;
  soff %= 8;
  dst += doff / 8;
  doff %= 8;
  if (soff == 0 && doff == 0) {
    std::memcpy(dst, src, n / 8);
    UWord rem = n % 8;
    if (rem) {
      uint8_t mask = uint8_t(0xFF << (8 - rem));
      dst[n / 8] = uint8_t((dst[n / 8] & ~mask) | (src[n / 8] & mask));
    }
    return;
  }
  while (n > 0) {
    unsigned take = unsigned(std::min<UWord>(n, 8 - doff));
    unsigned v = get_field(src, soff, take);
    put_field(dst, doff, v, take);
    soff += take;
    src += soff / 8;
    soff %= 8;
    doff += take;
    dst += doff / 8;
    doff %= 8;
    n -= take;
  }
}

uint16_t double_to_half(double d) {
  // Round-to-nearest-even conversion of a double to IEEE 754 half precision.
  uint64_t u;
  std::memcpy(&u, &d, 8);
  uint16_t sign = uint16_t((u >> 48) & 0x8000);
  int exp = int((u >> 52) & 0x7FF);
  uint64_t mant = u & 0xFFFFFFFFFFFFFull;
  if (exp == 0x7FF) return uint16_t(sign | 0x7C00 | (mant ? 0x200 : 0));
  int e = exp - 1023 + 15;
  if (e >= 0x1F) return uint16_t(sign | 0x7C00);  // overflow -> infinity
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= uint64_t(1) << 52;
    int shift = 42 + 1 - e;
    uint64_t h = mant >> shift;
    uint64_t rest = mant & ((uint64_t(1) << shift) - 1);
    uint64_t half = uint64_t(1) << (shift - 1);
    if (rest > half || (rest == half && (h & 1))) h++;
    return uint16_t(sign | h);
  }
  uint64_t h = mant >> 42;
  uint64_t rest = mant & ((uint64_t(1) << 42) - 1);
  uint64_t half = uint64_t(1) << 41;
  uint32_t r = uint32_t(sign | (uint32_t(e) << 10) | h);
  if (rest > half || (rest == half && (h & 1))) r++;
  return uint16_t(r);
}

static double half_to_double(uint16_t h) {
  int sign = (h >> 15) & 1;
  int exp = (h >> 10) & 0x1F;
  int mant = h & 0x3FF;
  double v;
  if (exp == 0) v = std::ldexp(double(mant), -24);
  else if (exp == 0x1F) v = mant ? NAN : INFINITY;
  else v = std::ldexp(double(mant | 0x400), exp - 25);
  return sign ? -v : v;
}

// ---------------------------------------------------------------- matching

Term ms_create(Term bits, Term* hp) {
  BitView v = bitstring_view(bits);
  Term orig = bits;
  if (header_sub(boxed_header(bits)) == Sub::SubBin) orig = boxed_val(bits)[3];
  hp[0] = make_header(MATCH_STATE_WORDS - 1, Sub::MatchState);
  hp[1] = orig;
  hp[2] = v.bit_offset;
  hp[3] = v.bit_offset + v.bit_size;
  return make_boxed(hp);
}

UWord integer_result_words(UWord bits) { return bits <= 59 ? 0 : big_words((bits + 63) / 64 + 1); }

bool ms_get_integer(Process* p, Term ms, UWord bits, unsigned flags, Term* out) {
  UWord pos = ms_position(ms);
  if (ms_end(ms) - pos < bits) return false;
  const uint8_t* base = bin_base(ms_original(ms));
  if (bits == 0) {
    *out = make_small(0);
    return true;
  }
  bool little = flags & BSF_LITTLE;
  bool sign = flags & BSF_SIGNED;
  // Fast path: up to 56 bits into an int64.
  if (bits <= 56) {
    uint64_t v = 0;
    if (!little) {
      if (pos % 8 == 0 && bits % 8 == 0) {
        const uint8_t* s = base + pos / 8;
        for (UWord i = 0; i < bits / 8; i++) v = v << 8 | s[i];
      } else {
        UWord off = pos, left = bits;
        while (left > 0) {
          unsigned take = unsigned(std::min<UWord>(left, 8 - off % 8));
          v = v << take | get_field(base, off, take);
          off += take;
          left -= take;
        }
      }
    } else if (pos % 8 == 0 && bits % 8 == 0) {
      const uint8_t* s = base + pos / 8;
      for (UWord i = bits / 8; i-- > 0;) v = v << 8 | s[i];
    } else {
      UWord full = bits / 8;
      unsigned rem = unsigned(bits % 8);
      UWord off = pos;
      for (UWord i = 0; i < full; i++, off += 8) v |= uint64_t(get_field(base, off, 8)) << (8 * i);
      if (rem) v |= uint64_t(get_field(base, off, rem)) << (8 * full);
    }
    int64_t r = int64_t(v);
    if (sign && (v >> (bits - 1)) & 1) r = int64_t(v) - (int64_t(1) << bits);
    ms_position(ms) = pos + bits;
    if (fits_small(r)) {
      *out = make_small(r);
    } else {
      UWord used;
      *out = make_integer_i64(p->halloc(2), r, &used);
    }
    return true;
  }
  // General: gather little-endian bytes of the field.
  size_t nbytes = (bits + 7) / 8;
  std::vector<uint8_t> le(nbytes, 0);
  UWord full = bits / 8;
  unsigned rem = unsigned(bits % 8);
  UWord off = pos;
  if (little) {
    for (UWord i = 0; i < full; i++, off += 8) le[i] = uint8_t(get_field(base, off, 8));
    if (rem) le[full] = uint8_t(get_field(base, off, rem));
  } else {
    if (rem) {
      le[full] = uint8_t(get_field(base, off, rem));
      off += rem;
    }
    for (UWord i = full; i-- > 0; off += 8) le[i] = uint8_t(get_field(base, off, 8));
  }
  bool neg = false;
  if (sign) {
    unsigned top_bit = rem ? rem - 1 : 7;
    size_t top_byte = rem ? full : full - 1;
    neg = (le[top_byte] >> top_bit) & 1;
    if (neg) {
      // Sign-extend the top byte, then take the two's complement magnitude.
      if (rem) le[full] |= uint8_t(0xFF << rem);
      unsigned carry = 1;
      for (auto& b : le) {
        unsigned x2 = (~unsigned(b) & 0xFF) + carry;
        b = uint8_t(x2);
        carry = x2 >> 8;
      }
    }
  }
  // A wide field may hold a small value; a value beyond the bignum limit
  // makes the match fail.
  size_t sig = nbytes;
  while (sig > 0 && le[sig - 1] == 0) sig--;
  if (sig > MAX_BIG_LIMBS * 8) return false;
  ms_position(ms) = pos + bits;
  UWord used;
  Term* hp = p->halloc(integer_words_for_bytes(sig));
  *out = make_integer_from_le_bytes(hp, le.data(), sig, neg, &used);
  return true;
}

bool ms_get_float(Process* p, Term ms, UWord bits, unsigned flags, Term* out) {
  UWord pos = ms_position(ms);
  if (ms_end(ms) - pos < bits) return false;
  if (bits != 16 && bits != 32 && bits != 64) return false;
  const uint8_t* base = bin_base(ms_original(ms));
  uint8_t b[8];
  unsigned n = unsigned(bits / 8);
  bool little = flags & BSF_LITTLE;
  for (unsigned i = 0; i < n; i++) {
    uint8_t v = uint8_t(get_field(base, pos + 8 * i, 8));
    b[little ? n - 1 - i : i] = v;
  }
  uint64_t u = 0;
  for (unsigned i = 0; i < n; i++) u = u << 8 | b[i];
  double d;
  if (bits == 64) {
    std::memcpy(&d, &u, 8);
  } else if (bits == 32) {
    uint32_t u32 = uint32_t(u);
    float f;
    std::memcpy(&f, &u32, 4);
    d = f;
  } else {
    d = half_to_double(uint16_t(u));
  }
  if (!std::isfinite(d)) return false;
  ms_position(ms) = pos + bits;
  *out = make_float_at(p->halloc(FLOAT_WORDS), d);
  return true;
}

bool ms_get_binary(Process* p, Term ms, UWord bits, Term* out) {
  UWord pos = ms_position(ms);
  if (ms_end(ms) - pos < bits) return false;
  ms_position(ms) = pos + bits;
  *out = make_sub_bin(p->halloc(SUB_BIN_WORDS), ms_original(ms), pos, bits);
  return true;
}

Term ms_tail(Process* p, Term ms) {
  UWord pos = ms_position(ms);
  return make_sub_bin(p->halloc(SUB_BIN_WORDS), ms_original(ms), pos, ms_end(ms) - pos);
}

bool ms_match_string(Term ms, const uint8_t* bytes, UWord bits) {
  UWord pos = ms_position(ms);
  if (ms_end(ms) - pos < bits) return false;
  const uint8_t* base = bin_base(ms_original(ms));
  if (pos % 8 == 0) {
    if (std::memcmp(base + pos / 8, bytes, bits / 8) != 0) return false;
    if (bits % 8) {
      unsigned rem = unsigned(bits % 8);
      if (get_field(base, pos + bits - rem, rem) != unsigned(bytes[bits / 8] >> (8 - rem))) return false;
    }
  } else {
    for (UWord i = 0; i < bits; i += 8) {
      unsigned take = unsigned(std::min<UWord>(8, bits - i));
      if (get_field(base, pos + i, take) != unsigned(bytes[i / 8] >> (8 - take))) return false;
    }
  }
  ms_position(ms) = pos + bits;
  return true;
}

bool ms_get_utf(Term ms, unsigned kind, unsigned flags, bool skip, Term* out) {
  UWord pos = ms_position(ms);
  UWord left = ms_end(ms) - pos;
  const uint8_t* base = bin_base(ms_original(ms));
  bool little = flags & BSF_LITTLE;
  auto byte_at = [&](UWord i) { return get_field(base, pos + 8 * i, 8); };
  uint32_t c;
  UWord used;
  if (kind == 8) {
    if (left < 8) return false;
    unsigned b0 = byte_at(0);
    unsigned n;
    if (b0 < 0x80) { c = b0; n = 1; }
    else if ((b0 & 0xE0) == 0xC0) { c = b0 & 0x1F; n = 2; }
    else if ((b0 & 0xF0) == 0xE0) { c = b0 & 0x0F; n = 3; }
    else if ((b0 & 0xF8) == 0xF0) { c = b0 & 0x07; n = 4; }
    else return false;
    if (left < 8 * n) return false;
    for (unsigned i = 1; i < n; i++) {
      unsigned b = byte_at(i);
      if ((b & 0xC0) != 0x80) return false;
      c = c << 6 | (b & 0x3F);
    }
    if ((n == 2 && c < 0x80) || (n == 3 && c < 0x800) || (n == 4 && c < 0x10000) || c > 0x10FFFF ||
        (c >= 0xD800 && c <= 0xDFFF))
      return false;
    used = 8 * n;
  } else if (kind == 16) {
    if (left < 16) return false;
    auto unit = [&](UWord i) {
      unsigned a = byte_at(i), b = byte_at(i + 1);
      return little ? (b << 8 | a) : (a << 8 | b);
    };
    unsigned w1 = unit(0);
    if (w1 < 0xD800 || w1 > 0xDFFF) {
      c = w1;
      used = 16;
    } else {
      if (w1 > 0xDBFF || left < 32) return false;
      unsigned w2 = unit(2);
      if (w2 < 0xDC00 || w2 > 0xDFFF) return false;
      c = 0x10000 + ((w1 & 0x3FF) << 10) + (w2 & 0x3FF);
      used = 32;
    }
  } else {
    if (left < 32) return false;
    c = 0;
    for (unsigned i = 0; i < 4; i++) {
      unsigned b = byte_at(i);
      if (little) c |= uint32_t(b) << (8 * i);
      else c = c << 8 | b;
    }
    if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return false;
    used = 32;
  }
  ms_position(ms) = pos + used;
  if (!skip) *out = make_small(c);
  return true;
}

// ---------------------------------------------------------------- construction

bool utf_size(unsigned kind, Term c, UWord* bytes) {
  if (!is_small(c)) return false;
  SWord v = small_val(c);
  if (v < 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return false;
  if (kind == 8) *bytes = v < 0x80 ? 1 : v < 0x800 ? 2 : v < 0x10000 ? 3 : 4;
  else *bytes = v < 0x10000 ? 2 : 4;
  return true;
}

bool bs_size(Process* p, const BsSegment* segs, unsigned n, UWord* bits_out) {
  UWord total = 0;
  static const Term am_all = atom_put("all");
  static const Term am_size = atom_put("size");
  static const Term am_type = atom_put("type");
  for (unsigned i = 0; i < n; i++) {
    const BsSegment& s = segs[i];
    switch (s.kind) {
      case BsSeg::Append:
      case BsSeg::PrivateAppend:
        break;
      case BsSeg::String:
        total += UWord(small_val(s.size)) * 8;
        break;
      case BsSeg::Utf8:
      case BsSeg::Utf16: {
        UWord b;
        total += 8 * (utf_size(s.kind == BsSeg::Utf8 ? 8 : 16, s.src, &b) ? b : 4);  // errors: at build
        break;
      }
      case BsSeg::Utf32: {
        UWord b;
        if (!utf_size(8, s.src, &b)) return bs_fail(p, s, am::badarg, am_type, s.src);
        total += 32;
        break;
      }
      case BsSeg::Binary:
        if (s.size == am_all) {
          if (!is_bitstring(s.src)) return bs_fail(p, s, am::badarg, am_type, s.src);
          total += bitstring_bits(s.src);
          break;
        }
        [[fallthrough]];
      case BsSeg::Integer:
      case BsSeg::Float: {
        Term sz = s.size;
        if (is_small(sz)) {
          SWord v = small_val(sz);
          if (v < 0) return bs_fail(p, s, am::badarg, am_size, sz);
          unsigned __int128 bits = (unsigned __int128)UWord(v) * s.unit;
          if (bits >> 62) return bs_fail(p, s, am::system_limit, am_size, sz);
          total += UWord(bits);
        } else if (is_big(sz) && !big_negative(sz)) {
          return bs_fail(p, s, am::system_limit, am_size, sz);
        } else {
          return bs_fail(p, s, am::badarg, am_size, sz);
        }
        break;
      }
    }
    if (total >> 62) return bs_fail(p, s, am::system_limit, am_size, s.size);
  }
  *bits_out = total;
  return true;
}

UWord bs_result_words(UWord bits) {
  UWord bytes = (bits + 7) / 8;
  UWord w = bytes <= HEAP_BIN_LIMIT ? heap_bin_words(bytes) : REFC_BIN_WORDS;
  if (bits % 8) w += SUB_BIN_WORDS;
  return w;
}

namespace {

// A new binary of `bits` bits (heap space reserved); data pointer out.
Term new_binary(Process* p, UWord bits, uint8_t** data) {
  UWord bytes = (bits + 7) / 8;
  Term bin;
  if (bytes <= HEAP_BIN_LIMIT) {
    Term* hp = p->halloc(heap_bin_words(bytes));
    hp[0] = make_header(heap_bin_words(bytes) - 1, Sub::HeapBin);
    hp[1] = bytes;
    hp[heap_bin_words(bytes) - 1] = 0;
    *data = reinterpret_cast<uint8_t*>(hp + 2);
    bin = make_boxed(hp);
  } else {
    BinData* bd = BinData::create(bytes);
    *data = bd->bytes;
    bin = make_refc_bin(p->halloc(REFC_BIN_WORDS), bd, &p->off_heap);
  }
  if (bytes) (*data)[bytes - 1] = 0;
  if (bits % 8) bin = make_sub_bin(p->halloc(SUB_BIN_WORDS), bin, 0, bits);
  return bin;
}

bool put_segment(Process* p, uint8_t* data, UWord& off, const BsSegment& s) {
  static const Term am_type = atom_put("type");
  static const Term am_short = atom_put("short");
  static const Term am_unit = atom_put("unit");
  static const Term am_all = atom_put("all");
  bool little = s.flags & BSF_LITTLE;
  switch (s.kind) {
    case BsSeg::Append:
    case BsSeg::PrivateAppend:
      return true;
    case BsSeg::String: {
      UWord len = UWord(small_val(s.size));
      copy_bits(reinterpret_cast<const uint8_t*>(s.src), 0, data, off, len * 8);
      off += len * 8;
      return true;
    }
    case BsSeg::Integer: {
      UWord bits = UWord(small_val(s.size)) * s.unit;
      if (!is_integer(s.src)) return bs_fail(p, s, am::badarg, am_type, s.src);
      if (bits == 0) return true;
      if (is_small(s.src) && bits <= 64 && off % 8 == 0 && bits % 8 == 0) {
        uint64_t v = uint64_t(small_val(s.src));
        uint8_t* d = data + off / 8;
        if (little) {
          for (UWord i = 0; i < bits / 8; i++) d[i] = uint8_t(v >> (8 * i));
        } else {
          for (UWord i = 0; i < bits / 8; i++) d[i] = uint8_t(v >> (bits - 8 - 8 * i));
        }
      } else if (is_small(s.src) && bits <= 64 && !little) {
        // Any offset, big-endian: the field's bits from the top, a byte at a time.
        uint64_t v = uint64_t(small_val(s.src));
        UWord at = off;
        for (UWord left = bits; left > 0;) {
          unsigned take = left >= 8 ? 8 : unsigned(left);
          put_field(data, at, unsigned(v >> (left - take)) & ((1u << take) - 1), take);
          at += take;
          left -= take;
        }
      } else {
        std::vector<uint8_t> le;
        integer_le_bytes(s.src, bits, le);
        write_integer_bytes(data, off, le, bits, little);
      }
      off += bits;
      return true;
    }
    case BsSeg::Float: {
      UWord bits = UWord(small_val(s.size)) * s.unit;
      Term why;
      if (!write_float(data, off, s.src, bits, little, &why))
        return bs_fail(p, s, am::badarg, why, why == atom_put("invalid") ? make_small(SWord(bits)) : s.src);
      off += bits;
      return true;
    }
    case BsSeg::Binary: {
      if (!is_bitstring(s.src)) return bs_fail(p, s, am::badarg, am_type, s.src);
      BitView v = bitstring_view(s.src);
      UWord bits;
      if (s.size == am_all) {
        bits = v.bit_size;
        if (s.unit > 1 && bits % s.unit) return bs_fail(p, s, am::badarg, am_unit, s.src);
      } else {
        bits = UWord(small_val(s.size)) * s.unit;
        if (bits > v.bit_size) return bs_fail(p, s, am::badarg, am_short, s.src);
      }
      copy_bits(v.base, v.bit_offset, data, off, bits);
      off += bits;
      return true;
    }
    case BsSeg::Utf8:
    case BsSeg::Utf16:
    case BsSeg::Utf32: {
      unsigned kind = s.kind == BsSeg::Utf8 ? 8 : s.kind == BsSeg::Utf16 ? 16 : 32;
      uint8_t enc[4];
      unsigned n = is_small(s.src) && small_val(s.src) >= 0 ? encode_utf(kind, uint32_t(small_val(s.src)), little, enc) : 0;
      if (!n) return bs_fail(p, s, am::badarg, am_type, s.src);
      for (unsigned i = 0; i < n; i++) put_field(data, off + 8 * i, enc[i], 8);
      off += 8 * n;
      return true;
    }
  }
  return true;
}

}  // namespace

Term bs_build(Process* p, const BsSegment* segs, unsigned n, UWord bits) {
  uint8_t* data;
  UWord off = 0;
  Term bin;
  unsigned first = 0;
  if (n > 0 && (segs[0].kind == BsSeg::Append || segs[0].kind == BsSeg::PrivateAppend)) {
    Term why;
    bin = bs_append(p, segs[0].src, bits, segs[0].unit, &why);
    if (bin == NON_VALUE) {
      bs_fail(p, segs[0], am::badarg, why, segs[0].src);
      return NON_VALUE;
    }
    data = p->bs_cur;
    off = p->bs_off;
    first = 1;
  } else {
    bin = new_binary(p, bits, &data);
  }
  for (unsigned i = first; i < n; i++)
    if (!put_segment(p, data, off, segs[i])) return NON_VALUE;
  return bin;
}

// ---------------------------------------------------------------- old-style construction

Term bs_init(Process* p, UWord bits) {
  uint8_t* data;
  Term bin = new_binary(p, bits, &data);
  p->bs_cur = data;
  p->bs_off = 0;
  return bin;
}

bool bs_put_integer(Process* p, Term value, UWord bits, unsigned flags) {
  if (!is_integer(value)) return false;
  std::vector<uint8_t> le;
  integer_le_bytes(value, bits, le);
  write_integer_bytes(p->bs_cur, p->bs_off, le, bits, flags & BSF_LITTLE);
  p->bs_off += bits;
  return true;
}

bool bs_put_float(Process* p, Term value, UWord bits, unsigned flags) {
  Term why;
  if (!write_float(p->bs_cur, p->bs_off, value, bits, flags & BSF_LITTLE, &why)) return false;
  p->bs_off += bits;
  return true;
}

bool bs_put_binary(Process* p, Term value, UWord bits, bool all, UWord unit) {
  if (!is_bitstring(value)) return false;
  BitView v = bitstring_view(value);
  if (all) {
    bits = v.bit_size;
    if (unit > 1 && bits % unit) return false;
  } else if (bits > v.bit_size) {
    return false;
  }
  copy_bits(v.base, v.bit_offset, p->bs_cur, p->bs_off, bits);
  p->bs_off += bits;
  return true;
}

void bs_put_bytes(Process* p, const uint8_t* bytes, UWord len) {
  copy_bits(bytes, 0, p->bs_cur, p->bs_off, len * 8);
  p->bs_off += len * 8;
}

bool bs_put_utf(Process* p, Term value, unsigned kind, unsigned flags) {
  uint8_t enc[4];
  unsigned n = is_small(value) && small_val(value) >= 0 ? encode_utf(kind, uint32_t(small_val(value)), flags & BSF_LITTLE, enc) : 0;
  if (!n) return false;
  for (unsigned i = 0; i < n; i++) put_field(p->bs_cur, p->bs_off + 8 * i, enc[i], 8);
  p->bs_off += 8 * n;
  return true;
}

Term bs_append(Process* p, Term bin, UWord extra_bits, UWord unit, Term* why) {
  if (!is_bitstring(bin)) {
    *why = atom_put("type");
    return NON_VALUE;
  }
  BitView v = bitstring_view(bin);
  if (unit > 1 && v.bit_size % unit) {
    *why = atom_put("unit");
    return NON_VALUE;
  }
  if (extra_bits == 0) {
    // Appending nothing gives the binary itself, as in the reference
    // (erts_debug:same/2 tells). Any segments left are empty.
    p->bs_cur = const_cast<uint8_t*>(v.base);
    p->bs_off = v.bit_offset + v.bit_size;
    return bin;
  }
  UWord new_bits = v.bit_size + extra_bits;
  UWord new_bytes = (new_bits + 7) / 8;
  // In place: a SubBin over a writable RefcBin that ends exactly where the
  // binary's data ends (the newest accumulator), data shared with nobody.
  // The flags word records the bits in use: BIN_WRITABLE | used_bits << 1.
  if (header_sub(boxed_header(bin)) == Sub::SubBin) {
    Term* sb = boxed_val(bin);
    Term orig = sb[3];
    Term* pb = boxed_val(orig);
    if (header_sub(pb[0]) == Sub::RefcBin && (pb[5] & BIN_WRITABLE) && sb[2] == 0 && sb[1] == (pb[5] >> 1)) {
      BinData* bd = reinterpret_cast<BinData*>(pb[3]);
      if (bd->refc.load(std::memory_order_acquire) == 1) {
        if (bd->size < new_bytes) {
          bd = BinData::resize(bd, std::max<size_t>(new_bytes * 2, 256));
          pb[3] = reinterpret_cast<Term>(bd);
          pb[4] = reinterpret_cast<Term>(bd->bytes);
        }
        pb[1] = new_bytes;
        pb[5] = BIN_WRITABLE | (new_bits << 1);
        p->bs_cur = bd->bytes;
        p->bs_off = v.bit_size;
        return make_sub_bin(p->halloc(SUB_BIN_WORDS), orig, 0, new_bits);
      }
    }
  }
  // Otherwise: a new writable binary with room to grow.
  size_t cap = std::max<size_t>(new_bytes * 2, 256);
  BinData* bd = BinData::create(cap);
  copy_bits(v.base, v.bit_offset, bd->bytes, 0, v.bit_size);
  Term* hp = p->halloc(REFC_BIN_WORDS + SUB_BIN_WORDS);
  Term rb = make_refc_bin(hp, bd, &p->off_heap);
  hp[1] = new_bytes;
  hp[5] = BIN_WRITABLE | (new_bits << 1);
  p->bs_cur = bd->bytes;
  p->bs_off = v.bit_size;
  return make_sub_bin(hp + REFC_BIN_WORDS, rb, 0, new_bits);
}

}  // namespace bvm
