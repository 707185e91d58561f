// Binaries and bitstrings.
//
// Three heap objects, all recognised by is_bitstring():
//   HeapBin  [hdr(1 + data words, HeapBin)] [byte size] [bytes...]
//            up to HEAP_BIN_LIMIT bytes, stored inline, copied with the term.
//   RefcBin  [hdr(REFC_BIN_WORDS - 1, RefcBin)] [byte size] [next] [BinData*] [bytes] [flags]
//            a handle to an off-heap BinData shared between processes. Each
//            handle holds one reference; `next` chains the handles of one heap
//            (its OffHeap list) so the GC can drop references of dead handles.
//            flags: BIN_WRITABLE (see vm/bits.h, the append optimisation).
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
constexpr UWord REFC_BIN_WORDS = 6;
constexpr UWord BIN_WRITABLE = 1;
constexpr UWord SUB_BIN_WORDS = 4;

// Off-heap binary payload; owned by the handles that reference it.
struct BinData {
  std::atomic<int64_t> refc;
  size_t size;  // bytes allocated (a writable binary may use fewer)
  alignas(8) uint8_t bytes[1];

  static BinData* create(size_t size);  // refc = 1
  static BinData* resize(BinData* b, size_t size);  // only while refc == 1
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
  const uint8_t* base;  // first byte of the underlying binary
  UWord bit_offset;     // where the bitstring starts, in bits from base
  UWord bit_size;
  bool byte_aligned() const { return (bit_offset & 7) == 0; }
};
BitView bitstring_view(Term t);
inline UWord bitstring_bits(Term t) { return bitstring_view(t).bit_size; }

}  // namespace bvm
