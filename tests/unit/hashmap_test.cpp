// Hash tries: after any sequence of puts and removals a map has exactly the
// shape a bulk build of the same pairs gives (the shape is canonical), the
// shape keeps its invariants, and collision nodes (reached here through a
// degenerate test hash) behave like the rest.
#include "vm/hashmap.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <vector>

#include "loader/literal_area.h"
#include "vm/compare.h"
#include "vm/map.h"

using namespace bvm;

namespace {

LiteralArea area;

Term build(const std::map<SWord, SWord>& pairs) {
  HashmapBuilder b;
  for (auto& [k, v] : pairs) b.add(make_small(k), make_small(v));
  EXPECT_TRUE(b.finish(true));
  return b.build(area.alloc(b.words()));
}

Term put(Term m, SWord k, SWord v) {
  HashmapUpdate u;
  HashmapUpdate::Result r = u.plan_put(m, make_small(k), make_small(v), false);
  if (r == HashmapUpdate::UNCHANGED) return m;
  EXPECT_EQ(r, HashmapUpdate::CHANGED);
  return u.build(area.alloc(u.words()));
}

Term remove(Term m, SWord k) {
  HashmapUpdate u;
  if (u.plan_remove(m, make_small(k)) == HashmapUpdate::ABSENT) return m;
  return u.build(area.alloc(u.words()));
}

// Same trie, word for word (leaves compared by content).
bool same_shape(Term a, Term b) {
  if (is_list(a) || is_list(b))
    return is_list(a) && is_list(b) && term_eq_exact(car(a), car(b)) && term_eq_exact(cdr(a), cdr(b));
  const Term* x = boxed_val(a);
  const Term* y = boxed_val(b);
  if (x[0] != y[0] || x[1] != y[1]) return false;
  if (map_kind(a) == MAP_FLAT) return term_eq_exact(a, b);
  UWord n, m;
  const Term* ca = hashmap_children(a, &n);
  const Term* cb = hashmap_children(b, &m);
  if (map_kind(a) == MAP_HEAD && x[2] != y[2]) return false;
  for (UWord i = 0; i < n; i++)
    if (!same_shape(ca[i], cb[i])) return false;
  return true;
}

// The invariants of a trie under `node` at `level`; returns its leaves.
UWord check(Term node, unsigned level) {
  EXPECT_TRUE(is_hashmap_node(node));
  UWord n;
  const Term* c = hashmap_children(node, &n);
  if (map_kind(node) == MAP_COLLISION) {
    EXPECT_EQ(level, HASHMAP_MAX_LEVELS);
    EXPECT_GE(n, 2u);
    for (UWord i = 0; i < n; i++) {
      EXPECT_TRUE(is_list(c[i]));
      if (i > 0) {
        EXPECT_LT(term_compare_exact(car(c[i - 1]), car(c[i])), 0);
      }
    }
    return n;
  }
  EXPECT_EQ(unsigned(__builtin_popcount(hashmap_bitmap(node))), n);
  if (level > 0) {
    EXPECT_GE(n, 1u);
    if (n == 1) {
      EXPECT_FALSE(is_list(c[0])) << "a lone leaf belongs higher up";
    }
  }
  UWord leaves = 0;
  unsigned k = 0;
  for (unsigned slot = 0; slot < 16; slot++) {
    if (!(hashmap_bitmap(node) >> slot & 1)) continue;
    Term child = c[k++];
    if (is_list(child)) {
      HashPath path(car(child));
      EXPECT_EQ(path.slot(level), slot);
      leaves++;
    } else {
      leaves += check(child, level + 1);
    }
  }
  if (map_kind(node) == MAP_HEAD) {
    EXPECT_EQ(hashmap_size(node), leaves);
  }
  return leaves;
}

void random_ops(unsigned seed, int keys, int ops) {
  std::mt19937 rng(seed);
  std::map<SWord, SWord> model;
  for (int i = 0; i < 40; i++) model[SWord(rng() % keys)] = i;
  while (model.size() <= MAP_SMALL_LIMIT) model[SWord(rng() % keys)] = 0;
  Term m = build(model);
  for (int op = 0; op < ops; op++) {
    SWord k = SWord(rng() % keys);
    if (rng() % 3 == 0 && model.size() > MAP_SMALL_LIMIT + 1) {
      model.erase(k);
      m = remove(m, k);
    } else {
      model[k] = op;
      m = put(m, k, op);
    }
    ASSERT_TRUE(is_hashmap(m));
    if (op % 50 == 0 || op == ops - 1) {
      ASSERT_TRUE(same_shape(m, build(model))) << "seed " << seed << " op " << op;
      ASSERT_EQ(check(m, 0), model.size());
    }
  }
  for (auto& [k, v] : model) ASSERT_EQ(hashmap_get(m, make_small(k)), make_small(v));
  // Down to a flat map.
  for (auto it = model.begin(); model.size() > MAP_SMALL_LIMIT;) {
    m = remove(m, it->first);
    it = model.erase(it);
    if (model.size() > MAP_SMALL_LIMIT) {
      ASSERT_TRUE(same_shape(m, build(model)));
    }
  }
  ASSERT_TRUE(is_flatmap(m));
  ASSERT_EQ(flatmap_size(m), MAP_SMALL_LIMIT);
}

// Test hashes: keys equal modulo 5 agree at every level.
uint32_t mod5_hash(Term key, uint32_t) { return uint32_t(small_val(key) % 5) * 0x11111111u; }
// Keys agree for the first three hash groups (24 levels), then part.
uint32_t late_hash(Term key, uint32_t depth) { return depth < 3 ? 0x12345678u : uint32_t(small_val(key)) * 2654435761u; }

struct HashOverride {
  explicit HashOverride(MapKeyHashFn fn) { hashmap_set_hash_for_testing(fn); }
  ~HashOverride() { hashmap_set_hash_for_testing(nullptr); }
};

}  // namespace

TEST(Hashmap, CanonicalUnderPutsAndRemovals) {
  for (unsigned seed = 1; seed <= 6; seed++) random_ops(seed, 200 + 300 * int(seed), 600);
}

TEST(Hashmap, LookupsAndSizes) {
  std::map<SWord, SWord> model;
  for (SWord i = -5000; i < 5000; i += 3) model[i] = i * 2;
  Term m = build(model);
  EXPECT_EQ(hashmap_size(m), model.size());
  EXPECT_EQ(check(m, 0), model.size());
  for (SWord i = -5000; i < 5000; i++)
    EXPECT_EQ(hashmap_get(m, make_small(i)), model.count(i) ? make_small(i * 2) : NON_VALUE);
  // Same value: the map itself.
  EXPECT_EQ(put(m, 1, 2), m);
  EXPECT_EQ(remove(m, 2), m);
}

TEST(Hashmap, BuilderDuplicates) {
  HashmapBuilder b;
  for (int i = 0; i < 40; i++) b.add(make_small(i), make_small(i));
  b.add(make_small(7), make_small(100));
  HashmapBuilder reject = b;
  EXPECT_FALSE(reject.finish(true));
  ASSERT_TRUE(b.finish(false));
  EXPECT_EQ(b.size(), 40u);
  Term m = b.build(area.alloc(b.words()));
  EXPECT_EQ(hashmap_get(m, make_small(7)), make_small(100));
  // Few distinct keys: flat.
  HashmapBuilder few;
  for (int i = 0; i < 100; i++) few.add(make_small(i % 10), make_small(i));
  ASSERT_TRUE(few.finish(false));
  Term f = few.build(area.alloc(few.words()));
  ASSERT_TRUE(is_flatmap(f));
  EXPECT_EQ(flatmap_size(f), 10u);
  EXPECT_EQ(flatmap_values(f)[3], make_small(93));
}

TEST(Hashmap, CollisionNodes) {
  HashOverride o(mod5_hash);
  std::map<SWord, SWord> model;
  for (SWord i = 0; i < 60; i++) model[i] = i;
  Term m = build(model);
  EXPECT_EQ(check(m, 0), 60u);
  // Five slots at the head, each a chain down to a collision node of 12.
  UWord n;
  hashmap_children(m, &n);
  EXPECT_EQ(n, 5u);
  for (SWord i = 0; i < 70; i++) EXPECT_EQ(hashmap_get(m, make_small(i)), i < 60 ? make_small(i) : NON_VALUE);
  // Incremental puts give the same shape.
  std::map<SWord, SWord> first(model.begin(), std::next(model.begin(), 40));
  Term g = build(first);
  for (SWord i = 40; i < 60; i++) g = put(g, i, i);
  EXPECT_TRUE(same_shape(g, m));
  // Replace inside a collision node, then remove down to one key of a
  // class: its leaf moves up to the head.
  m = put(m, 17, 1700);
  EXPECT_EQ(hashmap_get(m, make_small(17)), make_small(1700));
  model[17] = 1700;
  for (SWord i = 4; i < 60; i += 5) {
    if (i == 4) continue;
    m = remove(m, i);
    model.erase(i);
    ASSERT_TRUE(same_shape(m, build(model))) << i;
    EXPECT_EQ(check(m, 0), model.size());
  }
  const Term* c = hashmap_children(m, &n);
  EXPECT_TRUE(is_list(c[4]));
  EXPECT_EQ(car(c[4]), make_small(4));
  // And back.
  m = put(m, 9, 9);
  model[9] = 9;
  EXPECT_TRUE(same_shape(m, build(model)));
  EXPECT_EQ(check(m, 0), model.size());
}

TEST(Hashmap, DeepRehash) {
  HashOverride o(late_hash);
  std::map<SWord, SWord> model;
  for (SWord i = 0; i < 50; i++) model[i] = -i;
  Term m = build(model);
  EXPECT_EQ(check(m, 0), 50u);
  Term g = build(std::map<SWord, SWord>(model.begin(), std::next(model.begin(), 33)));
  for (SWord i = 33; i < 50; i++) g = put(g, i, -i);
  EXPECT_TRUE(same_shape(g, m));
  for (SWord i = 0; i < 50; i++) EXPECT_EQ(hashmap_get(m, make_small(i)), make_small(-i));
  for (SWord i = 0; i < 18; i++) {
    m = remove(m, i);
    model.erase(i);
    if (model.size() > MAP_SMALL_LIMIT) {
      ASSERT_TRUE(same_shape(m, build(model))) << i;
    }
  }
  ASSERT_TRUE(is_flatmap(m));
  EXPECT_EQ(flatmap_size(m), 32u);
}

TEST(Hashmap, IterationOrders) {
  std::map<SWord, SWord> model;
  for (SWord i = 1; i <= 40; i++) model[i] = i;
  Term m = build(model);
  std::vector<SWord> visit;
  hashmap_for_each_leaf(m, [&](Term leaf) { visit.push_back(small_val(car(leaf))); });
  // maps:iterator order in OTP 25 for 1..40.
  std::vector<SWord> expect = {16, 18, 5, 19, 27, 35, 10, 24, 36, 4, 21, 22, 17, 3, 8, 1, 7, 2, 14, 15,
                               20, 40, 13, 38, 6, 28, 25, 34, 32, 9, 37, 11, 31, 26, 39, 30, 29, 23, 12, 33};
  EXPECT_EQ(visit, expect);
  std::vector<std::pair<Term, Term>> pairs;
  map_pairs_iteration_order(m, pairs);
  ASSERT_EQ(pairs.size(), 40u);
  EXPECT_EQ(pairs.front().first, make_small(33));  // maps:to_list order: the reverse
  map_pairs(m, pairs);
  EXPECT_EQ(pairs.front().first, make_small(1));  // key order
}
