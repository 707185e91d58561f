// prim_buffer: the growable byte queue behind file read-ahead and delayed
// writes (erts/preloaded/src/prim_buffer.erl's NIFs).
//
// Data is a queue of byte slices (one per binary written, sharing refc
// binaries' data). Writes that are small next to what is pending are
// gathered into a 2 KB accumulator first, which becomes one slice when the
// buffer is read; so peek_head/1 sees the slices the reference's buffer
// would hold. A buffer belongs to the process that made it (see
// vm/nif_resources.h): it goes when that process exits.
#include <atomic>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "bifs/bif.h"
#include "bifs/bin_util.h"
#include "bifs/iovec.h"
#include "vm/atom_table.h"
#include "vm/nif_resources.h"

namespace bvm {

namespace {

constexpr size_t ACCUMULATOR_SIZE = 2048;
constexpr size_t WRITE_VEC_MAX = 64;  // iovec elements taken per step

struct Buffer : NifResource {
  Buffer() : NifResource(ResourceKind::Buffer) {}

  std::mutex lock;
  std::deque<ByteSlice> queue;
  size_t queued = 0;
  std::string acc;           // small writes gathered, not yet in the queue
  bool acc_present = false;  // the accumulator exists (it may be empty)
  std::atomic<bool> external_lock{false};

  void flush_acc() {
    if (acc_present && !acc.empty()) {
      queue.push_back(ByteSlice::copy_of(reinterpret_cast<const uint8_t*>(acc.data()), acc.size()));
      queued += acc.size();
      acc.clear();
      acc_present = false;
    }
  }

  void write(std::vector<ByteSlice>& slices) {
    size_t size = 0;
    for (const ByteSlice& s : slices) size += s.size();
    bool combine = true;
    if (acc.size() + size >= ACCUMULATOR_SIZE) {
      if (size >= ACCUMULATOR_SIZE / 2) combine = false;
      else flush_acc();
    }
    if (combine) {
      acc_present = true;
      for (const ByteSlice& s : slices) acc.append(reinterpret_cast<const char*>(s.data()), s.size());
      return;
    }
    flush_acc();
    for (ByteSlice& s : slices) {
      queued += s.size();
      queue.push_back(std::move(s));
    }
  }

  void dequeue(size_t n) {
    queued -= n;
    while (n > 0) {
      ByteSlice& head = queue.front();
      if (head.size() > n) {
        head.skip(n);
        return;
      }
      n -= head.size();
      queue.pop_front();
    }
  }

  void copy_out(size_t n, uint8_t* to) const {
    for (auto it = queue.begin(); n > 0; ++it) {
      size_t k = std::min(n, it->size());
      std::memcpy(to, it->data(), k);
      to += k;
      n -= k;
    }
  }
};

std::shared_ptr<Buffer> get_buffer(Term t) {
  std::shared_ptr<Buffer> b;
  if (nif_resource_get_as(t, ResourceKind::Buffer, &b) != ResourceLookup::Found) return nullptr;
  return b;
}

bool get_uint64(Term t, uint64_t* out) { return term_to_uint64(t, out); }

}  // namespace

BIF_FN(prim_buffer_new_0) {
  (void)args;
  return nif_resource_create(p, p->id, std::make_shared<Buffer>());
}

BIF_FN(prim_buffer_size_1) {
  auto b = get_buffer(args[0]);
  if (!b) return raise_badarg(p);
  std::lock_guard<std::mutex> g(b->lock);
  return make_uinteger(p, b->queued + b->acc.size());
}

BIF_FN(prim_buffer_copying_read_2) {
  auto b = get_buffer(args[0]);
  uint64_t n;
  if (!b || !get_uint64(args[1], &n)) return raise_badarg(p);
  std::lock_guard<std::mutex> g(b->lock);
  b->flush_acc();
  if (b->queued < n) return raise_badarg(p);
  uint8_t* data;
  Term bin = alloc_binary(p, size_t(n), &data);
  b->copy_out(size_t(n), data);
  b->dequeue(size_t(n));
  return bin;
}

BIF_FN(prim_buffer_write_2) {
  auto b = get_buffer(args[0]);
  if (!b) return raise_badarg(p);
  Term rest = args[1];
  // The reference continues with the rest of a long list in a new call
  // (enif_schedule_nif); each step is checked and written before the next.
  do {
    std::vector<ByteSlice> slices;
    Term tail;
    if (!iovec_take(rest, WRITE_VEC_MAX, &slices, &tail)) return raise_badarg(p);
    {
      std::lock_guard<std::mutex> g(b->lock);
      b->write(slices);
    }
    rest = tail;
  } while (!is_nil(rest));
  return am::ok;
}

BIF_FN(prim_buffer_peek_head_1) {
  auto b = get_buffer(args[0]);
  if (!b) return raise_badarg(p);
  std::lock_guard<std::mutex> g(b->lock);
  b->flush_acc();
  if (b->queue.empty()) return raise_badarg(p);
  return b->queue.front().to_term(p);
}

BIF_FN(prim_buffer_skip_2) {
  auto b = get_buffer(args[0]);
  uint64_t n;
  if (!b || !get_uint64(args[1], &n)) return raise_badarg(p);
  std::lock_guard<std::mutex> g(b->lock);
  b->flush_acc();
  if (b->queued < n) return raise_badarg(p);
  b->dequeue(size_t(n));
  return am::ok;
}

BIF_FN(prim_buffer_find_byte_index_2) {
  auto b = get_buffer(args[0]);
  int64_t needle;
  if (!b || !term_to_int64(args[1], &needle) || needle != int64_t(int32_t(needle))) return raise_badarg(p);
  std::lock_guard<std::mutex> g(b->lock);
  b->flush_acc();
  if (needle < 0 || needle > 255) return raise_badarg(p);
  size_t offset = 0;
  for (const ByteSlice& s : b->queue) {
    if (const void* at = std::memchr(s.data(), int(needle), s.size())) {
      size_t index = offset + size_t(static_cast<const uint8_t*>(at) - s.data());
      return make_tuple(p, {am::ok, make_uinteger(p, index)});
    }
    offset += s.size();
  }
  static const Term not_found = atom_put("not_found");
  return not_found;
}

BIF_FN(prim_buffer_try_lock_1) {
  auto b = get_buffer(args[0]);
  if (!b) return raise_badarg(p);
  bool expected = false;
  static const Term acquired = atom_put("acquired"), busy = atom_put("busy");
  return b->external_lock.compare_exchange_strong(expected, true, std::memory_order_acquire) ? acquired : busy;
}

BIF_FN(prim_buffer_unlock_1) {
  auto b = get_buffer(args[0]);
  if (!b) return raise_badarg(p);
  bool expected = true;
  if (!b->external_lock.compare_exchange_strong(expected, false, std::memory_order_release)) {
    static const Term violation = atom_put("lock_order_violation");
    return raise_error(p, violation);
  }
  return am::ok;
}

}  // namespace bvm
