// Per-process generational copying garbage collection.
//
// Young generation: the heap block plus heap fragments. Old generation: a
// separate block that minor collections promote into and never scan (old
// terms never point to younger ones). A minor collection copies live young
// terms: those below the high-water mark (they already survived one
// collection) to the old heap, the rest to a new young heap. A major
// collection copies everything live into a new young heap and frees the old
// one. Terms outside the collected area (literals of loaded modules, the old
// heap in a minor collection) are never copied.
#pragma once

#include <cstddef>

#include "vm/process.h"

namespace bvm {

// Makes at least `need` words free between htop and stop. The x registers
// x[0..live) are roots and are updated. Invalidates every other Term held
// outside the process's roots (see the GC safety rule in vm/process.h).
void gc_collect(Process* p, size_t need, Term* x, unsigned live);
// The same, but always a major collection (erlang:garbage_collect/0,1).
void gc_collect_major(Process* p, size_t need, Term* x, unsigned live);

// A major collection that also copies into the heap every object that p
// reaches in the literal areas `lits` (vm/literal_release.h), keeping
// sharing, so that p no longer refers to them.
class LiteralRanges;
void gc_copy_literals(Process* p, const LiteralRanges* lits, Term* x, unsigned live);
// A major collection that leaves a heap of just the live data and the
// stack (erlang:hibernate/3); it ignores min_heap_size, as the reference.
void gc_collect_hibernate(Process* p, Term* x, unsigned live);

// After a BIF returned: have its allocations in heap fragments grown big
// enough that a collection should merge them now (else they pile up)?
inline bool gc_after_bif_wanted(const Process* p) { return p->mbuf_words > p->heap_sz + 1024; }

// Debug stress mode: when on, every allocating instruction collects.
extern bool gc_stress;

// Words a boxed object occupies (header included), from its header.
UWord object_words(Term header);

}  // namespace bvm
