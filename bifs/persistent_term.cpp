// persistent_term: a global key-value store read without copying.
//
// Each stored key and value is copied once into its own literal area;
// readers get terms pointing into it (like literals of loaded code, the GC
// never copies them). The area of an erased or replaced entry is released
// through erts_literal_area_collector (vm/literal_release.h): processes
// still using its terms copy them to their heaps first.
//
// The table is the reference's: open addressing with linear probing on the
// internal hash of the key, 8 slots at first, doubled before an insert
// would fill half of it, halved when an erase starts at a quarter full or
// less. persistent_term:info/0 counts its slots, and
// erts_debug:get_internal_state(persistent_term) reports their number.
// Lookups take a shared lock; put and erase take it exclusively.
#include <algorithm>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <vector>

#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "loader/literal_area.h"
#include "vm/atom_table.h"
#include "vm/compare.h"
#include "vm/copy.h"
#include "vm/literal_release.h"
#include "vm/map.h"
#include "vm/term_hash.h"

namespace bvm {

namespace {

struct Entry {
  Term key;
  Term value;
  std::unique_ptr<LiteralArea> area;
};

constexpr size_t INITIAL_SLOTS = 8;

struct Store {
  std::shared_mutex mutex;
  std::vector<Entry*> slots = std::vector<Entry*>(INITIAL_SLOTS, nullptr);  // a power of two
  size_t count = 0;
  size_t entry_bytes = 0;  // what the entries take (see entry_bytes())
};

Store& store() {
  static Store* s = new Store();
  return *s;
}

size_t home_slot(const Store& s, Term key) { return term_internal_hash(key, 0) & (s.slots.size() - 1); }

// The slot holding `key`, or the free slot where it would go.
size_t find_slot(const Store& s, Term key) {
  size_t mask = s.slots.size() - 1;
  size_t i = home_slot(s, key);
  while (s.slots[i] && !term_eq_exact(s.slots[i]->key, key)) i = (i + 1) & mask;
  return i;
}

Entry* find(const Store& s, Term key) { return s.slots[find_slot(s, key)]; }

// Memory of one entry: its bookkeeping and its literal area.
size_t entry_bytes(const Entry* e) {
  return sizeof(Entry) + sizeof(LiteralArea) + e->area->total_words() * sizeof(Term);
}

void resize(Store& s, size_t slots) {
  std::vector<Entry*> old(slots, nullptr);
  old.swap(s.slots);
  for (Entry* e : old)
    if (e) s.slots[find_slot(s, e->key)] = e;
}

// Empties slot i, moving later entries of the same probe run back so that
// every entry stays reachable from its home slot.
void remove_slot(Store& s, size_t i) {
  size_t mask = s.slots.size() - 1;
  s.slots[i] = nullptr;
  for (size_t j = (i + 1) & mask; s.slots[j]; j = (j + 1) & mask) {
    size_t home = home_slot(s, s.slots[j]->key);
    // Entry j may move to the hole at i unless its home lies cyclically in (i, j].
    bool home_in_between = i <= j ? (home > i && home <= j) : (home > i || home <= j);
    if (!home_in_between) {
      s.slots[i] = s.slots[j];
      s.slots[j] = nullptr;
      i = j;
    }
  }
}

// get/0 and info/0 visit every slot: reductions by the work done, as the
// reference counts them, so that other processes get their turn.
void charge(Process* p, size_t slots) {
  constexpr size_t SLOTS_PER_RED = 10;
  p->fcalls -= int(std::min<size_t>(slots / SLOTS_PER_RED, CONTEXT_REDS));
}

void release(Process* p, std::unique_ptr<Entry> e) { literal_area_release(p->id, std::move(e->area)); }

}  // namespace

BIF_FN(persistent_term_put_2) {
  Store& s = store();
  auto e = std::make_unique<Entry>();
  e->area = std::make_unique<LiteralArea>(0);  // one block of the size of the copy
  // One copy of {Key, Value} that keeps the sharing within (and between) them.
  SharedCopy c{[](const Term*) { return true; }};
  Term pair = make_tuple(p, {args[0], args[1]});
  Term* hp = e->area->alloc(c.size(pair));
  pair = c.copy(pair, &hp, &e->area->offheap);
  e->key = tuple_elem(pair, 1);
  e->value = tuple_elem(pair, 2);
  std::unique_lock<std::shared_mutex> lock(s.mutex);
  size_t i = find_slot(s, args[0]);
  if (Entry* old = s.slots[i]) {
    if (term_eq_exact(old->value, args[1])) return am::ok;
    s.entry_bytes -= entry_bytes(old);
    s.entry_bytes += entry_bytes(e.get());
    s.slots[i] = e.release();
    lock.unlock();
    release(p, std::unique_ptr<Entry>(old));
    return am::ok;
  }
  if (2 * s.count >= s.slots.size()) {
    resize(s, 2 * s.slots.size());
    i = find_slot(s, args[0]);
  }
  s.count++;
  s.entry_bytes += entry_bytes(e.get());
  s.slots[i] = e.release();
  return am::ok;
}

BIF_FN(persistent_term_get_1) {
  Store& s = store();
  std::shared_lock<std::shared_mutex> lock(s.mutex);
  Entry* e = find(s, args[0]);
  if (!e) return raise_badarg(p);
  return e->value;
}

BIF_FN(persistent_term_get_2) {
  (void)p;
  Store& s = store();
  std::shared_lock<std::shared_mutex> lock(s.mutex);
  Entry* e = find(s, args[0]);
  return e ? e->value : args[1];
}

BIF_FN(persistent_term_get_0) {
  (void)args;
  Store& s = store();
  std::shared_lock<std::shared_mutex> lock(s.mutex);
  Term l = NIL;
  for (size_t i = s.slots.size(); i-- > 0;)
    if (Entry* e = s.slots[i]) l = make_cons(p, make_tuple(p, {e->key, e->value}), l);
  charge(p, s.slots.size());
  return l;
}

BIF_FN(persistent_term_erase_1) {
  Store& s = store();
  std::unique_lock<std::shared_mutex> lock(s.mutex);
  size_t i = find_slot(s, args[0]);
  Entry* e = s.slots[i];
  if (!e) return am::false_;
  bool shrink = 4 * s.count <= s.slots.size() && s.slots.size() > INITIAL_SLOTS;
  remove_slot(s, i);
  s.count--;
  s.entry_bytes -= entry_bytes(e);
  if (shrink) resize(s, s.slots.size() / 2);
  lock.unlock();
  release(p, std::unique_ptr<Entry>(e));
  return am::true_;
}

// #{count => Entries, memory => Bytes}: the table and the entries.
BIF_FN(persistent_term_info_0) {
  (void)args;
  Store& s = store();
  std::shared_lock<std::shared_mutex> lock(s.mutex);
  charge(p, s.slots.size());
  size_t bytes = sizeof(Store) + s.slots.size() * sizeof(Entry*) + s.entry_bytes;
  Term keys[2] = {atom_put("count"), atom_put("memory")};
  Term values[2] = {make_uinteger(p, s.count), make_uinteger(p, bytes)};
  return map_from_pairs(p->halloc(flatmap_words(2)), keys, values, 2);
}

// erts_debug:get_internal_state(persistent_term): #{table => Slots}.
Term persistent_term_debug_info(Process* p) {
  Store& s = store();
  size_t slots;
  {
    std::shared_lock<std::shared_mutex> lock(s.mutex);
    slots = s.slots.size();
  }
  Term key = atom_put("table");
  Term value = make_uinteger(p, slots);
  return map_from_pairs(p->halloc(flatmap_words(1)), &key, &value, 1);
}

}  // namespace bvm
