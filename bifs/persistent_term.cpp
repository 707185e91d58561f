// persistent_term: a global key-value store read without copying.
//
// Each stored key and value is copied once into its own literal area;
// readers get terms pointing into it (like literals of loaded code, the GC
// never copies them). Replaced or erased entries keep their area alive:
// processes may still hold references and there is no literal purge yet
// (the reference collects them with a global GC; see the hot-loading issue).
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "loader/literal_area.h"
#include "vm/atom_table.h"
#include "vm/compare.h"
#include "vm/copy.h"

namespace bvm {

namespace {

struct Entry {
  Term key;
  UWord hash;  // key_hash(key)
  Term value;
  std::unique_ptr<LiteralArea> area;
};

struct Store {
  std::mutex mutex;
  std::vector<std::unique_ptr<Entry>> entries;    // live entries
  std::vector<std::unique_ptr<LiteralArea>> retired;
};

Store& store() {
  static Store* s = new Store();
  return *s;
}

// A cheap hash that exactly equal terms share: immediates by their word,
// tuples by their elements (two levels deep), anything else alike. It
// spares most full comparisons of keys (typically {Module, Name} tuples).
UWord key_hash(Term t, int depth = 2) {
  if (is_immed(t)) return t;
  if (!is_tuple(t) || depth == 0) return 1;
  UWord h = tuple_arity(t);
  for (UWord i = 1; i <= tuple_arity(t); i++) h = h * 31 + key_hash(tuple_elem(t, i), depth - 1);
  return h;
}

Entry* find_locked(Store& s, Term key) {
  UWord h = key_hash(key);
  for (auto& e : s.entries)
    if (e->hash == h && term_eq_exact(e->key, key)) return e.get();
  return nullptr;
}

}  // namespace

BIF_FN(persistent_term_put_2) {
  (void)p;
  Store& s = store();
  auto e = std::make_unique<Entry>();
  e->area = std::make_unique<LiteralArea>();
  Term* hp = e->area->alloc(copy_size(args[0]) + copy_size(args[1]) + 1);
  e->key = copy_term(args[0], &hp, &e->area->offheap);
  e->hash = key_hash(e->key);
  e->value = copy_term(args[1], &hp, &e->area->offheap);
  std::lock_guard<std::mutex> lock(s.mutex);
  for (auto& old : s.entries) {
    if (term_eq_exact(old->key, args[0])) {
      if (term_eq_exact(old->value, args[1])) return am::ok;
      s.retired.push_back(std::move(old->area));
      old = std::move(e);
      return am::ok;
    }
  }
  s.entries.push_back(std::move(e));
  return am::ok;
}

BIF_FN(persistent_term_get_1) {
  Store& s = store();
  std::lock_guard<std::mutex> lock(s.mutex);
  Entry* e = find_locked(s, args[0]);
  if (!e) return raise_badarg(p);
  return e->value;
}

BIF_FN(persistent_term_get_2) {
  (void)p;
  Store& s = store();
  std::lock_guard<std::mutex> lock(s.mutex);
  Entry* e = find_locked(s, args[0]);
  return e ? e->value : args[1];
}

BIF_FN(persistent_term_get_0) {
  (void)args;
  Store& s = store();
  std::lock_guard<std::mutex> lock(s.mutex);
  Term l = NIL;
  for (auto& e : s.entries) l = make_cons(p, make_tuple(p, {e->key, e->value}), l);
  return l;
}

BIF_FN(persistent_term_erase_1) {
  (void)p;
  Store& s = store();
  std::lock_guard<std::mutex> lock(s.mutex);
  for (size_t i = 0; i < s.entries.size(); i++) {
    if (term_eq_exact(s.entries[i]->key, args[0])) {
      s.retired.push_back(std::move(s.entries[i]->area));
      s.entries.erase(s.entries.begin() + long(i));
      return am::true_;
    }
  }
  return am::false_;
}

BIF_FN(persistent_term_info_0) {
  (void)args;
  Store& s = store();
  std::lock_guard<std::mutex> lock(s.mutex);
  size_t words = 0;
  for (auto& e : s.entries) words += e->area->total_words();
  Term count = make_tuple(p, {atom_put("count"), make_small(SWord(s.entries.size()))});
  Term memory = make_tuple(p, {atom_put("memory"), make_small(SWord(words * 8))});
  return make_cons(p, count, make_cons(p, memory, NIL));
}

}  // namespace bvm
