#include "vm/etf_encode.h"

#include <zlib.h>

#include <cstdio>
#include <cstring>
#include <deque>

#include "vm/atom_table.h"
#include "vm/binary.h"
#include "vm/bits.h"
#include "vm/code_index.h"
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
  MAP_EXT = 116,
  ATOM_UTF8_EXT = 118,
  SMALL_ATOM_UTF8_EXT = 119,
  V4_PORT_EXT = 120,
};

constexpr UWord MAX_STRING_LEN = 0xFFFF;
constexpr uint64_t MAX_V3_PORT_NUMBER = (uint64_t(1) << 28) - 1;
constexpr size_t FLOAT_TEXT_LEN = 31;
// Binaries above this size stay out of line in term_to_iovec's result.
constexpr size_t IOVEC_COPY_LIMIT = HEAP_BIN_LIMIT;

inline bool is_byte(Term t) { return is_small(t) && UWord(small_val(t)) < 256; }

// Whether a list encodes as STRING_EXT: proper, at most MAX_STRING_LEN
// elements, all 0..255. *len is its length (or how far the check got).
bool is_string(Term l, UWord* len) {
  UWord n = 0;
  for (; is_list(l); l = cdr(l)) {
    if (!is_byte(car(l)) || ++n > MAX_STRING_LEN) {
      *len = n;
      return false;
    }
  }
  *len = n;
  return is_nil(l);
}

unsigned bytes_of(uint64_t v) {
  unsigned n = 0;
  for (; v; v >>= 8) n++;
  return n;
}

UWord big_bytes(Term big) {
  UWord n = big_size(big);
  return 8 * (n - 1) + bytes_of(big_digits(big)[n - 1]);
}

inline bool fits_int32(SWord v) { return v >= INT32_MIN && v <= INT32_MAX; }

UWord atom_size(Term a, const EtfEncodeOptions& o) {
  const AtomEntry& e = atom_entry(a);
  if (o.utf8_atoms || !e.latin1) return 2 + e.len + (e.len > 255 ? 1 : 0);
  return 3 + e.chars;  // ATOM_EXT: term_to_binary never uses SMALL_ATOM_EXT
}

UWord small_size(SWord v) {
  if (v >= 0 && v < 256) return 2;
  if (fits_int32(v)) return 5;
  return 3 + bytes_of(v < 0 ? uint64_t(0) - uint64_t(v) : uint64_t(v));
}

// Whether a bitstring is beyond the format's 32-bit sizes (the reference's
// check, which also counts the bytes a sub-binary's bit offset spans).
bool binary_too_large(Term t) {
  BitView v = bitstring_view(t);
  UWord bytes = v.bit_size / 8;
  if (bytes < 0xFFFFFFFF) return false;
  if (header_sub(boxed_header(t)) == Sub::SubBin) bytes += (v.bit_offset % 8 + v.bit_size % 8 + 7) / 8;
  return bytes > 0xFFFFFFFF;
}

// The node name of a pid, port or reference (this node's for local ones).
inline Term node_name(Term t) { return identity_node(t)->name; }

class Writer {
 public:
  Writer(const EtfEncodeOptions& o, std::vector<uint8_t>& out, std::vector<EtfBinaryRef>* refs)
      : o_(o), out_(out), refs_(refs) {}

  bool encode(Term t);

 private:
  enum Op : uint8_t { TERM, LIST_REST, ELEMS, FUN_SIZE };
  struct Item {
    Op op;
    Term t;         // TERM, LIST_REST
    const Term* p;  // ELEMS: the next term
    UWord n;        // ELEMS: terms left; FUN_SIZE: offset of the size field
  };

  void u8(unsigned v) { out_.push_back(uint8_t(v)); }
  void u16(unsigned v) {
    u8(v >> 8);
    u8(v);
  }
  void u32(uint32_t v) {
    u16(v >> 16);
    u16(v & 0xFFFF);
  }
  void u64(uint64_t v) {
    u32(uint32_t(v >> 32));
    u32(uint32_t(v));
  }
  void raw(const void* p, size_t n) {
    const uint8_t* b = static_cast<const uint8_t*>(p);
    out_.insert(out_.end(), b, b + n);
  }

  void atom(Term a);
  void small(SWord v);
  void bignum(Term t);
  void flonum(double d);
  void pid(Term t);
  void port(Term t);
  void ref(Term t);
  void bitstring(Term t);
  void list(Term t);
  void map(Term t);
  void closure(Term t);
  void one(Term t);

  const EtfEncodeOptions& o_;
  std::vector<uint8_t>& out_;
  std::vector<EtfBinaryRef>* refs_;
  std::vector<Item> stack_;
  std::deque<std::vector<Term>> map_pairs_;  // keys and values of the maps being encoded
  bool too_large_ = false;
};

void Writer::atom(Term a) {
  const AtomEntry& e = atom_entry(a);
  std::string_view s = e.view();
  if (o_.utf8_atoms || !e.latin1) {
    if (s.size() > 255) {
      u8(ATOM_UTF8_EXT);
      u16(unsigned(s.size()));
    } else {
      u8(SMALL_ATOM_UTF8_EXT);
      u8(unsigned(s.size()));
    }
    raw(s.data(), s.size());
    return;
  }
  u8(ATOM_EXT);
  u16(e.chars);
  for (size_t i = 0; i < s.size(); i++) {
    uint8_t c = uint8_t(s[i]);
    if (c >= 0x80) c = uint8_t((c << 6) | (uint8_t(s[++i]) & 0x3F));  // two-byte UTF-8 -> Latin-1
    u8(c);
  }
}

void Writer::small(SWord v) {
  if (v >= 0 && v < 256) {
    u8(SMALL_INTEGER_EXT);
    u8(unsigned(v));
  } else if (fits_int32(v)) {
    u8(INTEGER_EXT);
    u32(uint32_t(int32_t(v)));
  } else {
    uint64_t mag = v < 0 ? uint64_t(0) - uint64_t(v) : uint64_t(v);
    unsigned n = bytes_of(mag);
    u8(SMALL_BIG_EXT);
    u8(n);
    u8(v < 0 ? 1 : 0);
    for (unsigned i = 0; i < n; i++) u8(unsigned(mag >> (8 * i)) & 0xFF);
  }
}

void Writer::bignum(Term t) {
  UWord n = big_bytes(t);
  if (n < 256) {
    u8(SMALL_BIG_EXT);
    u8(unsigned(n));
  } else {
    u8(LARGE_BIG_EXT);
    u32(uint32_t(n));
  }
  u8(big_negative(t) ? 1 : 0);
  const UWord* d = big_digits(t);
  for (UWord i = 0; i < n; i++) u8(unsigned(d[i / 8] >> (8 * (i % 8))) & 0xFF);
}

void Writer::flonum(double d) {
  if (o_.new_floats) {
    uint64_t bits;
    std::memcpy(&bits, &d, sizeof bits);
    u8(NEW_FLOAT_EXT);
    u64(bits);
    return;
  }
  // FLOAT_EXT: the C library's "%.20e" text, zero-padded to 31 bytes.
  char text[FLOAT_TEXT_LEN + 1] = {};
  std::snprintf(text, sizeof text, "%.20e", d);
  u8(FLOAT_EXT);
  raw(text, FLOAT_TEXT_LEN);
}

void Writer::pid(Term t) {
  const Node* node = identity_node(t);
  u8(NEW_PID_EXT);
  atom(node->name);
  u32(pid_number(t));
  u32(pid_serial(t));
  u32(node->creation);
}

void Writer::port(Term t) {
  const Node* node = identity_node(t);
  uint64_t n = port_number(t);
  if (n > MAX_V3_PORT_NUMBER) {
    u8(V4_PORT_EXT);
    atom(node->name);
    u64(n);
  } else {
    u8(NEW_PORT_EXT);
    atom(node->name);
    u32(uint32_t(n));
  }
  u32(node->creation);
}

void Writer::ref(Term t) {
  uint32_t nums[MAX_REF_NUMBERS];
  unsigned count = ref_numbers(t, nums);
  const Node* node = identity_node(t);
  u8(NEWER_REFERENCE_EXT);
  u16(count);
  atom(node->name);
  u32(node->creation);
  for (unsigned i = 0; i < count; i++) u32(nums[i]);
}

void Writer::bitstring(Term t) {
  if (binary_too_large(t)) {
    too_large_ = true;
    return;
  }
  BitView v = bitstring_view(t);
  UWord bytes = v.bit_size / 8;
  unsigned tail_bits = unsigned(v.bit_size % 8);
  if (tail_bits == 0) {
    u8(BINARY_EXT);
    u32(uint32_t(bytes));
  } else {
    u8(BIT_BINARY_EXT);
    u32(uint32_t(bytes + 1));
    u8(tail_bits);
  }
  Term orig = header_sub(boxed_header(t)) == Sub::SubBin ? boxed_val(t)[3] : t;
  if (refs_ && bytes > IOVEC_COPY_LIMIT && v.byte_aligned() && header_sub(boxed_header(orig)) == Sub::RefcBin) {
    refs_->push_back({out_.size(), orig, v.base + v.bit_offset / 8, bytes});
    if (tail_bits) {
      uint8_t last = 0;
      copy_bits(v.base, v.bit_offset + 8 * bytes, &last, 0, tail_bits);
      u8(last);
    }
    return;
  }
  size_t at = out_.size();
  out_.resize(at + bytes + (tail_bits ? 1 : 0), 0);  // unused trailing bits stay zero
  copy_bits(v.base, v.bit_offset, out_.data() + at, 0, v.bit_size);
}

void Writer::list(Term t) {
  UWord n;
  if (is_string(t, &n)) {
    u8(STRING_EXT);
    u16(unsigned(n));
    for (; is_list(t); t = cdr(t)) u8(unsigned(small_val(car(t))));
    return;
  }
  n = 0;
  for (Term l = t; is_list(l); l = cdr(l)) n++;
  u8(LIST_EXT);
  u32(uint32_t(n));
  stack_.push_back({LIST_REST, t, nullptr, 0});
}

void Writer::map(Term t) {
  std::vector<std::pair<Term, Term>> pairs;
  if (o_.deterministic) map_pairs(t, pairs);  // key order
  else map_pairs_iteration_order(t, pairs);
  u8(MAP_EXT);
  u32(uint32_t(pairs.size()));
  if (pairs.empty()) return;
  std::vector<Term>& kv = map_pairs_.emplace_back();
  kv.reserve(2 * pairs.size());
  for (auto& [k, v] : pairs) {
    kv.push_back(k);
    kv.push_back(v);
  }
  stack_.push_back({ELEMS, 0, kv.data(), kv.size()});
}

void Writer::closure(Term t) {
  const FunEntry* fe = fun_entry(t);
  UWord num_free = fun_num_free(t);
  u8(NEW_FUN_EXT);
  size_t size_at = out_.size();
  u32(0);  // the size, patched when the free variables are done
  u8(fe->arity);
  raw(fe->uniq, sizeof fe->uniq);
  u32(fe->index);
  u32(uint32_t(num_free));
  atom(fe->module);
  small(fe->old_index);
  small(fe->old_uniq);
  pid(fun_creator(t));
  stack_.push_back({FUN_SIZE, 0, nullptr, size_at});
  if (num_free) stack_.push_back({ELEMS, 0, fun_env(t), num_free});
}

void Writer::one(Term t) {
  if (is_list(t)) return list(t);
  if (is_small(t)) return small(small_val(t));
  if (is_atom(t)) return atom(t);
  if (is_nil(t)) return u8(NIL_EXT);
  if (is_local_pid(t)) return pid(t);
  if (is_local_port(t)) return port(t);
  switch (header_sub(boxed_header(t))) {
    case Sub::Tuple: {
      UWord n = tuple_arity(t);
      if (n <= 255) {
        u8(SMALL_TUPLE_EXT);
        u8(unsigned(n));
      } else {
        u8(LARGE_TUPLE_EXT);
        u32(uint32_t(n));
      }
      if (n) stack_.push_back({ELEMS, 0, &tuple_elem(t, 1), n});
      return;
    }
    case Sub::PosBig:
    case Sub::NegBig: return bignum(t);
    case Sub::Float: return flonum(float_val(t));
    case Sub::HeapBin:
    case Sub::RefcBin:
    case Sub::SubBin: return bitstring(t);
    case Sub::Map: return map(t);
    case Sub::Fun: return closure(t);
    case Sub::Export: {
      const Export* e = export_fun_entry(t);
      u8(EXPORT_EXT);
      atom(e->module());
      atom(e->function());
      small(e->arity);
      return;
    }
    case Sub::ExternalPid: return pid(t);
    case Sub::ExternalPort: return port(t);
    case Sub::Ref:
    case Sub::ExternalRef: return ref(t);
    default: return;  // match states never reach the encoder
  }
}

bool Writer::encode(Term t0) {
  u8(VERSION_MAGIC);
  stack_.push_back({TERM, t0, nullptr, 0});
  while (!stack_.empty() && !too_large_) {
    Item it = stack_.back();
    stack_.pop_back();
    switch (it.op) {
      case TERM:
        one(it.t);
        break;
      case ELEMS:
        if (it.n > 1) stack_.push_back({ELEMS, 0, it.p + 1, it.n - 1});
        one(*it.p);
        break;
      case LIST_REST:
        if (is_list(it.t)) {
          stack_.push_back({LIST_REST, cdr(it.t), nullptr, 0});
          one(car(it.t));
        } else {
          one(it.t);  // the tail
        }
        break;
      case FUN_SIZE: {
        uint32_t size = uint32_t(out_.size() - it.n);
        for (int i = 0; i < 4; i++) out_[it.n + i] = uint8_t(size >> (24 - 8 * i));
        break;
      }
    }
  }
  return !too_large_;
}

}  // namespace

bool etf_external_size(Term t0, const EtfEncodeOptions& o, UWord* size_out) {
  UWord size = 1;  // version
  std::vector<Term> stack{t0};
  auto pid_size = [&](Term pid) { return 1 + atom_size(node_name(pid), o) + 12; };
  while (!stack.empty()) {
    Term t = stack.back();
    stack.pop_back();
    if (is_list(t)) {
      UWord n;
      if (is_string(t, &n)) {
        size += 3 + n;
      } else {
        size += 5;
        for (; is_list(t); t = cdr(t)) stack.push_back(car(t));
        stack.push_back(t);
      }
      continue;
    }
    if (is_small(t)) {
      size += small_size(small_val(t));
      continue;
    }
    if (is_atom(t)) {
      size += atom_size(t, o);
      continue;
    }
    if (is_nil(t)) {
      size += 1;
      continue;
    }
    if (is_local_pid(t)) {
      size += pid_size(t);
      continue;
    }
    if (is_local_port(t)) {
      size += 1 + atom_size(node_name(t), o) + 4 + (port_number(t) > MAX_V3_PORT_NUMBER ? 8 : 4);
      continue;
    }
    switch (header_sub(boxed_header(t))) {
      case Sub::Tuple: {
        UWord n = tuple_arity(t);
        size += n <= 255 ? 2 : 5;
        for (UWord i = n; i >= 1; i--) stack.push_back(tuple_elem(t, i));
        break;
      }
      case Sub::PosBig:
      case Sub::NegBig: {
        UWord n = big_bytes(t);
        size += (n < 256 ? 3 : 6) + n;
        break;
      }
      case Sub::Float:
        size += o.new_floats ? 9 : 1 + FLOAT_TEXT_LEN;
        break;
      case Sub::HeapBin:
      case Sub::RefcBin:
      case Sub::SubBin: {
        if (binary_too_large(t)) return false;
        UWord bits = bitstring_bits(t);
        size += (bits % 8 ? 7 : 5) + bits / 8;
        break;
      }
      case Sub::Map: {
        std::vector<std::pair<Term, Term>> pairs;
        map_pairs_iteration_order(t, pairs);  // any order will do
        size += 5;
        for (auto& [k, v] : pairs) {
          stack.push_back(v);
          stack.push_back(k);
        }
        break;
      }
      case Sub::Fun: {
        const FunEntry* fe = fun_entry(t);
        // Fixed fields, module, index and uniq (counted as INTEGER_EXT), creator.
        size += 30 + atom_size(fe->module, o) + 2 * 5 + pid_size(fun_creator(t));
        for (UWord i = fun_num_free(t); i-- > 0;) stack.push_back(fun_env(t)[i]);
        break;
      }
      case Sub::Export: {
        const Export* e = export_fun_entry(t);
        size += 1 + atom_size(e->module(), o) + atom_size(e->function(), o) + small_size(e->arity);
        break;
      }
      case Sub::ExternalPid:
        size += pid_size(t);
        break;
      case Sub::ExternalPort:
        size += 1 + atom_size(node_name(t), o) + 4 + (port_number(t) > MAX_V3_PORT_NUMBER ? 8 : 4);
        break;
      case Sub::Ref:
      case Sub::ExternalRef: {
        uint32_t nums[MAX_REF_NUMBERS];
        size += 1 + 2 + atom_size(node_name(t), o) + 4 + 4 * ref_numbers(t, nums);
        break;
      }
      default:
        break;
    }
  }
  *size_out = size;
  return true;
}

bool etf_encode(Term t, const EtfEncodeOptions& opts, std::vector<uint8_t>& out, std::vector<EtfBinaryRef>* refs) {
  Writer w(opts, out, refs);
  return w.encode(t);
}

bool etf_compress(const uint8_t* plain, size_t size, int level, std::vector<uint8_t>& out) {
  // The compressed form must not be larger than the plain one: zlib gets
  // room for the plain size minus the 5 header bytes compression adds.
  if (size < 6) return false;
  size_t body = size - 1;
  size_t room = body - 5;
  if (body > UINT32_MAX) return false;
  out.assign(6 + room, 0);
  z_stream zs{};
  if (deflateInit(&zs, level) != Z_OK) return false;
  zs.next_in = const_cast<Bytef*>(plain + 1);
  zs.avail_in = uInt(body);
  zs.next_out = out.data() + 6;
  zs.avail_out = uInt(room);
  int rc = deflate(&zs, Z_FINISH);
  size_t produced = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return false;
  out.resize(6 + produced);
  out[0] = VERSION_MAGIC;
  out[1] = COMPRESSED;
  for (int i = 0; i < 4; i++) out[2 + i] = uint8_t(body >> (24 - 8 * i));
  return true;
}

}  // namespace bvm
