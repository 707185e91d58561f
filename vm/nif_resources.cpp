#include "vm/nif_resources.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "vm/epoch.h"
#include "vm/identity.h"
#include "vm/process_table.h"
#include "vm/signals.h"

namespace bvm {

namespace {

constexpr uint32_t KIND_MARK = 0xFF00;  // low 16 bits of n[1]: KIND_MARK | kind

struct Key {
  uint32_t n[3];
  bool operator==(const Key& o) const { return n[0] == o.n[0] && n[1] == o.n[1] && n[2] == o.n[2]; }
};
struct KeyHash {
  size_t operator()(const Key& k) const {
    uint64_t h = (uint64_t(k.n[2]) << 32 | k.n[0]) * 0x9E3779B97F4A7C15ull;
    return size_t(h ^ (h >> 29) ^ k.n[1]);
  }
};

struct Entry {
  ResourcePtr obj;
  Term owner;
};

constexpr size_t SHARDS = 16;

struct RefShard {
  std::mutex lock;
  std::unordered_map<Key, Entry, KeyHash> map;
};
struct OwnerShard {
  std::mutex lock;
  std::unordered_map<Term, std::vector<Key>> map;
};

struct Table {
  std::array<RefShard, SHARDS> refs;
  std::array<OwnerShard, SHARDS> owners;
  std::atomic<size_t> count{0};
  std::atomic<uint64_t> next{1};
};

Table& table() {
  static Table* t = new Table();  // never destroyed: used until exit
  return *t;
}

RefShard& ref_shard(const Key& k) { return table().refs[KeyHash()(k) % SHARDS]; }
size_t owner_index(Term pid) { return size_t((pid >> 4) * 0x9E3779B97F4A7C15ull >> 60) % SHARDS; }
OwnerShard& owner_shard(Term pid) { return table().owners[owner_index(pid)]; }

// The key of a reference that was made for a resource of `kind`.
bool resource_key(Term ref, ResourceKind kind, Key* out) {
  RefNumbers r;
  if (!ref_term_numbers(ref, &r)) return false;
  if ((r.n[1] & 0xFFFF) != (KIND_MARK | uint32_t(kind))) return false;
  *out = Key{{r.n[0], r.n[1], r.n[2]}};
  return true;
}

bool any_resource_key(Term ref, Key* out) {
  RefNumbers r;
  if (!ref_term_numbers(ref, &r)) return false;
  if ((r.n[1] & 0xFF00) != KIND_MARK) return false;
  *out = Key{{r.n[0], r.n[1], r.n[2]}};
  return true;
}

void drop_owner_key(Term owner, const Key& k) {
  // Caller holds owner_shard(owner).lock.
  auto& map = owner_shard(owner).map;
  auto it = map.find(owner);
  if (it == map.end()) return;
  auto& v = it->second;
  auto pos = std::find(v.begin(), v.end(), k);
  if (pos != v.end()) {
    *pos = v.back();
    v.pop_back();
  }
  if (v.empty()) map.erase(it);
}

bool process_alive(Term pid) {
  EpochGuard guard;
  Process* q = process_table().lookup(pid);
  return q && q->state.load(std::memory_order_acquire) != ProcState::Exited;
}

// A fresh key, laid out like new_ref_numbers' (18 low bits, 14 bits, 32
// high bits), with the kind mark where those hold the scheduler id.
Key new_key(ResourceKind kind) {
  uint64_t c = table().next.fetch_add(1, std::memory_order_relaxed);
  return Key{{uint32_t(c & 0x3FFFF), (uint32_t(c) & ~uint32_t(0x3FFFF)) | KIND_MARK | uint32_t(kind),
              uint32_t(c >> 32)}};
}

// Takes the entry out of the ref shard; the caller releases it.
ResourcePtr take_entry(const Key& k, Term expected_owner) {
  RefShard& s = ref_shard(k);
  std::lock_guard<std::mutex> g(s.lock);
  auto it = s.map.find(k);
  if (it == s.map.end() || (expected_owner != NON_VALUE && it->second.owner != expected_owner)) return nullptr;
  ResourcePtr obj = std::move(it->second.obj);
  s.map.erase(it);
  table().count.fetch_sub(1, std::memory_order_relaxed);
  return obj;
}

}  // namespace

Term nif_resource_create(Process* p, Term owner, ResourcePtr r) {
  Key k = new_key(r->kind);
  {
    OwnerShard& os = owner_shard(owner);
    std::lock_guard<std::mutex> og(os.lock);
    {
      RefShard& s = ref_shard(k);
      std::lock_guard<std::mutex> g(s.lock);
      s.map.emplace(k, Entry{std::move(r), owner});
    }
    os.map[owner].push_back(k);
    table().count.fetch_add(1, std::memory_order_relaxed);
  }
  return make_ref_at(p->halloc(LOCAL_REF_WORDS), Sub::Ref, nullptr, k.n, 3);
}

Term nif_resource_create_unowned(Process* p, ResourcePtr r) {
  Key k = new_key(r->kind);
  {
    RefShard& s = ref_shard(k);
    std::lock_guard<std::mutex> g(s.lock);
    s.map.emplace(k, Entry{std::move(r), NIL});
  }
  table().count.fetch_add(1, std::memory_order_relaxed);
  return make_ref_at(p->halloc(LOCAL_REF_WORDS), Sub::Ref, nullptr, k.n, 3);
}

ResourceLookup nif_resource_get(Term ref, ResourceKind kind, ResourcePtr* out) {
  Key k;
  if (!resource_key(ref, kind, &k)) return ResourceLookup::NotOurs;
  RefShard& s = ref_shard(k);
  std::lock_guard<std::mutex> g(s.lock);
  auto it = s.map.find(k);
  if (it == s.map.end()) return ResourceLookup::Gone;
  *out = it->second.obj;
  return ResourceLookup::Found;
}

Term nif_resource_owner(Term ref) {
  Key k;
  if (!any_resource_key(ref, &k)) return NON_VALUE;
  RefShard& s = ref_shard(k);
  std::lock_guard<std::mutex> g(s.lock);
  auto it = s.map.find(k);
  return it == s.map.end() ? NON_VALUE : it->second.owner;
}

bool nif_resource_remove(Term ref) {
  Key k;
  if (!any_resource_key(ref, &k)) return false;
  ResourcePtr obj;
  for (;;) {
    Term owner = nif_resource_owner(ref);
    if (owner == NON_VALUE) return false;
    OwnerShard& os = owner_shard(owner);
    std::lock_guard<std::mutex> og(os.lock);
    obj = take_entry(k, owner);
    if (!obj) continue;  // its owner changed meanwhile (or it went): look again
    drop_owner_key(owner, k);
    break;
  }
  obj->released();
  return true;
}

bool nif_resource_set_owner(Term ref, Term new_owner) {
  Key k;
  if (!any_resource_key(ref, &k)) return false;
  for (;;) {
    Term old_owner = nif_resource_owner(ref);
    if (old_owner == NON_VALUE) return false;
    if (old_owner == new_owner) return true;
    size_t a = owner_index(old_owner), b = owner_index(new_owner);
    OwnerShard& first = table().owners[std::min(a, b)];
    OwnerShard& second = table().owners[std::max(a, b)];
    std::unique_lock<std::mutex> l1(first.lock);
    std::unique_lock<std::mutex> l2;
    if (a != b) l2 = std::unique_lock<std::mutex>(second.lock);
    bool moved = false, orphaned = false;
    ResourcePtr obj;
    {
      RefShard& s = ref_shard(k);
      std::lock_guard<std::mutex> g(s.lock);
      auto it = s.map.find(k);
      if (it == s.map.end()) return false;
      if (it->second.owner != old_owner) continue;  // changed meanwhile
      // Its exit hook takes the owner shard lock we hold, after the process
      // is marked Exited: either it sees the key we add, or we see Exited.
      if (process_alive(new_owner)) {
        it->second.owner = new_owner;
        moved = true;
      } else {
        obj = std::move(it->second.obj);
        s.map.erase(it);
        table().count.fetch_sub(1, std::memory_order_relaxed);
        orphaned = true;
      }
    }
    drop_owner_key(old_owner, k);
    if (moved) owner_shard(new_owner).map[new_owner].push_back(k);
    l2 = {};
    l1.unlock();
    if (orphaned) obj->released();
    return true;
  }
}

void nif_resources_process_exited(Process* p) {
  if (table().count.load(std::memory_order_relaxed) == 0) return;
  Term pid = p->id;
  std::vector<Key> keys;
  std::vector<ResourcePtr> released;
  {
    OwnerShard& os = owner_shard(pid);
    std::lock_guard<std::mutex> og(os.lock);
    auto it = os.map.find(pid);
    if (it == os.map.end()) return;
    keys = std::move(it->second);
    os.map.erase(it);
    for (const Key& k : keys)
      if (ResourcePtr obj = take_entry(k, pid)) released.push_back(std::move(obj));
  }
  for (ResourcePtr& obj : released) obj->released();
}

size_t nif_resource_count() { return table().count.load(std::memory_order_relaxed); }

}  // namespace bvm
