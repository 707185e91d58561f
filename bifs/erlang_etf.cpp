// erlang: the external term format (term_to_binary/1,2, term_to_iovec/1,2,
// binary_to_term/1,2, external_size/1,2). The encoder is vm/etf_encode.h,
// the decoder loader/etf_decode.h.
#include <zlib.h>

#include <cstring>
#include <string>
#include <vector>

#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "loader/etf_decode.h"
#include "vm/atom_table.h"
#include "vm/binary.h"
#include "vm/bits.h"
#include "vm/etf_encode.h"

namespace bvm {

namespace {

struct EtfAtoms {
  Term compressed = atom_put("compressed");
  Term minor_version = atom_put("minor_version");
  Term deterministic = atom_put("deterministic");
  Term safe = atom_put("safe");
  Term used = atom_put("used");
  Term badopt = atom_put("badopt");
};
const EtfAtoms& atoms() {
  static const EtfAtoms a;
  return a;
}

// term_to_binary/term_to_iovec options.
struct EncodeRequest {
  EtfEncodeOptions opts;
  int level = 0;  // zlib level; 0: no compression
};

bool is_pair(Term t, Term tag) { return is_tuple(t) && tuple_arity(t) == 2 && tuple_elem(t, 1) == tag; }

// As the reference: later options override earlier ones; anything else,
// including OTP 26's `local`, is badarg.
bool parse_encode_options(Term opts, EncodeRequest* r) {
  const EtfAtoms& a = atoms();
  for (; is_list(opts); opts = cdr(opts)) {
    Term o = car(opts);
    if (o == a.compressed) {
      r->level = Z_DEFAULT_COMPRESSION;
    } else if (o == a.deterministic) {
      r->opts.deterministic = true;
    } else if (is_pair(o, a.minor_version) && is_small(tuple_elem(o, 2))) {
      SWord v = small_val(tuple_elem(o, 2));
      if (v < 0 || v > 2) return false;
      r->opts.new_floats = v >= 1;
      r->opts.utf8_atoms = v == 2;
    } else if (is_pair(o, a.compressed) && is_small(tuple_elem(o, 2))) {
      SWord v = small_val(tuple_elem(o, 2));
      if (v < 0 || v > 9) return false;
      r->level = int(v);
    } else {
      return false;
    }
  }
  return is_nil(opts);
}

// A binary of these bytes. The reference makes a heap binary for terms
// whose estimated size fits one, and an off-heap binary otherwise (even
// when the final bytes, e.g. compressed, would fit).
Term result_binary(Process* p, const uint8_t* data, size_t size, bool off_heap) {
  if (!off_heap && size <= HEAP_BIN_LIMIT) return make_heap_bin(p->halloc(heap_bin_words(size)), data, size);
  BinData* bd = BinData::create(size);
  if (size) std::memcpy(bd->bytes, data, size);
  return make_refc_bin(p->halloc(REFC_BIN_WORDS), bd, &p->off_heap);
}

// A new off-heap binary handle for `size` bytes at `data` inside bd.
Term refc_slice(Process* p, BinData* bd, const uint8_t* data, size_t size) {
  bd->ref();
  Term* hp = p->halloc(REFC_BIN_WORDS);
  Term t = make_refc_bin(hp, bd, &p->off_heap);
  p->off_heap.bin_bytes = p->off_heap.bin_bytes - bd->size + size;
  hp[1] = size;
  hp[4] = reinterpret_cast<Term>(data);
  return t;
}

// term_to_binary: NON_VALUE (system_limit raised) when the term is too large.
Term term_to_binary(Process* p, Term t, const EncodeRequest& r) {
  UWord estimate;
  if (!etf_external_size(t, r.opts, &estimate)) return raise_system_limit(p);
  std::vector<uint8_t> bytes;
  bytes.reserve(estimate);
  if (!etf_encode(t, r.opts, bytes)) return raise_system_limit(p);
  bool off_heap = estimate > HEAP_BIN_LIMIT;
  if (r.level != 0) {
    std::vector<uint8_t> packed;
    if (etf_compress(bytes.data(), bytes.size(), r.level, packed))
      return result_binary(p, packed.data(), packed.size(), off_heap);
  }
  return result_binary(p, bytes.data(), bytes.size(), off_heap);
}

// term_to_iovec: a list of binaries whose concatenation is the encoding.
// Large off-heap binaries in the term are not copied but referenced. With
// compression the reference returns a plain binary, and so does this.
Term term_to_iovec(Process* p, Term t, const EncodeRequest& r) {
  if (r.level != 0) return term_to_binary(p, t, r);
  UWord estimate;
  if (!etf_external_size(t, r.opts, &estimate)) return raise_system_limit(p);
  if (estimate <= HEAP_BIN_LIMIT) {
    Term bin = term_to_binary(p, t, r);
    return bin == NON_VALUE ? bin : make_cons(p, bin, NIL);
  }
  std::vector<uint8_t> bytes;
  std::vector<EtfBinaryRef> refs;
  if (!etf_encode(t, r.opts, bytes, &refs)) return raise_system_limit(p);
  // The encoded bytes in one off-heap binary; each run between referenced
  // binaries is a handle into it.
  BinData* own = BinData::create(bytes.size());
  std::memcpy(own->bytes, bytes.data(), bytes.size());
  std::vector<Term> parts;
  size_t done = 0;
  auto own_part = [&](size_t end) {
    if (end > done) parts.push_back(refc_slice(p, own, own->bytes + done, end - done));
    done = end;
  };
  for (const EtfBinaryRef& ref : refs) {
    own_part(ref.at);
    Term* pb = boxed_val(ref.refc);
    // The data is shared now: appending to the binary must copy it.
    pb[5] &= ~BIN_WRITABLE;
    if (ref.size == pb[1]) parts.push_back(ref.refc);
    else parts.push_back(refc_slice(p, reinterpret_cast<BinData*>(pb[3]), ref.data, ref.size));
  }
  own_part(bytes.size());
  own->unref_consume();  // the handles hold their own references
  Term list = NIL;
  for (size_t i = parts.size(); i-- > 0;) list = make_cons(p, parts[i], list);
  return list;
}

Term binary_to_term(Process* p, Term bin, bool safe, bool used) {
  if (!is_bitstring(bin)) return raise_badarg(p);
  BitView v = bitstring_view(bin);
  if (v.bit_size % 8) return raise_badarg(p);
  size_t size = v.bit_size / 8;
  const uint8_t* data = v.base + v.bit_offset / 8;
  std::vector<uint8_t> aligned;
  if (!v.byte_aligned()) {
    aligned.resize(size);
    copy_bits(v.base, v.bit_offset, aligned.data(), 0, v.bit_size);
    data = aligned.data();
  }
  EtfOptions opts;
  opts.safe = safe;
  EtfDecoder dec(data, size, opts);
  if (!dec.prepare()) return raise_badarg(p);
  UWord words = dec.heap_words();
  Term* hp = words ? p->halloc(words) : nullptr;
  Term t = dec.build(hp, &p->off_heap, [p](size_t n) { return p->halloc(n); });
  if (t == NON_VALUE) return raise_badarg(p);
  if (!used) return t;
  return make_tuple(p, {t, make_uinteger(p, dec.used_bytes())});
}

Term external_size(Process* p, Term t, const EtfEncodeOptions& opts) {
  UWord size;
  if (!etf_external_size(t, opts, &size)) return raise_system_limit(p);
  return make_uinteger(p, size);
}

}  // namespace

BIF_FN(erlang_term_to_binary_1) { return term_to_binary(p, args[0], EncodeRequest{}); }

BIF_FN(erlang_term_to_binary_2) {
  EncodeRequest r;
  if (!parse_encode_options(args[1], &r)) return raise_badarg(p);
  return term_to_binary(p, args[0], r);
}

BIF_FN(erlang_term_to_iovec_1) { return term_to_iovec(p, args[0], EncodeRequest{}); }

BIF_FN(erlang_term_to_iovec_2) {
  EncodeRequest r;
  if (!parse_encode_options(args[1], &r)) return raise_badarg(p);
  return term_to_iovec(p, args[0], r);
}

BIF_FN(erlang_binary_to_term_1) { return binary_to_term(p, args[0], false, false); }

BIF_FN(erlang_binary_to_term_2) {
  bool safe = false, used = false;
  Term opts = args[1];
  for (; is_list(opts); opts = cdr(opts)) {
    if (car(opts) == atoms().safe) safe = true;
    else if (car(opts) == atoms().used) used = true;
    else break;
  }
  if (!is_nil(opts)) return raise_error_cause(p, am::badarg, atoms().badopt);
  return binary_to_term(p, args[0], safe, used);
}

BIF_FN(erlang_external_size_1) { return external_size(p, args[0], EtfEncodeOptions{}); }

// Only {minor_version, 0 | 1}: the reference's external_size/2 takes no
// other option (not even minor_version 2).
BIF_FN(erlang_external_size_2) {
  EtfEncodeOptions opts;
  Term l = args[1];
  for (; is_list(l); l = cdr(l)) {
    Term o = car(l);
    if (!is_pair(o, atoms().minor_version) || !is_small(tuple_elem(o, 2))) return raise_badarg(p);
    SWord v = small_val(tuple_elem(o, 2));
    if (v != 0 && v != 1) return raise_badarg(p);
    if (v == 0) opts.new_floats = false;  // and a later 1 does not undo it
  }
  if (!is_nil(l)) return raise_badarg(p);
  return external_size(p, args[0], opts);
}

}  // namespace bvm
