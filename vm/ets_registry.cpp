#include "vm/ets_registry.h"

#include <algorithm>
#include <mutex>
#include <unordered_map>

#include "vm/atom_table.h"
#include "vm/epoch.h"
#include "vm/identity.h"
#include "vm/process_table.h"
#include "vm/signals.h"

namespace bvm {

namespace {

// A lock-free readable array of table pointers, in segments made on first
// use (the segment table itself is zero-initialized static memory).
template <unsigned SEG_BITS, size_t NSEG>
class SlotArray {
 public:
  static constexpr size_t CAPACITY = NSEG << SEG_BITS;
  Table* get(size_t i) const {
    if (i >= CAPACITY) return nullptr;
    std::atomic<Table*>* seg = segs_[i >> SEG_BITS].load(std::memory_order_acquire);
    return seg ? seg[i & MASK].load(std::memory_order_acquire) : nullptr;
  }
  // Under the registry mutex.
  void set(size_t i, Table* t) {
    std::atomic<Table*>*& cache = made_[i >> SEG_BITS];
    if (!cache) {
      cache = new std::atomic<Table*>[SIZE]();
      segs_[i >> SEG_BITS].store(cache, std::memory_order_release);
    }
    cache[i & MASK].store(t, std::memory_order_release);
  }

 private:
  static constexpr size_t SIZE = size_t(1) << SEG_BITS;
  static constexpr size_t MASK = SIZE - 1;
  std::atomic<std::atomic<Table*>*> segs_[NSEG]{};
  std::atomic<Table*>* made_[NSEG]{};
};

SlotArray<12, size_t(1) << 14> g_slots;  // tables by slot: 2^26
SlotArray<12, size_t(1) << 19> g_names;  // named tables by atom index: 2^31

constexpr uint32_t ETS_REF_BIT = uint32_t(1) << 17;

RefNumbers ref_of(uint32_t slot, uint64_t serial) {
  return RefNumbers{{slot & 0x3FFFF, ETS_REF_BIT | ((slot >> 18) & 0xFFFF) | (uint32_t(serial & 0x3FFF) << 18),
                     uint32_t(serial >> 14)}};
}

struct Registry {
  std::mutex mutex;  // slots, names, ownership changes, deletions
  uint32_t next_slot = 0;
  std::vector<uint32_t> free_slots;
  uint64_t serial = 0;
};

Registry& registry() {
  static Registry* r = new Registry();
  return *r;
}

// Who owns and who fixes which tables, by pid, in shards (every exiting
// process looks itself up here).
struct FixRecord {
  uint32_t slot;
  RefNumbers ref;
};
struct Shard {
  std::mutex mutex;
  std::unordered_map<Term, std::vector<Table*>> owned;
  std::unordered_map<Term, std::vector<FixRecord>> fixing;
};
constexpr size_t SHARDS = 64;

Shard& shard_of(Term pid) {
  static Shard* shards = new Shard[SHARDS];
  return shards[(pid >> 4) % SHARDS];
}

void add_owned(Term pid, Table* t) {
  Shard& s = shard_of(pid);
  std::lock_guard<std::mutex> lock(s.mutex);
  s.owned[pid].push_back(t);
}

void remove_owned(Term pid, Table* t) {
  Shard& s = shard_of(pid);
  std::lock_guard<std::mutex> lock(s.mutex);
  auto it = s.owned.find(pid);
  if (it == s.owned.end()) return;
  auto& v = it->second;
  v.erase(std::remove(v.begin(), v.end(), t), v.end());
  if (v.empty()) s.owned.erase(it);
}

// Removes t from the registry and frees its objects. Holding the registry
// mutex and t's exclusive lock.
void unregister_locked(Registry& r, Table* t) {
  t->deleted = true;
  if (t->named && g_names.get(atom_index(t->name.load())) == t) g_names.set(atom_index(t->name.load()), nullptr);
  g_slots.set(t->slot, nullptr);
  r.free_slots.push_back(t->slot);
  t->store->clear();
  t->set_heir_data(NON_VALUE);
  t->fixers.clear();
}

void retire(Table* t) {
  epoch_retire([t] { delete t; });
}

// {'ETS-TRANSFER', Tid, From, Data} to `to` (t locked).
void send_transfer(Table* t, Term to, Term from, Term data) {
  Term buf[5 + LOCAL_REF_WORDS];
  Term tid = t->named ? t->name.load() : make_ref_at(buf + 5, Sub::Ref, nullptr, t->ref.n, 3);
  buf[0] = make_header(4, Sub::Tuple);
  buf[1] = atom_put("ETS-TRANSFER");
  buf[2] = tid;
  buf[3] = from;
  buf[4] = data;
  signal_send(to, signal_new(SigKind::Message, from, make_boxed(buf)));
}

// A table p may change (not deleted, p allowed to write); else *cause is
// the error_info cause (id or access). Caller holds t->lock.
bool writable_locked(Process* p, const Table* t, Term* cause) {
  if (t->deleted) {
    *cause = atom_put("id");
    return false;
  }
  if (!t->can_write(p->id)) {
    *cause = atom_put("access");
    return false;
  }
  return true;
}

}  // namespace

bool ets_process_alive(Term pid) {
  if (!is_local_pid(pid)) return false;
  Process* q = process_table().lookup(pid);
  return q && q->state.load(std::memory_order_acquire) != ProcState::Exited;
}

Table* ets_find(Term tid, TidError* err) {
  if (is_atom(tid)) {
    Table* t = g_names.get(atom_index(tid));
    *err = t ? TidError::None : TidError::Id;
    return t;
  }
  RefNumbers r;
  if (!ref_term_numbers(tid, &r) || !(r.n[1] & ETS_REF_BIT) || (r.n[1] & ALIAS_REF_BIT)) {
    *err = TidError::Type;
    return nullptr;
  }
  uint32_t slot = r.n[0] | ((r.n[1] & 0xFFFF) << 18);
  Table* t = g_slots.get(slot);
  if (!t || !(t->ref == r)) {
    *err = TidError::Id;
    return nullptr;
  }
  *err = TidError::None;
  return t;
}

Term ets_ref_term(Process* p, const Table* t) { return make_ref_term(p, t->ref); }

Term ets_tid_term(Process* p, const Table* t) { return t->named ? t->name.load() : ets_ref_term(p, t); }

bool ets_register(Table* t, Process* owner) {
  Registry& r = registry();
  {
    std::lock_guard<std::mutex> lock(r.mutex);
    Term name = t->name.load();
    if (t->named && g_names.get(atom_index(name))) return false;
    uint32_t slot;
    if (!r.free_slots.empty()) {
      slot = r.free_slots.back();
      r.free_slots.pop_back();
    } else {
      if (r.next_slot >= g_slots.CAPACITY) return false;
      slot = r.next_slot++;
    }
    t->slot = slot;
    t->ref = ref_of(slot, ++r.serial);
    t->owner.store(owner->id);
    add_owned(owner->id, t);
    g_slots.set(slot, t);
    if (t->named) g_names.set(atom_index(name), t);
  }
  return true;
}

bool ets_delete(Process* p, Table* t, Term* cause) {
  Registry& r = registry();
  std::lock_guard<std::mutex> rlock(r.mutex);
  {
    std::unique_lock<std::shared_mutex> lock(t->lock);
    if (!writable_locked(p, t, cause)) return false;
    unregister_locked(r, t);
  }
  remove_owned(t->owner.load(), t);
  retire(t);
  return true;
}

bool ets_rename(Process* p, Table* t, Term name, Term* cause) {
  Registry& r = registry();
  std::lock_guard<std::mutex> rlock(r.mutex);
  std::unique_lock<std::shared_mutex> lock(t->lock);
  if (!writable_locked(p, t, cause)) return false;
  if (t->named) {
    if (g_names.get(atom_index(name))) {
      *cause = NON_VALUE;
      return false;
    }
    g_names.set(atom_index(t->name.load()), nullptr);
    g_names.set(atom_index(name), t);
  }
  t->name.store(name);
  return true;
}

GiveAway ets_give_away(Process* p, Table* t, Term to, Term gift) {
  Registry& r = registry();
  std::lock_guard<std::mutex> rlock(r.mutex);
  std::unique_lock<std::shared_mutex> lock(t->lock);
  if (t->deleted) return GiveAway::Id;
  if (!t->can_write(p->id)) return GiveAway::Access;
  if (!ets_process_alive(to)) return GiveAway::NotAlive;
  if (t->owner.load() != p->id) return GiveAway::NotOwner;
  if (to == p->id) return GiveAway::AlreadyOwner;
  // `to` looks for its tables under its shard's lock when it exits, after
  // marking itself exited: alive now, it will see this one.
  {
    Shard& s = shard_of(to);
    std::lock_guard<std::mutex> slock(s.mutex);
    if (!ets_process_alive(to)) return GiveAway::NotAlive;
    s.owned[to].push_back(t);
    t->owner.store(to);
  }
  remove_owned(p->id, t);
  send_transfer(t, to, p->id, gift);
  return GiveAway::Ok;
}

void ets_note_fixer(Table* t, Term pid, bool fixing) {
  Shard& s = shard_of(pid);
  std::lock_guard<std::mutex> lock(s.mutex);
  if (fixing) {
    s.fixing[pid].push_back({t->slot, t->ref});
    return;
  }
  auto it = s.fixing.find(pid);
  if (it == s.fixing.end()) return;
  auto& v = it->second;
  auto rec = std::find_if(v.begin(), v.end(), [&](const FixRecord& f) { return f.slot == t->slot && f.ref == t->ref; });
  if (rec != v.end()) v.erase(rec);
  if (v.empty()) s.fixing.erase(it);
}

std::vector<Table*> ets_all_tables() {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  std::vector<Table*> all;
  for (uint32_t i = 0; i < r.next_slot; i++)
    if (Table* t = g_slots.get(i)) all.push_back(t);
  return all;
}

void ets_process_exited(Process* p) {
  std::vector<Table*> owned;
  std::vector<FixRecord> fixing;
  {
    Shard& s = shard_of(p->id);
    std::lock_guard<std::mutex> lock(s.mutex);
    if (auto it = s.owned.find(p->id); it != s.owned.end()) {
      owned.swap(it->second);
      s.owned.erase(it);
    }
    if (auto it = s.fixing.find(p->id); it != s.fixing.end()) {
      fixing.swap(it->second);
      s.fixing.erase(it);
    }
  }
  for (const FixRecord& f : fixing) {
    Table* t = g_slots.get(f.slot);
    if (!t || !(t->ref == f.ref)) continue;
    std::unique_lock<std::shared_mutex> lock(t->lock);
    if (!t->deleted) t->unfix(p->id, true);
  }
  if (owned.empty()) return;
  Registry& r = registry();
  std::lock_guard<std::mutex> rlock(r.mutex);
  for (Table* t : owned) {
    std::unique_lock<std::shared_mutex> lock(t->lock);
    if (t->deleted || t->owner.load() != p->id) continue;
    Term heir = t->heir.load();
    if (is_local_pid(heir) && heir != p->id) {
      Shard& s = shard_of(heir);
      std::lock_guard<std::mutex> slock(s.mutex);
      if (ets_process_alive(heir)) {
        s.owned[heir].push_back(t);
        t->owner.store(heir);
        Term data = t->heir_data_term();
        send_transfer(t, heir, p->id, data == NON_VALUE ? am::undefined : data);
        continue;
      }
    }
    unregister_locked(r, t);
    lock.unlock();
    retire(t);
  }
}

}  // namespace bvm
