// The ETS table registry: finding tables by tid or name, owners, heirs,
// fixations, deletion, and what happens when an owner exits.
//
// Table identifiers: a named table is its name (an atom); every table also
// has a reference (what ets:new returns for unnamed tables). Its three
// numbers encode the table's registry slot, a serial number and a marker
// bit no other reference has (bit 17 of the second number; ordinary
// references use bits 0-15 for the scheduler and 16 for aliases), so
// finding a table by reference is a lock-free array read, and a reference
// to a deleted table is told apart from one that never named a table
// (error_info causes `id` and `type`).
//
// Lookups take no lock; tables are freed through epoch_retire (see
// vm/ets_table.h). The registry's own mutex guards names, slots, owners and
// fixations; lock order: registry mutex, then a table's lock, then a
// process's sig_lock (messages to heirs are sent under the first two).
#pragma once

#include <memory>
#include <vector>

#include "vm/ets_table.h"
#include "vm/process.h"

namespace bvm {

// ---- finding tables (no locks; the caller is pinned)
enum class TidError { None, Type, Id };
// The table `tid` (an atom or a table reference) names, or nullptr with
// *err: Type if tid cannot name a table, Id if it names none (any more).
Table* ets_find(Term tid, TidError* err);
// The reference of t, on p's heap.
Term ets_ref_term(Process* p, const Table* t);
// What identifies t in results: its name if named, else its reference.
Term ets_tid_term(Process* p, const Table* t);

// ---- creating and deleting
// Registers a new table owned by `owner` (t's options and store are set);
// false if it is named and the name is taken (t is then not registered).
bool ets_register(Table* t, Process* owner);
// ets:delete/1: false with *cause (am id / access) if t is deleted or p
// may not write it. On success t is unregistered, its objects freed and t
// retired.
bool ets_delete(Process* p, Table* t, Term* cause);
// ets:rename/2 for a writable table: false with *cause = id/access, or with
// *cause = NON_VALUE if the new name is taken.
bool ets_rename(Process* p, Table* t, Term name, Term* cause);

// ---- ownership
enum class GiveAway { Ok, NotAlive, NotOwner, AlreadyOwner, Id, Access };
// ets:give_away/3: makes `to` the owner and sends it the 'ETS-TRANSFER'.
GiveAway ets_give_away(Process* p, Table* t, Term to, Term gift);
// True if pid is a live local process (heirs must be alive when set).
bool ets_process_alive(Term pid);

// ---- fixations: record that p fixed t (or released its last fixation)
void ets_note_fixer(Table* t, Term pid, bool fixing);

// Every live table (ets:all/0).
std::vector<Table*> ets_all_tables();

// Called once by every exiting process, before its links and monitors are
// told: its tables go to their heirs (with an 'ETS-TRANSFER' message) or
// are deleted, and its fixations are released.
void ets_process_exited(Process* p);

}  // namespace bvm
