// A hash index of stable pointers with lock-free lookup.
//
// Entries are never removed or moved (they live as long as the VM), so a
// reader can use an entry pointer forever. Lookups read an array of atomic
// slots without locking; inserts take the writer mutex. When the array gets
// half full a doubled array is built and published with one atomic store;
// superseded arrays are kept (their total size is below the current one).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

namespace bvm {

template <typename Entry>
class ConcurrentIndex {
 public:
  ConcurrentIndex() { publish(new Array(1024)); }

  // Returns the entry matching `hash` and `eq`, or nullptr.
  template <typename Eq>
  Entry* find(uint32_t hash, Eq eq) const {
    const Array* a = current_.load(std::memory_order_acquire);
    for (size_t pos = hash & a->mask;; pos = (pos + 1) & a->mask) {
      Entry* e = a->slots[pos].load(std::memory_order_acquire);
      if (!e) return nullptr;
      if (e->hash == hash && eq(e)) return e;
    }
  }

  // Finds or creates (with `make`, called under the writer lock).
  template <typename Eq, typename Make>
  Entry* get_or_create(uint32_t hash, Eq eq, Make make) {
    if (Entry* e = find(hash, eq)) return e;
    std::lock_guard<std::mutex> lock(mutex_);
    if (Entry* e = find(hash, eq)) return e;
    Entry* e = make();
    e->hash = hash;
    Array* a = current_.load(std::memory_order_relaxed);
    if ((all_.size() + 1) * 2 > a->mask + 1) {
      Array* b = new Array((a->mask + 1) * 2);
      for (Entry* old : all_) insert(b, old);
      retired_.push_back(a);
      publish(b);
      a = b;
    }
    all_.push_back(e);
    insert(a, e);
    return e;
  }

  // A snapshot of every entry, in creation order.
  std::vector<Entry*> entries() {
    std::lock_guard<std::mutex> lock(mutex_);
    return all_;
  }

 private:
  struct Array {
    explicit Array(size_t n) : mask(n - 1), slots(new std::atomic<Entry*>[n]) {
      for (size_t i = 0; i < n; i++) slots[i].store(nullptr, std::memory_order_relaxed);
    }
    size_t mask;
    std::atomic<Entry*>* slots;
  };
  static void insert(Array* a, Entry* e) {
    size_t pos = e->hash & a->mask;
    while (a->slots[pos].load(std::memory_order_relaxed)) pos = (pos + 1) & a->mask;
    a->slots[pos].store(e, std::memory_order_release);
  }
  void publish(Array* a) { current_.store(a, std::memory_order_release); }

  std::atomic<Array*> current_{nullptr};
  std::mutex mutex_;
  std::vector<Entry*> all_;
  std::vector<Array*> retired_;
};

}  // namespace bvm
