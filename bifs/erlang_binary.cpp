// erlang: binaries and iolists.
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

namespace bvm {

namespace {

// Appends an iolist's bytes (and trailing bits, if `bits_ok`); false if it is not one.
bool flatten_iolist(Term t, std::string& out, UWord* extra_bits, unsigned* last_bits_value, bool bits_ok) {
  std::vector<Term> stack{t};
  *extra_bits = 0;
  while (!stack.empty()) {
    Term x = stack.back();
    stack.pop_back();
    if (*extra_bits) return false;  // a bitstring must be last
    if (is_nil(x)) continue;
    if (is_list(x)) {
      // Push the tail first so the head is processed first.
      stack.push_back(cdr(x));
      Term h = car(x);
      if (is_small(h)) {
        if (small_val(h) < 0 || small_val(h) > 255) return false;
        out.push_back(char(small_val(h)));
      } else if (is_list(h) || is_nil(h) || is_bitstring(h)) {
        stack.push_back(h);
      } else {
        return false;
      }
      continue;
    }
    if (is_bitstring(x)) {
      BitView v = bitstring_view(x);
      size_t whole = v.bit_size / 8;
      size_t at = out.size();
      out.resize(at + whole + (v.bit_size % 8 ? 1 : 0));
      copy_bits(v.base, v.bit_offset, reinterpret_cast<uint8_t*>(out.data() + at), 0, v.bit_size);
      if (v.bit_size % 8) {
        if (!bits_ok) return false;
        *extra_bits = v.bit_size % 8;
        *last_bits_value = static_cast<unsigned char>(out.back());
        out.pop_back();
      }
      continue;
    }
    return false;
  }
  return true;
}

Term bytes_to_binary(Process* p, const std::string& s) {
  return make_binary(p, reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

}  // namespace

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
  return latin1_to_list(p, binary_bytes(args[0]));
}

BIF_FN(erlang_binary_to_list_3) {
  Term b = args[0];
  if (!is_bitstring(b) || bitstring_bits(b) % 8 || !is_small(args[1]) || !is_small(args[2])) return raise_badarg(p);
  SWord start = small_val(args[1]), stop = small_val(args[2]);
  SWord size = SWord(bitstring_bits(b) / 8);
  if (start < 1 || stop > size || start > stop) return raise_badarg(p);
  std::string bytes = binary_bytes(b);
  return latin1_to_list(p, std::string_view(bytes).substr(size_t(start - 1), size_t(stop - start + 1)));
}

BIF_FN(erlang_bitstring_to_list_1) {
  Term b = args[0];
  if (!is_bitstring(b)) return raise_badarg(p);
  BitView v = bitstring_view(b);
  std::string bytes = binary_bytes(b);
  Term tail = NIL;
  if (v.bit_size % 8) {
    unsigned rem = unsigned(v.bit_size % 8);
    uint8_t last[2] = {0, 0};
    copy_bits(v.base, v.bit_offset + (v.bit_size - rem), last, 0, rem);
    Term* hp = p->halloc(SUB_BIN_WORDS + heap_bin_words(1));
    Term hb = make_heap_bin(hp, last, 1);
    Term sb = make_sub_bin(hp + heap_bin_words(1), hb, 0, rem);
    tail = make_cons(p, sb, NIL);
  }
  Term* hp = p->halloc(2 * bytes.size());
  Term l = tail;
  for (size_t i = bytes.size(); i-- > 0;) {
    hp[2 * i] = make_small(static_cast<unsigned char>(bytes[i]));
    hp[2 * i + 1] = l;
    l = make_list(hp + 2 * i);
  }
  return l;
}

BIF_FN(erlang_list_to_binary_1) {
  if (!is_list(args[0]) && !is_nil(args[0])) return raise_badarg(p);
  std::string s;
  UWord extra;
  unsigned last;
  if (!flatten_iolist(args[0], s, &extra, &last, false)) return raise_badarg(p);
  return bytes_to_binary(p, s);
}

BIF_FN(erlang_iolist_to_binary_1) {
  if (is_bitstring(args[0])) {
    if (bitstring_bits(args[0]) % 8) return raise_badarg(p);
    return args[0];
  }
  if (!is_list(args[0]) && !is_nil(args[0])) return raise_badarg(p);
  std::string s;
  UWord extra;
  unsigned last;
  if (!flatten_iolist(args[0], s, &extra, &last, false)) return raise_badarg(p);
  return bytes_to_binary(p, s);
}

BIF_FN(erlang_list_to_bitstring_1) {
  if (!is_list(args[0]) && !is_nil(args[0])) return raise_badarg(p);
  std::string s;
  UWord extra;
  unsigned last = 0;
  if (!flatten_iolist(args[0], s, &extra, &last, true)) return raise_badarg(p);
  if (!extra) return bytes_to_binary(p, s);
  s.push_back(char(last));
  Term bin = bytes_to_binary(p, s);
  return make_sub_bin(p->halloc(SUB_BIN_WORDS), bin, 0, (s.size() - 1) * 8 + extra);
}

BIF_FN(erlang_iolist_size_1) {
  if (is_bitstring(args[0])) {
    if (bitstring_bits(args[0]) % 8) return raise_badarg(p);
    return make_small(SWord(bitstring_bits(args[0]) / 8));
  }
  std::string s;
  UWord extra;
  unsigned last;
  if ((!is_list(args[0]) && !is_nil(args[0])) || !flatten_iolist(args[0], s, &extra, &last, false))
    return raise_badarg(p);
  return make_small(SWord(s.size()));
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
