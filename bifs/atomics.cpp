// atomics and counters: fixed-size arrays of 64-bit integers shared by all
// processes, named by a reference (bifs/def/atomics.def).
//
// Both live in the NIF resource table without an owner (see
// vm/nif_resources.h): they stay until the VM exits.
//
// A counters array made with write_concurrency keeps, for every counter,
// one cell per scheduler plus a base cell, each group of eight counters in
// its own cache line per scheduler: add/3 touches only the calling
// scheduler's cell (no contention), get/2 sums the cells, put/3 sets the
// base so that the sum becomes the new value. Sizes reported by info/1
// follow that layout and the reference's header sizes.
#include <atomic>
#include <cstdlib>
#include <memory>

#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "vm/atom_table.h"
#include "vm/map.h"
#include "vm/nif_resources.h"
#include "vm/scheduler.h"

namespace bvm {

namespace {

constexpr size_t LINE = 64;
constexpr size_t PER_LINE = LINE / sizeof(std::atomic<int64_t>);

// Cells are allocated with calloc: huge arrays are refused by the system
// (system_limit) rather than touched page by page.
struct Cells {
  explicit Cells(size_t n) : v(static_cast<std::atomic<int64_t>*>(std::calloc(n, sizeof(std::atomic<int64_t>)))) {}
  ~Cells() { std::free(v); }
  Cells(const Cells&) = delete;
  Cells& operator=(const Cells&) = delete;
  std::atomic<int64_t>* v;
};

struct AtomicsArray : NifResource {
  AtomicsArray(size_t n, bool sign) : NifResource(ResourceKind::Atomics), size(n), is_signed(sign), cells(n) {}
  const size_t size;
  const bool is_signed;
  Cells cells;
};

struct CountersArray : NifResource {
  CountersArray(size_t n, size_t per) : NifResource(ResourceKind::Counters), size(n), copies(per),
      lines((n + PER_LINE - 1) / PER_LINE), cells(copies * lines * PER_LINE) {}
  // Copy 0 is the base; copy i (1..schedulers) belongs to scheduler i.
  std::atomic<int64_t>& cell(size_t copy, size_t ix) {
    return cells.v[(copy * lines + ix / PER_LINE) * PER_LINE + ix % PER_LINE];
  }
  const size_t size;
  const size_t copies;
  const size_t lines;
  Cells cells;
};

// Array sizes as the reference reads them: badarg for anything but a
// positive integer, system_limit beyond what can be addressed.
Term read_count(Process* p, Term t, size_t bytes_each, size_t* out) {
  if (is_big(t) && !big_negative(t)) return raise_system_limit(p);
  uint64_t n;
  if (!term_to_uint64(t, &n) || n == 0) return raise_badarg(p);
  if (n > (uint64_t(1) << 40) / bytes_each) return raise_system_limit(p);
  *out = size_t(n);
  return am::ok;
}

std::shared_ptr<AtomicsArray> atomics_of(Term ref) {
  std::shared_ptr<AtomicsArray> a;
  if (nif_resource_get_as(ref, ResourceKind::Atomics, &a) != ResourceLookup::Found) return nullptr;
  return a;
}

std::shared_ptr<CountersArray> counters_of(Term ref) {
  std::shared_ptr<CountersArray> c;
  if (nif_resource_get_as(ref, ResourceKind::Counters, &c) != ResourceLookup::Found) return nullptr;
  return c;
}

// A 1-based index within `size`, as a 0-based one.
bool read_index(Term t, size_t size, size_t* out) {
  uint64_t i;
  if (!term_to_uint64(t, &i) || i == 0 || i > size) return false;
  *out = size_t(i - 1);
  return true;
}

// A value to store: in the array's range.
bool read_value(const AtomicsArray& a, Term t, int64_t* out) {
  if (a.is_signed) return term_to_int64(t, out);
  uint64_t u;
  if (!term_to_uint64(t, &u)) return false;
  *out = int64_t(u);
  return true;
}

// An increment: any 64-bit integer, signed or unsigned (it wraps).
bool read_incr(Term t, int64_t* out) {
  if (term_to_int64(t, out)) return true;
  uint64_t u;
  if (!term_to_uint64(t, &u)) return false;
  *out = int64_t(u);
  return true;
}

Term value_term(Process* p, const AtomicsArray& a, int64_t v) {
  return a.is_signed ? make_integer(p, v) : make_uinteger(p, uint64_t(v));
}

Term info_map(Process* p, std::initializer_list<Term> keys, std::initializer_list<Term> values) {
  Term* hp = p->halloc(flatmap_words(keys.size()));
  return map_from_pairs(hp, keys.begin(), values.begin(), keys.size());
}

Term memory_atom() {
  static const Term a = atom_put("memory");
  return a;
}

}  // namespace

BIF_FN(erts_internal_atomics_new_2) {
  size_t n;
  if (read_count(p, args[0], sizeof(int64_t), &n) == NON_VALUE) return NON_VALUE;
  uint64_t opts;
  if (!term_to_uint64(args[1], &opts)) return raise_badarg(p);
  auto a = std::make_shared<AtomicsArray>(n, (opts & 1) != 0);
  if (!a->cells.v) return raise_system_limit(p);
  return nif_resource_create_unowned(p, std::move(a));
}

BIF_FN(atomics_put_3) {
  auto a = atomics_of(args[0]);
  size_t ix;
  int64_t v;
  if (!a || !read_index(args[1], a->size, &ix) || !read_value(*a, args[2], &v)) return raise_badarg(p);
  a->cells.v[ix].store(v);
  return am::ok;
}

BIF_FN(atomics_get_2) {
  auto a = atomics_of(args[0]);
  size_t ix;
  if (!a || !read_index(args[1], a->size, &ix)) return raise_badarg(p);
  return value_term(p, *a, a->cells.v[ix].load());
}

BIF_FN(atomics_add_3) {
  auto a = atomics_of(args[0]);
  size_t ix;
  int64_t d;
  if (!a || !read_index(args[1], a->size, &ix) || !read_incr(args[2], &d)) return raise_badarg(p);
  // Wrapping arithmetic, done on unsigned words.
  auto& c = reinterpret_cast<std::atomic<uint64_t>&>(a->cells.v[ix]);
  c.fetch_add(uint64_t(d));
  return am::ok;
}

BIF_FN(atomics_add_get_3) {
  auto a = atomics_of(args[0]);
  size_t ix;
  int64_t d;
  if (!a || !read_index(args[1], a->size, &ix) || !read_incr(args[2], &d)) return raise_badarg(p);
  auto& c = reinterpret_cast<std::atomic<uint64_t>&>(a->cells.v[ix]);
  return value_term(p, *a, int64_t(c.fetch_add(uint64_t(d)) + uint64_t(d)));
}

BIF_FN(atomics_exchange_3) {
  auto a = atomics_of(args[0]);
  size_t ix;
  int64_t v;
  if (!a || !read_index(args[1], a->size, &ix) || !read_value(*a, args[2], &v)) return raise_badarg(p);
  return value_term(p, *a, a->cells.v[ix].exchange(v));
}

BIF_FN(atomics_compare_exchange_4) {
  auto a = atomics_of(args[0]);
  size_t ix;
  int64_t expected, desired;
  if (!a || !read_index(args[1], a->size, &ix) || !read_value(*a, args[2], &expected) ||
      !read_value(*a, args[3], &desired))
    return raise_badarg(p);
  if (a->cells.v[ix].compare_exchange_strong(expected, desired)) return am::ok;
  return value_term(p, *a, expected);  // what it held
}

BIF_FN(atomics_info_1) {
  auto a = atomics_of(args[0]);
  if (!a) return raise_badarg(p);
  Term max = a->is_signed ? make_integer(p, INT64_MAX) : make_uinteger(p, UINT64_MAX);
  Term min = a->is_signed ? make_integer(p, INT64_MIN) : make_small(0);
  Term memory = make_uinteger(p, 40 + a->size * sizeof(int64_t));
  return info_map(p, {am::max, memory_atom(), atom_put("min"), am::size},
                  {max, memory, min, make_uinteger(p, a->size)});
}

BIF_FN(erts_internal_counters_new_1) {
  size_t copies = scheduler_count() + 1;
  size_t n;
  if (read_count(p, args[0], 2 * sizeof(int64_t) * copies, &n) == NON_VALUE) return NON_VALUE;
  auto c = std::make_shared<CountersArray>(n, copies);
  if (!c->cells.v) return raise_system_limit(p);
  return nif_resource_create_unowned(p, std::move(c));
}

BIF_FN(erts_internal_counters_get_2) {
  auto c = counters_of(args[0]);
  size_t ix;
  if (!c || !read_index(args[1], c->size, &ix)) return raise_badarg(p);
  uint64_t sum = 0;
  for (size_t k = 0; k < c->copies; k++) sum += uint64_t(c->cell(k, ix).load(std::memory_order_relaxed));
  return make_integer(p, int64_t(sum));
}

BIF_FN(erts_internal_counters_add_3) {
  auto c = counters_of(args[0]);
  size_t ix;
  int64_t d;
  if (!c || !read_index(args[1], c->size, &ix) || !read_incr(args[2], &d)) return raise_badarg(p);
  // Only this scheduler's thread writes its cell: no read-modify-write race.
  Scheduler* s = current_scheduler();
  size_t copy = s && s->id < c->copies ? s->id : 0;
  std::atomic<int64_t>& cell = c->cell(copy, ix);
  if (copy == 0) {
    reinterpret_cast<std::atomic<uint64_t>&>(cell).fetch_add(uint64_t(d));
  } else {
    cell.store(int64_t(uint64_t(cell.load(std::memory_order_relaxed)) + uint64_t(d)), std::memory_order_relaxed);
  }
  return am::ok;
}

BIF_FN(erts_internal_counters_put_3) {
  auto c = counters_of(args[0]);
  size_t ix;
  int64_t v;
  if (!c || !read_index(args[1], c->size, &ix) || !term_to_int64(args[2], &v)) return raise_badarg(p);
  uint64_t others = 0;
  for (size_t k = 1; k < c->copies; k++) others += uint64_t(c->cell(k, ix).load(std::memory_order_relaxed));
  c->cell(0, ix).store(int64_t(uint64_t(v) - others), std::memory_order_relaxed);
  return am::ok;
}

BIF_FN(erts_internal_counters_info_1) {
  auto c = counters_of(args[0]);
  if (!c) return raise_badarg(p);
  Term memory = make_uinteger(p, 32 + c->copies * c->lines * LINE);
  return info_map(p, {memory_atom(), am::size}, {memory, make_uinteger(p, c->size)});
}

}  // namespace bvm
