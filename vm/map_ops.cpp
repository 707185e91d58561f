#include "vm/map_ops.h"

#include <algorithm>
#include <numeric>
#include <vector>

#include "bifs/bif.h"
#include "vm/atom_table.h"
#include "vm/compare.h"
#include "vm/gc.h"
#include "vm/instr.h"
#include "vm/map.h"

namespace bvm {

namespace {

// Index of key in a flat map, or -1.
SWord flatmap_index(Term map, Term key) {
  UWord n = flatmap_size(map);
  const Term* keys = tuple_val(flatmap_keys(map)) + 1;
  if (is_immed(key)) {
    for (UWord i = 0; i < n; i++)
      if (keys[i] == key) return SWord(i);
    return -1;
  }
  for (UWord i = 0; i < n; i++)
    if (!is_immed(keys[i]) && term_eq_exact(keys[i], key)) return SWord(i);
  return -1;
}

}  // namespace

Term map_get(Term map, Term key) {
  SWord i = flatmap_index(map, key);
  return i < 0 ? NON_VALUE : flatmap_values(map)[i];
}

Term map_from_list_pairs(Process* p, const Term* keys, const Term* values, UWord n) {
  // Last occurrence of each key wins: keep the last index per distinct key.
  std::vector<UWord> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](UWord a, UWord b) { return term_compare_exact(keys[a], keys[b]) < 0; });
  std::vector<Term> ks, vs;
  ks.reserve(n);
  vs.reserve(n);
  for (UWord i = 0; i < n; i++) {
    UWord k = order[i];
    if (!ks.empty() && term_compare_exact(ks.back(), keys[k]) == 0) {
      vs.back() = values[k];  // stable sort: a later duplicate replaces
      continue;
    }
    ks.push_back(keys[k]);
    vs.push_back(values[k]);
  }
  Term* hp = p->halloc(flatmap_words(ks.size()));
  return map_from_pairs(hp, ks.data(), vs.data(), ks.size());
}

Term map_put_instr(Process* p, UWord map_op, bool exact, const UWord* kv, UWord n, Term* x, unsigned live) {
  Term map = operand_fetch(map_op, x, p->stop);
  if (!is_map(map)) {
    p->exc_class = ExcClass::Error;
    p->exc_reason = make_tuple(p, {am::badmap, map});
    return NON_VALUE;
  }
  // Are all keys already present? Then the new map shares the keys tuple.
  UWord size = flatmap_size(map);
  bool all_present = true;
  for (UWord i = 0; i < n && all_present; i++) {
    if (flatmap_index(map, operand_fetch(kv[2 * i], x, p->stop)) < 0) {
      if (exact) {
        p->exc_class = ExcClass::Error;
        p->exc_reason = make_tuple(p, {am::badkey, operand_fetch(kv[2 * i], x, p->stop)});
        return NON_VALUE;
      }
      all_present = false;
    }
  }
  UWord need = all_present ? 3 + size : flatmap_words(size + n);
  if (size_t(p->stop - p->htop) < need || gc_stress) {
    x[live] = map;
    gc_collect(p, need, x, live + 1);
    map = x[live];
  }
  const Term* E = p->stop;
  if (all_present) {
    Term* hp = p->htop;
    p->htop += 3 + size;
    const Term* old = boxed_val(map);
    for (UWord i = 0; i < 3 + size; i++) hp[i] = old[i];
    Term r = make_boxed(hp);
    for (UWord i = 0; i < n; i++) {
      SWord at = flatmap_index(r, operand_fetch(kv[2 * i], x, E));
      hp[3 + at] = operand_fetch(kv[2 * i + 1], x, E);
    }
    return r;
  }
  // Merge: old pairs, then new ones (later wins).
  std::vector<Term> ks, vs;
  ks.reserve(size + n);
  vs.reserve(size + n);
  Term keys = flatmap_keys(map);
  for (UWord i = 0; i < size; i++) {
    ks.push_back(tuple_elem(keys, i + 1));
    vs.push_back(flatmap_values(map)[i]);
  }
  for (UWord i = 0; i < n; i++) {
    Term k = operand_fetch(kv[2 * i], x, E);
    Term v = operand_fetch(kv[2 * i + 1], x, E);
    SWord at = -1;
    for (UWord j = 0; j < ks.size(); j++)
      if (term_eq_exact(ks[j], k)) at = SWord(j);
    if (at >= 0) vs[UWord(at)] = v;
    else {
      ks.push_back(k);
      vs.push_back(v);
    }
  }
  Term* hp = p->htop;
  p->htop += flatmap_words(ks.size());
  return map_from_pairs(hp, ks.data(), vs.data(), ks.size());
}

}  // namespace bvm
