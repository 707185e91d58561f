// Hash maps: maps of more than MAP_SMALL_LIMIT keys, stored as hash array
// mapped tries with the reference's shape (its "hashmap"; layouts in
// vm/map.h).
//
// A key's path through the trie is its hash, four bits per level, lowest
// bits first: levels 0-7 use map_key_hash(key, 0), levels 8-15
// map_key_hash(key, 1), and so on (vm/term_hash.h). A node has one child
// per occupied slot (its bitmap), in slot order. Every key sits in a leaf
// at the first level where no other key shares its path, so a set of keys
// has exactly one trie: equal maps have equal shapes, and the order in
// which a map is traversed depends on its keys only. Two different keys
// whose paths agree for MAX_LEVELS levels (which the reference's hash
// makes practically impossible) share a collision node, in key order.
//
// The operations never collect garbage. Those that build first say how
// many heap words they need (words()), then build into exactly that much
// memory, so callers can allocate however they need: a BIF with halloc,
// the interpreter after collecting (planning again, since a collection
// moves the map), the term decoder in a literal area.
#pragma once

#include <cstdint>
#include <vector>

#include "vm/map.h"
#include "vm/term.h"

namespace bvm {

// Levels of hash path; a node at this depth is a collision node.
constexpr unsigned HASHMAP_MAX_LEVELS = 64;

// ---- trie nodes (heads, nodes and collision nodes)
inline bool is_hashmap_node(Term t) { return is_boxed_sub(t, Sub::Map) && map_kind(t) != MAP_FLAT; }
inline uint32_t hashmap_bitmap(Term node) { return uint32_t(boxed_val(node)[1] >> 2); }
// The children (leaves and nodes) of a trie node, in slot order.
inline const Term* hashmap_children(Term node, UWord* count) {
  const Term* o = boxed_val(node);
  UWord skip = map_kind(node) == MAP_HEAD ? 2 : 1;
  *count = header_arity(o[0]) - skip;
  return o + 1 + skip;
}

// A key's path: the slot it takes at each level.
class HashPath {
 public:
  explicit HashPath(Term key);
  unsigned slot(unsigned level) {
    unsigned group = level / 8;
    if (group != group_) rehash(group);
    return (hash_ >> (4 * (level % 8))) & 0xF;
  }

 private:
  void rehash(unsigned group);
  Term key_;
  unsigned group_ = 0;
  uint32_t hash_;
};

// The value under `key` in the hash map, or NON_VALUE.
Term hashmap_get(Term map, Term key);

// For tests: places keys by `fn` instead of map_key_hash (nullptr: back to
// it), to reach collision nodes, which real hashes practically never do.
using MapKeyHashFn = uint32_t (*)(Term key, uint32_t depth);
void hashmap_set_hash_for_testing(MapKeyHashFn fn);

// Visits the leaves ([K|V] cons cells) depth first, lowest slot first: the
// order of maps:iterator/1 (maps:to_list/1 is the reverse).
template <typename F>
void hashmap_for_each_leaf(Term map, F&& fn) {
  struct Frame {
    const Term* child;
    UWord left;
  };
  Frame stack[HASHMAP_MAX_LEVELS + 2];
  unsigned depth = 0;
  UWord n;
  const Term* c = hashmap_children(map, &n);
  stack[depth++] = {c, n};
  while (depth > 0) {
    Frame& f = stack[depth - 1];
    if (f.left == 0) {
      depth--;
      continue;
    }
    Term t = *f.child++;
    f.left--;
    if (is_list(t)) {
      fn(t);
    } else {
      c = hashmap_children(t, &n);
      stack[depth++] = {c, n};
    }
  }
}

// One put or removal on a hash map: plan, then build.
class HashmapUpdate {
 public:
  enum Result {
    ABSENT,     // update or removal of a key that is not there
    UNCHANGED,  // the key already has this very value: the result is the map itself
    CHANGED,    // build() makes the new map
  };
  // maps:put/3 (update_only: maps:update/3, the key must exist).
  Result plan_put(Term map, Term key, Term value, bool update_only);
  // maps:remove/2; the result is flat when it has MAP_SMALL_LIMIT keys.
  Result plan_remove(Term map, Term key);

  // After a plan: the value found under the key (NON_VALUE if none).
  Term old_value() const { return old_value_; }
  // After CHANGED: heap words the new map needs, then the new map.
  UWord words() const { return words_; }
  Term build(Term* hp);

 private:
  struct Step {
    Term node;
    unsigned slot;  // the path's slot at this node's level
    unsigned pos;   // index of that slot among the children
    bool occupied;
  };
  enum Op { INSERT_EMPTY, REPLACE, SPLIT, INTO_COLLISION, REMOVE, REMOVE_TO_FLAT };
  template <bool BUILD>
  Term rebuild(Term** hp, UWord* words);
  template <bool BUILD>
  Term split_nodes(Term** hp, UWord* words);

  Step path_[HASHMAP_MAX_LEVELS + 1];
  unsigned depth_ = 0;  // steps in path_
  Op op_ = INSERT_EMPTY;
  Term map_ = NON_VALUE, key_ = NON_VALUE, value_ = NON_VALUE, old_value_ = NON_VALUE;
  Term found_leaf_ = NON_VALUE;  // removal: the leaf that goes
  Term other_leaf_ = NON_VALUE;  // SPLIT: the leaf whose slot the new key wants
  unsigned split_level_ = 0;     // SPLIT: the level of the first new node
  unsigned split_end_ = 0;       // SPLIT: the level where the paths part (or MAX: collision)
  unsigned split_slots_[2] = {0, 0};                // SPLIT: the new key's and the other's slot there
  uint8_t chain_slots_[HASHMAP_MAX_LEVELS] = {};    // SPLIT: the shared slots above it
  UWord words_ = 0;
};

// Builds a map from many pairs at once (maps:from_list/1, merges,
// decoding). The result is a flat map when there are MAP_SMALL_LIMIT keys
// or fewer, else a hash map.
class HashmapBuilder {
 public:
  void reserve(size_t n) { entries_.reserve(n); }
  void add(Term key, Term value) { entries_.push_back({key, value, NON_VALUE, 0, 0, uint32_t(entries_.size())}); }
  // A pair already on a heap as the leaf [key | value]: the map uses it.
  void add_leaf(Term leaf) { entries_.push_back({car(leaf), cdr(leaf), leaf, 0, 0, uint32_t(entries_.size())}); }
  size_t added() const { return entries_.size(); }

  // Orders the pairs and resolves duplicate keys: the one added last wins;
  // with reject_duplicates, returns false instead.
  bool finish(bool reject_duplicates);
  UWord size() const { return entries_.size(); }
  // Heap words build() needs (supplied leaves are not counted).
  UWord words() const { return words_; }
  Term build(Term* hp);

 private:
  struct Entry {
    Term key;
    Term value;
    Term leaf;
    uint32_t hash0;  // map_key_hash(key, 0)
    uint32_t sort0;  // hash0 with its nibbles reversed: sorts in path order
    uint32_t order;  // when added
  };
  unsigned slot(const Entry& e, unsigned level) const;
  bool resolve_run(size_t lo, size_t hi, bool reject, std::vector<Entry>& out);
  template <bool BUILD>
  Term make(size_t lo, size_t hi, unsigned level, Term** hp, UWord* words);

  std::vector<Entry> entries_;
  UWord words_ = 0;
};

}  // namespace bvm
