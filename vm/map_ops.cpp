#include "vm/map_ops.h"

#include <algorithm>
#include <numeric>
#include <vector>

#include "bifs/bif.h"
#include "vm/atom_table.h"
#include "vm/compare.h"
#include "vm/gc.h"
#include "vm/hashmap.h"
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

// A copy of the flat map at hp (3 + n words) sharing its keys tuple, with
// value i replaced.
Term flatmap_with_value(Term* hp, Term map, UWord i, Term value) {
  const Term* old = boxed_val(map);
  UWord n = flatmap_size(map);
  for (UWord j = 0; j < 3 + n; j++) hp[j] = old[j];
  hp[3 + i] = value;
  return make_boxed(hp);
}

// The flat map plus a new key (the map has fewer than MAP_SMALL_LIMIT
// keys), at hp with flatmap_words(n + 1) words.
Term flatmap_with_new_key(Term* hp, Term map, Term key, Term value) {
  UWord n = flatmap_size(map);
  const Term* ks = tuple_val(flatmap_keys(map)) + 1;
  const Term* vs = flatmap_values(map);
  UWord at = 0;
  while (at < n && term_compare_exact(ks[at], key) < 0) at++;
  Term* kt = hp;
  Term* mp = hp + 2 + n;
  kt[0] = make_header(n + 1, Sub::Tuple);
  mp[0] = make_header(3 + n, Sub::Map);
  mp[1] = ((n + 1) << 2) | MAP_FLAT;
  mp[2] = make_boxed(kt);
  for (UWord j = 0, k = 0; j <= n; j++) {
    if (j == at) {
      kt[1 + j] = key;
      mp[3 + j] = value;
    } else {
      kt[1 + j] = ks[k];
      mp[3 + j] = vs[k++];
    }
  }
  return make_boxed(mp);
}

// The flat map without key i, at hp with flatmap_words(n - 1) words.
Term flatmap_without(Term* hp, Term map, UWord i) {
  UWord n = flatmap_size(map);
  const Term* ks = tuple_val(flatmap_keys(map)) + 1;
  const Term* vs = flatmap_values(map);
  Term* kt = hp;
  Term* mp = hp + n;
  kt[0] = make_header(n - 1, Sub::Tuple);
  mp[0] = make_header(1 + n, Sub::Map);
  mp[1] = ((n - 1) << 2) | MAP_FLAT;
  mp[2] = make_boxed(kt);
  for (UWord j = 0, k = 0; j < n; j++) {
    if (j == i) continue;
    kt[1 + k] = ks[j];
    mp[3 + k++] = vs[j];
  }
  return make_boxed(mp);
}

// A flat map and one more pair past MAP_SMALL_LIMIT: a hash map.
Term flatmap_grow(Process* p, Term map, Term key, Term value) {
  HashmapBuilder b;
  UWord n = flatmap_size(map);
  b.reserve(n + 1);
  for (UWord i = 0; i < n; i++) b.add(tuple_elem(flatmap_keys(map), i + 1), flatmap_values(map)[i]);
  b.add(key, value);
  b.finish(false);
  return b.build(p->halloc(b.words()));
}

Term error(Process* p, Term tag, Term value) {
  p->exc_class = ExcClass::Error;
  p->exc_reason = make_tuple(p, {tag, value});
  return NON_VALUE;
}

}  // namespace

Term map_get(Term map, Term key) {
  if (!is_flatmap(map)) return hashmap_get(map, key);
  SWord i = flatmap_index(map, key);
  return i < 0 ? NON_VALUE : flatmap_values(map)[i];
}

Term map_put(Process* p, Term map, Term key, Term value) {
  if (is_flatmap(map)) {
    SWord i = flatmap_index(map, key);
    UWord n = flatmap_size(map);
    if (i >= 0) {
      if (flatmap_values(map)[i] == value) return map;
      return flatmap_with_value(p->halloc(3 + n), map, UWord(i), value);
    }
    if (n < MAP_SMALL_LIMIT) return flatmap_with_new_key(p->halloc(flatmap_words(n + 1)), map, key, value);
    return flatmap_grow(p, map, key, value);
  }
  HashmapUpdate u;
  if (u.plan_put(map, key, value, false) == HashmapUpdate::UNCHANGED) return map;
  return u.build(p->halloc(u.words()));
}

Term map_update(Process* p, Term map, Term key, Term value) {
  if (is_flatmap(map)) {
    SWord i = flatmap_index(map, key);
    if (i < 0) return NON_VALUE;
    if (flatmap_values(map)[i] == value) return map;
    return flatmap_with_value(p->halloc(3 + flatmap_size(map)), map, UWord(i), value);
  }
  HashmapUpdate u;
  switch (u.plan_put(map, key, value, true)) {
    case HashmapUpdate::ABSENT: return NON_VALUE;
    case HashmapUpdate::UNCHANGED: return map;
    case HashmapUpdate::CHANGED: break;
  }
  return u.build(p->halloc(u.words()));
}

Term map_remove(Process* p, Term map, Term key, Term* value) {
  if (is_flatmap(map)) {
    SWord i = flatmap_index(map, key);
    if (i < 0) {
      *value = NON_VALUE;
      return map;
    }
    *value = flatmap_values(map)[i];
    return flatmap_without(p->halloc(flatmap_words(flatmap_size(map) - 1)), map, UWord(i));
  }
  HashmapUpdate u;
  if (u.plan_remove(map, key) == HashmapUpdate::ABSENT) {
    *value = NON_VALUE;
    return map;
  }
  *value = u.old_value();
  return u.build(p->halloc(u.words()));
}

Term map_from_list_pairs(Process* p, const Term* keys, const Term* values, UWord n) {
  if (n > MAP_SMALL_LIMIT) {
    HashmapBuilder b;
    b.reserve(n);
    for (UWord i = 0; i < n; i++) b.add(keys[i], values[i]);
    b.finish(false);
    return b.build(p->halloc(b.words()));
  }
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
      // Stable sort: a later duplicate replaces key (0.0 and -0.0 are the
      // same key) and value.
      ks.back() = keys[k];
      vs.back() = values[k];
      continue;
    }
    ks.push_back(keys[k]);
    vs.push_back(values[k]);
  }
  Term* hp = p->halloc(flatmap_words(ks.size()));
  return map_from_pairs(hp, ks.data(), vs.data(), ks.size());
}

namespace {

// The interpreter's side: every allocation goes on the heap after making
// room (collecting with x[0..live) and the map as roots). Plans are made
// again after a collection, since it moves the terms they point into.
class PutInstr {
 public:
  PutInstr(Process* p, Term* x, unsigned live, const UWord* kv, UWord n)
      : p_(p), x_(x), live_(live), kv_(kv), n_(n) {}

  Term key(UWord i) const { return operand_fetch(kv_[2 * i], x_, p_->stop); }
  Term value(UWord i) const { return operand_fetch(kv_[2 * i + 1], x_, p_->stop); }

  // Makes `need` words free. True if that took a collection, which moved
  // *map and the operands (plans made before are stale).
  bool reserve(UWord need, Term* map) {
    if (size_t(p_->stop - p_->htop) >= need && !gc_stress) return false;
    x_[live_] = *map;
    gc_collect(p_, need, x_, live_ + 1);
    *map = x_[live_];
    return true;
  }
  Term* take(UWord words) {
    Term* hp = p_->htop;
    p_->htop += words;
    return hp;
  }

  // A flat map with room for every pair: merged flat.
  Term flat_merge(Term map, bool all_present) {
    UWord size = flatmap_size(map);
    UWord need = all_present ? 3 + size : flatmap_words(size + n_);
    reserve(need, &map);
    if (all_present) {
      Term* hp = take(3 + size);
      const Term* old = boxed_val(map);
      for (UWord i = 0; i < 3 + size; i++) hp[i] = old[i];
      Term r = make_boxed(hp);
      for (UWord i = 0; i < n_; i++) hp[3 + flatmap_index(r, key(i))] = value(i);
      return r;
    }
    // Old pairs, then new ones (later wins).
    std::vector<Term> ks, vs;
    ks.reserve(size + n_);
    vs.reserve(size + n_);
    for (UWord i = 0; i < size; i++) {
      ks.push_back(tuple_elem(flatmap_keys(map), i + 1));
      vs.push_back(flatmap_values(map)[i]);
    }
    for (UWord i = 0; i < n_; i++) {
      Term k = key(i);
      SWord at = -1;
      for (UWord j = 0; j < ks.size(); j++)
        if (term_eq_exact(ks[j], k)) at = SWord(j);
      if (at >= 0) {
        vs[UWord(at)] = value(i);
      } else {
        ks.push_back(k);
        vs.push_back(value(i));
      }
    }
    return map_from_pairs(take(flatmap_words(ks.size())), ks.data(), vs.data(), ks.size());
  }

  // Keys distinct and in term order (constants the loader sorted): one
  // walk along both key sequences finds the new keys, another merges.
  Term sorted_merge(Term map, bool exact) {
    UWord size = flatmap_size(map);
    // The common case first: every key already there. Present keys occur
    // in the map in the same order, so one forward scan finds them all.
    if (all_present_sorted(map)) {
      reserve(3 + size, &map);
      Term* mp = take(3 + size);
      const Term* old = boxed_val(map);
      for (UWord i = 0; i < 3 + size; i++) mp[i] = old[i];
      const Term* ks = tuple_val(flatmap_keys(map)) + 1;
      for (UWord j = 0, i = 0; j < n_; j++, i++) {
        i = scan_to(ks, size, i, key(j));
        mp[3 + i] = value(j);
      }
      return make_boxed(mp);
    }
    UWord added = 0;
    {
      const Term* ks = tuple_val(flatmap_keys(map)) + 1;
      UWord i = 0;
      for (UWord j = 0; j < n_; j++) {
        Term k = key(j);
        int c = 1;
        while (i < size && (c = term_compare_exact(ks[i], k)) < 0) i++;
        if (i < size && c == 0) {
          i++;
        } else {
          if (exact) return error(p_, am::badkey, k);
          added++;
        }
      }
    }
    if (size + added > MAP_SMALL_LIMIT) return flat_to_hash(map);
    UWord m = size + added;
    reserve(added ? flatmap_words(m) : 3 + size, &map);
    const Term* ks = tuple_val(flatmap_keys(map)) + 1;
    const Term* vs = flatmap_values(map);
    Term* mp;
    Term* kt = nullptr;
    if (added) {
      kt = take(1 + m);
      kt[0] = make_header(m, Sub::Tuple);
    }
    mp = take(3 + m);
    mp[0] = make_header(2 + m, Sub::Map);
    mp[1] = (m << 2) | MAP_FLAT;
    mp[2] = added ? make_boxed(kt) : flatmap_keys(map);
    UWord i = 0, j = 0;
    for (UWord o = 0; o < m; o++) {
      int c = i == size ? 1 : j == n_ ? -1 : term_compare_exact(ks[i], key(j));
      if (kt) kt[1 + o] = c <= 0 ? ks[i] : key(j);
      mp[3 + o] = c < 0 ? vs[i] : value(j);
      if (c <= 0) i++;
      if (c >= 0) j++;
    }
    return make_boxed(mp);
  }

  // The index of key among ks[from..size) (size if it is not there).
  static UWord scan_to(const Term* ks, UWord size, UWord from, Term key) {
    UWord i = from;
    if (is_immed(key)) {
      while (i < size && ks[i] != key) i++;
    } else {
      while (i < size && !term_eq_exact(ks[i], key)) i++;
    }
    return i;
  }
  bool all_present_sorted(Term map) const {
    UWord size = flatmap_size(map);
    const Term* ks = tuple_val(flatmap_keys(map)) + 1;
    UWord i = 0;
    for (UWord j = 0; j < n_; j++, i++) {
      i = scan_to(ks, size, i, key(j));
      if (i == size) return false;
    }
    return true;
  }

  // A flat map growing past MAP_SMALL_LIMIT: built whole.
  Term flat_to_hash(Term map) {
    HashmapBuilder b;
    plan_all(b, map);
    UWord need = b.words();
    if (reserve(need, &map)) {
      b = HashmapBuilder();
      plan_all(b, map);
    }
    return b.build(take(need));
  }

  // A hash map: one pair at a time. NON_VALUE (with the exception set) if
  // an exact update misses a key.
  Term hash_put(Term map, bool exact) {
    if (exact) {  // the least missing key, as for flat maps
      Term missing = NON_VALUE;
      for (UWord i = 0; i < n_; i++) {
        Term k = key(i);
        if (map_get(map, k) == NON_VALUE && (missing == NON_VALUE || term_compare_exact(k, missing) < 0)) missing = k;
      }
      if (missing != NON_VALUE) return error(p_, am::badkey, missing);
    }
    for (UWord i = 0; i < n_; i++) {
      HashmapUpdate u;
      HashmapUpdate::Result r = u.plan_put(map, key(i), value(i), exact);
      if (r == HashmapUpdate::ABSENT) return error(p_, am::badkey, key(i));
      if (r == HashmapUpdate::UNCHANGED) continue;
      UWord need = u.words();
      if (reserve(need, &map)) u.plan_put(map, key(i), value(i), exact);
      map = u.build(take(need));
    }
    return map;
  }

 private:
  void plan_all(HashmapBuilder& b, Term map) {
    UWord size = flatmap_size(map);
    b.reserve(size + n_);
    for (UWord i = 0; i < size; i++) b.add(tuple_elem(flatmap_keys(map), i + 1), flatmap_values(map)[i]);
    for (UWord i = 0; i < n_; i++) b.add(key(i), value(i));
    b.finish(false);
  }

  Process* p_;
  Term* x_;
  unsigned live_;
  const UWord* kv_;
  UWord n_;
};

}  // namespace

Term map_put_instr(Process* p, UWord map_op, unsigned mode, const UWord* kv, UWord n, Term* x, unsigned live) {
  bool exact = mode & MAP_PUT_EXACT;
  Term map = operand_fetch(map_op, x, p->stop);
  if (!is_map(map)) return error(p, am::badmap, map);
  PutInstr put(p, x, live, kv, n);
  if (!is_flatmap(map)) return put.hash_put(map, exact);
  if (mode & MAP_PUT_SORTED) return put.sorted_merge(map, exact);
  // Are all keys already present? Then the new map shares the keys tuple.
  bool all_present = true;
  for (UWord i = 0; i < n && all_present; i++)
    if (flatmap_index(map, put.key(i)) < 0) all_present = false;
  if (exact && !all_present) {
    // The reference checks the keys in key order: it names the least missing one.
    Term missing = NON_VALUE;
    for (UWord i = 0; i < n; i++) {
      Term k = put.key(i);
      if (flatmap_index(map, k) < 0 && (missing == NON_VALUE || term_compare_exact(k, missing) < 0)) missing = k;
    }
    return error(p, am::badkey, missing);
  }
  if (all_present || flatmap_size(map) + n <= MAP_SMALL_LIMIT) return put.flat_merge(map, all_present);
  return put.flat_to_hash(map);
}

}  // namespace bvm
