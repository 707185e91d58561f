#include "vm/hashmap.h"

#include <algorithm>

#include "vm/compare.h"
#include "vm/term_hash.h"

namespace bvm {

namespace {

MapKeyHashFn hash_for_testing = nullptr;

inline uint32_t key_hash(Term key, uint32_t depth) {
  return hash_for_testing ? hash_for_testing(key, depth) : map_key_hash(key, depth);
}

inline bool key_eq(Term a, Term b) {
  if (a == b) return true;
  if (is_immed(a) || is_immed(b)) return false;
  return term_eq_exact(a, b);
}

// The hash with its nibbles in reverse order: comparing these compares
// paths, level 0 first.
inline uint32_t path_order(uint32_t h) {
  h = ((h & 0x0F0F0F0Fu) << 4) | ((h >> 4) & 0x0F0F0F0Fu);
  return __builtin_bswap32(h);
}

// Bitmaps are 16 bits; without -mpopcnt std::popcount is a library call.
inline unsigned popcount(uint32_t x) {
  x = x - ((x >> 1) & 0x55555555u);
  x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
  x = (x + (x >> 4)) & 0x0F0F0F0Fu;
  return (x * 0x01010101u) >> 24;
}

inline Term make_leaf(Term** hp, Term key, Term value) {
  Term* c = *hp;
  *hp += 2;
  c[0] = key;
  c[1] = value;
  return make_list(c);
}

// Starts a trie node of `children` children at *hp; the caller fills them in.
inline Term* start_node(Term** hp, unsigned kind, uint32_t bits, UWord children, UWord size) {
  Term* o = *hp;
  UWord extra = kind == MAP_HEAD ? 1 : 0;
  *hp += 2 + extra + children;
  o[0] = make_header(1 + extra + children, Sub::Map);
  o[1] = UWord(bits) << 2 | kind;
  if (kind == MAP_HEAD) o[2] = make_small(SWord(size));
  return o + 2 + extra;
}

inline UWord node_words(unsigned kind, UWord children) { return 2 + (kind == MAP_HEAD ? 1 : 0) + children; }

}  // namespace

// ---------------------------------------------------------------- paths

void hashmap_set_hash_for_testing(MapKeyHashFn fn) { hash_for_testing = fn; }

HashPath::HashPath(Term key) : key_(key), hash_(key_hash(key, 0)) {}

void HashPath::rehash(unsigned group) {
  group_ = group;
  hash_ = key_hash(key_, group);
}

// ---------------------------------------------------------------- lookup

Term hashmap_get(Term map, Term key) {
  HashPath path(key);
  Term node = map;
  for (unsigned level = 0;; level++) {
    UWord n;
    const Term* c = hashmap_children(node, &n);
    if (map_kind(node) == MAP_COLLISION) {
      for (UWord i = 0; i < n; i++)
        if (key_eq(car(c[i]), key)) return cdr(c[i]);
      return NON_VALUE;
    }
    uint32_t bitmap = hashmap_bitmap(node);
    uint32_t bit = 1u << path.slot(level);
    if (!(bitmap & bit)) return NON_VALUE;
    Term child = c[popcount(bitmap & (bit - 1))];
    if (is_list(child)) return key_eq(car(child), key) ? cdr(child) : NON_VALUE;
    node = child;
  }
}

// ---------------------------------------------------------------- update

HashmapUpdate::Result HashmapUpdate::plan_put(Term map, Term key, Term value, bool update_only) {
  map_ = map;
  key_ = key;
  value_ = value;
  old_value_ = NON_VALUE;
  depth_ = 0;
  HashPath path(key);
  Term node = map;
  for (unsigned level = 0;; level++) {
    UWord n;
    const Term* c = hashmap_children(node, &n);
    if (map_kind(node) == MAP_COLLISION) {
      // Leaves in key order: find the key or where it goes.
      UWord pos = 0;
      bool found = false;
      for (; pos < n; pos++) {
        int cmp = term_compare_exact(car(c[pos]), key);
        if (cmp == 0) found = true;
        if (cmp >= 0) break;
      }
      if (found) {
        old_value_ = cdr(c[pos]);
        if (old_value_ == value) return UNCHANGED;
      } else if (update_only) {
        return ABSENT;
      }
      path_[depth_++] = {node, 0, unsigned(pos), found};
      op_ = INTO_COLLISION;
      break;
    }
    uint32_t bitmap = hashmap_bitmap(node);
    unsigned slot = path.slot(level);
    uint32_t bit = 1u << slot;
    unsigned pos = popcount(bitmap & (bit - 1));
    bool occupied = bitmap & bit;
    path_[depth_++] = {node, slot, pos, occupied};
    if (!occupied) {
      if (update_only) return ABSENT;
      op_ = INSERT_EMPTY;
      break;
    }
    Term child = c[pos];
    if (is_list(child)) {
      if (key_eq(car(child), key)) {
        old_value_ = cdr(child);
        if (old_value_ == value) return UNCHANGED;
        op_ = REPLACE;
        break;
      }
      if (update_only) return ABSENT;
      // Both keys go down until their paths part (or a collision node).
      op_ = SPLIT;
      other_leaf_ = child;
      split_level_ = level + 1;
      HashPath other(car(child));
      for (split_end_ = split_level_; split_end_ < HASHMAP_MAX_LEVELS; split_end_++) {
        unsigned a = path.slot(split_end_), b = other.slot(split_end_);
        if (a != b) {
          split_slots_[0] = a;
          split_slots_[1] = b;
          break;
        }
        chain_slots_[split_end_ - split_level_] = uint8_t(a);
      }
      break;
    }
    node = child;
  }
  words_ = 0;
  Term* none = nullptr;
  rebuild<false>(&none, &words_);
  return CHANGED;
}

HashmapUpdate::Result HashmapUpdate::plan_remove(Term map, Term key) {
  map_ = map;
  key_ = key;
  value_ = NON_VALUE;
  old_value_ = NON_VALUE;
  depth_ = 0;
  HashPath path(key);
  Term node = map;
  for (unsigned level = 0;; level++) {
    UWord n;
    const Term* c = hashmap_children(node, &n);
    if (map_kind(node) == MAP_COLLISION) {
      UWord pos = 0;
      while (pos < n && !key_eq(car(c[pos]), key)) pos++;
      if (pos == n) return ABSENT;
      path_[depth_++] = {node, 0, unsigned(pos), true};
      found_leaf_ = c[pos];
      break;
    }
    uint32_t bitmap = hashmap_bitmap(node);
    unsigned slot = path.slot(level);
    uint32_t bit = 1u << slot;
    if (!(bitmap & bit)) return ABSENT;
    unsigned pos = popcount(bitmap & (bit - 1));
    path_[depth_++] = {node, slot, pos, true};
    Term child = c[pos];
    if (is_list(child)) {
      if (!key_eq(car(child), key)) return ABSENT;
      found_leaf_ = child;
      break;
    }
    node = child;
  }
  old_value_ = cdr(found_leaf_);
  UWord size = hashmap_size(map) - 1;
  if (size <= MAP_SMALL_LIMIT) {
    op_ = REMOVE_TO_FLAT;
    words_ = flatmap_words(size);
    return CHANGED;
  }
  op_ = REMOVE;
  words_ = 0;
  Term* none = nullptr;
  rebuild<false>(&none, &words_);
  return CHANGED;
}

Term HashmapUpdate::build(Term* hp) {
  if (op_ == REMOVE_TO_FLAT) {
    std::vector<Term> ks, vs;
    ks.reserve(MAP_SMALL_LIMIT);
    vs.reserve(MAP_SMALL_LIMIT);
    hashmap_for_each_leaf(map_, [&](Term leaf) {
      if (leaf == found_leaf_) return;
      ks.push_back(car(leaf));
      vs.push_back(cdr(leaf));
    });
    return map_from_pairs(hp, ks.data(), vs.data(), ks.size());
  }
  UWord words = 0;
  return rebuild<true>(&hp, &words);
}

// The new nodes under the slot where a SPLIT happens: single-child nodes
// while the two paths agree, then a node with both leaves (or a collision
// node, in key order).
template <bool BUILD>
Term HashmapUpdate::split_nodes(Term** hp, UWord* words) {
  Term leaf = BUILD ? make_leaf(hp, key_, value_) : NON_VALUE;
  *words += 2 + 4 + 3 * (split_end_ - split_level_);
  if (!BUILD) return NON_VALUE;
  Term res;
  if (split_end_ == HASHMAP_MAX_LEVELS) {
    bool mine_first = term_compare_exact(key_, car(other_leaf_)) < 0;
    Term* ch = start_node(hp, MAP_COLLISION, 2, 2, 0);
    ch[0] = mine_first ? leaf : other_leaf_;
    ch[1] = mine_first ? other_leaf_ : leaf;
    res = make_boxed(ch - 2);
  } else {
    unsigned a = split_slots_[0], b = split_slots_[1];
    Term* ch = start_node(hp, MAP_NODE, (1u << a) | (1u << b), 2, 0);
    ch[0] = a < b ? leaf : other_leaf_;
    ch[1] = a < b ? other_leaf_ : leaf;
    res = make_boxed(ch - 2);
  }
  for (unsigned level = split_end_; level-- > split_level_;) {
    Term* ch = start_node(hp, MAP_NODE, 1u << chain_slots_[level - split_level_], 1, 0);
    ch[0] = res;
    res = make_boxed(ch - 2);
  }
  return res;
}

// Copies the path bottom up with the change applied; counts the words
// instead when !BUILD.
template <bool BUILD>
Term HashmapUpdate::rebuild(Term** hp, UWord* words) {
  Term res = NON_VALUE;  // the new content of the slot below; NON_VALUE: removed
  int i = int(depth_) - 1;
  bool grows = false;
  switch (op_) {
    case INSERT_EMPTY:
    case REPLACE:
      *words += 2;
      if (BUILD) res = make_leaf(hp, key_, value_);
      grows = op_ == INSERT_EMPTY;
      break;
    case SPLIT:
      res = split_nodes<BUILD>(hp, words);
      grows = true;
      break;
    case INTO_COLLISION: {
      const Step& s = path_[i];
      UWord n;
      const Term* c = hashmap_children(s.node, &n);
      UWord m = s.occupied ? n : n + 1;
      *words += 2 + node_words(MAP_COLLISION, m);
      if (BUILD) {
        Term leaf = make_leaf(hp, key_, value_);
        Term* ch = start_node(hp, MAP_COLLISION, uint32_t(m), m, 0);
        if (s.occupied) {
          for (UWord j = 0; j < n; j++) ch[j] = c[j];
          ch[s.pos] = leaf;
        } else {
          for (UWord j = 0; j < s.pos; j++) ch[j] = c[j];
          ch[s.pos] = leaf;
          for (UWord j = s.pos; j < n; j++) ch[j + 1] = c[j];
        }
        res = make_boxed(ch - 2);
      }
      grows = !s.occupied;
      i--;
      break;
    }
    case REMOVE: {
      const Step& s = path_[i];
      if (map_kind(s.node) == MAP_COLLISION) {
        UWord n;
        const Term* c = hashmap_children(s.node, &n);
        if (n == 2) {
          res = c[1 - s.pos];
        } else {
          *words += node_words(MAP_COLLISION, n - 1);
          res = make_small(0);  // counting: a node, neither removed nor a leaf
          if (BUILD) {
            Term* ch = start_node(hp, MAP_COLLISION, uint32_t(n - 1), n - 1, 0);
            for (UWord j = 0, k = 0; j < n; j++)
              if (j != s.pos) ch[k++] = c[j];
            res = make_boxed(ch - 2);
          }
        }
        i--;
      }
      break;
    }
    case REMOVE_TO_FLAT:
      return NON_VALUE;
  }
  bool removing = op_ == REMOVE;
  bool bottom = true;  // the step whose child slot the change lands in first
  for (; i >= 0; i--, bottom = false) {
    const Step& s = path_[i];
    unsigned kind = map_kind(s.node);
    UWord n;
    const Term* c = hashmap_children(s.node, &n);
    uint32_t bitmap = hashmap_bitmap(s.node);
    uint32_t bit = 1u << s.slot;
    UWord size = kind == MAP_HEAD ? hashmap_size(s.node) + (grows ? 1 : 0) - (removing ? 1 : 0) : 0;
    bool drop = removing && res == NON_VALUE;  // this node loses the child
    if (kind == MAP_NODE && drop) {
      if (n == 2 && is_list(c[1 - s.pos])) {
        res = c[1 - s.pos];  // the last leaf moves up
        continue;
      }
      if (n == 1) continue;  // nothing left here
    }
    if (kind == MAP_NODE && removing && is_list(res) && n == 1) continue;  // the leaf moves up
    bool insert = bottom && op_ == INSERT_EMPTY;
    UWord m = drop ? n - 1 : (insert ? n + 1 : n);
    *words += node_words(kind, m);
    if (!BUILD) {
      res = make_small(0);  // anything but NON_VALUE or a leaf
      continue;
    }
    uint32_t new_bitmap = drop ? bitmap & ~bit : bitmap | bit;
    Term* ch = start_node(hp, kind, new_bitmap, m, size);
    if (drop) {
      for (UWord j = 0, k = 0; j < n; j++)
        if (j != s.pos) ch[k++] = c[j];
    } else if (insert) {
      for (UWord j = 0; j < s.pos; j++) ch[j] = c[j];
      ch[s.pos] = res;
      for (UWord j = s.pos; j < n; j++) ch[j + 1] = c[j];
    } else {
      for (UWord j = 0; j < n; j++) ch[j] = c[j];
      ch[s.pos] = res;
    }
    res = make_boxed(ch - 2 - (kind == MAP_HEAD ? 1 : 0));
  }
  return res;
}

// ---------------------------------------------------------------- bulk

unsigned HashmapBuilder::slot(const Entry& e, unsigned level) const {
  unsigned group = level / 8;
  uint32_t h = group == 0 ? e.hash0 : key_hash(e.key, group);
  return (h >> (4 * (level % 8))) & 0xF;
}

// Entries [lo, hi) share their level-0 hash: drops duplicate keys (the
// latest wins), then orders the rest by their deeper paths (key order for
// keys whose whole paths agree). Appends them to `out`.
bool HashmapBuilder::resolve_run(size_t lo, size_t hi, bool reject, std::vector<Entry>& out) {
  std::vector<Entry> run(entries_.begin() + lo, entries_.begin() + hi);
  std::stable_sort(run.begin(), run.end(), [](const Entry& a, const Entry& b) {
    int c = term_compare_exact(a.key, b.key);
    return c != 0 ? c < 0 : a.order < b.order;
  });
  std::vector<Entry> unique;
  for (const Entry& e : run) {
    if (!unique.empty() && term_eq_exact(unique.back().key, e.key)) {
      if (reject) return false;
      unique.back() = e;  // sorted by when added: the later one
      continue;
    }
    unique.push_back(e);
  }
  if (unique.size() > 1) {
    constexpr unsigned GROUPS = HASHMAP_MAX_LEVELS / 8;
    struct Deep {
      uint32_t order[GROUPS];
      size_t at;
    };
    std::vector<Deep> deep(unique.size());
    for (size_t i = 0; i < unique.size(); i++) {
      deep[i].at = i;
      deep[i].order[0] = unique[i].sort0;
      for (unsigned g = 1; g < GROUPS; g++) deep[i].order[g] = path_order(key_hash(unique[i].key, g));
    }
    // Stable: keys whose paths agree completely stay in key order.
    std::stable_sort(deep.begin(), deep.end(), [](const Deep& a, const Deep& b) {
      return std::lexicographical_compare(a.order, a.order + GROUPS, b.order, b.order + GROUPS);
    });
    for (const Deep& d : deep) out.push_back(unique[d.at]);
  } else {
    out.push_back(unique[0]);
  }
  return true;
}

bool HashmapBuilder::finish(bool reject_duplicates) {
  for (Entry& e : entries_) {
    e.hash0 = key_hash(e.key, 0);
    e.sort0 = path_order(e.hash0);
  }
  std::sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) {
    return a.sort0 != b.sort0 ? a.sort0 < b.sort0 : a.order < b.order;
  });
  // Runs of equal level-0 hashes (rare, unless keys repeat) are resolved
  // apart and written back in place.
  size_t w = 0;
  std::vector<Entry> resolved;
  for (size_t i = 0; i < entries_.size();) {
    size_t j = i + 1;
    while (j < entries_.size() && entries_[j].sort0 == entries_[i].sort0) j++;
    if (j - i == 1) {
      entries_[w++] = entries_[i];
    } else {
      resolved.clear();
      if (!resolve_run(i, j, reject_duplicates, resolved)) return false;
      for (const Entry& e : resolved) entries_[w++] = e;
    }
    i = j;
  }
  entries_.resize(w);
  words_ = 0;
  if (entries_.size() <= MAP_SMALL_LIMIT) {
    words_ = flatmap_words(entries_.size());
  } else {
    Term* none = nullptr;
    make<false>(0, entries_.size(), 0, &none, &words_);
  }
  return true;
}

Term HashmapBuilder::build(Term* hp) {
  if (entries_.size() <= MAP_SMALL_LIMIT) {
    Term ks[MAP_SMALL_LIMIT], vs[MAP_SMALL_LIMIT];
    for (size_t i = 0; i < entries_.size(); i++) {
      ks[i] = entries_[i].key;
      vs[i] = entries_[i].value;
    }
    return map_from_pairs(hp, ks, vs, entries_.size());
  }
  UWord words = 0;
  return make<true>(0, entries_.size(), 0, &hp, &words);
}

// The trie of entries [lo, hi), which share their path above `level`.
template <bool BUILD>
Term HashmapBuilder::make(size_t lo, size_t hi, unsigned level, Term** hp, UWord* words) {
  if (hi - lo == 1 && level > 0) {
    const Entry& e = entries_[lo];
    if (e.leaf != NON_VALUE) return e.leaf;
    *words += 2;
    return BUILD ? make_leaf(hp, e.key, e.value) : NON_VALUE;
  }
  if (level == HASHMAP_MAX_LEVELS) {
    UWord n = hi - lo;
    for (size_t i = lo; i < hi; i++)
      if (entries_[i].leaf == NON_VALUE) *words += 2;
    *words += node_words(MAP_COLLISION, n);
    if (!BUILD) return NON_VALUE;
    Term leaves[HASHMAP_MAX_LEVELS];  // never more than a few
    std::vector<Term> many;
    Term* lv = n <= HASHMAP_MAX_LEVELS ? leaves : (many.resize(n), many.data());
    for (size_t i = lo; i < hi; i++) {
      const Entry& e = entries_[i];
      lv[i - lo] = e.leaf != NON_VALUE ? e.leaf : make_leaf(hp, e.key, e.value);
    }
    Term* ch = start_node(hp, MAP_COLLISION, uint32_t(n), n, 0);
    for (UWord i = 0; i < n; i++) ch[i] = lv[i];
    return make_boxed(ch - 2);
  }
  Term children[16];
  uint32_t bitmap = 0;
  unsigned c = 0;
  for (size_t i = lo; i < hi;) {
    unsigned s = slot(entries_[i], level);
    size_t j = i + 1;
    while (j < hi && slot(entries_[j], level) == s) j++;
    children[c++] = make<BUILD>(i, j, level + 1, hp, words);
    bitmap |= 1u << s;
    i = j;
  }
  unsigned kind = level == 0 ? MAP_HEAD : MAP_NODE;
  *words += node_words(kind, c);
  if (!BUILD) return NON_VALUE;
  Term* ch = start_node(hp, kind, bitmap, c, hi - lo);
  for (unsigned k = 0; k < c; k++) ch[k] = children[k];
  return make_boxed(ch - 2 - (kind == MAP_HEAD ? 1 : 0));
}

}  // namespace bvm
