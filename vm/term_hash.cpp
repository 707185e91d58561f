#include "vm/term_hash.h"

#include <cstring>
#include <vector>

#include "vm/atom_table.h"
#include "vm/binary.h"
#include "vm/bits.h"
#include "vm/code_index.h"
#include "vm/identity.h"
#include "vm/map.h"

namespace bvm {

namespace {

// ---------------------------------------------------------------- shared

inline bool is_byte(Term t) { return is_small(t) && UWord(small_val(t)) < 256; }

uint64_t float_bits(Term t) {
  double d = float_val(t);
  if (d == 0.0) d = 0.0;  // -0.0 hashes as 0.0
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return bits;
}

// The bytes of a bitstring starting on a byte boundary (copied when the
// bitstring does not): `size` whole bytes, then, when tail_bits > 0, one
// more byte holding the trailing bits in its high bits.
struct Bytes {
  const uint8_t* data;
  UWord size;
  unsigned tail_bits;
  std::vector<uint8_t> copy;
  explicit Bytes(Term bits) {
    BitView v = bitstring_view(bits);
    size = v.bit_size / 8;
    tail_bits = unsigned(v.bit_size % 8);
    if (v.byte_aligned()) {
      data = v.base + v.bit_offset / 8;
    } else {
      copy.assign(size + 1, 0);
      copy_bits(v.base, v.bit_offset, copy.data(), 0, v.bit_size);
      data = copy.data();
    }
  }
  uint8_t tail() const { return uint8_t(data[size] >> (8 - tail_bits)); }
};

// ---------------------------------------------------------------- phash

// Primes just above 2^28.
constexpr uint32_t P1 = 268440163, P2 = 268439161, P3 = 268435459, P4 = 268436141, P5 = 268438633,
                   P6 = 268437017, P8 = 268437511, P9 = 268439627, P10 = 268440479, P11 = 268440577,
                   P12 = 268440581, P13 = 268440593, P14 = 268440611;

// h = h*P + b for each byte of x, least significant first.
inline void bytes4(uint32_t& h, uint32_t x, uint32_t prime) {
  for (int i = 0; i < 4; i++) h = h * prime + ((x >> (8 * i)) & 0xFF);
}

// ---------------------------------------------------------------- phash2

// Bob Jenkins' 96-bit mix (lookup2).
inline void mix(uint32_t& a, uint32_t& b, uint32_t& c) {
  a -= b; a -= c; a ^= (c >> 13);
  b -= c; b -= a; b ^= (a << 8);
  c -= a; c -= b; c ^= (b >> 13);
  a -= b; a -= c; a ^= (c >> 12);
  b -= c; b -= a; b ^= (a << 16);
  c -= a; c -= b; c ^= (b >> 5);
  a -= b; a -= c; a ^= (c >> 3);
  b -= c; b -= a; b ^= (a << 10);
  c -= a; c -= b; c ^= (b >> 15);
}

// The golden ratio, and its multiples (mod 2^32) used as type constants.
constexpr uint32_t GOLDEN = 0x9e3779b9u;
constexpr uint32_t hconst(uint32_t k) { return GOLDEN * k; }

// Mixes two 32-bit values into h, each offset by a type constant.
inline void mix2(uint32_t& h, uint32_t x, uint32_t y, uint32_t k) {
  uint32_t a = k + x, b = k + y;
  mix(a, b, h);
}
inline void mix1(uint32_t& h, uint32_t x, uint32_t k) { mix2(h, x, 0, k); }

inline uint32_t rd32le(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

// Jenkins' lookup2 over a byte block, seeded with the running hash.
uint32_t block_hash(const uint8_t* k, UWord len, uint32_t seed) {
  uint32_t a = GOLDEN, b = GOLDEN, c = seed;
  UWord left = len;
  for (; left >= 12; k += 12, left -= 12) {
    a += rd32le(k);
    b += rd32le(k + 4);
    c += rd32le(k + 8);
    mix(a, b, c);
  }
  c += uint32_t(len);
  // The remaining bytes, little-endian into a, b and the upper bytes of c
  // (c's low byte carries the length).
  for (UWord i = 0; i < left; i++) {
    uint32_t byte = k[i];
    if (i < 4) a += byte << (8 * i);
    else if (i < 8) b += byte << (8 * (i - 4));
    else c += byte << (8 * (i - 7));
  }
  mix(a, b, c);
  return c;
}

// Small integers: those within 28 bits mix their 32-bit value (negative
// ones twice); larger ones mix like a one-limb bignum.
void hash2_small(uint32_t& h, SWord v) {
  if (v >= -(SWord(1) << 27) && v < (SWord(1) << 27)) {
    int32_t y = int32_t(v);
    if (y < 0) mix1(h, uint32_t(-y), GOLDEN);
    mix1(h, uint32_t(y), GOLDEN);
  } else {
    uint64_t mag = v < 0 ? uint64_t(0) - uint64_t(v) : uint64_t(v);
    mix2(h, uint32_t(mag), uint32_t(mag >> 32), v < 0 ? hconst(10) : hconst(11));
  }
}

void hash_bitstring(uint32_t& h, Term t) {
  Bytes b(t);
  uint32_t seed = hconst(13) + h;
  UWord size = b.size & 0xFFFFFFFF;  // the reference hashes at most 4 GB
  if (size == 0 && b.tail_bits == 0) {
    h = seed;
    return;
  }
  h = block_hash(b.data, size, seed);
  if (b.tail_bits) mix2(h, b.tail_bits, b.tail(), hconst(15));
}

void hash_bignum(uint32_t& h, Term t) {
  uint32_t k = big_negative(t) ? hconst(10) : hconst(11);
  const UWord* d = big_digits(t);
  for (UWord i = 0; i < big_size(t); i++) mix2(h, uint32_t(d[i]), uint32_t(d[i] >> 32), k);
}

// ---------------------------------------------------------------- internal

// The word the reference would hold for an immediate. Small integers and
// [] coincide; atoms use this VM's atom index (the reference's differs).
UWord reference_immediate(Term t) {
  if (is_local_pid(t)) return (UWord(local_pid_serial(t)) << 15 | local_pid_number(t)) << 4 | TAG_IMMED1_PID;
  return t;
}

inline void rotate_in(uint32_t& h, uint32_t k) {
  h ^= k;
  h = (h << 17) ^ (h >> 15);
}

inline void pointer_hash(uint32_t& h, const void* ptr, uint32_t k) {
  UWord w = reinterpret_cast<UWord>(ptr);
  mix2(h, uint32_t(w), uint32_t(w >> 32), k);
}

}  // namespace

uint32_t atom_ext_hash(Term atom) {
  std::string_view s = atom_text(atom);
  uint32_t h = 0;
  for (size_t i = 0; i < s.size(); i++) {
    uint8_t v = uint8_t(s[i]);
    // Code points 0x80..0xFF (two UTF-8 bytes) count as one Latin-1 byte.
    if (i + 1 < s.size() && (v & 0xFE) == 0xC2 && (uint8_t(s[i + 1]) & 0xC0) == 0x80) {
      v = uint8_t((v << 6) | (uint8_t(s[i + 1]) & 0x3F));
      i++;
    }
    h = (h << 4) + v;
    if (uint32_t g = h & 0xF0000000u) {
      h ^= g >> 24;
      h ^= g;
    }
  }
  return h;
}

uint32_t term_phash(Term t0) {
  enum Op : uint8_t { TERM, LIST_REST, LIST_END, TUPLE_END };
  struct Item {
    Op op;
    Term t;
  };
  std::vector<Item> stack{{TERM, t0}};
  uint32_t h = 0;
  while (!stack.empty()) {
    Item it = stack.back();
    stack.pop_back();
    Term t = it.t;
    switch (it.op) {
      case LIST_END:
        h *= P8;
        continue;
      case TUPLE_END:
        h = h * P9 + uint32_t(t);
        continue;
      case LIST_REST:
        if (!is_list(t)) {  // the tail of an improper list, or []
          stack.push_back({LIST_END, 0});
          stack.push_back({TERM, t});
          continue;
        }
        break;
      case TERM:
        break;
    }
    if (is_list(t)) {
      // Runs of bytes (strings) hash inline; anything else is a sub-term.
      // The list ends with its tail, then one multiplication.
      while (is_byte(car(t))) {
        h = h * P2 + uint32_t(small_val(car(t)));
        if (!is_list(cdr(t))) break;
        t = cdr(t);
      }
      if (is_byte(car(t))) {
        stack.push_back({LIST_END, 0});
        stack.push_back({TERM, cdr(t)});
      } else {
        stack.push_back({LIST_REST, cdr(t)});
        stack.push_back({TERM, car(t)});
      }
      continue;
    }
    if (is_small(t)) {
      SWord v = small_val(t);
      uint64_t mag = v < 0 ? uint64_t(0) - uint64_t(v) : uint64_t(v);
      bytes4(h, uint32_t(mag), P2);
      if (mag >> 32) bytes4(h, uint32_t(mag >> 32), P2);
      h *= v < 0 ? P4 : P3;
      continue;
    }
    if (is_atom(t)) {
      h = h * P1 + atom_ext_hash(t);
      continue;
    }
    if (is_nil(t)) {
      h = h * P3 + 1;
      continue;
    }
    if (is_local_pid(t)) {
      bytes4(h, local_pid_number(t), P5);
      h *= P6;
      continue;
    }
    if (is_local_port(t) || is_boxed_sub(t, Sub::ExternalPort)) {
      uint64_t n = port_number(t);
      if (n >> 32) bytes4(h, uint32_t(n >> 32), P11);
      bytes4(h, uint32_t(n), P9);
      h *= P10;
      continue;
    }
    switch (header_sub(boxed_header(t))) {
      case Sub::Tuple: {
        UWord n = tuple_arity(t);
        stack.push_back({TUPLE_END, n});
        for (UWord i = n; i >= 1; i--) stack.push_back({TERM, tuple_elem(t, i)});
        break;
      }
      case Sub::PosBig:
      case Sub::NegBig: {
        const UWord* d = big_digits(t);
        UWord n = big_size(t);
        for (UWord i = 0; i < n; i++) {
          UWord limb = d[i];
          int bytes = (i + 1 < n || (limb >> 32)) ? 8 : 4;
          for (int j = 0; j < bytes; j++, limb >>= 8) h = h * P2 + uint32_t(limb & 0xFF);
        }
        h *= big_negative(t) ? P4 : P3;
        break;
      }
      case Sub::Float: {
        uint64_t bits = float_bits(t);
        h = h * P6 + (uint32_t(bits) ^ uint32_t(bits >> 32));
        break;
      }
      case Sub::HeapBin:
      case Sub::RefcBin:
      case Sub::SubBin: {
        Bytes b(t);
        for (UWord i = 0; i < b.size; i++) h = h * P1 + b.data[i];
        if (b.tail_bits) h = (h * P1 + b.tail()) * P12 + b.tail_bits;
        h = h * P4 + uint32_t(b.size);
        break;
      }
      case Sub::Map:
        h = h * P13 + P14 + term_phash2(t);
        break;
      case Sub::Fun: {
        const FunEntry* fe = fun_entry(t);
        UWord nf = fun_num_free(t);
        h = h * P10 + uint32_t(nf);
        h = h * P1 + atom_ext_hash(fe->module);
        h = h * P2 + fe->index;
        h = h * P2 + fe->old_uniq;
        for (UWord i = nf; i-- > 0;) stack.push_back({TERM, fun_env(t)[i]});
        break;
      }
      case Sub::Export: {
        const Export* e = export_fun_entry(t);
        h = h * P11 + e->arity;
        h = h * P1 + atom_ext_hash(e->module());
        h = h * P1 + atom_ext_hash(e->function());
        break;
      }
      case Sub::ExternalPid:
        bytes4(h, pid_number(t), P5);
        h *= P6;
        break;
      case Sub::Ref:
      case Sub::ExternalRef: {
        uint32_t nums[MAX_REF_NUMBERS];
        ref_numbers(t, nums);
        bytes4(h, nums[0], P9);
        h *= P10;
        break;
      }
      default:
        break;
    }
  }
  return h;
}

uint32_t term_phash2(Term t0) {
  // An atom or a small integer on its own takes a shortcut.
  if (is_atom(t0)) return atom_ext_hash(t0);
  if (is_small(t0)) {
    uint32_t h = 0;
    hash2_small(h, small_val(t0));
    return h;
  }
  enum Op : uint8_t { TERM, MAP_PAIR_END, MAP_END };
  struct Item {
    Op op;
    Term t;
    uint32_t saved_hash, saved_xor;
  };
  std::vector<Item> stack;
  uint32_t h = 0;
  uint32_t pairs_xor = 0;  // of the map being hashed
  Term t = t0;
  for (;;) {
    bool next = false;  // t holds the next term to hash
    if (is_list(t)) {
      // Bytes are packed four to a word.
      uint32_t packed = 0;
      int count = 0;
      while (is_byte(car(t))) {
        packed = (packed << 8) + uint32_t(small_val(car(t)));
        if (count == 3) {
          mix1(h, packed, hconst(4));
          packed = 0;
          count = 0;
        } else {
          count++;
        }
        if (!is_list(cdr(t))) break;
        t = cdr(t);
      }
      if (count > 0) mix1(h, packed, hconst(4));
      if (is_byte(car(t))) {
        t = cdr(t);  // the tail
      } else {
        stack.push_back({TERM, cdr(t), 0, 0});
        t = car(t);
      }
      next = true;
    } else if (is_small(t)) {
      hash2_small(h, small_val(t));
    } else if (is_atom(t)) {
      if (h == 0) h = atom_ext_hash(t);
      else mix1(h, atom_ext_hash(t), hconst(3));
    } else if (is_nil(t)) {
      if (h == 0) h = 3468870702u;
      else mix1(h, 2, hconst(2));
    } else if (is_local_pid(t)) {
      mix1(h, local_pid_number(t), hconst(5));
    } else if (is_local_port(t) || is_boxed_sub(t, Sub::ExternalPort)) {
      uint64_t n = port_number(t);
      mix2(h, uint32_t(n), uint32_t(n >> 32), hconst(6));
    } else {
      switch (header_sub(boxed_header(t))) {
        case Sub::Tuple: {
          UWord n = tuple_arity(t);
          mix1(h, uint32_t(n), hconst(9));
          if (n > 0) {
            for (UWord i = n; i >= 2; i--) stack.push_back({TERM, tuple_elem(t, i), 0, 0});
            t = tuple_elem(t, 1);
            next = true;
          }
          break;
        }
        case Sub::Map: {
          // Each pair hashes on its own; the pairs combine with xor, so the
          // result does not depend on the map's internal order.
          std::vector<std::pair<Term, Term>> pairs;
          map_pairs_iteration_order(t, pairs);  // any order will do
          mix1(h, uint32_t(pairs.size()), hconst(16));
          if (pairs.empty()) break;
          stack.push_back({MAP_END, 0, h, pairs_xor});
          h = 0;
          pairs_xor = 0;
          for (size_t i = pairs.size(); i-- > 0;) {
            stack.push_back({MAP_PAIR_END, 0, 0, 0});
            stack.push_back({TERM, pairs[i].second, 0, 0});
            stack.push_back({TERM, pairs[i].first, 0, 0});
          }
          break;
        }
        case Sub::Fun: {
          const FunEntry* fe = fun_entry(t);
          UWord nf = fun_num_free(t);
          mix2(h, uint32_t(nf), atom_ext_hash(fe->module), GOLDEN);
          mix2(h, fe->index, fe->old_uniq, GOLDEN);
          if (nf > 0) {
            for (UWord i = nf - 1; i >= 1; i--) stack.push_back({TERM, fun_env(t)[i], 0, 0});
            t = fun_env(t)[0];
            next = true;
          }
          break;
        }
        case Sub::Export: {
          const Export* e = export_fun_entry(t);
          mix2(h, e->arity, atom_ext_hash(e->module()), GOLDEN);
          mix1(h, atom_ext_hash(e->function()), hconst(14));
          break;
        }
        case Sub::HeapBin:
        case Sub::RefcBin:
        case Sub::SubBin:
          hash_bitstring(h, t);
          break;
        case Sub::PosBig:
        case Sub::NegBig:
          hash_bignum(h, t);
          break;
        case Sub::Ref:
        case Sub::ExternalRef: {
          uint32_t nums[MAX_REF_NUMBERS];
          ref_numbers(t, nums);
          mix1(h, nums[0], hconst(7));
          break;
        }
        case Sub::ExternalPid:
          mix1(h, pid_number(t), hconst(5));
          break;
        case Sub::Float: {
          uint64_t bits = float_bits(t);
          mix2(h, uint32_t(bits >> 32), uint32_t(bits), hconst(12));
          break;
        }
        default:
          break;
      }
    }
    // Continue with the next term, finishing maps on the way.
    while (!next) {
      if (stack.empty()) return h;
      Item it = stack.back();
      stack.pop_back();
      switch (it.op) {
        case MAP_END: {
          uint32_t pairs = pairs_xor;
          h = it.saved_hash;
          mix1(h, pairs, hconst(19));
          pairs_xor = it.saved_xor;
          break;
        }
        case MAP_PAIR_END:
          pairs_xor ^= h;
          h = 0;
          break;
        case TERM:
          t = it.t;
          next = true;
          break;
      }
    }
  }
}

uint32_t term_internal_hash(Term t0, uint32_t salt) {
  uint32_t h = salt ^ 3432918353u;
  if (is_immed(t0)) {  // the common map key: no stack needed
    UWord w = reference_immediate(t0);
    mix2(h, uint32_t(w), uint32_t(w >> 32), GOLDEN);
    return h;
  }
  enum Op : uint8_t { TERM, CDR_MARK };
  struct Item {
    Op op;
    Term t;
  };
  std::vector<Item> stack{{TERM, t0}};
  while (!stack.empty()) {
    Item it = stack.back();
    stack.pop_back();
    if (it.op == CDR_MARK) {
      rotate_in(h, hconst(18));
      continue;
    }
    Term t = it.t;
    if (is_list(t)) {
      uint32_t packed = 0;
      uint32_t count = 0;
      while (is_byte(car(t))) {
        packed = (packed << 8) + uint32_t(small_val(car(t)));
        if (count == 3) {
          mix1(h, packed, hconst(4));
          packed = 0;
          count = 0;
        } else {
          count++;
        }
        if (!is_list(cdr(t))) break;
        t = cdr(t);
      }
      if (count > 0) mix2(h, packed, count, hconst(22));
      if (is_byte(car(t))) {
        stack.push_back({TERM, cdr(t)});
      } else {
        rotate_in(h, hconst(17));
        stack.push_back({TERM, cdr(t)});
        if (!is_list(cdr(t))) stack.push_back({CDR_MARK, 0});
        stack.push_back({TERM, car(t)});
      }
      continue;
    }
    if (is_immed(t)) {
      UWord w = reference_immediate(t);
      mix2(h, uint32_t(w), uint32_t(w >> 32), GOLDEN);
      continue;
    }
    switch (header_sub(boxed_header(t))) {
      case Sub::Tuple: {
        UWord n = tuple_arity(t);
        mix1(h, uint32_t(n), hconst(9));
        for (UWord i = n; i >= 1; i--) stack.push_back({TERM, tuple_elem(t, i)});
        break;
      }
      case Sub::Map: {
        // Keys and values in the map's iteration order.
        std::vector<std::pair<Term, Term>> pairs;
        map_pairs_iteration_order(t, pairs);
        mix1(h, uint32_t(pairs.size()), hconst(16));
        for (size_t i = pairs.size(); i-- > 0;) {
          stack.push_back({TERM, pairs[i].second});
          stack.push_back({TERM, pairs[i].first});
        }
        break;
      }
      case Sub::Fun: {
        const FunEntry* fe = fun_entry(t);
        UWord nf = fun_num_free(t);
        mix2(h, uint32_t(nf), uint32_t(fe->module), hconst(20));
        mix2(h, fe->index, fe->old_uniq, hconst(21));
        for (UWord i = nf; i-- > 0;) stack.push_back({TERM, fun_env(t)[i]});
        break;
      }
      case Sub::Export:
        pointer_hash(h, export_fun_entry(t), hconst(14));
        break;
      case Sub::HeapBin:
      case Sub::RefcBin:
      case Sub::SubBin:
        hash_bitstring(h, t);
        break;
      case Sub::PosBig:
      case Sub::NegBig:
        hash_bignum(h, t);
        break;
      case Sub::Ref: {
        uint32_t nums[MAX_REF_NUMBERS];
        ref_numbers(t, nums);
        mix1(h, nums[0], hconst(7));
        mix2(h, nums[1], nums[2], hconst(8));
        break;
      }
      case Sub::ExternalRef: {
        uint32_t nums[MAX_REF_NUMBERS];
        ref_numbers(t, nums);
        pointer_hash(h, identity_node(t), hconst(7));
        mix1(h, nums[0], hconst(7));
        mix2(h, nums[1], nums[2], hconst(8));
        break;
      }
      case Sub::ExternalPid:
        pointer_hash(h, identity_node(t), hconst(5));
        mix2(h, pid_number(t), pid_serial(t), hconst(5));
        break;
      case Sub::ExternalPort: {
        uint64_t n = port_number(t);
        pointer_hash(h, identity_node(t), hconst(6));
        mix2(h, uint32_t(n), uint32_t(n >> 32), hconst(6));
        break;
      }
      case Sub::Float: {
        uint64_t bits = float_bits(t);
        mix2(h, uint32_t(bits), uint32_t(bits >> 32), hconst(12));
        break;
      }
      default:
        break;
    }
  }
  return h;
}

uint32_t map_key_hash(Term key, uint32_t depth) {
  uint32_t salt = 0;
  if (depth > 0) mix2(salt, depth, 1, hconst(22));
  return term_internal_hash(key, salt);
}

}  // namespace bvm
