#include "vm/map.h"

#include <algorithm>
#include <numeric>

#include "vm/compare.h"

namespace bvm {

UWord map_size(Term m) { return flatmap_size(m); }

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
  UWord n = flatmap_size(m);
  Term keys = flatmap_keys(m);
  const Term* vals = flatmap_values(m);
  out.clear();
  out.reserve(n);
  for (UWord i = 0; i < n; i++) out.emplace_back(tuple_elem(keys, i + 1), vals[i]);
}

}  // namespace bvm
