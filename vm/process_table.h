// The process table: every live process, found by pid without locking.
//
// A pid's 28 bits of data are (generation << index_bits) | index, where the
// table has 2^index_bits slots (the process limit rounded up). Printed as
// <0.N.S>, N is the low 15 bits and S the rest, as in the reference. A slot
// gets the next generation each time it is reused, and slots are handed out
// by a cursor moving forward, so a stale pid does not name a new process.
//
// Lookups return a Process* the caller may use only while pinned in the
// current epoch (vm/epoch.h): an exited process is freed through
// epoch_retire.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "vm/process.h"

namespace bvm {

constexpr size_t DEFAULT_PROCESS_LIMIT = 262144;
constexpr size_t MAX_PROCESS_LIMIT = 134217727;

class ProcessTable {
 public:
  // Sets the limit, rounded up to a power of two (call before the first insert).
  void init(size_t limit);
  size_t limit() const { return limit_; }

  // Gives p a pid and makes it findable; false if the table is full.
  bool insert(Process* p);
  // Makes p's pid unknown. p itself is freed by the caller (epoch_retire).
  void remove(Process* p);

  Process* lookup(Term pid) const;
  size_t count() const { return count_.load(std::memory_order_relaxed); }
  // Live processes' pids, in slot order.
  std::vector<Term> pids() const;

 private:
  size_t limit_ = 0;
  unsigned index_bits_ = 0;
  std::unique_ptr<std::atomic<Process*>[]> slots_;
  std::unique_ptr<uint32_t[]> generation_;
  std::mutex alloc_mutex_;  // the cursor and generations
  size_t cursor_ = 0;
  std::atomic<size_t> count_{0};
};

ProcessTable& process_table();

}  // namespace bvm
