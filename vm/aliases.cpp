#include "vm/aliases.h"

#include <mutex>
#include <unordered_map>

namespace bvm {

namespace {

constexpr size_t SHARDS = 64;

struct Shard {
  std::mutex lock;
  std::unordered_map<uint64_t, std::pair<uint32_t, Term>> routes;  // key -> (n[2], owner)
};

Shard* shards() {
  static Shard* s = new Shard[SHARDS];
  return s;
}

uint64_t key_of(const RefNumbers& r) { return uint64_t(r.n[0]) | (uint64_t(r.n[1]) << 32); }
Shard& shard_of(uint64_t key) { return shards()[(key * 0x9E3779B97F4A7C15ull) >> 58]; }

}  // namespace

void alias_route_add(const RefNumbers& ref, Term owner) {
  uint64_t k = key_of(ref);
  Shard& s = shard_of(k);
  std::lock_guard<std::mutex> lock(s.lock);
  s.routes[k] = {ref.n[2], owner};
}

void alias_route_remove(const RefNumbers& ref) {
  uint64_t k = key_of(ref);
  Shard& s = shard_of(k);
  std::lock_guard<std::mutex> lock(s.lock);
  auto it = s.routes.find(k);
  if (it != s.routes.end() && it->second.first == ref.n[2]) s.routes.erase(it);
}

Term alias_route_owner(const RefNumbers& ref) {
  uint64_t k = key_of(ref);
  Shard& s = shard_of(k);
  std::lock_guard<std::mutex> lock(s.lock);
  auto it = s.routes.find(k);
  return it != s.routes.end() && it->second.first == ref.n[2] ? it->second.second : NON_VALUE;
}

}  // namespace bvm
