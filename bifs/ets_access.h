// Shared by the ets BIFs: finding a table and locking it, with the
// reference's errors.
//
// Every failure is badarg; when the table is at fault the error_info
// `cause` says why (erl_stdlib_errors formats it): `type` (not a table
// identifier), `id` (no such table), `access` (the table is protected or
// private). Other causes: `table_type`, `badkey`, `keypos`, `position`,
// `owner`, `not_owner`, `already_exists`.
#pragma once

#include <mutex>
#include <shared_mutex>

#include "bifs/bif.h"
#include "vm/atom_table.h"
#include "vm/ets_registry.h"

namespace bvm {

enum class Need { Info, Read, Write };

inline Term badarg_cause(Process* p, const char* cause) { return raise_error_cause(p, am::badarg, atom_put(cause)); }

// A table found and locked (shared, or exclusive with `exclusive`) that p
// may use as `need`. When !ok() the badarg is raised already: return
// NON_VALUE.
class LockedTable {
 public:
  LockedTable(Process* p, Term tid, Need need, bool exclusive) : exclusive_(exclusive) {
    TidError err;
    t_ = ets_find(tid, &err);
    if (!t_) {
      badarg_cause(p, err == TidError::Type ? "type" : "id");
      return;
    }
    check(p, need);
  }
  // A table already found (with ets_find).
  LockedTable(Process* p, Table* t, Need need, bool exclusive) : t_(t), exclusive_(exclusive) { check(p, need); }
  void check(Process* p, Need need) {
    lock();
    if (t_->deleted) {
      fail(p, "id");
    } else if ((need == Need::Read && !t_->can_read(p->id)) || (need == Need::Write && !t_->can_write(p->id))) {
      fail(p, "access");
    }
  }
  ~LockedTable() { unlock(); }
  LockedTable(const LockedTable&) = delete;
  LockedTable& operator=(const LockedTable&) = delete;

  bool ok() const { return t_ != nullptr; }
  Table* operator->() const { return t_; }
  Table* get() const { return t_; }
  Store& store() const { return *t_->store; }
  void unlock() {
    if (!locked_) return;
    if (exclusive_) {
      t_->lock.unlock();
    } else {
      t_->lock.unlock_shared();
    }
    locked_ = false;
  }

 private:
  void lock() {
    if (exclusive_) {
      t_->lock.lock();
    } else {
      t_->lock.lock_shared();
    }
    locked_ = true;
  }
  void fail(Process* p, const char* cause) {
    unlock();
    t_ = nullptr;
    badarg_cause(p, cause);
  }
  Table* t_ = nullptr;
  bool exclusive_;
  bool locked_ = false;
};

}  // namespace bvm
