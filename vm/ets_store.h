// ETS table storage: a hash table (set, bag, duplicate_bag) or a search
// tree (ordered_set) of DbObj (vm/ets_object.h).
//
// A store does no locking: the table (vm/ets_table.h) holds its lock
// around every call, shared for the const methods and exclusive for the
// others.
//
// Hash tables keep the objects of one key next to each other in a bucket
// chain, in insertion order (so lookups on bags return them in that order,
// as the reference does). While a hash table is fixed (safe_fixtable, or a
// traversal in progress) deleted objects stay in their chain marked dead
// and the table does not resize, so a traversal with first/next visits
// every object once; the dead ones go when the last fixation ends.
#pragma once

#include <cstddef>
#include <set>
#include <vector>

#include "vm/ets_object.h"

namespace bvm {

enum class TabType : uint8_t { Set, OrderedSet, Bag, DuplicateBag };

class Store {
 public:
  virtual ~Store() = default;
  virtual size_t size() const = 0;          // live objects
  virtual size_t memory_bytes() const = 0;  // objects and structure

  // The first live object with `key`; for bags the others follow
  // (next_same_key), in lookup order.
  virtual DbObj* find(Term key) const = 0;
  virtual DbObj* next_same_key(const DbObj* o) const = 0;

  enum class Put { Added, Replaced, Duplicate };
  // Stores `o` (taking it over; a duplicate in a bag is destroyed).
  virtual Put insert(DbObj* o) = 0;
  // Removes every object with `key`; returns how many.
  virtual size_t erase_key(Term key) = 0;
  // Removes `o` (a live object of this store).
  virtual void erase(DbObj* o) = 0;
  // Puts `n` (same key) where `o` is and destroys `o`.
  virtual void replace(DbObj* o, DbObj* n) = 0;
  // Removes everything; returns how many live objects there were.
  virtual size_t clear() = 0;

  // Traversal by key (first/next/last/prev): nullptr at the end. next and
  // prev return false when a hash table does not hold `key` at all.
  virtual DbObj* first() const = 0;
  virtual DbObj* last() const = 0;
  virtual bool next(Term key, DbObj** out) const = 0;
  virtual bool prev(Term key, DbObj** out) const = 0;

  // Fixation (hash tables care): fix() when the first fixation starts,
  // unfix() when the last ends.
  virtual void fix() {}
  virtual void unfix() {}
};

class HashStore final : public Store {
 public:
  HashStore(TabType type);
  ~HashStore() override;
  size_t size() const override { return live_; }
  size_t memory_bytes() const override;
  DbObj* find(Term key) const override;
  DbObj* next_same_key(const DbObj* o) const override;
  Put insert(DbObj* o) override;
  size_t erase_key(Term key) override;
  void erase(DbObj* o) override;
  void replace(DbObj* o, DbObj* n) override;
  size_t clear() override;
  DbObj* first() const override;
  DbObj* last() const override { return first(); }
  bool next(Term key, DbObj** out) const override;
  bool prev(Term key, DbObj** out) const override { return next(key, out); }
  void fix() override { fixed_ = true; }
  void unfix() override;

  // Buckets, for slot/2 and select: chains may hold dead objects.
  size_t bucket_count() const { return buckets_.size(); }
  DbObj* bucket(size_t i) const { return buckets_[i]; }
  size_t bucket_of(uint64_t hash) const { return size_t(hash) & (buckets_.size() - 1); }

 private:
  DbObj** link_of(DbObj* o);  // the pointer in its chain that points to o
  void unlink_or_kill(DbObj** link);
  void resize(size_t n);
  void maybe_grow();
  void maybe_shrink();
  DbObj* first_live_from(size_t bucket, DbObj* o) const;

  TabType type_;
  std::vector<DbObj*> buckets_;
  size_t live_ = 0;
  size_t bytes_ = 0;  // object bytes, dead ones included
  bool fixed_ = false;
  std::vector<DbObj*> dead_;
};

// A key pattern against a key for ordered_set ranges: a partly bound key
// (catch immediates are wildcards: see vm/match_spec.h) compares as 0
// with every key it could match, and the keys it could match are
// contiguous in term order. Term order is compared up to the first
// wildcard (depth first); what follows it does not count.
int ets_partial_cmp(Term pattern, Term key);

// Orders objects by key (term order, 1 == 1.0); finds by key or by the
// range of a partly bound key.
struct KeyOrder {
  using is_transparent = void;
  struct Key {
    Term t;
  };
  struct Partial {
    Term pattern;
  };
  bool operator()(const DbObj* a, const DbObj* b) const { return ets_key_cmp(a->key, b->key) < 0; }
  bool operator()(const DbObj* a, Key b) const { return ets_key_cmp(a->key, b.t) < 0; }
  bool operator()(Key a, const DbObj* b) const { return ets_key_cmp(a.t, b->key) < 0; }
  bool operator()(const DbObj* a, Partial b) const { return ets_partial_cmp(b.pattern, a->key) > 0; }
  bool operator()(Partial a, const DbObj* b) const { return ets_partial_cmp(a.pattern, b->key) < 0; }
};

class TreeStore final : public Store {
 public:
  using Set = std::set<DbObj*, KeyOrder>;
  ~TreeStore() override;
  size_t size() const override { return set_.size(); }
  size_t memory_bytes() const override;
  DbObj* find(Term key) const override;
  DbObj* next_same_key(const DbObj*) const override { return nullptr; }
  Put insert(DbObj* o) override;
  size_t erase_key(Term key) override;
  void erase(DbObj* o) override;
  void replace(DbObj* o, DbObj* n) override;
  size_t clear() override;
  DbObj* first() const override { return set_.empty() ? nullptr : *set_.begin(); }
  DbObj* last() const override { return set_.empty() ? nullptr : *set_.rbegin(); }
  bool next(Term key, DbObj** out) const override;
  bool prev(Term key, DbObj** out) const override;

  // For slot/2 and select.
  const Set& objects() const { return set_; }
  // The n-th object (0-based) or nullptr.
  DbObj* nth(size_t n) const;

 private:
  Set set_;
  size_t bytes_ = 0;
};

}  // namespace bvm
