// erlang:iolist_to_iovec/1: an iolist as a list of binaries, shaped as the
// reference shapes it. Runs of bytes and small binaries are gathered into
// fresh binaries; binaries of at least 256 bytes are passed through when
// nothing small is pending, and otherwise top the pending data up to 256
// bytes, their rest following as a sub-binary.
#include <cstring>
#include <string>
#include <vector>

#include "bifs/bif.h"
#include "bifs/bin_util.h"
#include "bifs/iovec.h"
#include "vm/bits.h"

namespace bvm {

namespace {

constexpr size_t SMALL_LIMIT = 4 * HEAP_BIN_LIMIT;  // 256

struct IovecBuilder {
  Process* p;
  std::string acc;            // gathered bytes not yet made a binary
  std::vector<Term> result;   // in order

  void flush() {
    if (acc.empty()) return;
    uint8_t* data;
    Term bin = alloc_binary(p, acc.size(), &data);
    std::memcpy(data, acc.data(), acc.size());
    result.push_back(bin);
    acc.clear();
  }

  bool add_binary(Term bin) {
    UWord bits = bitstring_bits(bin);
    if (bits % 8) return false;
    size_t size = bits / 8;
    if (size == 0) return true;
    bool bin_small = size < SMALL_LIMIT, acc_small = acc.size() < SMALL_LIMIT;
    if (!bin_small && (acc.empty() || !acc_small)) {
      flush();
      result.push_back(bin);
      return true;
    }
    BinaryBytes b(bin);
    if (bin_small || size + acc.size() < 2 * SMALL_LIMIT) {
      acc.append(b.view());
      return true;
    }
    size_t spill = SMALL_LIMIT - acc.size();
    acc.append(b.view().substr(0, spill));
    flush();
    result.push_back(make_sub_binary(p, bin, spill * 8, (size - spill) * 8));
    return true;
  }
};

}  // namespace

BIF_FN(erlang_iolist_to_iovec_1) {
  Term in = args[0];
  if (is_nil(in)) return NIL;
  if (is_bitstring(in)) {
    UWord bits = bitstring_bits(in);
    if (bits % 8) return raise_badarg(p);
    return bits ? make_cons(p, in, NIL) : NIL;
  }
  if (!is_list(in)) return raise_badarg(p);
  IovecBuilder b{p, {}, {}};
  std::vector<Term> stack;
  Term it = in;
  for (;;) {
    while (is_list(it)) {
      Term h = car(it);
      if (is_bitstring(h)) {
        if (!b.add_binary(h)) return raise_badarg(p);
        it = cdr(it);
      } else if (is_small(h)) {
        SWord c = small_val(h);
        if (c < 0 || c > 255) return raise_badarg(p);
        b.acc.push_back(char(c));
        it = cdr(it);
      } else if (is_list(h) || is_nil(h)) {
        if (!is_nil(cdr(it))) stack.push_back(cdr(it));
        it = h;
      } else {
        return raise_badarg(p);
      }
    }
    if (is_bitstring(it)) {
      if (!b.add_binary(it)) return raise_badarg(p);
    } else if (!is_nil(it)) {
      return raise_badarg(p);
    }
    if (stack.empty()) break;
    it = stack.back();
    stack.pop_back();
  }
  b.flush();
  Term l = NIL;
  for (size_t i = b.result.size(); i-- > 0;) l = make_cons(p, b.result[i], l);
  return l;
}

}  // namespace bvm
