// Binaries and bitstrings.
//
// Three heap objects, all recognised by is_bitstring():
//   HeapBin  [hdr(1 + data words, HeapBin)] [byte size] [bytes...]
//            up to HEAP_BIN_LIMIT bytes, stored inline, copied with the term.
//   RefcBin  [hdr(REFC_BIN_WORDS - 1, RefcBin)] [byte size] [next] [BinData*] [bytes]
//            a handle to an off-heap BinData shared between processes. Each
//            handle holds one reference; `next` chains the handles of one heap
//            (its OffHeap list) so the GC can drop references of dead handles.
//   SubBin   [hdr(3, SubBin)] [bit size] [bit offset] [original]
//            a bit-precise slice of a HeapBin or RefcBin (`original`).
// A bitstring whose size is not a whole number of bytes is always a SubBin.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "vm/term.h"

namespace bvm {

constexpr size_t HEAP_BIN_LIMIT = 64;
constexpr UWord REFC_BIN_WORDS = 5;
constexpr UWord SUB_BIN_WORDS = 4;

// Off-heap binary payload; owned by the handles that reference it.
struct BinData {
  std::atomic<int64_t> refc;
  size_t size;
  alignas(8) uint8_t bytes[1];

  static BinData* create(size_t size);  // refc = 1
  void ref() { refc.fetch_add(1, std::memory_order_relaxed); }
  void unref_consume() {
    if (refc.fetch_sub(1, std::memory_order_acq_rel) == 1) destroy();
  }
 private:
  void destroy();
};

// The off-heap objects of one heap (process heap, literal area, message).
struct OffHeap {
  Term* first = nullptr;  // first RefcBin object; chained through word [2]
  UWord bin_bytes = 0;    // sum of the sizes of referenced binaries (virtual heap)
  void release_all();     // drops every reference (when the heap dies)
};

inline UWord heap_bin_words(size_t bytes) { return 2 + (bytes + 7) / 8; }

// Builds a HeapBin at hp (heap_bin_words(size) words); returns the term.
Term make_heap_bin(Term* hp, const uint8_t* data, size_t size);
// Builds a RefcBin handle at hp (REFC_BIN_WORDS words) that takes over one
// reference to `bin` and links itself into `oh`.
Term make_refc_bin(Term* hp, BinData* bin_consumed, OffHeap* oh);
// Builds a SubBin at hp (SUB_BIN_WORDS words).
Term make_sub_bin(Term* hp, Term original, UWord bit_offset, UWord bit_size);

// A read-only view of any bitstring.
struct BitView {
  const uint8_t* base;  // byte containing the first bit
  UWord bit_offset;     // 0..7 within base... or more: offset from base in bits
  UWord bit_size;
  bool byte_aligned() const { return (bit_offset & 7) == 0; }
};
BitView bitstring_view(Term t);
inline UWord bitstring_bits(Term t) { return bitstring_view(t).bit_size; }

}  // namespace bvm
