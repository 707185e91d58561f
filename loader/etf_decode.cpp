#include "loader/etf_decode.h"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "vm/atom_table.h"
#include "vm/bignum.h"
#include "vm/code_index.h"
#include "vm/compare.h"
#include "vm/hashmap.h"
#include "vm/identity.h"
#include "vm/map.h"

namespace bvm {

namespace {

enum Tag : uint8_t {
  VERSION_MAGIC = 131,
  COMPRESSED = 80,
  NEW_FLOAT_EXT = 70,
  BIT_BINARY_EXT = 77,
  NEW_PID_EXT = 88,
  NEW_PORT_EXT = 89,
  NEWER_REFERENCE_EXT = 90,
  SMALL_INTEGER_EXT = 97,
  INTEGER_EXT = 98,
  FLOAT_EXT = 99,
  ATOM_EXT = 100,
  REFERENCE_EXT = 101,
  PORT_EXT = 102,
  PID_EXT = 103,
  SMALL_TUPLE_EXT = 104,
  LARGE_TUPLE_EXT = 105,
  NIL_EXT = 106,
  STRING_EXT = 107,
  LIST_EXT = 108,
  BINARY_EXT = 109,
  SMALL_BIG_EXT = 110,
  LARGE_BIG_EXT = 111,
  NEW_FUN_EXT = 112,
  EXPORT_EXT = 113,
  NEW_REFERENCE_EXT = 114,
  SMALL_ATOM_EXT = 115,
  MAP_EXT = 116,
  ATOM_UTF8_EXT = 118,
  SMALL_ATOM_UTF8_EXT = 119,
  V4_PORT_EXT = 120,
};

constexpr uint32_t MAX_LOCAL_PID_NUMBER = (1u << 15) - 1;
constexpr uint32_t MAX_LOCAL_PID_SERIAL = (1u << 13) - 1;
constexpr uint64_t MAX_LOCAL_PORT_NUMBER = (uint64_t(1) << 28) - 1;
constexpr uint32_t MAX_LOCAL_REF_FIRST = 1u << 18;
constexpr unsigned LOCAL_REF_NUMBERS = 3;
constexpr uint32_t MAX_FUN_FREE = 255;  // the reference's MAX_ARG

inline uint16_t rd16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
inline uint32_t rd32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}
inline uint64_t rd64(const uint8_t* p) { return uint64_t(rd32(p)) << 32 | rd32(p + 4); }

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

// FLOAT_EXT's text, as the reference reads it: [+-]digits(.|,)digits, an
// optional exponent [eE][+-]digits, then NUL (within the 31 bytes). The
// value must be finite; one that underflows reads as (signed) zero.
bool parse_float_text(const uint8_t* field, double* out) {
  char buf[32];
  std::memcpy(buf, field, 31);
  buf[31] = 0;
  if (std::memchr(buf, 0, 31) == nullptr) return false;
  char* s = buf;
  if (*s == '+' || *s == '-') s++;
  if (!is_digit(*s)) return false;
  while (is_digit(*s)) s++;
  if (*s != '.' && *s != ',') return false;
  *s++ = '.';
  if (!is_digit(*s)) return false;
  while (is_digit(*s)) s++;
  if (*s == 'e' || *s == 'E') {
    s++;
    if (*s == '+' || *s == '-') s++;
    if (!is_digit(*s)) return false;
    while (is_digit(*s)) s++;
  }
  if (*s) return false;
  double d = std::strtod(buf, nullptr);
  if (!std::isfinite(d)) return false;
  *out = d;
  return true;
}

// One unit of pending work: `count` slots starting at `slot`, `stride`
// words apart; or, when map_n is set, "finish the map at map_region".
struct Frame {
  Term* slot;
  UWord count;
  UWord stride;
  bool map_finish;
  Term* map_region;
  UWord map_n;
};

}  // namespace

const char* etf_error_text(EtfError e) {
  switch (e) {
    case EtfError::None: return "no error";
    case EtfError::Truncated: return "truncated term";
    case EtfError::BadVersion: return "bad version byte";
    case EtfError::BadTag: return "unknown or unsupported tag";
    case EtfError::BadAtom: return "bad atom";
    case EtfError::BadValue: return "value out of range";
    case EtfError::DuplicateKey: return "duplicate map key";
    case EtfError::BadCompressed: return "bad compressed data";
    case EtfError::TooLarge: return "term too large";
    case EtfError::SystemLimit: return "system limit";
  }
  return "?";
}

EtfDecoder::EtfDecoder(const uint8_t* data, size_t size, EtfOptions opts)
    : data_(data), size_(size), opts_(opts) {}

bool EtfDecoder::prepare() {
  err_ = EtfError::None;
  if (size_ < 1) {
    err_ = EtfError::Truncated;
    return false;
  }
  if (data_[0] != VERSION_MAGIC) {
    err_ = EtfError::BadVersion;
    return false;
  }
  if (size_ >= 2 && data_[1] == COMPRESSED) {
    if (size_ < 6) {
      err_ = EtfError::Truncated;
      err_off_ = size_;
      return false;
    }
    uint32_t want = rd32(data_ + 2);
    z_stream zs{};
    if (inflateInit(&zs) != Z_OK) {
      err_ = EtfError::BadCompressed;
      return false;
    }
    // The header's size is not trusted (a corrupt one may claim 4 GB):
    // start from a few times the compressed size and double as data comes.
    size_t first = std::max<size_t>(4096, 4 * (size_ - 6));
    inflated_.assign(std::min<size_t>(want, first), 0);
    zs.next_in = const_cast<Bytef*>(data_ + 6);
    zs.avail_in = uInt(std::min<size_t>(size_ - 6, UINT32_MAX));
    int rc = Z_OK;
    while (rc == Z_OK) {
      if (zs.total_out == inflated_.size()) {
        if (inflated_.size() >= want) {
          // Must be exactly at the end of the stream.
          uint8_t extra;
          zs.next_out = &extra;
          zs.avail_out = 1;
          rc = inflate(&zs, Z_FINISH);
          if (rc != Z_STREAM_END || zs.total_out != want) rc = Z_DATA_ERROR;
          break;
        }
        inflated_.resize(std::min<size_t>(size_t(want), inflated_.size() * 2 + 1));
      }
      zs.next_out = inflated_.data() + zs.total_out;
      zs.avail_out = uInt(inflated_.size() - zs.total_out);
      rc = inflate(&zs, Z_NO_FLUSH);
    }
    size_t consumed = zs.total_in;
    size_t produced = zs.total_out;
    inflateEnd(&zs);
    if (rc != Z_STREAM_END || produced != want) {
      err_ = EtfError::BadCompressed;
      err_off_ = 6;
      return false;
    }
    body_ = inflated_.data();
    body_len_ = want;
    Term dummy;
    if (!walk<false>(body_, body_len_, nullptr, nullptr, &dummy)) return false;
    used_ = 6 + consumed;
    return true;
  }
  body_ = data_ + 1;
  body_len_ = size_ - 1;
  Term dummy;
  if (!walk<false>(body_, body_len_, nullptr, nullptr, &dummy)) {
    err_off_ += 1;
    return false;
  }
  return true;
}

Term EtfDecoder::build(Term* hp, OffHeap* oh, NodeAlloc more) {
  more_ = std::move(more);
  Term result = NIL;
  if (!walk<true>(body_, body_len_, hp, oh, &result)) return NON_VALUE;
  return result;
}

// A map of more than MAP_SMALL_LIMIT pairs, given as n leaves [K | V] at
// `leaves`: its trie, or NON_VALUE on a duplicate key (or without more_).
Term EtfDecoder::finish_hashmap(Term* leaves, UWord n) {
  HashmapBuilder b;
  b.reserve(n);
  for (UWord i = 0; i < n; i++) b.add_leaf(make_list(leaves + 2 * i));
  if (!b.finish(true) || !more_) return NON_VALUE;
  return b.build(more_(b.words()));
}

template <bool BUILD>
bool EtfDecoder::walk(const uint8_t* p0, size_t len, Term* hp, OffHeap* oh, Term* result) {
  const uint8_t* p = p0;
  const uint8_t* end = p0 + len;
  UWord words = 0;
  std::vector<Frame> stack;
  size_t atom_pos = 0;  // pass 2 replays the atoms pass 1 interned, in order
  if (!BUILD) atoms_.clear();

#define FAIL(code)                    \
  do {                                \
    err_ = EtfError::code;            \
    err_off_ = size_t(p - p0);        \
    return false;                     \
  } while (0)
#define NEED(n)                                        \
  do {                                                 \
    if (size_t(end - p) < size_t(n)) FAIL(Truncated);  \
  } while (0)
#define ALLOC(n) (BUILD ? (hp += (n), hp - (n)) : (words += (n), nullptr))

  // Reads an atom in any atom encoding at p. In pass 1 it validates and
  // interns; in pass 2 it replays the atom pass 1 found.
  auto read_atom = [&](Term* out) -> bool {
    if (BUILD) {
      uint8_t tag = *p++;
      size_t n = (tag == ATOM_EXT || tag == ATOM_UTF8_EXT) ? rd16(p) : *p;
      p += (tag == ATOM_EXT || tag == ATOM_UTF8_EXT) ? 2 : 1;
      p += n;
      *out = atoms_[atom_pos++];
      return true;
    }
    NEED(1);
    uint8_t tag = *p;
    size_t n;
    bool latin1;
    switch (tag) {
      case ATOM_EXT: NEED(3); n = rd16(p + 1); p += 3; latin1 = true; break;
      case SMALL_ATOM_EXT: NEED(2); n = p[1]; p += 2; latin1 = true; break;
      case ATOM_UTF8_EXT: NEED(3); n = rd16(p + 1); p += 3; latin1 = false; break;
      case SMALL_ATOM_UTF8_EXT: NEED(2); n = p[1]; p += 2; latin1 = false; break;
      default: FAIL(BadTag);
    }
    NEED(n);
    std::string_view text(reinterpret_cast<const char*>(p), n);
    std::string conv;
    if (latin1) {
      if (n > MAX_ATOM_CHARACTERS) FAIL(BadAtom);
      for (unsigned char c : text) {
        if (c < 0x80) {
          conv.push_back(char(c));
        } else {
          conv.push_back(char(0xC0 | (c >> 6)));
          conv.push_back(char(0x80 | (c & 0x3F)));
        }
      }
      text = conv;
    }
    Term a = AtomTable::global().find(text);
    if (a == NON_VALUE) {
      if (opts_.safe) FAIL(BadAtom);
      long chars = utf8_count(text);
      if (chars < 0 || size_t(chars) > MAX_ATOM_CHARACTERS) FAIL(BadAtom);
      a = AtomTable::global().put(text);
      if (a == NON_VALUE) FAIL(SystemLimit);
    }
    p += n;
    atoms_.push_back(a);
    *out = a;
    return true;
  };

  // Reads an integer term whose value is a small integer, in any integer
  // encoding (the reference decodes a term and checks it is small).
  auto read_int = [&](SWord* out) -> bool {
    NEED(1);
    if (*p == SMALL_INTEGER_EXT) {
      NEED(2);
      *out = p[1];
      p += 2;
      return true;
    }
    if (*p == INTEGER_EXT) {
      NEED(5);
      *out = int32_t(rd32(p + 1));
      p += 5;
      return true;
    }
    if (*p == SMALL_BIG_EXT || *p == LARGE_BIG_EXT) {
      size_t hdr = *p == SMALL_BIG_EXT ? 2 : 5;
      NEED(hdr + 1);
      size_t n = *p == SMALL_BIG_EXT ? p[1] : rd32(p + 1);
      bool neg = p[hdr] != 0;
      p += hdr + 1;
      NEED(n);
      size_t used = n;
      while (used > 0 && p[used - 1] == 0) used--;
      uint64_t mag = 0;
      if (used > 8) FAIL(BadValue);
      for (size_t i = 0; i < used; i++) mag |= uint64_t(p[i]) << (8 * i);
      if (mag > (neg ? uint64_t(MAX_SMALL) + 1 : uint64_t(MAX_SMALL))) FAIL(BadValue);
      *out = neg ? SWord(0 - mag) : SWord(mag);
      p += n;
      return true;
    }
    FAIL(BadTag);
  };

  auto is_local = [&](Term sysname, uint32_t creation) {
    Node* me = local_node();
    return sysname == me->name && creation == me->creation;
  };

  // Decodes a pid at p (its tag included) into *slot.
  auto read_pid = [&](Term* slot) -> bool {
    NEED(1);
    uint8_t tag = *p++;
    if (tag != PID_EXT && tag != NEW_PID_EXT) {
      p--;
      FAIL(BadTag);
    }
    Term sysname;
    if (!read_atom(&sysname)) return false;
    NEED(tag == PID_EXT ? 9 : 12);
    uint32_t num = rd32(p), ser = rd32(p + 4);
    uint32_t cre = tag == PID_EXT ? p[8] : rd32(p + 8);
    if (tag == PID_EXT && cre > 3) FAIL(BadValue);
    p += tag == PID_EXT ? 9 : 12;
    if (is_local(sysname, cre)) {
      if (num > MAX_LOCAL_PID_NUMBER || ser > MAX_LOCAL_PID_SERIAL) FAIL(BadValue);
      if (BUILD) *slot = make_local_pid_ns(num, ser);
    } else {
      Term* o = ALLOC(EXTERNAL_PID_WORDS);
      if (BUILD) *slot = make_external_pid_at(o, node_get(sysname, cre), num, ser);
    }
    return true;
  };

  stack.push_back({result, 1, 1, false, nullptr, 0});
  while (!stack.empty()) {
    Frame& top = stack.back();
    if (top.map_finish) {
      if (BUILD) {
        // Pairs were decoded interleaved into the region: a flat map sorts
        // them into place; a hash map's leaves are the pairs themselves.
        UWord n = top.map_n;
        std::vector<Term> ks, vs;
        if (n <= MAP_SMALL_LIMIT) {
          ks.resize(n);
          vs.resize(n);
          for (UWord i = 0; i < n; i++) {
            ks[i] = top.map_region[2 * i];
            vs[i] = top.map_region[2 * i + 1];
          }
        }
        Term m = n <= MAP_SMALL_LIMIT ? map_from_pairs(top.map_region, ks.data(), vs.data(), n)
                                      : finish_hashmap(top.map_region, n);
        if (m == NON_VALUE) {
          err_ = EtfError::DuplicateKey;
          err_off_ = size_t(p - p0);
          return false;
        }
        *top.slot = m;
      }
      stack.pop_back();
      continue;
    }
    if (top.count == 0) {
      stack.pop_back();
      continue;
    }
    Term* slot = top.slot;
    top.slot += top.stride;
    if (--top.count == 0) stack.pop_back();  // `top` is dead from here on

    NEED(1);
    uint8_t tag = *p;
    switch (tag) {
      case SMALL_INTEGER_EXT:
        NEED(2);
        if (BUILD) *slot = make_small(p[1]);
        p += 2;
        break;
      case INTEGER_EXT:
        NEED(5);
        if (BUILD) *slot = make_small(int32_t(rd32(p + 1)));
        p += 5;
        break;
      case SMALL_BIG_EXT:
      case LARGE_BIG_EXT: {
        size_t hdr = tag == SMALL_BIG_EXT ? 2 : 5;
        NEED(hdr + 1);
        size_t n = tag == SMALL_BIG_EXT ? p[1] : rd32(p + 1);
        bool neg = p[hdr] != 0;
        const uint8_t* digits = p + hdr + 1;
        p += hdr + 1;
        NEED(n);
        size_t used = n;
        while (used > 0 && digits[used - 1] == 0) used--;
        if ((used + 7) / 8 > MAX_BIG_LIMBS) FAIL(TooLarge);
        // Exact size: zero words when the value fits a small.
        bool small = false;
        if (used <= 8) {
          uint64_t v = 0;
          for (size_t i = 0; i < used; i++) v |= uint64_t(digits[i]) << (8 * i);
          small = neg ? v <= uint64_t(MAX_SMALL) + 1 : v <= uint64_t(MAX_SMALL);
        }
        UWord need = small ? 0 : integer_words_for_bytes(used);
        Term* o = ALLOC(need);
        if (BUILD) {
          UWord u;
          Term tmp[2];
          *slot = make_integer_from_le_bytes(small ? tmp : o, digits, used, neg, &u);
        }
        p += n;
        break;
      }
      case NEW_FLOAT_EXT: {
        NEED(9);
        uint64_t bits = rd64(p + 1);
        double d;
        std::memcpy(&d, &bits, 8);
        if (!std::isfinite(d)) FAIL(BadValue);
        Term* o = ALLOC(FLOAT_WORDS);
        if (BUILD) *slot = make_float_at(o, d);
        p += 9;
        break;
      }
      case FLOAT_EXT: {
        NEED(32);
        double d;
        if (!parse_float_text(p + 1, &d)) FAIL(BadValue);
        Term* o = ALLOC(FLOAT_WORDS);
        if (BUILD) *slot = make_float_at(o, d);
        p += 32;
        break;
      }
      case ATOM_EXT:
      case SMALL_ATOM_EXT:
      case ATOM_UTF8_EXT:
      case SMALL_ATOM_UTF8_EXT: {
        Term a;
        if (!read_atom(&a)) return false;
        if (BUILD) *slot = a;
        break;
      }
      case SMALL_TUPLE_EXT:
      case LARGE_TUPLE_EXT: {
        size_t hdr = tag == SMALL_TUPLE_EXT ? 2 : 5;
        NEED(hdr);
        UWord n = tag == SMALL_TUPLE_EXT ? p[1] : rd32(p + 1);
        p += hdr;
        if (n > size_t(end - p)) FAIL(Truncated);  // each element takes a byte at least
        Term* o = ALLOC(1 + n);
        if (BUILD) {
          o[0] = make_header(n, Sub::Tuple);
          *slot = make_boxed(o);
        }
        if (n) stack.push_back({BUILD ? o + 1 : nullptr, n, 1, false, nullptr, 0});
        break;
      }
      case NIL_EXT:
        if (BUILD) *slot = NIL;
        p++;
        break;
      case STRING_EXT: {
        NEED(3);
        UWord n = rd16(p + 1);
        p += 3;
        NEED(n);
        Term* o = ALLOC(2 * n);
        if (BUILD) {
          Term tail = NIL;
          for (UWord i = n; i-- > 0;) {
            o[2 * i] = make_small(p[i]);
            o[2 * i + 1] = tail;
            tail = make_list(o + 2 * i);
          }
          *slot = tail;
        }
        p += n;
        break;
      }
      case LIST_EXT: {
        NEED(5);
        UWord n = rd32(p + 1);
        p += 5;
        if (n + 1 > size_t(end - p)) FAIL(Truncated);
        if (n == 0) {
          // A zero-length LIST_EXT is just its tail.
          stack.push_back({slot, 1, 1, false, nullptr, 0});
          break;
        }
        Term* o = ALLOC(2 * n);
        if (BUILD) {
          for (UWord i = 0; i + 1 < n; i++) o[2 * i + 1] = make_list(o + 2 * i + 2);
          *slot = make_list(o);
        }
        // Tail last: push it first.
        stack.push_back({BUILD ? o + 2 * n - 1 : nullptr, 1, 1, false, nullptr, 0});
        stack.push_back({BUILD ? o : nullptr, n, 2, false, nullptr, 0});
        break;
      }
      case BINARY_EXT:
      case BIT_BINARY_EXT: {
        size_t hdr = tag == BINARY_EXT ? 5 : 6;
        NEED(hdr);
        UWord n = rd32(p + 1);
        unsigned bits = 8;
        if (tag == BIT_BINARY_EXT) {
          bits = p[5];
          if ((bits == 0) != (n == 0) || bits > 8) FAIL(BadValue);
          if (n == 0) bits = 8;
        }
        p += hdr;
        NEED(n);
        bool sub = bits != 8;
        UWord need = (n <= HEAP_BIN_LIMIT ? heap_bin_words(n) : REFC_BIN_WORDS) + (sub ? SUB_BIN_WORDS : 0);
        Term* o = ALLOC(need);
        if (BUILD) {
          Term bin;
          if (n <= HEAP_BIN_LIMIT) {
            bin = make_heap_bin(o, p, n);
            o += heap_bin_words(n);
          } else {
            BinData* bd = BinData::create(n);
            std::memcpy(bd->bytes, p, n);
            bin = make_refc_bin(o, bd, oh);
            o += REFC_BIN_WORDS;
          }
          *slot = sub ? make_sub_bin(o, bin, 0, (n - 1) * 8 + bits) : bin;
        }
        p += n;
        break;
      }
      case PID_EXT:
      case NEW_PID_EXT:
        if (!read_pid(slot)) return false;
        break;
      case PORT_EXT:
      case NEW_PORT_EXT:
      case V4_PORT_EXT: {
        p++;
        Term sysname;
        if (!read_atom(&sysname)) return false;
        uint64_t num;
        uint32_t cre;
        if (tag == V4_PORT_EXT) {
          NEED(12);
          num = rd64(p);
          cre = rd32(p + 8);
          p += 12;
        } else if (tag == NEW_PORT_EXT) {
          NEED(8);
          num = rd32(p);
          cre = rd32(p + 4);
          p += 8;
        } else {
          NEED(5);
          num = rd32(p);
          cre = p[4];
          if (cre > 3) FAIL(BadValue);
          p += 5;
        }
        if (is_local(sysname, cre)) {
          if (num > MAX_LOCAL_PORT_NUMBER) FAIL(BadValue);
          if (BUILD) *slot = make_local_port(num);
        } else {
          Term* o = ALLOC(EXTERNAL_PORT_WORDS);
          if (BUILD) *slot = make_external_port_at(o, node_get(sysname, cre), num);
        }
        break;
      }
      case REFERENCE_EXT:
      case NEW_REFERENCE_EXT:
      case NEWER_REFERENCE_EXT: {
        p++;
        unsigned count = 1;
        if (tag != REFERENCE_EXT) {
          NEED(2);
          count = rd16(p);
          p += 2;
        }
        Term sysname;
        if (!read_atom(&sysname)) return false;
        uint32_t cre;
        if (tag == REFERENCE_EXT) {
          NEED(5);
          uint32_t r0 = rd32(p);
          cre = p[4];
          if (cre > 3) FAIL(BadValue);
          p += 5;
          uint32_t nums[1] = {r0};
          if (r0 >= MAX_LOCAL_REF_FIRST) FAIL(BadValue);
          if (is_local(sysname, cre)) {
            Term* o = ALLOC(LOCAL_REF_WORDS);
            uint32_t full[3] = {r0, 0, 0};
            if (BUILD) *slot = make_ref_at(o, Sub::Ref, nullptr, full, 3);
          } else {
            Term* o = ALLOC(EXTERNAL_REF_WORDS);
            if (BUILD) *slot = make_ref_at(o, Sub::ExternalRef, node_get(sysname, cre), nums, 1);
          }
          break;
        }
        if (tag == NEW_REFERENCE_EXT) {
          NEED(1);
          cre = *p++;
          if (cre > 3) FAIL(BadValue);
        } else {
          NEED(4);
          cre = rd32(p);
          p += 4;
        }
        if (count == 0 || count > MAX_REF_NUMBERS) FAIL(BadValue);
        NEED(4 * count);
        uint32_t nums[MAX_REF_NUMBERS] = {0, 0, 0, 0, 0};
        for (unsigned i = 0; i < count; i++) nums[i] = rd32(p + 4 * i);
        p += 4 * count;
        if (nums[0] >= MAX_LOCAL_REF_FIRST && tag == NEW_REFERENCE_EXT) FAIL(BadValue);
        if (is_local(sysname, cre)) {
          if (nums[0] >= MAX_LOCAL_REF_FIRST || count > LOCAL_REF_NUMBERS) FAIL(BadValue);
          Term* o = ALLOC(LOCAL_REF_WORDS);
          if (BUILD) *slot = make_ref_at(o, Sub::Ref, nullptr, nums, LOCAL_REF_NUMBERS);
        } else {
          Term* o = ALLOC(EXTERNAL_REF_WORDS);
          if (BUILD) *slot = make_ref_at(o, Sub::ExternalRef, node_get(sysname, cre), nums, count);
        }
        break;
      }
      case EXPORT_EXT: {
        p++;
        Term m, f;
        if (!read_atom(&m) || !read_atom(&f)) return false;
        SWord a;
        if (!read_int(&a)) return false;
        if (a < 0 || a > SWord(UINT32_MAX)) FAIL(BadValue);
        uint32_t arity = uint32_t(a);
        Term* o = ALLOC(EXPORT_FUN_WORDS);
        if (!BUILD && opts_.safe && !export_get(m, f, arity)) FAIL(BadValue);
        if (BUILD) *slot = make_export_fun_at(o, export_put(m, f, arity));
        break;
      }
      case NEW_FUN_EXT: {
        NEED(1 + 4 + 1 + 16 + 4 + 4);
        unsigned arity = p[5];
        const uint8_t* uniq = p + 6;
        uint32_t index = rd32(p + 22);
        uint32_t num_free = rd32(p + 26);
        if (num_free > MAX_FUN_FREE) FAIL(BadValue);
        p += 30;
        Term module;
        if (!read_atom(&module)) return false;
        SWord old_index, old_uniq;
        if (!read_int(&old_index) || !read_int(&old_uniq)) return false;
        if (old_index < 0 || old_uniq < 0 || old_index > SWord(UINT32_MAX) || old_uniq > SWord(UINT32_MAX))
          FAIL(BadValue);
        if (num_free > size_t(end - p)) FAIL(Truncated);
        Term* o = ALLOC(FUN_HEADER_WORDS + num_free);
        if (BUILD) {
          FunEntry* fe = fun_entry_put(module, uint32_t(old_index), uint32_t(old_uniq));
          if (fe->arity == 0 && fe->num_free == 0) {
            fe->index = index;
            fe->arity = arity;
            fe->num_free = num_free;
            std::memcpy(fe->uniq, uniq, 16);
          }
          o[0] = make_header(2 + num_free, Sub::Fun);
          o[1] = reinterpret_cast<Term>(fe);
          *slot = make_boxed(o);
        }
        // The creator pid comes first, then the free variables.
        if (num_free) stack.push_back({BUILD ? o + 3 : nullptr, num_free, 1, false, nullptr, 0});
        if (!read_pid(BUILD ? o + 2 : nullptr)) return false;
        break;
      }
      case MAP_EXT: {
        NEED(5);
        UWord n = rd32(p + 1);
        p += 5;
        if (n > size_t(end - p) / 2) FAIL(Truncated);
        // A hash map's trie nodes come later, from more_ (finish_hashmap).
        Term* o = ALLOC(n <= MAP_SMALL_LIMIT ? flatmap_words(n) : 2 * n);
        // Finish (sort, check keys) after all pairs are decoded.
        stack.push_back({slot, 0, 0, true, o, n});
        if (n) stack.push_back({BUILD ? o : nullptr, 2 * n, 1, false, nullptr, 0});
        break;
      }
      default:
        FAIL(BadTag);
    }
  }
  if (!BUILD) {
    words_ = words;
    used_ = size_t(p - p0) + 1;
  }
  return true;
#undef FAIL
#undef NEED
#undef ALLOC
}

}  // namespace bvm
