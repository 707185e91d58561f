#include "vm/compare.h"

#include <cmath>
#include <cstring>
#include <vector>

#include "vm/atom_table.h"
#include "vm/binary.h"
#include "vm/code_index.h"
#include "vm/identity.h"
#include "vm/hashmap.h"
#include "vm/map.h"
#include "vm/small_stack.h"

namespace bvm {

namespace {

// Type classes in ascending order.
enum Class { C_NUMBER, C_ATOM, C_REF, C_FUN, C_PORT, C_PID, C_TUPLE, C_MAP, C_NIL, C_LIST, C_BITS };

Class class_of(Term t) {
  switch (primary_tag(t)) {
    case TAG_PRIMARY_LIST:
      return C_LIST;
    case TAG_PRIMARY_BOXED:
      switch (header_sub(boxed_header(t))) {
        case Sub::Tuple: return C_TUPLE;
        case Sub::PosBig:
        case Sub::NegBig:
        case Sub::Float: return C_NUMBER;
        case Sub::Ref:
        case Sub::ExternalRef: return C_REF;
        case Sub::Fun:
        case Sub::Export: return C_FUN;
        case Sub::ExternalPid: return C_PID;
        case Sub::ExternalPort: return C_PORT;
        case Sub::Map: return C_MAP;
        default: return C_BITS;
      }
    default:
      if (is_small(t)) return C_NUMBER;
      if (is_atom(t)) return C_ATOM;
      if (is_local_pid(t)) return C_PID;
      if (is_local_port(t)) return C_PORT;
      return C_NIL;
  }
}

template <typename T>
inline int cmp3(T a, T b) { return a < b ? -1 : (a > b ? 1 : 0); }

int compare_limbs(const UWord* a, UWord an, const UWord* b, UWord bn) {
  if (an != bn) return an < bn ? -1 : 1;
  for (UWord i = an; i-- > 0;)
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

int big_compare(Term a, Term b) {
  bool an = big_negative(a), bn = big_negative(b);
  if (an != bn) return an ? -1 : 1;
  int c = compare_limbs(big_digits(a), big_size(a), big_digits(b), big_size(b));
  return an ? -c : c;
}

// Compares an integer (given as sign and magnitude limbs) with a finite double, exactly.
int integer_vs_double(bool neg, const UWord* limbs, UWord n, double f) {
  if (n == 0) return cmp3(0.0, f);
  if (neg && f >= 0) return -1;
  if (!neg && f <= 0) return 1;
  double af = std::fabs(f);
  // The float's integer part as limbs (a float's magnitude is below 2^1024).
  double ip = std::floor(af);
  int c;
  if (ip >= std::ldexp(1.0, int(64 * n))) {
    c = -1;  // |integer| < 2^(64n) <= |f|
  } else {
    std::vector<UWord> fl(n, 0);
    int e;
    double m = std::frexp(ip, &e);  // ip = m * 2^e, 0.5 <= m < 1
    // Take the 53-bit mantissa and shift it into place.
    if (ip != 0) {
      uint64_t mant = uint64_t(std::ldexp(m, 53));
      int shift = e - 53;
      for (int bit = 0; bit < 53; bit++) {
        if (mant >> bit & 1) {
          int pos = bit + shift;
          if (pos >= 0) fl[pos / 64] |= UWord(1) << (pos % 64);
        }
      }
    }
    c = compare_limbs(limbs, n, fl.data(), n);
    if (c == 0 && af > ip) c = -1;  // the float has a fraction beyond the integer
  }
  return neg ? -c : c;
}

int number_compare(Term a, Term b, bool exact) {
  bool af = is_float(a), bf = is_float(b);
  if (af && bf) return cmp3(float_val(a), float_val(b));
  if (!af && !bf) {
    if (is_small(a) && is_small(b)) return cmp3(small_val(a), small_val(b));
    if (is_small(a)) return big_negative(b) ? 1 : -1;
    if (is_small(b)) return big_negative(a) ? -1 : 1;
    return big_compare(a, b);
  }
  if (exact) return af ? 1 : -1;  // integers sort before floats
  Term i = af ? b : a;
  double f = float_val(af ? a : b);
  int c;
  if (is_small(i)) {
    SWord v = small_val(i);
    UWord mag = v < 0 ? UWord(0) - UWord(v) : UWord(v);
    c = integer_vs_double(v < 0, &mag, v == 0 ? 0 : 1, f);
  } else {
    c = integer_vs_double(big_negative(i), big_digits(i), big_size(i), f);
  }
  return af ? -c : c;
}

int node_compare(const Node* a, const Node* b) {
  if (a == b) return 0;
  if (a->name != b->name) return atom_compare(a->name, b->name);
  return cmp3(a->creation, b->creation);
}

int ref_compare(Term a, Term b) {
  int c = node_compare(identity_node(a), identity_node(b));
  if (c) return c;
  uint32_t an[MAX_REF_NUMBERS], bn[MAX_REF_NUMBERS];
  unsigned al = ref_numbers(a, an), bl = ref_numbers(b, bn);
  while (al > bl) {
    if (an[--al] != 0) return 1;
  }
  while (bl > al) {
    if (bn[--bl] != 0) return -1;
  }
  for (unsigned i = al; i-- > 0;)
    if (an[i] != bn[i]) return an[i] < bn[i] ? -1 : 1;
  return 0;
}

int pid_compare(Term a, Term b) {
  uint32_t as = pid_serial(a), bs = pid_serial(b);
  if (as != bs) return as < bs ? -1 : 1;
  uint32_t anum = pid_number(a), bnum = pid_number(b);
  if (anum != bnum) return anum < bnum ? -1 : 1;
  return node_compare(identity_node(a), identity_node(b));
}

int port_compare(Term a, Term b) {
  int c = node_compare(identity_node(a), identity_node(b));
  if (c) return c;
  return cmp3(port_number(a), port_number(b));
}

int bits_compare(Term a, Term b) {
  BitView av = bitstring_view(a), bv = bitstring_view(b);
  UWord n = av.bit_size < bv.bit_size ? av.bit_size : bv.bit_size;
  if (av.byte_aligned() && bv.byte_aligned()) {
    UWord bytes = n / 8;
    int c = bytes ? std::memcmp(av.base + av.bit_offset / 8, bv.base + bv.bit_offset / 8, bytes) : 0;
    if (c) return c < 0 ? -1 : 1;
    for (UWord i = bytes * 8; i < n; i++) {
      UWord pa = av.bit_offset + i, pb = bv.bit_offset + i;
      int x = (av.base[pa / 8] >> (7 - pa % 8)) & 1, y = (bv.base[pb / 8] >> (7 - pb % 8)) & 1;
      if (x != y) return x - y;
    }
  } else {
    for (UWord i = 0; i < n; i++) {
      UWord pa = av.bit_offset + i, pb = bv.bit_offset + i;
      int x = (av.base[pa / 8] >> (7 - pa % 8)) & 1, y = (bv.base[pb / 8] >> (7 - pb % 8)) & 1;
      if (x != y) return x - y;
    }
  }
  return cmp3(av.bit_size, bv.bit_size);
}

// Pending work: compare `n` pairs of terms a[i], b[i] in the given mode.
struct Pending {
  const Term* a;
  const Term* b;
  UWord n;
  UWord stride;  // 1 for arrays, 0 for a single pair
  bool exact;
};

// Hash maps a and b of the same size, compared as if their pairs were
// sorted by key: the smallest key in one map only decides (the map that
// has it is smaller); with the same keys, the values under the smallest key
// whose values differ decide: *va and *vb are then set to them, to be
// compared. Returns -1 or 1 when the keys decide, else 0.
int hashmap_compare(Term a, Term b, bool exact, const Term** va, const Term** vb) {
  *va = *vb = nullptr;
  // The same keys make the same trie: then the leaves pair up in order.
  std::vector<Term> la, lb;
  la.reserve(hashmap_size(a));
  lb.reserve(hashmap_size(b));
  hashmap_for_each_leaf(a, [&](Term leaf) { la.push_back(leaf); });
  hashmap_for_each_leaf(b, [&](Term leaf) { lb.push_back(leaf); });
  bool same_keys = true;
  for (size_t i = 0; i < la.size() && same_keys; i++) same_keys = term_eq_exact(car(la[i]), car(lb[i]));
  if (same_keys) {
    Term min_key = NON_VALUE;
    for (size_t i = 0; i < la.size(); i++) {
      if (term_equal(cdr(la[i]), cdr(lb[i]), exact)) continue;
      if (min_key == NON_VALUE || term_compare_exact(car(la[i]), min_key) < 0) {
        min_key = car(la[i]);
        *va = &cdr(la[i]);
        *vb = &cdr(lb[i]);
      }
    }
    return 0;
  }
  Term min_only = NON_VALUE;  // the smallest key in just one of the maps
  int side = 0;
  auto only_in = [&](const std::vector<Term>& leaves, Term other, int s) {
    for (Term leaf : leaves) {
      if (hashmap_get(other, car(leaf)) != NON_VALUE) continue;
      if (min_only == NON_VALUE || term_compare_exact(car(leaf), min_only) < 0) {
        min_only = car(leaf);
        side = s;
      }
    }
  };
  only_in(la, b, -1);
  only_in(lb, a, 1);
  return side;
}

int compare(Term a0, Term b0, bool exact0) {
  SmallStack<Pending, 16> stack;
  Term a = a0, b = b0;
  bool exact = exact0;
  int result = 0;
  for (;;) {
    // Compare a and b; on a compound, compare the first elements and push the rest.
    if (a != b) {
      if (is_atom(a) && is_atom(b)) {
        result = atom_compare(a, b);
        if (result) break;
      } else if (is_small(a) && is_small(b)) {
        result = cmp3(small_val(a), small_val(b));
        break;  // a != b, so they differ
      } else {
        Class ca = class_of(a), cb = class_of(b);
        if (ca != cb) {
          result = ca < cb ? -1 : 1;
          break;
        }
        switch (ca) {
          case C_NUMBER: result = number_compare(a, b, exact); break;
          case C_ATOM: result = atom_compare(a, b); break;
          case C_REF: result = ref_compare(a, b); break;
          case C_PORT: result = port_compare(a, b); break;
          case C_PID: result = pid_compare(a, b); break;
          case C_BITS: result = bits_compare(a, b); break;
          case C_NIL: result = 0; break;
          case C_FUN: {
            bool ea = header_sub(boxed_header(a)) == Sub::Export;
            bool eb = header_sub(boxed_header(b)) == Sub::Export;
            if (ea != eb) {
              result = ea ? 1 : -1;  // external funs are greater than local ones
            } else if (ea) {
              const Export* x = export_fun_entry(a);
              const Export* y = export_fun_entry(b);
              result = atom_compare(x->module(), y->module());
              if (!result) result = atom_compare(x->function(), y->function());
              if (!result) result = cmp3(x->arity, y->arity);
            } else {
              const FunEntry* x = fun_entry(a);
              const FunEntry* y = fun_entry(b);
              result = atom_compare(x->module, y->module);
              if (!result) result = cmp3(x->index, y->index);
              if (!result) result = cmp3(x->old_uniq, y->old_uniq);
              if (!result) result = cmp3(fun_num_free(a), fun_num_free(b));
              if (!result && fun_num_free(a) > 0)
                stack.push_back({fun_env(a), fun_env(b), fun_num_free(a), 1, exact});
            }
            break;
          }
          case C_TUPLE: {
            UWord n = tuple_arity(a);
            result = cmp3(n, tuple_arity(b));
            if (!result && n > 0) stack.push_back({tuple_val(a) + 1, tuple_val(b) + 1, n, 1, exact});
            break;
          }
          case C_LIST: {
            // Compare heads now (pushed last so it runs first), then the tails.
            stack.push_back({&cdr(a), &cdr(b), 1, 0, exact});
            stack.push_back({&car(a), &car(b), 1, 0, exact});
            result = 0;
            break;
          }
          case C_MAP: {
            UWord n = map_size(a);
            result = cmp3(n, map_size(b));
            if (!result && n > 0) {
              // Values in key order, in the current mode; keys first, exactly.
              if (is_flatmap(a) && is_flatmap(b)) {
                stack.push_back({flatmap_values(a), flatmap_values(b), n, 1, exact});
                stack.push_back({tuple_val(flatmap_keys(a)) + 1, tuple_val(flatmap_keys(b)) + 1, n, 1, true});
              } else {
                // Two hash maps (of the same size): no sorting needed.
                const Term* va;
                const Term* vb;
                result = hashmap_compare(a, b, exact, &va, &vb);
                if (result == 0 && va) stack.push_back({va, vb, 1, 0, exact});
              }
            }
            break;
          }
        }
        if (result) break;
      }
    }
    // Next pair.
    for (;;) {
      if (stack.empty()) goto done;
      Pending& p = stack.back();
      if (p.n == 0) {
        stack.pop_back();
        continue;
      }
      a = *p.a;
      b = *p.b;
      exact = p.exact;
      p.a += p.stride;
      p.b += p.stride;
      p.n--;
      if (p.n == 0) stack.pop_back();
      break;
    }
  }
done:
  return result;
}

}  // namespace

int atom_compare(Term a, Term b) {
  if (a == b) return 0;
  std::string_view x = atom_text(a), y = atom_text(b);
  size_t n = x.size() < y.size() ? x.size() : y.size();
  int c = std::memcmp(x.data(), y.data(), n);
  if (c) return c < 0 ? -1 : 1;
  return cmp3(x.size(), y.size());
}

namespace {

// Pending work for term_equal: n pairs of terms from arrays, or (nodes)
// two hash trie nodes whose shapes must agree.
struct EqItem {
  const Term* a;
  const Term* b;
  UWord n;
  bool exact;
  bool nodes;
};

bool term_equal_impl(Term a0, Term b0, bool exact0) {
  if (is_immed(a0) && is_immed(b0)) return false;  // a0 != b0
  SmallStack<EqItem, 16> stack;
  Term pair[2] = {a0, b0};
  stack.push_back({&pair[0], &pair[1], 1, exact0, false});
  while (!stack.empty()) {
    EqItem& top = stack.back();
    if (top.n == 0) {
      stack.pop_back();
      continue;
    }
    const Term* pa = top.a++;
    const Term* pb = top.b++;
    Term a = *pa, b = *pb;
    bool exact = top.exact, nodes = top.nodes;
    top.n--;
    if (a == b) continue;
    if (nodes) {
      // Trie nodes of two hash maps of equal size: the same shape, then
      // leaf by leaf (keys exactly, values in the mode).
      const Term* x = boxed_val(a);
      const Term* y = boxed_val(b);
      if (x[0] != y[0] || x[1] != y[1]) return false;
      UWord n;
      const Term* ca = hashmap_children(a, &n);
      const Term* cb = hashmap_children(b, &n);
      for (UWord i = 0; i < n; i++) {
        if (is_list(ca[i]) != is_list(cb[i])) return false;
        if (is_list(ca[i])) {
          stack.push_back({&cdr(ca[i]), &cdr(cb[i]), 1, exact, false});
          stack.push_back({&car(ca[i]), &car(cb[i]), 1, true, false});
        } else {
          stack.push_back({&ca[i], &cb[i], 1, exact, true});
        }
      }
      continue;
    }
    if (is_list(a) && is_list(b)) {
      stack.push_back({&cdr(a), &cdr(b), 1, exact, false});
      stack.push_back({&car(a), &car(b), 1, exact, false});
      continue;
    }
    if (is_boxed(a) && is_boxed(b) && header_sub(boxed_header(a)) == header_sub(boxed_header(b))) {
      Sub sub = header_sub(boxed_header(a));
      if (sub == Sub::Tuple) {
        if (tuple_arity(a) != tuple_arity(b)) return false;
        stack.push_back({tuple_val(a) + 1, tuple_val(b) + 1, tuple_arity(a), exact, false});
        continue;
      }
      if (sub == Sub::Map) {
        if (map_kind(a) != map_kind(b) || map_size(a) != map_size(b)) return false;
        if (is_flatmap(a)) {
          UWord n = flatmap_size(a);
          stack.push_back({flatmap_values(a), flatmap_values(b), n, exact, false});
          stack.push_back({tuple_val(flatmap_keys(a)) + 1, tuple_val(flatmap_keys(b)) + 1, n, true, false});
        } else {
          stack.push_back({pa, pb, 1, exact, true});
        }
        continue;
      }
    }
    if (compare(a, b, exact) != 0) return false;
  }
  return true;
}

}  // namespace

bool term_equal(Term a, Term b, bool exact) { return a == b || term_equal_impl(a, b, exact); }

int term_compare(Term a, Term b) { return a == b ? 0 : compare(a, b, false); }
int term_compare_exact(Term a, Term b) { return a == b ? 0 : compare(a, b, true); }

}  // namespace bvm
