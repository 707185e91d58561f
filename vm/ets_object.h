// ETS objects: tuples copied into memory a table owns.
//
// An object is one malloc'd block: a small header, then the words of a
// copy of the tuple (vm/copy.h), root first. Off-heap binaries inside it
// keep a reference each (their handles are chained from `oh_first`), so a
// binary stays shared between the table and every process that looked it
// up. Lookups copy the object out into the caller's heap.
//
// Keys: hash tables (set, bag, duplicate_bag) compare keys exactly (=:=),
// ordered sets in term order where 1 == 1.0. ets_hash is consistent with
// exact equality (so -0.0 hashes as 0.0).
#pragma once

#include <cstddef>
#include <cstdint>

#include "vm/process.h"
#include "vm/term.h"

namespace bvm {

struct DbObj {
  DbObj* next;        // hash tables: the bucket chain
  uint64_t hash;      // hash tables: ets_hash(key)
  bool dead;          // deleted while the table is fixed (kept for traversals)
  UWord words;        // heap words in mem
  Term* oh_first;     // refc binary handles in mem (an OffHeap chain)
  Term key;           // the key element (points into mem when boxed)
  Term tuple;         // the object (boxed, at mem)
  Term mem[1];

  // A copy of `tuple` (arity >= keypos). Never fails (throws bad_alloc).
  static DbObj* create(Term tuple, UWord keypos, uint64_t hash = 0);
  static void destroy(DbObj* o);  // drops its binary references, frees
  // Bytes the object takes (for info(memory)).
  size_t bytes() const { return offsetof(DbObj, mem) + words * sizeof(Term); }
  // A copy of the object on p's heap.
  Term copy_out(Process* p) const;
  // A copy of element `pos` (1-based, <= arity) on p's heap.
  Term copy_element(Process* p, UWord pos) const;
};

uint64_t ets_hash(Term key);
// Exact equality (=:=), fast for the usual keys.
bool ets_key_eq(Term a, Term b);
// Term order with 1 == 1.0 (ordered_set keys).
int ets_key_cmp_slow(Term a, Term b);
inline int ets_key_cmp(Term a, Term b) {
  if (a == b) return 0;
  if (is_small(a) && is_small(b)) return small_val(a) < small_val(b) ? -1 : 1;
  return ets_key_cmp_slow(a, b);
}

// A copy of any term on p's heap (its size computed first).
Term copy_to_heap(Process* p, Term t);

}  // namespace bvm
