#include "bifs/bin_util.h"

#include "vm/binary.h"
#include "vm/bits.h"

namespace bvm {

BinaryBytes::BinaryBytes(Term bitstring) {
  BitView v = bitstring_view(bitstring);
  size_ = v.bit_size / 8;
  if (v.byte_aligned()) {
    data_ = v.base + v.bit_offset / 8;
    return;
  }
  copy_.resize(size_);
  copy_bits(v.base, v.bit_offset, reinterpret_cast<uint8_t*>(copy_.data()), 0, size_ * 8);
  data_ = reinterpret_cast<const uint8_t*>(copy_.data());
}

size_t binary_byte_size(Term bitstring) { return bitstring_bits(bitstring) / 8; }

Term extract_sub_binary(Process* p, Term bitstring, UWord bit_offset, UWord bit_size) {
  BitView v = bitstring_view(bitstring);
  UWord from = v.bit_offset + bit_offset;
  if (bit_size % 8 == 0 && bit_size / 8 <= HEAP_BIN_LIMIT) {
    uint8_t* data;
    Term bin = alloc_binary(p, bit_size / 8, &data);
    copy_bits(v.base, from, data, 0, bit_size);
    return bin;
  }
  return make_sub_binary(p, bitstring, bit_offset, bit_size);
}

Term make_sub_binary(Process* p, Term bitstring, UWord bit_offset, UWord bit_size) {
  // The view's offset counts from the first byte of the underlying binary.
  BitView v = bitstring_view(bitstring);
  Term original = bitstring;
  while (header_sub(boxed_header(original)) == Sub::SubBin) original = boxed_val(original)[3];
  return make_sub_bin(p->halloc(SUB_BIN_WORDS), original, v.bit_offset + bit_offset, bit_size);
}

void end_writable(Term bitstring) {
  Term original = bitstring;
  while (header_sub(boxed_header(original)) == Sub::SubBin) original = boxed_val(original)[3];
  Term* pb = boxed_val(original);
  if (header_sub(pb[0]) != Sub::RefcBin || !(pb[5] & BIN_WRITABLE)) return;
  pb[5] &= ~BIN_WRITABLE;
  BinData* bd = reinterpret_cast<BinData*>(pb[3]);
  if (bd->refc.load(std::memory_order_acquire) != 1 || bd->size < pb[1] + 8) return;
  bd = BinData::resize(bd, pb[1]);
  pb[3] = reinterpret_cast<Term>(bd);
  pb[4] = reinterpret_cast<Term>(bd->bytes);
}

Term alloc_binary(Process* p, size_t size, uint8_t** data) {
  if (size <= HEAP_BIN_LIMIT) {
    UWord words = heap_bin_words(size);
    Term* hp = p->halloc(words);
    hp[0] = make_header(words - 1, Sub::HeapBin);
    hp[1] = size;
    hp[words - 1] = 0;
    *data = reinterpret_cast<uint8_t*>(hp + 2);
    return make_boxed(hp);
  }
  BinData* bd = BinData::create(size);
  *data = bd->bytes;
  return make_refc_bin(p->halloc(REFC_BIN_WORDS), bd, &p->off_heap);
}

}  // namespace bvm
