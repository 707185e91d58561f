// maps: the map BIFs (erlang:map_get/2 and friends, module maps, and
// erts_internal:map_next/3 under maps:iterator/1, maps:to_list/1, ...).
#include <utility>
#include <vector>

#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "vm/atom_table.h"
#include "vm/bignum.h"
#include "vm/compare.h"
#include "vm/hashmap.h"
#include "vm/map.h"
#include "vm/map_ops.h"

namespace bvm {

namespace {

Term badmap(Process* p, Term m) { return raise_error_tuple(p, am::badmap, m); }

// The smaller map's pairs put into the much larger hash map one by one;
// `small_wins`: the smaller map's values replace the larger's.
Term merge_into(Process* p, Term big, Term small, bool small_wins) {
  std::vector<std::pair<Term, Term>> pairs;
  map_pairs(small, pairs);
  for (auto& [k, v] : pairs) {
    if (!small_wins && map_get(big, k) != NON_VALUE) continue;
    big = map_put(p, big, k, v);
  }
  return big;
}

Term merge(Process* p, Term a, Term b) {
  UWord na = map_size(a), nb = map_size(b);
  if (nb == 0) return a;
  if (na == 0) return b;
  if (!is_flatmap(a) && nb * 8 < na) return merge_into(p, a, b, true);
  if (!is_flatmap(b) && na * 8 < nb) return merge_into(p, b, a, false);
  std::vector<std::pair<Term, Term>> pa, pb;
  map_pairs(a, pa);
  map_pairs(b, pb);
  std::vector<Term> ks, vs;
  ks.reserve(na + nb);
  vs.reserve(na + nb);
  for (auto& kv : pa) { ks.push_back(kv.first); vs.push_back(kv.second); }
  for (auto& kv : pb) { ks.push_back(kv.first); vs.push_back(kv.second); }
  return map_from_list_pairs(p, ks.data(), vs.data(), ks.size());
}

}  // namespace

BIF_FN(erlang_map_size_1) {
  if (!is_map(args[0])) return badmap(p, args[0]);
  return make_small(SWord(map_size(args[0])));
}

BIF_FN(erlang_map_get_2) {
  if (!is_map(args[1])) return badmap(p, args[1]);
  Term v = map_get(args[1], args[0]);
  return v == NON_VALUE ? raise_error_tuple(p, am::badkey, args[0]) : v;
}
BIF_FN(maps_get_2) { return erlang_map_get_2(p, args); }

BIF_FN(erlang_is_map_key_2) {
  if (!is_map(args[1])) return badmap(p, args[1]);
  return map_get(args[1], args[0]) == NON_VALUE ? am::false_ : am::true_;
}
BIF_FN(maps_is_key_2) { return erlang_is_map_key_2(p, args); }

BIF_FN(maps_find_2) {
  if (!is_map(args[1])) return badmap(p, args[1]);
  Term v = map_get(args[1], args[0]);
  return v == NON_VALUE ? atom_put("error") : make_tuple(p, {am::ok, v});
}

BIF_FN(maps_put_3) {
  if (!is_map(args[2])) return badmap(p, args[2]);
  return map_put(p, args[2], args[0], args[1]);
}

BIF_FN(maps_update_3) {
  if (!is_map(args[2])) return badmap(p, args[2]);
  Term m = map_update(p, args[2], args[0], args[1]);
  return m == NON_VALUE ? raise_error_tuple(p, am::badkey, args[0]) : m;
}

BIF_FN(maps_remove_2) {
  if (!is_map(args[1])) return badmap(p, args[1]);
  Term v;
  return map_remove(p, args[1], args[0], &v);
}

BIF_FN(maps_take_2) {
  if (!is_map(args[1])) return badmap(p, args[1]);
  Term v;
  Term m = map_remove(p, args[1], args[0], &v);
  if (v == NON_VALUE) return atom_put("error");
  return make_tuple(p, {v, m});
}

BIF_FN(maps_keys_1) {
  if (!is_map(args[0])) return badmap(p, args[0]);
  std::vector<std::pair<Term, Term>> pairs;
  map_pairs_iteration_order(args[0], pairs);
  Term* hp = p->halloc(2 * pairs.size());
  Term l = NIL;
  for (size_t i = pairs.size(); i-- > 0; hp += 2) {
    hp[0] = pairs[i].first;
    hp[1] = l;
    l = make_list(hp);
  }
  return l;
}

BIF_FN(maps_values_1) {
  if (!is_map(args[0])) return badmap(p, args[0]);
  std::vector<std::pair<Term, Term>> pairs;
  map_pairs_iteration_order(args[0], pairs);
  Term* hp = p->halloc(2 * pairs.size());
  Term l = NIL;
  for (size_t i = pairs.size(); i-- > 0; hp += 2) {
    hp[0] = pairs[i].second;
    hp[1] = l;
    l = make_list(hp);
  }
  return l;
}

BIF_FN(maps_merge_2) {
  if (!is_map(args[0])) return badmap(p, args[0]);
  if (!is_map(args[1])) return badmap(p, args[1]);
  if (args[0] == args[1]) return args[0];
  return merge(p, args[0], args[1]);
}

BIF_FN(maps_from_list_1) {
  std::vector<Term> ks, vs;
  Term l = args[0];
  for (; is_list(l); l = cdr(l)) {
    Term e = car(l);
    if (!is_tuple(e) || tuple_arity(e) != 2) return raise_badarg(p);
    ks.push_back(tuple_elem(e, 1));
    vs.push_back(tuple_elem(e, 2));
  }
  if (!is_nil(l)) return raise_badarg(p);
  return map_from_list_pairs(p, ks.data(), vs.data(), ks.size());
}

BIF_FN(maps_from_keys_2) {
  std::vector<Term> ks, vs;
  Term l = args[0];
  for (; is_list(l); l = cdr(l)) {
    ks.push_back(car(l));
    vs.push_back(args[1]);
  }
  if (!is_nil(l)) return raise_badarg(p);
  return map_from_list_pairs(p, ks.data(), vs.data(), ks.size());
}

// ---- erts_internal:map_next(Path, Map, iterator | Acc)
//
// A flat map comes back whole. A hash map comes back a chunk at a time,
// with the path to the next leaf: four bits per level, the index of the
// child to take (lowest level in the lowest bits, 16 levels per 64-bit
// digit of a bignum when deeper). The chunks are as large as the
// reference's for a process with a full time slice; at most
// MAP_SMALL_LIMIT for the first call.

namespace {

constexpr unsigned PATH_ELEMS_PER_DIGIT = 16;
constexpr UWord NEXT_CHUNK = CONTEXT_REDS / 4;

struct Level {
  const Term* children;
  UWord count;
  UWord next;  // the next child to look at
};

Term map_next_flat(Process* p, Term path, Term m, bool iterator, Term acc) {
  UWord n = flatmap_size(m);
  if (!is_small(path) || n < UWord(path) >> 4) return raise_badarg(p);
  Term keys = flatmap_keys(m);
  const Term* vals = flatmap_values(m);
  if (iterator) {
    Term r = atom_put("none");
    for (UWord i = n; i-- > 0;) r = make_tuple(p, {tuple_elem(keys, i + 1), vals[i], r});
    return r;
  }
  Term r = acc;
  for (UWord i = n; i-- > 0;) r = make_cons(p, make_tuple(p, {tuple_elem(keys, i + 1), vals[i]}), r);
  return r;
}

// The path of the leaf the stack points at next.
Term path_term(Process* p, const std::vector<Level>& stack) {
  std::vector<UWord> digits(1, 0);
  for (size_t d = 0; d < stack.size(); d++) {
    UWord idx = stack[d].next - 1;
    if (d / PATH_ELEMS_PER_DIGIT >= digits.size()) digits.push_back(0);
    digits[d / PATH_ELEMS_PER_DIGIT] |= idx << (4 * (d % PATH_ELEMS_PER_DIGIT));
  }
  Term* hp = p->halloc(1 + digits.size());
  UWord used;
  return make_integer_from_limbs(hp, digits.data(), digits.size(), false, &used);
}

Term map_next_hash(Process* p, Term path, Term m, bool iterator, Term acc) {
  UWord size = hashmap_size(m);
  UWord elems = size < NEXT_CHUNK ? size : NEXT_CHUNK;
  // The path's digits, lowest first.
  std::vector<UWord> digits;
  if (is_small(path)) {
    digits.push_back(UWord(path) >> 4);
    if (digits[0] == 0 && elems > MAP_SMALL_LIMIT) elems = MAP_SMALL_LIMIT;
  } else if (is_big(path) && !big_negative(path)) {
    digits.assign(big_digits(path), big_digits(path) + big_size(path));
  } else {
    return raise_badarg(p);
  }
  std::vector<std::pair<Term, Term>> out;  // pairs in traversal order
  std::vector<Level> stack;
  // Down the path to the first leaf.
  Term node = m;
  size_t digit = 0;
  UWord cur = digits[0];
  for (unsigned i = 1;; i++) {
    Level lv;
    lv.children = hashmap_children(node, &lv.count);
    UWord idx = cur & 0xF;
    if (idx >= lv.count) return raise_badarg(p);
    lv.next = idx + 1;
    stack.push_back(lv);
    Term child = lv.children[idx];
    if (is_list(child)) {
      out.emplace_back(car(child), cdr(child));
      elems--;
      break;
    }
    node = child;
    cur >>= 4;
    if (i == PATH_ELEMS_PER_DIGIT) {
      i = 0;
      cur = ++digit < digits.size() ? digits[digit] : 0;
    }
  }
  // Onwards, depth first, until `elems` more leaves.
  while (!stack.empty()) {
    Level lv = stack.back();
    stack.pop_back();
    while (lv.next < lv.count && elems != 0 && is_list(lv.children[lv.next])) {
      Term leaf = lv.children[lv.next++];
      out.emplace_back(car(leaf), cdr(leaf));
      elems--;
    }
    if (elems == 0) {
      if (lv.next < lv.count) {
        lv.next++;
        stack.push_back(lv);
      } else {
        while (!stack.empty()) {
          Level up = stack.back();
          stack.pop_back();
          if (up.next < up.count) {
            up.next++;
            stack.push_back(up);
            break;
          }
        }
      }
      break;
    }
    if (lv.next < lv.count) {
      Term child = lv.children[lv.next];
      lv.next++;
      stack.push_back(lv);
      Level down;
      down.children = hashmap_children(child, &down.count);
      down.next = 0;
      stack.push_back(down);
    }
  }
  Term rest = stack.empty() ? NON_VALUE : path_term(p, stack);
  if (iterator) {
    Term r = rest == NON_VALUE ? atom_put("none") : make_cons(p, rest, m);
    for (size_t i = out.size(); i-- > 0;) r = make_tuple(p, {out[i].first, out[i].second, r});
    return r;
  }
  Term r = acc;
  for (auto& [k, v] : out) r = make_cons(p, make_tuple(p, {k, v}), r);
  if (rest != NON_VALUE) r = make_cons(p, rest, make_cons(p, m, r));
  return r;
}

}  // namespace

BIF_FN(erts_internal_map_next_3) {
  Term path = args[0], m = args[1], type = args[2];
  if (!is_map(m)) return raise_badarg(p);
  bool iterator = type == atom_put("iterator");
  if (!iterator && !is_list(type) && !is_nil(type)) return raise_badarg(p);
  if (is_flatmap(m)) return map_next_flat(p, path, m, iterator, type);
  return map_next_hash(p, path, m, iterator, type);
}

}  // namespace bvm
