#include "vm/map.h"

#include <algorithm>
#include <numeric>

#include "vm/compare.h"
#include "vm/hashmap.h"

namespace bvm {

Term map_from_pairs(Term* hp, const Term* keys, const Term* values, UWord n) {
  std::vector<UWord> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](UWord a, UWord b) { return term_compare_exact(keys[a], keys[b]) < 0; });
  for (UWord i = 1; i < n; i++)
    if (term_compare_exact(keys[order[i - 1]], keys[order[i]]) == 0) return NON_VALUE;
  Term* kt = hp;
  kt[0] = make_header(n, Sub::Tuple);
  for (UWord i = 0; i < n; i++) kt[1 + i] = keys[order[i]];
  Term* mp = hp + 1 + n;
  mp[0] = make_header(2 + n, Sub::Map);
  mp[1] = (n << 2) | MAP_FLAT;
  mp[2] = make_boxed(kt);
  for (UWord i = 0; i < n; i++) mp[3 + i] = values[order[i]];
  return make_boxed(mp);
}

void map_pairs(Term m, std::vector<std::pair<Term, Term>>& out) {
  out.clear();
  if (is_flatmap(m)) {
    UWord n = flatmap_size(m);
    Term keys = flatmap_keys(m);
    const Term* vals = flatmap_values(m);
    out.reserve(n);
    for (UWord i = 0; i < n; i++) out.emplace_back(tuple_elem(keys, i + 1), vals[i]);
    return;
  }
  out.reserve(hashmap_size(m));
  hashmap_for_each_leaf(m, [&](Term leaf) { out.emplace_back(car(leaf), cdr(leaf)); });
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return term_compare_exact(a.first, b.first) < 0; });
}

void map_pairs_iteration_order(Term m, std::vector<std::pair<Term, Term>>& out) {
  if (is_flatmap(m)) {
    map_pairs(m, out);
    return;
  }
  out.clear();
  out.reserve(hashmap_size(m));
  hashmap_for_each_leaf(m, [&](Term leaf) { out.emplace_back(car(leaf), cdr(leaf)); });
  std::reverse(out.begin(), out.end());
}

}  // namespace bvm
