// A hashed timing wheel: millisecond slots, O(1) insert and remove.
//
// An entry lives in the slot of its expiry time modulo the wheel size; an
// entry further away than one turn waits in its slot for later turns
// (advance() checks each entry's own time). A bitmap of non-empty slots
// lets advance() and next_expiry() skip empty stretches, so a sleeping
// owner needs to wake only when something may be due.
//
// Not thread-safe: the owner (vm/timers.cpp) locks around it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace bvm {

struct TimerEntry {
  TimerEntry* prev = nullptr;
  TimerEntry* next = nullptr;
  int64_t at_ms = 0;  // expiry, in the wheel's milliseconds
  size_t slot = 0;
  int64_t order = 0;  // finer expiry time: due entries fire in (order, insertion) order
  uint64_t seq = 0;
  bool queued = false;
};

class TimerWheel {
 public:
  static constexpr size_t SLOTS = size_t(1) << 14;

  explicit TimerWheel(int64_t now_ms);
  void insert(TimerEntry* e);   // e->at_ms set; a time already past fires at the next advance
  void remove(TimerEntry* e);   // e must be queued
  // Unlinks every entry due at `now_ms` and returns them chained by `next`,
  // in expiry order (equal times in insertion order).
  TimerEntry* advance(int64_t now_ms);
  // When the next entry may be due (a lower bound), or INT64_MAX if empty.
  int64_t next_expiry() const;
  size_t size() const { return count_; }
  int64_t now() const { return last_; }

 private:
  void mark(size_t slot, bool nonempty);
  TimerEntry* collect(size_t slot, int64_t now_ms, TimerEntry* out);

  int64_t last_;  // every slot up to this time has been visited
  std::vector<TimerEntry*> slots_;
  std::vector<uint64_t> bits_;
  size_t count_ = 0;
  uint64_t seq_ = 0;
};

}  // namespace bvm
