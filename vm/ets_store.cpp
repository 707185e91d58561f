#include "vm/ets_store.h"

#include <algorithm>
#include <iterator>

#include "vm/compare.h"

namespace bvm {

// ---------------------------------------------------------------- hash tables

namespace {

constexpr size_t MIN_BUCKETS = 16;

inline bool same_key(const DbObj* a, const DbObj* b) { return a->hash == b->hash && ets_key_eq(a->key, b->key); }
inline bool has_key(const DbObj* o, Term key, uint64_t hash) { return o->hash == hash && ets_key_eq(o->key, key); }

}  // namespace

HashStore::HashStore(TabType type) : type_(type), buckets_(MIN_BUCKETS, nullptr) {}

HashStore::~HashStore() {
  for (DbObj* b : buckets_) {
    while (b) {
      DbObj* n = b->next;
      DbObj::destroy(b);
      b = n;
    }
  }
}

size_t HashStore::memory_bytes() const {
  return sizeof(*this) + buckets_.size() * sizeof(DbObj*) + bytes_ + dead_.capacity() * sizeof(DbObj*);
}

DbObj* HashStore::find(Term key) const {
  uint64_t h = ets_hash(key);
  for (DbObj* o = buckets_[bucket_of(h)]; o; o = o->next) {
    if (!has_key(o, key, h)) continue;
    // The objects of a key are adjacent: the first live one of the group.
    for (; o && has_key(o, key, h); o = o->next)
      if (!o->dead) return o;
    return nullptr;
  }
  return nullptr;
}

DbObj* HashStore::next_same_key(const DbObj* o) const {
  for (DbObj* n = o->next; n && same_key(n, o); n = n->next)
    if (!n->dead) return n;
  return nullptr;
}

Store::Put HashStore::insert(DbObj* o) {
  DbObj** link = &buckets_[bucket_of(o->hash)];
  while (*link && !same_key(*link, o)) link = &(*link)->next;
  if (!*link) {  // a new key: at the front of its chain
    DbObj** head = &buckets_[bucket_of(o->hash)];
    o->next = *head;
    *head = o;
    live_++;
    bytes_ += o->bytes();
    maybe_grow();
    return Put::Added;
  }
  if (type_ == TabType::Set) {
    DbObj* old = *link;
    o->next = old->next;
    *link = o;
    bytes_ += o->bytes();
    bytes_ -= old->bytes();
    bool was_dead = old->dead;
    if (was_dead) {
      live_++;
      dead_.erase(std::find(dead_.begin(), dead_.end(), old));
    }
    DbObj::destroy(old);
    return was_dead ? Put::Added : Put::Replaced;
  }
  // Bags: after the last object of the key (a bag holds no two equal live objects).
  DbObj** last = link;
  for (DbObj** l = link; *l && same_key(*l, o); l = &(*l)->next) {
    if (type_ == TabType::Bag && !(*l)->dead && term_eq_exact((*l)->tuple, o->tuple)) {
      DbObj::destroy(o);
      return Put::Duplicate;
    }
    last = l;
  }
  o->next = (*last)->next;
  (*last)->next = o;
  live_++;
  bytes_ += o->bytes();
  maybe_grow();
  return Put::Added;
}

DbObj** HashStore::link_of(DbObj* o) {
  DbObj** link = &buckets_[bucket_of(o->hash)];
  while (*link != o) link = &(*link)->next;
  return link;
}

// Removes the live object at *link: marks it dead while fixed, else frees it.
void HashStore::unlink_or_kill(DbObj** link) {
  DbObj* o = *link;
  live_--;
  if (fixed_) {
    o->dead = true;
    dead_.push_back(o);
    return;
  }
  *link = o->next;
  bytes_ -= o->bytes();
  DbObj::destroy(o);
}

size_t HashStore::erase_key(Term key) {
  uint64_t h = ets_hash(key);
  DbObj** link = &buckets_[bucket_of(h)];
  while (*link && !has_key(*link, key, h)) link = &(*link)->next;
  size_t n = 0;
  while (*link && has_key(*link, key, h)) {
    if ((*link)->dead) {
      link = &(*link)->next;
      continue;
    }
    DbObj* o = *link;
    unlink_or_kill(link);
    n++;
    if (*link == o) link = &o->next;  // kept (dead)
  }
  if (n) maybe_shrink();
  return n;
}

void HashStore::erase(DbObj* o) {
  unlink_or_kill(link_of(o));
  maybe_shrink();
}

void HashStore::replace(DbObj* o, DbObj* n) {
  DbObj** link = link_of(o);
  n->next = o->next;
  n->hash = o->hash;
  *link = n;
  bytes_ += n->bytes();
  bytes_ -= o->bytes();
  DbObj::destroy(o);
}

size_t HashStore::clear() {
  size_t n = live_;
  if (fixed_) {
    for (DbObj* b : buckets_)
      for (; b; b = b->next)
        if (!b->dead) {
          b->dead = true;
          dead_.push_back(b);
        }
    live_ = 0;
    return n;
  }
  for (DbObj*& b : buckets_) {
    while (b) {
      DbObj* next = b->next;
      DbObj::destroy(b);
      b = next;
    }
  }
  buckets_.assign(MIN_BUCKETS, nullptr);
  buckets_.shrink_to_fit();
  live_ = 0;
  bytes_ = 0;
  return n;
}

DbObj* HashStore::first_live_from(size_t b, DbObj* o) const {
  for (;;) {
    for (; o; o = o->next)
      if (!o->dead) return o;
    if (++b >= buckets_.size()) return nullptr;
    o = buckets_[b];
  }
}

DbObj* HashStore::first() const { return first_live_from(0, buckets_[0]); }

bool HashStore::next(Term key, DbObj** out) const {
  uint64_t h = ets_hash(key);
  size_t b = bucket_of(h);
  DbObj* o = buckets_[b];
  while (o && !has_key(o, key, h)) o = o->next;
  if (!o) return false;
  while (o && has_key(o, key, h)) o = o->next;
  *out = first_live_from(b, o);
  return true;
}

void HashStore::unfix() {
  fixed_ = false;
  for (DbObj* d : dead_) {
    DbObj** link = link_of(d);
    *link = d->next;
    bytes_ -= d->bytes();
    DbObj::destroy(d);
  }
  dead_.clear();
  dead_.shrink_to_fit();
  maybe_grow();
  maybe_shrink();
}

void HashStore::resize(size_t n) {
  std::vector<DbObj*> fresh(n, nullptr);
  std::vector<DbObj**> tails(n);
  for (size_t i = 0; i < n; i++) tails[i] = &fresh[i];
  // Chains keep their order, so the objects of a key stay together and in order.
  for (DbObj* o : buckets_) {
    while (o) {
      DbObj* next = o->next;
      size_t b = size_t(o->hash) & (n - 1);
      o->next = nullptr;
      *tails[b] = o;
      tails[b] = &o->next;
      o = next;
    }
  }
  buckets_.swap(fresh);
}

void HashStore::maybe_grow() {
  if (!fixed_ && live_ + dead_.size() > buckets_.size()) resize(buckets_.size() * 2);
}

void HashStore::maybe_shrink() {
  if (fixed_) return;
  size_t n = buckets_.size();
  while (n > MIN_BUCKETS && live_ < n / 4) n /= 2;
  if (n != buckets_.size()) resize(n);
}

// ---------------------------------------------------------------- ordered sets

namespace {

// *done: a wildcard was reached (nothing after it counts).
int partial_cmp(Term a, Term b, bool* done, unsigned depth) {
  if (is_catch(a) || depth > 64) {  // too deep: as good as a wildcard (a wider range)
    *done = true;
    return 0;
  }
  if (a == b) return 0;
  if (is_tuple(a) && is_tuple(b)) {
    UWord n = tuple_arity(a), m = tuple_arity(b);
    if (n != m) return n < m ? -1 : 1;
    for (UWord i = 1; i <= n; i++) {
      int c = partial_cmp(tuple_elem(a, i), tuple_elem(b, i), done, depth + 1);
      if (c || *done) return c;
    }
    return 0;
  }
  if (is_list(a) && is_list(b)) {
    for (;;) {
      int c = partial_cmp(car(a), car(b), done, depth + 1);
      if (c || *done) return c;
      a = cdr(a);
      b = cdr(b);
      if (!is_list(a) || !is_list(b)) return partial_cmp(a, b, done, depth + 1);
    }
  }
  return ets_key_cmp(a, b);
}

}  // namespace

int ets_partial_cmp(Term pattern, Term key) {
  bool done = false;
  return partial_cmp(pattern, key, &done, 0);
}

TreeStore::~TreeStore() {
  for (DbObj* o : set_) DbObj::destroy(o);
}

// A node of std::set: three pointers and a colour besides the element.
constexpr size_t TREE_NODE_BYTES = 4 * sizeof(void*) + sizeof(DbObj*);

size_t TreeStore::memory_bytes() const { return sizeof(*this) + bytes_ + set_.size() * TREE_NODE_BYTES; }

DbObj* TreeStore::find(Term key) const {
  auto it = set_.find(KeyOrder::Key{key});
  return it == set_.end() ? nullptr : *it;
}

Store::Put TreeStore::insert(DbObj* o) {
  auto [it, added] = set_.insert(o);
  bytes_ += o->bytes();
  if (added) return Put::Added;
  // The same key (==): the new object takes the old one's place.
  DbObj* old = *it;
  bytes_ -= old->bytes();
  const_cast<DbObj*&>(*it) = o;
  DbObj::destroy(old);
  return Put::Replaced;
}

size_t TreeStore::erase_key(Term key) {
  auto it = set_.find(KeyOrder::Key{key});
  if (it == set_.end()) return 0;
  DbObj* o = *it;
  set_.erase(it);
  bytes_ -= o->bytes();
  DbObj::destroy(o);
  return 1;
}

void TreeStore::erase(DbObj* o) {
  set_.erase(o);
  bytes_ -= o->bytes();
  DbObj::destroy(o);
}

void TreeStore::replace(DbObj* o, DbObj* n) {
  auto it = set_.find(o);
  const_cast<DbObj*&>(*it) = n;
  bytes_ += n->bytes();
  bytes_ -= o->bytes();
  DbObj::destroy(o);
}

size_t TreeStore::clear() {
  size_t n = set_.size();
  for (DbObj* o : set_) DbObj::destroy(o);
  set_.clear();
  bytes_ = 0;
  return n;
}

bool TreeStore::next(Term key, DbObj** out) const {
  auto it = set_.upper_bound(KeyOrder::Key{key});
  *out = it == set_.end() ? nullptr : *it;
  return true;
}

bool TreeStore::prev(Term key, DbObj** out) const {
  auto it = set_.lower_bound(KeyOrder::Key{key});
  *out = it == set_.begin() ? nullptr : *std::prev(it);
  return true;
}

DbObj* TreeStore::nth(size_t n) const {
  if (n >= set_.size()) return nullptr;
  // From the nearer end.
  if (n < set_.size() / 2) return *std::next(set_.begin(), long(n));
  return *std::prev(set_.end(), long(set_.size() - n));
}

}  // namespace bvm
