// An ETS table: its options, owner, heir, fixations, lock and store.
//
// Identity: every table has a slot in the table registry and reference
// numbers (its tid, see vm/ets_registry.h); a named table is also found by
// its name. The registry hands out Table pointers without locking; a
// pointer stays valid while the thread is pinned in the current epoch
// (vm/epoch.h; schedulers are pinned while they run a process), because a
// deleted table is freed through epoch_retire.
//
// Locking: `lock` is shared by readers and exclusive for writers. Whoever
// uses a table takes the lock, then checks `deleted` (a table being deleted
// is marked under the exclusive lock and its objects freed afterwards).
// The owner, heir and protection change under the exclusive lock (and the
// owner also under the registry's lock); they are atomics so that info/2
// and the access checks may read them under the shared lock.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <utility>
#include <vector>

#include "vm/ets_store.h"
#include "vm/process.h"

namespace bvm {

enum class Access : uint8_t { Private, Protected, Public };

struct Table {
  // ---- identity and options (fixed at creation)
  RefNumbers ref;
  uint32_t slot = 0;
  TabType type = TabType::Set;
  UWord keypos = 1;
  bool named = false;
  bool read_concurrency = false;
  bool compressed = false;
  bool decentralized_counters = false;
  Term write_concurrency = NON_VALUE;  // true, false or auto
  uint32_t debug_locks = 0;            // {write_concurrency, {debug_hash_fixed_number_of_locks, N}}

  // ---- changeable
  std::atomic<Term> name{NON_VALUE};
  std::atomic<Term> owner{NON_VALUE};
  std::atomic<Access> access{Access::Protected};
  std::atomic<Term> heir{NON_VALUE};  // a pid or 'none'
  DbObj* heir_data = nullptr;         // {HeirData}; under the lock

  mutable std::shared_mutex lock;
  bool deleted = false;  // under the lock
  std::unique_ptr<Store> store;

  // ---- fixations (under the exclusive lock)
  struct Fixer {
    Term pid;
    uint64_t count;
  };
  std::vector<Fixer> fixers;
  int64_t fix_monotonic = 0;  // erlang:monotonic_time() of the first fixation
  Term fix_timestamp[3] = {0, 0, 0};  // erlang:timestamp() of the first fixation

  bool is_hash() const { return type != TabType::OrderedSet; }
  bool is_bag() const { return type == TabType::Bag || type == TabType::DuplicateBag; }
  bool fixed() const { return !fixers.empty(); }

  // Reading needs a public or protected table or being the owner; writing
  // a public table or being the owner.
  bool can_read(Term pid) const {
    return access.load(std::memory_order_relaxed) != Access::Private || owner.load(std::memory_order_relaxed) == pid;
  }
  bool can_write(Term pid) const {
    return access.load(std::memory_order_relaxed) == Access::Public || owner.load(std::memory_order_relaxed) == pid;
  }

  // One more fixation by `pid`; true if pid had none. The caller holds the
  // exclusive lock (as for unfix).
  bool fix(Term pid, int64_t monotonic, const Term timestamp[3]);
  // One fixation less (or all of them); true if pid has none left now
  // (false also when it had none).
  bool unfix(Term pid, bool all);

  // Replaces the heir data (copied; NON_VALUE for none).
  void set_heir_data(Term data);
  Term heir_data_term() const { return heir_data ? tuple_elem(heir_data->tuple, 1) : NON_VALUE; }

  ~Table();
};

}  // namespace bvm
