#include "vm/ets_object.h"

#include <cstdlib>
#include <cstring>
#include <new>
#include <vector>

#include "vm/binary.h"
#include "vm/bits.h"
#include "vm/code_index.h"
#include "vm/compare.h"
#include "vm/copy.h"
#include "vm/identity.h"
#include "vm/map.h"

namespace bvm {

DbObj* DbObj::create(Term tuple, UWord keypos, uint64_t hash) {
  UWord words = copy_size(tuple);
  void* mem = std::malloc(offsetof(DbObj, mem) + words * sizeof(Term));
  if (!mem) throw std::bad_alloc();
  DbObj* o = static_cast<DbObj*>(mem);
  o->next = nullptr;
  o->hash = hash;
  o->dead = false;
  o->words = words;
  Term* hp = o->mem;
  OffHeap oh;
  o->tuple = copy_term(tuple, &hp, &oh);
  o->oh_first = oh.first;
  o->key = tuple_elem(o->tuple, keypos);
  return o;
}

void DbObj::destroy(DbObj* o) {
  OffHeap oh;
  oh.first = o->oh_first;
  oh.release_all();
  std::free(o);
}

Term DbObj::copy_out(Process* p) const {
  Term* hp = p->halloc(words);
  return copy_term(tuple, &hp, &p->off_heap);
}

Term copy_to_heap(Process* p, Term t) {
  if (!is_list(t) && !is_boxed(t)) return t;
  Term* hp = p->halloc(copy_size(t));
  return copy_term(t, &hp, &p->off_heap);
}

Term DbObj::copy_element(Process* p, UWord pos) const { return copy_to_heap(p, tuple_elem(tuple, pos)); }

// ---------------------------------------------------------------- hashing

namespace {

// A stack of terms kept inline while small (hashing usual keys allocates nothing).
class TermStack {
 public:
  void push_back(Term t) {
    if (n_ < INLINE) {
      inline_[n_++] = t;
    } else {
      more_.push_back(t);
    }
  }
  Term pop() {
    if (!more_.empty()) {
      Term t = more_.back();
      more_.pop_back();
      return t;
    }
    return inline_[--n_];
  }
  bool empty() const { return n_ == 0 && more_.empty(); }

 private:
  static constexpr unsigned INLINE = 32;
  Term inline_[INLINE];
  unsigned n_ = 0;
  std::vector<Term> more_;
};

constexpr uint64_t K1 = 0x9E3779B97F4A7C15ull;
constexpr uint64_t K2 = 0xC2B2AE3D27D4EB4Full;

inline void mix(uint64_t& h, uint64_t v) {
  h ^= v + K1 + (h << 6) + (h >> 2);
  h *= K2;
}

void mix_bytes(uint64_t& h, const uint8_t* p, size_t n) {
  while (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    mix(h, w);
    p += 8;
    n -= 8;
  }
  uint64_t w = 0;
  for (size_t i = 0; i < n; i++) w |= uint64_t(p[i]) << (8 * i);
  mix(h, w ^ (uint64_t(n) << 56));
}

void hash_bits(uint64_t& h, Term t) {
  BitView v = bitstring_view(t);
  mix(h, v.bit_size ^ 0xB1);
  UWord bytes = (v.bit_size + 7) / 8;
  if (v.byte_aligned() && v.bit_size % 8 == 0) {
    mix_bytes(h, v.base + v.bit_offset / 8, bytes);
    return;
  }
  std::vector<uint8_t> buf(bytes + 1, 0);
  copy_bits(v.base, v.bit_offset, buf.data(), 0, v.bit_size);
  if (v.bit_size % 8) buf[bytes - 1] &= uint8_t(0xFF00 >> (v.bit_size % 8));  // only the bits that count
  mix_bytes(h, buf.data(), bytes);
}

void hash_boxed(uint64_t& h, Term t, TermStack& stack) {
  Term hdr = boxed_header(t);
  switch (header_sub(hdr)) {
    case Sub::Tuple: {
      UWord n = header_arity(hdr);
      mix(h, (n << 8) | 0x71);
      for (UWord i = n; i > 0; i--) stack.push_back(tuple_elem(t, i));
      return;
    }
    case Sub::Float: {
      double d = float_val(t);
      if (d == 0.0) d = 0.0;  // -0.0 =:= 0.0
      uint64_t bits;
      std::memcpy(&bits, &d, sizeof bits);
      mix(h, bits);
      return;
    }
    case Sub::PosBig:
    case Sub::NegBig: {
      mix(h, (big_size(t) << 2) | (big_negative(t) ? 1 : 2));
      for (UWord i = 0; i < big_size(t); i++) mix(h, big_digits(t)[i]);
      return;
    }
    case Sub::RefcBin:
    case Sub::HeapBin:
    case Sub::SubBin:
      hash_bits(h, t);
      return;
    case Sub::Ref:
    case Sub::ExternalRef: {
      uint32_t nums[MAX_REF_NUMBERS];
      unsigned n = ref_numbers(t, nums);
      mix(h, reinterpret_cast<uint64_t>(identity_node(t)) ^ 0x5E);
      for (unsigned i = 0; i < n; i++) mix(h, nums[i]);
      return;
    }
    case Sub::ExternalPid:
      mix(h, reinterpret_cast<uint64_t>(identity_node(t)) ^ 0x91);
      mix(h, (uint64_t(pid_serial(t)) << 32) | pid_number(t));
      return;
    case Sub::ExternalPort:
      mix(h, reinterpret_cast<uint64_t>(identity_node(t)) ^ 0x90);
      mix(h, port_number(t));
      return;
    case Sub::Export:
      mix(h, reinterpret_cast<uint64_t>(export_fun_entry(t)));
      return;
    case Sub::Fun: {
      const FunEntry* f = fun_entry(t);
      mix(h, f->module);
      mix(h, (uint64_t(f->index) << 32) | f->old_uniq);
      return;
    }
    case Sub::Map:
      mix(h, (map_size(t) << 8) | 0x4D);  // equal maps have equal sizes
      return;
    default:
      mix(h, hdr);
      return;
  }
}

}  // namespace

uint64_t ets_hash(Term key) {
  uint64_t h = 0x243F6A8885A308D3ull;
  if (is_immed(key)) {
    if (is_local_pid(key)) {
      mix(h, reinterpret_cast<uint64_t>(local_node()) ^ 0x91);
      mix(h, (uint64_t(pid_serial(key)) << 32) | pid_number(key));
    } else if (is_local_port(key)) {
      mix(h, reinterpret_cast<uint64_t>(local_node()) ^ 0x90);
      mix(h, port_number(key));
    } else {
      mix(h, key);
    }
    return h ^ (h >> 29);
  }
  TermStack stack;
  stack.push_back(key);
  while (!stack.empty()) {
    Term t = stack.pop();
    if (is_list(t)) {
      mix(h, 0x1157);
      stack.push_back(cdr(t));
      stack.push_back(car(t));
    } else if (is_boxed(t)) {
      hash_boxed(h, t, stack);
    } else if (is_local_pid(t) || is_local_port(t)) {
      uint64_t sub = ets_hash(t);
      mix(h, sub);
    } else {
      mix(h, t);
    }
  }
  return h ^ (h >> 29);
}

// ---------------------------------------------------------------- comparing

static bool key_eq(Term a, Term b, unsigned depth) {
  if (a == b) return true;
  if (is_immed(a) || is_immed(b)) {
    // Only pids and ports have a local (immediate) and an external form.
    if ((is_immed(a) && !is_local_pid(a) && !is_local_port(a)) || (is_immed(b) && !is_local_pid(b) && !is_local_port(b)))
      return false;
  }
  if (depth < 8 && is_boxed(a) && is_boxed(b) && is_tuple(a) && is_tuple(b)) {
    UWord n = tuple_arity(a);
    if (n != tuple_arity(b)) return false;
    for (UWord i = 1; i <= n; i++)
      if (!key_eq(tuple_elem(a, i), tuple_elem(b, i), depth + 1)) return false;
    return true;
  }
  return term_eq_exact(a, b);
}

bool ets_key_eq(Term a, Term b) { return key_eq(a, b, 0); }

int ets_key_cmp_slow(Term a, Term b) { return term_compare(a, b); }

}  // namespace bvm
