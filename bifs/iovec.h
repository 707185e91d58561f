// Binary data held outside process heaps, and Erlang iovecs (lists of
// binaries) as the built-in NIFs take them (the reference's
// enif_inspect_iovec).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "vm/binary.h"
#include "vm/process.h"
#include "vm/term.h"

namespace bvm {

// Bytes kept alive by a reference to an off-heap binary: a whole refc
// binary's data is shared, anything else (heap binaries, unaligned
// sub-binaries) is copied into a new off-heap binary.
class ByteSlice {
 public:
  ByteSlice() = default;
  ByteSlice(BinData* bin_consumed, const uint8_t* data, size_t size) : bin_(bin_consumed), data_(data), size_(size) {}
  ByteSlice(const ByteSlice& o) : bin_(o.bin_), data_(o.data_), size_(o.size_) {
    if (bin_) bin_->ref();
  }
  ByteSlice(ByteSlice&& o) noexcept : bin_(o.bin_), data_(o.data_), size_(o.size_) { o.bin_ = nullptr; }
  ByteSlice& operator=(ByteSlice o) noexcept {
    std::swap(bin_, o.bin_);
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    return *this;
  }
  ~ByteSlice() {
    if (bin_) bin_->unref_consume();
  }

  // The whole bytes of a binary term (is_binary; a trailing partial byte is
  // ignored).
  static ByteSlice of_binary(Term bin);
  // A fresh off-heap copy of `size` bytes.
  static ByteSlice copy_of(const uint8_t* data, size_t size);

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  // Drops the first n bytes.
  void skip(size_t n) {
    data_ += n;
    size_ -= n;
  }
  // A binary term for bytes [off, off + len): a heap binary up to 64
  // bytes, else a handle sharing this slice's data.
  Term to_term(Process* p, size_t off, size_t len) const;
  Term to_term(Process* p) const { return to_term(p, 0, size_); }

 private:
  BinData* bin_ = nullptr;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

// A handle for `size` bytes at `data` inside bd (takes a new reference).
Term make_refc_slice(Process* p, BinData* bd, const uint8_t* data, size_t size);

// Reads an iovec (a list of binaries) the way enif_inspect_iovec does: at
// most `max_elements` list elements are taken (empty binaries count but
// give no slice); *tail receives the rest of the list. False if an element
// is not a binary (or is a bitstring with a partial byte) or the list is
// improper.
bool iovec_take(Term list, size_t max_elements, std::vector<ByteSlice>* out, Term* tail);

// The bytes of an iodata term (a binary, or a deep list of bytes and
// binaries with an optional binary tail), as enif_inspect_iolist_as_binary
// takes it. False for anything else (bitstrings with partial bytes too).
bool iodata_bytes(Term data, std::string& out);

}  // namespace bvm
