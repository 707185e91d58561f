#include "bifs/iovec.h"

#include <cstring>

#include "bifs/bin_util.h"
#include "vm/bits.h"

namespace bvm {

ByteSlice ByteSlice::copy_of(const uint8_t* data, size_t size) {
  BinData* bd = BinData::create(size);
  if (size) std::memcpy(bd->bytes, data, size);
  return ByteSlice(bd, bd->bytes, size);
}

ByteSlice ByteSlice::of_binary(Term bin) {
  BitView v = bitstring_view(bin);
  size_t size = v.bit_size / 8;
  Term orig = bin;
  while (header_sub(boxed_header(orig)) == Sub::SubBin) orig = boxed_val(orig)[3];
  if (v.byte_aligned() && header_sub(boxed_header(orig)) == Sub::RefcBin) {
    Term* pb = boxed_val(orig);
    BinData* bd = reinterpret_cast<BinData*>(pb[3]);
    bd->ref();  // shared from now on: appending to it copies (refc > 1)
    return ByteSlice(bd, v.base + v.bit_offset / 8, size);
  }
  BinaryBytes b(bin);
  return copy_of(b.data(), b.size());
}

Term make_refc_slice(Process* p, BinData* bd, const uint8_t* data, size_t size) {
  bd->ref();
  Term* hp = p->halloc(REFC_BIN_WORDS);
  Term t = make_refc_bin(hp, bd, &p->off_heap);
  p->off_heap.bin_bytes = p->off_heap.bin_bytes - bd->size + size;
  hp[1] = size;
  hp[4] = reinterpret_cast<Term>(data);
  return t;
}

Term ByteSlice::to_term(Process* p, size_t off, size_t len) const {
  if (len <= HEAP_BIN_LIMIT) return make_heap_bin(p->halloc(heap_bin_words(len)), data_ + off, len);
  return make_refc_slice(p, bin_, data_ + off, len);
}

bool iovec_take(Term list, size_t max_elements, std::vector<ByteSlice>* out, Term* tail) {
  size_t taken = 0;
  Term l = list;
  std::vector<ByteSlice> slices;
  while (is_list(l) && taken < max_elements) {
    Term b = car(l);
    if (!is_bitstring(b) || bitstring_bits(b) % 8) return false;
    if (bitstring_bits(b)) slices.push_back(ByteSlice::of_binary(b));
    taken++;
    l = cdr(l);
  }
  if (!is_list(l) && !is_nil(l)) return false;
  for (ByteSlice& s : slices) out->push_back(std::move(s));
  *tail = l;
  return true;
}

bool iodata_bytes(Term data, std::string& out) {
  auto add_binary = [&](Term b) {
    if (bitstring_bits(b) % 8) return false;
    out.append(BinaryBytes(b).view());
    return true;
  };
  if (is_bitstring(data)) return add_binary(data);
  std::vector<Term> rest;
  Term l = data;
  for (;;) {
    if (is_list(l)) {
      Term h = car(l);
      l = cdr(l);
      if (is_small(h)) {
        if (small_val(h) < 0 || small_val(h) > 255) return false;
        out.push_back(char(small_val(h)));
      } else if (is_bitstring(h)) {
        if (!add_binary(h)) return false;
      } else if (is_list(h) || is_nil(h)) {
        rest.push_back(l);
        l = h;
      } else {
        return false;
      }
      continue;
    }
    if (is_bitstring(l)) {
      if (!add_binary(l)) return false;
    } else if (!is_nil(l)) {
      return false;
    }
    if (rest.empty()) return true;
    l = rest.back();
    rest.pop_back();
  }
}

}  // namespace bvm
