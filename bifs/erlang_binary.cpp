// erlang: binaries and iolists.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "bifs/bin_util.h"
#include "bifs/text.h"
#include "vm/atom_table.h"
#include "vm/binary.h"
#include "vm/bits.h"
#include "vm/small_stack.h"

namespace bvm {

namespace {

// The contents of an iolist (bytes, binaries, nested lists, a binary as a
// list's tail), written bit by bit so that list_to_bitstring/1 can place
// bitstrings anywhere.
class IoListWriter {
 public:
  // count_only: only bits() is wanted.
  explicit IoListWriter(bool bits_ok, bool count_only = false) : bits_ok_(bits_ok), count_only_(count_only) {}
  // False if `t` is not such a list (or holds a bitstring when not allowed).
  bool write(Term t);
  UWord bits() const { return bits_; }
  // The result as a binary, or a bitstring when bits() is not whole bytes.
  Term to_bitstring(Process* p) const;
  // The bytes written (whole bytes only).
  std::string bytes() const { return std::string(reinterpret_cast<const char*>(buf_.data()), bits_ / 8); }

 private:
  void put_byte(uint8_t b) {
    if (!count_only_ && bits_ % 8 == 0) {
      reserve(bits_ / 8 + 1);
      buf_[bits_ / 8] = b;
      bits_ += 8;
      return;
    }
    put_bits(&b, 0, 8);
  }
  void put_bits(const uint8_t* src, UWord src_off, UWord n);
  // A bitstring element; false if it is not one (or not whole bytes when
  // only bytes are allowed).
  bool put_bitstring(Term b) {
    if (!is_bitstring(b)) return false;
    BitView v = bitstring_view(b);
    if (v.bit_size % 8 && !bits_ok_) return false;
    put_bits(v.base, v.bit_offset, v.bit_size);
    return true;
  }
  // The buffer holds at least `bytes` bytes and one more (copy_bits may
  // touch the byte after the last bit); it grows geometrically.
  void reserve(size_t bytes) {
    if (buf_.size() < bytes + 1) buf_.resize(std::max(bytes + 1, 2 * buf_.size()));
  }

  bool bits_ok_;
  bool count_only_;
  std::vector<uint8_t> buf_;
  UWord bits_ = 0;
};

void IoListWriter::put_bits(const uint8_t* src, UWord src_off, UWord n) {
  if (count_only_) {
    bits_ += n;
    return;
  }
  reserve((bits_ + n + 7) / 8);
  copy_bits(src, src_off, buf_.data(), bits_, n);
  bits_ += n;
}

bool IoListWriter::write(Term t) {
  SmallStack<Term, 32> tails;  // of lists whose head is being written
  Term x = t;
  for (;;) {
    while (is_list(x)) {
      Term h = car(x);
      x = cdr(x);
      if (is_small(h)) {
        if (small_val(h) < 0 || small_val(h) > 255) return false;
        put_byte(uint8_t(small_val(h)));
      } else if (is_list(h)) {
        tails.push_back(x);
        x = h;
      } else if (is_bitstring(h)) {
        if (!put_bitstring(h)) return false;
      } else if (!is_nil(h)) {
        return false;
      }
    }
    if (!is_nil(x) && !put_bitstring(x)) return false;
    if (tails.empty()) return true;
    x = tails.back();
    tails.pop_back();
  }
}

Term IoListWriter::to_bitstring(Process* p) const {
  size_t bytes = (bits_ + 7) / 8;
  uint8_t* data;
  Term bin = alloc_binary(p, bytes, &data);
  if (bytes) std::memcpy(data, buf_.data(), bytes);
  if (bits_ % 8 == 0) return bin;
  return make_sub_bin(p->halloc(SUB_BIN_WORDS), bin, 0, bits_);
}

// A bitstring that is a whole number of bytes and starts on a byte boundary
// (list_to_binary([B]) returns such a B itself).
bool is_aligned_binary(Term t) {
  if (!is_bitstring(t)) return false;
  BitView v = bitstring_view(t);
  return v.bit_size % 8 == 0 && v.byte_aligned();
}

Term list_to_binary(Process* p, Term list, bool bits_ok) {
  if (is_nil(list)) {
    uint8_t* data;
    return alloc_binary(p, 0, &data);
  }
  if (!is_list(list)) return raise_badarg(p);
  Term h = car(list);
  if (is_nil(cdr(list)) && (bits_ok ? is_bitstring(h) : is_aligned_binary(h))) return h;
  IoListWriter w(bits_ok);
  if (!w.write(list)) return raise_badarg(p);
  return w.to_bitstring(p);
}

}  // namespace

bool iodata_to_bytes(Term t, std::string* out) {
  if (is_bitstring(t)) {
    if (bitstring_bits(t) % 8) return false;
    *out = std::string(BinaryBytes(t).view());
    return true;
  }
  if (!is_list(t) && !is_nil(t)) return false;
  IoListWriter w(false);
  if (!w.write(t)) return false;
  *out = w.bytes();
  return true;
}

BIF_FN(erlang_byte_size_1) {
  if (!is_bitstring(args[0])) return raise_badarg(p);
  return make_small(SWord((bitstring_bits(args[0]) + 7) / 8));
}

BIF_FN(erlang_bit_size_1) {
  if (!is_bitstring(args[0])) return raise_badarg(p);
  return make_small(SWord(bitstring_bits(args[0])));
}

BIF_FN(erlang_binary_to_list_1) {
  if (!is_bitstring(args[0]) || bitstring_bits(args[0]) % 8) return raise_badarg(p);
  return latin1_to_list(p, BinaryBytes(args[0]).view());
}

// Start and Stop are 1-based and inclusive; a bitstring's whole bytes count.
BIF_FN(erlang_binary_to_list_3) {
  Term b = args[0];
  uint64_t start, stop;
  if (!is_bitstring(b) || !term_to_uint64(args[1], &start) || !term_to_uint64(args[2], &stop)) return raise_badarg(p);
  size_t size = binary_byte_size(b);
  if (start < 1 || start > size || stop < 1 || stop > size || stop < start) return raise_badarg(p);
  return latin1_to_list(p, BinaryBytes(b).view().substr(size_t(start - 1), size_t(stop - start + 1)));
}

// The bytes, then the trailing bits as a bitstring (a sub-binary of the
// original, as in the reference).
BIF_FN(erlang_bitstring_to_list_1) {
  Term b = args[0];
  if (!is_bitstring(b)) return raise_badarg(p);
  UWord bits = bitstring_bits(b);
  size_t size = bits / 8;
  Term tail = NIL;
  if (bits % 8) {
    if (size == 0) return make_cons(p, b, NIL);
    tail = make_cons(p, make_sub_binary(p, b, size * 8, bits % 8), NIL);
  }
  BinaryBytes bytes(b);
  Term l = tail;
  for (size_t i = size; i-- > 0;) l = make_cons(p, make_small(bytes.data()[i]), l);
  return l;
}

BIF_FN(erlang_list_to_binary_1) { return list_to_binary(p, args[0], false); }

BIF_FN(erlang_iolist_to_binary_1) {
  if (is_bitstring(args[0])) {
    if (bitstring_bits(args[0]) % 8) return raise_badarg(p);
    return args[0];
  }
  return list_to_binary(p, args[0], false);
}

BIF_FN(erlang_list_to_bitstring_1) { return list_to_binary(p, args[0], true); }

BIF_FN(erlang_iolist_size_1) {
  if (is_bitstring(args[0])) {
    if (bitstring_bits(args[0]) % 8) return raise_badarg(p);
    return make_small(SWord(bitstring_bits(args[0]) / 8));
  }
  // Counted in bytes: an iolist sharing its parts may be larger than 2^64 bits.
  if (!is_list(args[0]) && !is_nil(args[0])) return raise_badarg(p);
  uint64_t bytes = 0;
  std::vector<Term> stack{args[0]};
  while (!stack.empty()) {
    Term x = stack.back();
    stack.pop_back();
    while (is_list(x)) {
      Term h = car(x);
      if (is_small(h)) {
        if (small_val(h) < 0 || small_val(h) > 255) return raise_badarg(p);
        bytes++;
      } else if (is_list(h)) {
        stack.push_back(h);
      } else if (is_bitstring(h)) {
        UWord bits = bitstring_bits(h);
        if (bits % 8) return raise_badarg(p);
        bytes += bits / 8;
      } else if (!is_nil(h)) {
        return raise_badarg(p);
      }
      x = cdr(x);
    }
    if (is_bitstring(x)) {
      UWord bits = bitstring_bits(x);
      if (bits % 8) return raise_badarg(p);
      bytes += bits / 8;
    } else if (!is_nil(x)) {
      return raise_badarg(p);
    }
  }
  return make_uinteger(p, bytes);
}

// Bitstrings are accepted: the split counts whole bytes, and the trailing
// bits stay with the second part.
BIF_FN(erlang_split_binary_2) {
  Term b = args[0];
  uint64_t pos;
  if (!is_bitstring(b) || !term_to_uint64(args[1], &pos) || pos > binary_byte_size(b)) return raise_badarg(p);
  Term left = extract_sub_binary(p, b, 0, pos * 8);
  Term right = extract_sub_binary(p, b, pos * 8, bitstring_bits(b) - pos * 8);
  return make_tuple(p, {left, right});
}

// The same as binary:part/2,3.
BIF_FN(erlang_binary_part_2) { return binary_part_2(p, args); }
BIF_FN(erlang_binary_part_3) { return binary_part_3(p, args); }

}  // namespace bvm
