#include "vm/binary.h"

#include <cstdlib>
#include <cstring>
#include <new>

namespace bvm {

BinData* BinData::create(size_t size) {
  void* mem = std::malloc(offsetof(BinData, bytes) + (size ? size : 1));
  if (!mem) throw std::bad_alloc();
  BinData* b = static_cast<BinData*>(mem);
  new (&b->refc) std::atomic<int64_t>(1);
  b->size = size;
  return b;
}

BinData* BinData::resize(BinData* b, size_t size) {
  void* mem = std::realloc(b, offsetof(BinData, bytes) + (size ? size : 1));
  if (!mem) throw std::bad_alloc();
  b = static_cast<BinData*>(mem);
  b->size = size;
  return b;
}

void BinData::destroy() { std::free(this); }

void OffHeap::release_all() {
  for (Term* p = first; p;) {
    Term* next = reinterpret_cast<Term*>(p[2]);
    reinterpret_cast<BinData*>(p[3])->unref_consume();
    p = next;
  }
  first = nullptr;
  bin_bytes = 0;
}

Term make_heap_bin(Term* hp, const uint8_t* data, size_t size) {
  UWord words = heap_bin_words(size);
  hp[0] = make_header(words - 1, Sub::HeapBin);
  hp[1] = size;
  hp[words - 1] = 0;  // zero the padding of the last word
  if (size) std::memcpy(hp + 2, data, size);
  return make_boxed(hp);
}

Term make_refc_bin(Term* hp, BinData* bin, OffHeap* oh) {
  hp[0] = make_header(REFC_BIN_WORDS - 1, Sub::RefcBin);
  hp[1] = bin->size;
  hp[2] = reinterpret_cast<Term>(oh->first);
  hp[3] = reinterpret_cast<Term>(bin);
  hp[4] = reinterpret_cast<Term>(bin->bytes);
  hp[5] = 0;
  oh->first = hp;
  oh->bin_bytes += bin->size;
  return make_boxed(hp);
}

Term make_sub_bin(Term* hp, Term original, UWord bit_offset, UWord bit_size) {
  hp[0] = make_header(SUB_BIN_WORDS - 1, Sub::SubBin);
  hp[1] = bit_size;
  hp[2] = bit_offset;
  hp[3] = original;
  return make_boxed(hp);
}

BitView bitstring_view(Term t) {
  const Term* p = boxed_val(t);
  switch (header_sub(p[0])) {
    case Sub::HeapBin:
      return {reinterpret_cast<const uint8_t*>(p + 2), 0, p[1] * 8};
    case Sub::RefcBin:
      return {reinterpret_cast<const uint8_t*>(p[4]), 0, p[1] * 8};
    default: {  // SubBin
      BitView v = bitstring_view(p[3]);
      v.bit_offset += p[2];
      v.bit_size = p[1];
      return v;
    }
  }
}

}  // namespace bvm
