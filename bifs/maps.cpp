// maps: the map BIFs (erlang:map_get/2 and friends, module maps).
#include <utility>
#include <vector>

#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "vm/atom_table.h"
#include "vm/compare.h"
#include "vm/map.h"
#include "vm/map_ops.h"

namespace bvm {

namespace {

Term badmap(Process* p, Term m) { return raise_error_tuple(p, am::badmap, m); }

// Rebuilds a map from pairs (already unique keys).
Term from_pairs(Process* p, const std::vector<std::pair<Term, Term>>& pairs) {
  std::vector<Term> ks, vs;
  for (auto& kv : pairs) {
    ks.push_back(kv.first);
    vs.push_back(kv.second);
  }
  Term* hp = p->halloc(flatmap_words(ks.size()));
  return map_from_pairs(hp, ks.data(), vs.data(), ks.size());
}

Term put(Process* p, Term k, Term v, Term m) {
  std::vector<std::pair<Term, Term>> pairs;
  map_pairs(m, pairs);
  for (auto& kv : pairs) {
    if (term_eq_exact(kv.first, k)) {
      if (kv.second == v) return m;
      kv.second = v;
      return from_pairs(p, pairs);
    }
  }
  pairs.push_back({k, v});
  return from_pairs(p, pairs);
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
  return put(p, args[0], args[1], args[2]);
}

BIF_FN(maps_update_3) {
  if (!is_map(args[2])) return badmap(p, args[2]);
  if (map_get(args[2], args[0]) == NON_VALUE) return raise_error_tuple(p, am::badkey, args[0]);
  return put(p, args[0], args[1], args[2]);
}

BIF_FN(maps_remove_2) {
  if (!is_map(args[1])) return badmap(p, args[1]);
  std::vector<std::pair<Term, Term>> pairs, kept;
  map_pairs(args[1], pairs);
  for (auto& kv : pairs)
    if (!term_eq_exact(kv.first, args[0])) kept.push_back(kv);
  if (kept.size() == pairs.size()) return args[1];
  return from_pairs(p, kept);
}

BIF_FN(maps_take_2) {
  if (!is_map(args[1])) return badmap(p, args[1]);
  Term v = map_get(args[1], args[0]);
  if (v == NON_VALUE) return atom_put("error");
  Term m = maps_remove_2(p, args);
  return make_tuple(p, {v, m});
}

BIF_FN(maps_keys_1) {
  if (!is_map(args[0])) return badmap(p, args[0]);
  std::vector<std::pair<Term, Term>> pairs;
  map_pairs(args[0], pairs);
  Term l = NIL;
  for (size_t i = pairs.size(); i-- > 0;) l = make_cons(p, pairs[i].first, l);
  return l;
}

BIF_FN(maps_values_1) {
  if (!is_map(args[0])) return badmap(p, args[0]);
  std::vector<std::pair<Term, Term>> pairs;
  map_pairs(args[0], pairs);
  Term l = NIL;
  for (size_t i = pairs.size(); i-- > 0;) l = make_cons(p, pairs[i].second, l);
  return l;
}

BIF_FN(maps_merge_2) {
  if (!is_map(args[0])) return badmap(p, args[0]);
  if (!is_map(args[1])) return badmap(p, args[1]);
  std::vector<std::pair<Term, Term>> a, b;
  map_pairs(args[0], a);
  map_pairs(args[1], b);
  std::vector<Term> ks, vs;
  for (auto& kv : a) { ks.push_back(kv.first); vs.push_back(kv.second); }
  for (auto& kv : b) { ks.push_back(kv.first); vs.push_back(kv.second); }
  return map_from_list_pairs(p, ks.data(), vs.data(), ks.size());
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

// erts_internal:map_next(Path, Map, iterator | Acc): for flat maps the
// whole map at once, as the reference does.
BIF_FN(erts_internal_map_next_3) {
  Term m = args[1];
  if (!is_map(m) || !is_small(args[0])) return raise_badarg(p);
  std::vector<std::pair<Term, Term>> pairs;
  map_pairs(m, pairs);
  if (args[2] == atom_put("iterator")) {
    Term r = atom_put("none");
    for (size_t i = pairs.size(); i-- > 0;) r = make_tuple(p, {pairs[i].first, pairs[i].second, r});
    return r;
  }
  if (!is_list(args[2]) && !is_nil(args[2])) return raise_badarg(p);
  Term r = args[2];
  for (size_t i = pairs.size(); i-- > 0;) r = make_cons(p, make_tuple(p, {pairs[i].first, pairs[i].second}), r);
  return r;
}

}  // namespace bvm
