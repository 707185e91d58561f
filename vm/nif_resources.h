// Resources of the built-in NIFs (open files, prim_buffer buffers, zlib
// streams): C++ objects that Erlang code holds through a reference.
//
// The reference VM gives such objects a "resource" term that the garbage
// collector tracks. We have no such term type: a resource is named by an
// ordinary local reference, mapped in a global table to its object, and
// every resource has an owner process. The object leaves the table when
// its module removes it (file close, zlib close) or when its owner exits
// (process_terminate calls nif_resources_process_exited), whichever comes
// first; then `released()` runs once.
//
// Resource references are made here, with numbers that say their kind:
// the low 16 bits of the second number are 0xFF00 | kind (ordinary
// references hold a scheduler id below 0x400 there, see new_ref_numbers in
// vm/signals.cpp). So a reference that was a resource of some kind is
// still recognised as one after its object left the table ("gone"), and
// the NIFs can answer as the reference does for a closed object.
//
// Thread safety: the table is sharded and locked; lookups hand out shared
// ownership, so an object stays valid while a NIF uses it even if another
// thread removes it meanwhile. An object's own state needs its own lock.
#pragma once

#include <cstdint>
#include <memory>

#include "vm/process.h"
#include "vm/term.h"

namespace bvm {

enum class ResourceKind : uint8_t { File = 1, Buffer = 2, Zlib = 3, Atomics = 4, Counters = 5 };

struct NifResource {
  explicit NifResource(ResourceKind k) : kind(k) {}
  virtual ~NifResource() = default;
  // Runs once, outside the table's locks, when the object leaves the table
  // (removed, or its owner exited). The object itself is freed when the
  // last user drops it.
  virtual void released() {}
  const ResourceKind kind;
};

using ResourcePtr = std::shared_ptr<NifResource>;

// Registers `r` owned by the local pid `owner`; returns its reference, built
// on p's heap (LOCAL_REF_WORDS words).
Term nif_resource_create(Process* p, Term owner, ResourcePtr r);

enum class ResourceLookup : uint8_t {
  Found,     // *out set
  Gone,      // a reference to a resource of this kind that left the table
  NotOurs,   // anything else: not a resource of this kind
};
ResourceLookup nif_resource_get(Term ref, ResourceKind kind, ResourcePtr* out);

// Registers `r` with no owner: it stays in the table until the VM exits
// (atomics and counters arrays, which the reference frees when the last
// reference to them is collected; we keep no count of those references).
Term nif_resource_create_unowned(Process* p, ResourcePtr r);

template <class T>
ResourceLookup nif_resource_get_as(Term ref, ResourceKind kind, std::shared_ptr<T>* out) {
  ResourcePtr r;
  ResourceLookup l = nif_resource_get(ref, kind, &r);
  if (l == ResourceLookup::Found) *out = std::static_pointer_cast<T>(r);
  return l;
}

// The owner of a resource in the table (NON_VALUE if gone or not ours).
Term nif_resource_owner(Term ref);

// Removes the resource from the table (released() runs); false if it was
// not there.
bool nif_resource_remove(Term ref);

// Gives the resource a new owner (a local pid). If that process has already
// exited the resource is removed, as nobody can own it any more. False if
// `ref` is not in the table.
bool nif_resource_set_owner(Term ref, Term new_owner);

// Removes every resource owned by p (called from process_terminate).
void nif_resources_process_exited(Process* p);

// How many resources are in the table (tests, statistics).
size_t nif_resource_count();

}  // namespace bvm
