// persistent_term: a global key-value store read without copying.
//
// Each stored key and value is copied once into its own literal area;
// readers get terms pointing into it (like literals of loaded code, the GC
// never copies them). Replaced or erased entries keep their area alive:
// processes may still hold references and there is no literal purge yet
// (the reference collects them with a global GC; see the hot-loading issue).
//
// Lookups are by the key's hash under a shared lock; put and erase take it
// exclusively. Entries keep their insertion order for get/0.
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>
#include <vector>

#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "loader/literal_area.h"
#include "vm/atom_table.h"
#include "vm/compare.h"
#include "vm/copy.h"
#include "vm/map.h"

namespace bvm {

namespace {

struct Entry {
  Term key;
  Term value;
  std::unique_ptr<LiteralArea> area;
};

struct Store {
  std::shared_mutex mutex;
  std::vector<std::unique_ptr<Entry>> entries;    // live entries, in insertion order
  std::unordered_multimap<UWord, Entry*> index;  // by key_hash of the key
  std::vector<std::unique_ptr<LiteralArea>> retired;
};

Store& store() {
  static Store* s = new Store();
  return *s;
}

// A cheap hash that exactly equal terms share: immediates by their word,
// tuples by their elements (two levels deep), anything else alike. Keys
// are typically {Module, Name} tuples; hashing never allocates.
UWord key_hash(Term t, int depth = 2) {
  if (is_immed(t)) return t;
  if (!is_tuple(t) || depth == 0) return 1;
  UWord h = tuple_arity(t);
  for (UWord i = 1; i <= tuple_arity(t); i++) h = h * 31 + key_hash(tuple_elem(t, i), depth - 1);
  return h;
}

Entry* find_locked(Store& s, Term key) {
  auto range = s.index.equal_range(key_hash(key));
  for (auto it = range.first; it != range.second; ++it)
    if (term_eq_exact(it->second->key, key)) return it->second;
  return nullptr;
}

void unindex_locked(Store& s, Entry* e) {
  auto range = s.index.equal_range(key_hash(e->key));
  for (auto it = range.first; it != range.second; ++it) {
    if (it->second == e) {
      s.index.erase(it);
      return;
    }
  }
}

}  // namespace

BIF_FN(persistent_term_put_2) {
  (void)p;
  Store& s = store();
  auto e = std::make_unique<Entry>();
  e->area = std::make_unique<LiteralArea>();
  Term* hp = e->area->alloc(copy_size(args[0]) + copy_size(args[1]) + 1);
  e->key = copy_term(args[0], &hp, &e->area->offheap);
  e->value = copy_term(args[1], &hp, &e->area->offheap);
  std::unique_lock<std::shared_mutex> lock(s.mutex);
  if (Entry* old = find_locked(s, args[0])) {
    if (term_eq_exact(old->value, args[1])) return am::ok;
    // Replace in place: same key, same position in the order.
    std::swap(old->key, e->key);
    std::swap(old->value, e->value);
    std::swap(old->area, e->area);
    s.retired.push_back(std::move(e->area));
    return am::ok;
  }
  s.index.emplace(key_hash(e->key), e.get());
  s.entries.push_back(std::move(e));
  return am::ok;
}

BIF_FN(persistent_term_get_1) {
  Store& s = store();
  std::shared_lock<std::shared_mutex> lock(s.mutex);
  Entry* e = find_locked(s, args[0]);
  if (!e) return raise_badarg(p);
  return e->value;
}

BIF_FN(persistent_term_get_2) {
  (void)p;
  Store& s = store();
  std::shared_lock<std::shared_mutex> lock(s.mutex);
  Entry* e = find_locked(s, args[0]);
  return e ? e->value : args[1];
}

BIF_FN(persistent_term_get_0) {
  (void)args;
  Store& s = store();
  std::shared_lock<std::shared_mutex> lock(s.mutex);
  Term l = NIL;
  for (auto& e : s.entries) l = make_cons(p, make_tuple(p, {e->key, e->value}), l);
  return l;
}

BIF_FN(persistent_term_erase_1) {
  (void)p;
  Store& s = store();
  std::unique_lock<std::shared_mutex> lock(s.mutex);
  Entry* e = find_locked(s, args[0]);
  if (!e) return am::false_;
  unindex_locked(s, e);
  for (size_t i = 0; i < s.entries.size(); i++) {
    if (s.entries[i].get() == e) {
      s.retired.push_back(std::move(e->area));
      s.entries.erase(s.entries.begin() + long(i));
      break;
    }
  }
  return am::true_;
}

BIF_FN(persistent_term_info_0) {
  (void)args;
  Store& s = store();
  std::shared_lock<std::shared_mutex> lock(s.mutex);
  size_t words = 0;
  for (auto& e : s.entries) words += e->area->total_words();
  Term keys[2] = {atom_put("count"), atom_put("memory")};
  Term values[2] = {make_small(SWord(s.entries.size())), make_small(SWord(words * 8))};
  return map_from_pairs(p->halloc(flatmap_words(2)), keys, values, 2);
}

}  // namespace bvm
