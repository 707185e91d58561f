// binary: the BIFs of the binary module (stdlib's binary.erl implements the
// rest on top of them).
//
// A compiled pattern is {bm, Pattern} for one pattern and {ac, [Pattern, ...]}
// for several (the reference holds a magic reference to its search tables
// there instead; both are opaque to programs). The search tables are
// rebuilt from the patterns on each call.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "bifs/bin_util.h"
#include "bifs/binary_search.h"
#include "vm/atom_table.h"
#include "vm/bignum.h"
#include "vm/binary.h"

namespace bvm {

namespace {

bool is_byte_binary(Term t) { return is_bitstring(t) && bitstring_bits(t) % 8 == 0; }

Term atom(const char* name) { return atom_put(name); }

// ---- patterns

// A non-empty binary, or a non-empty list of them (do_binary_match_compile).
bool parse_pattern_list(Term arg, std::vector<std::string>& out) {
  if (is_bitstring(arg)) {
    if (!is_byte_binary(arg) || bitstring_bits(arg) == 0) return false;
    out.emplace_back(BinaryBytes(arg).view());
    return true;
  }
  if (!is_list(arg)) return false;
  Term l = arg;
  for (; is_list(l); l = cdr(l)) {
    Term b = car(l);
    if (!is_byte_binary(b) || bitstring_bits(b) == 0) return false;
    out.emplace_back(BinaryBytes(b).view());
  }
  return is_nil(l);
}

// A pattern argument: patterns as above, or a compiled pattern.
bool parse_pattern(Term arg, std::vector<std::string>& out) {
  if (is_tuple(arg)) {
    if (tuple_arity(arg) != 2) return false;
    Term tag = tuple_elem(arg, 1), body = tuple_elem(arg, 2);
    if (tag == atom("bm")) return is_bitstring(body) && parse_pattern_list(body, out);
    if (tag == atom("ac")) return is_list(body) && parse_pattern_list(body, out) && out.size() > 1;
    return false;
  }
  return parse_pattern_list(arg, out);
}

// ---- options

// {scope, {Pos, Len}}: sets [*start, *end) as parse_match_opts_list does,
// including its overflow rules; false if malformed or outside the binary.
bool parse_scope(Term opt, size_t size, size_t* start, size_t* end) {
  if (!is_tuple(opt) || tuple_arity(opt) != 2 || tuple_elem(opt, 1) != atom("scope")) return false;
  Term range = tuple_elem(opt, 2);
  if (!is_tuple(range) || tuple_arity(range) != 2) return false;
  uint64_t pos;
  int64_t slen;
  if (!term_to_uint64(tuple_elem(range, 1), &pos) || !term_to_int64(tuple_elem(range, 2), &slen)) return false;
  uint64_t len;
  if (slen < 0) {
    if (slen == INT64_MIN) return false;
    len = uint64_t(-slen);
    pos -= len;  // wraps when Len reaches before the start; caught below
  } else {
    len = uint64_t(slen);
  }
  if (pos + len < pos || (len > 0 && pos + len == pos)) return false;
  if (size < pos || size < pos + len) return false;
  *start = size_t(pos);
  *end = size_t(pos + len);
  return true;
}

enum SplitFlags : unsigned { SPLIT_GLOBAL = 1, SPLIT_TRIM = 2, SPLIT_TRIM_ALL = 4 };

// Options of match/3 and matches/3 (only scope), or of split/3 (also
// global, trim, trim_all). As in the reference an improper tail after the
// options is ignored.
bool parse_options(Term opts, size_t size, bool split, size_t* start, size_t* end, unsigned* flags) {
  *start = 0;
  *end = size;
  *flags = 0;
  if (opts == NON_VALUE || is_nil(opts)) return true;
  if (!is_list(opts)) return false;
  for (Term l = opts; is_list(l); l = cdr(l)) {
    Term o = car(l);
    if (split && o == atom("global")) *flags |= SPLIT_GLOBAL;
    else if (split && o == atom("trim")) *flags |= SPLIT_TRIM;
    else if (split && o == atom("trim_all")) *flags |= SPLIT_TRIM_ALL;
    else if (!parse_scope(o, size, start, end)) return false;
  }
  return true;
}

Term match_tuple(Process* p, const PatternMatch& m) {
  return make_tuple(p, {make_uinteger(p, m.pos), make_uinteger(p, m.len)});
}

Term build_list(Process* p, const std::vector<Term>& items) {
  Term l = NIL;
  for (size_t i = items.size(); i-- > 0;) l = make_cons(p, items[i], l);
  return l;
}

// match/2,3 (global = false) and matches/2,3 (global = true).
Term do_match(Process* p, Term subject, Term pattern, Term opts, bool global) {
  if (!is_byte_binary(subject)) return raise_badarg(p);
  size_t start, end;
  unsigned flags;
  if (!parse_options(opts, binary_byte_size(subject), false, &start, &end, &flags)) return raise_badarg(p);
  // An empty scope is not searched: the pattern is not even looked at.
  if (end == 0) return global ? NIL : atom("nomatch");
  std::vector<std::string> patterns;
  if (!parse_pattern(pattern, patterns)) return raise_badarg(p);
  PatternSearch search(patterns);
  BinaryBytes hay(subject);
  if (!global) {
    PatternMatch m;
    if (!search.find_first(hay.data(), start, end, &m)) return atom("nomatch");
    return match_tuple(p, m);
  }
  std::vector<PatternMatch> found;
  search.find_all(hay.data(), start, end, found);
  std::vector<Term> items;
  items.reserve(found.size());
  for (const PatternMatch& m : found) items.push_back(match_tuple(p, m));
  return build_list(p, items);
}

Term slice(Process* p, Term subject, size_t from, size_t to) {
  return extract_sub_binary(p, subject, from * 8, (to - from) * 8);
}

Term do_split(Process* p, Term subject, Term pattern, Term opts) {
  if (!is_byte_binary(subject)) return raise_badarg(p);
  size_t size = binary_byte_size(subject);
  size_t start, end;
  unsigned flags;
  if (!parse_options(opts, size, true, &start, &end, &flags)) return raise_badarg(p);
  bool trimming = flags & (SPLIT_TRIM | SPLIT_TRIM_ALL);
  auto not_found = [&]() -> Term {
    if (trimming && size == 0) return NIL;
    return make_cons(p, subject, NIL);
  };
  if (end == 0) return not_found();
  std::vector<std::string> patterns;
  if (!parse_pattern(pattern, patterns)) return raise_badarg(p);
  PatternSearch search(patterns);
  BinaryBytes hay(subject);

  if (!(flags & SPLIT_GLOBAL)) {
    PatternMatch m;
    if (!search.find_first(hay.data(), start, end, &m)) return not_found();
    size_t after = m.pos + m.len;
    if (trimming && after == size) {
      if (m.pos == 0) return NIL;
      return make_cons(p, slice(p, subject, 0, m.pos), NIL);
    }
    Term rest = make_cons(p, slice(p, subject, after, size), NIL);
    if ((flags & SPLIT_TRIM_ALL) && m.pos == 0) return rest;
    return make_cons(p, slice(p, subject, 0, m.pos), rest);
  }

  std::vector<PatternMatch> found;
  search.find_all(hay.data(), start, end, found);
  if (found.empty()) return not_found();
  // From the last part to the first: `trim` drops empty parts at the end
  // only, `trim_all` every empty part.
  unsigned drop = flags & (SPLIT_TRIM | SPLIT_TRIM_ALL);
  Term result = NIL;
  size_t part_end = size;
  for (size_t i = found.size(); i-- > 0;) {
    size_t part_start = found[i].pos + found[i].len;
    if (!(part_end == part_start && drop)) {
      result = make_cons(p, slice(p, subject, part_start, part_end), result);
      drop &= ~unsigned(SPLIT_TRIM);
    }
    part_end = found[i].pos;
  }
  if (!(found[0].pos == 0 && drop)) result = make_cons(p, slice(p, subject, 0, found[0].pos), result);
  return result;
}

// binary:part/2,3 (the reference's erts_binary_part; bitstrings count
// their whole bytes only).
Term do_part(Process* p, Term bin, Term pos_t, Term len_t) {
  uint64_t pos;
  int64_t slen;
  if (!is_bitstring(bin) || !term_to_uint64(pos_t, &pos) || !term_to_int64(len_t, &slen)) return raise_badarg(p);
  uint64_t len;
  if (slen < 0) {
    if (slen == INT64_MIN) return raise_badarg(p);
    len = uint64_t(-slen);
    if (len > pos) return raise_badarg(p);
    pos -= len;
  } else {
    len = uint64_t(slen);
  }
  if (pos + len < pos || (len > 0 && pos + len == pos)) return raise_badarg(p);
  size_t size = binary_byte_size(bin);
  if (size < pos || size < pos + len) return raise_badarg(p);
  return extract_sub_binary(p, bin, pos * 8, len * 8);
}

// The byte at `index` of a non-empty binary.
Term byte_at(Process* p, Term bin, Term index_t, bool from_end, bool indexed) {
  if (!is_bitstring(bin)) return raise_badarg(p);
  size_t size = binary_byte_size(bin);
  if (size == 0) return raise_badarg(p);
  uint64_t index = from_end ? size - 1 : 0;
  if (indexed && (!term_to_uint64(index_t, &index) || index >= size)) return raise_badarg(p);
  if (bitstring_bits(bin) % 8) return raise_badarg(p);
  BitView v = bitstring_view(bin);
  UWord bit = v.bit_offset + index * 8;
  unsigned hi = v.base[bit / 8];
  if (bit % 8 == 0) return make_small(SWord(hi));
  unsigned lo = v.base[bit / 8 + 1];
  return make_small(SWord(((hi << (bit % 8)) | (lo >> (8 - bit % 8))) & 0xFF));
}

// longest_common_prefix/suffix.
Term longest_common(Process* p, Term list, bool suffix) {
  std::vector<BinaryBytes> bins;
  Term l = list;
  for (; is_list(l); l = cdr(l)) {
    if (!is_bitstring(car(l))) return raise_badarg(p);
  }
  if (!is_nil(l) || is_nil(list)) return raise_badarg(p);
  for (l = list; is_list(l); l = cdr(l)) {
    if (bitstring_bits(car(l)) % 8) return raise_badarg(p);
    bins.emplace_back(car(l));
  }
  auto byte = [suffix](const BinaryBytes& b, size_t n) { return suffix ? b.data()[b.size() - 1 - n] : b.data()[n]; };
  for (size_t n = 0;; n++) {
    for (const BinaryBytes& b : bins) {
      if (n >= b.size() || byte(b, n) != byte(bins[0], n)) return make_uinteger(p, n);
    }
  }
}

Term do_copy(Process* p, Term bin, Term n_t) {
  uint64_t n;
  if (!is_bitstring(bin) || !term_to_uint64(n_t, &n)) return raise_badarg(p);
  uint8_t* out;
  if (n == 0) return alloc_binary(p, 0, &out);
  if (bitstring_bits(bin) % 8) return raise_badarg(p);
  BinaryBytes src(bin);
  size_t size = src.size();
  // The reference would try to allocate anything; past 2^40 bytes we say
  // system_limit instead of failing to.
  if (size && n > (uint64_t(1) << 40) / size) return raise_system_limit(p);
  Term result = alloc_binary(p, size * n, &out);
  for (uint64_t i = 0; i < n && size; i++) std::memcpy(out + i * size, src.data(), size);
  return result;
}

bool endianness(Term t, bool* big) {
  if (t == atom("big")) *big = true;
  else if (t == atom("little")) *big = false;
  else return false;
  return true;
}

Term do_encode_unsigned(Process* p, Term value, Term endian) {
  bool big;
  if (!is_integer(value) || !endianness(endian, &big)) return raise_badarg(p);
  std::vector<uint8_t> le;  // magnitude, least significant byte first
  if (is_small(value)) {
    if (small_val(value) < 0) return raise_badarg(p);
    UWord u = UWord(small_val(value));
    do {
      le.push_back(uint8_t(u));
      u >>= 8;
    } while (u);
  } else {
    if (big_negative(value)) return raise_badarg(p);
    for (UWord i = 0; i < big_size(value); i++)
      for (unsigned k = 0; k < 8; k++) le.push_back(uint8_t(big_digits(value)[i] >> (8 * k)));
    while (le.size() > 1 && le.back() == 0) le.pop_back();
  }
  uint8_t* out;
  Term result = alloc_binary(p, le.size(), &out);
  for (size_t i = 0; i < le.size(); i++) out[i] = big ? le[le.size() - 1 - i] : le[i];
  return result;
}

Term do_decode_unsigned(Process* p, Term bin, Term endian) {
  bool big;
  if (!is_bitstring(bin) || !endianness(endian, &big) || bitstring_bits(bin) % 8) return raise_badarg(p);
  BinaryBytes bytes(bin);
  std::vector<uint8_t> le(bytes.data(), bytes.data() + bytes.size());
  if (big) std::reverse(le.begin(), le.end());
  while (!le.empty() && le.back() == 0) le.pop_back();
  if (le.empty()) return make_small(0);
  UWord used;
  return make_integer_from_le_bytes(p->halloc(integer_words_for_bytes(le.size())), le.data(), le.size(), false,
                                    &used);
}

}  // namespace

BIF_FN(binary_compile_pattern_1) {
  std::vector<std::string> patterns;
  if (!parse_pattern_list(args[0], patterns)) return raise_badarg(p);
  if (patterns.size() == 1) {
    Term bin = is_list(args[0]) ? car(args[0]) : args[0];
    return make_tuple(p, {atom("bm"), bin});
  }
  return make_tuple(p, {atom("ac"), args[0]});
}

BIF_FN(binary_match_2) { return do_match(p, args[0], args[1], NON_VALUE, false); }
BIF_FN(binary_match_3) { return do_match(p, args[0], args[1], args[2], false); }
BIF_FN(binary_matches_2) { return do_match(p, args[0], args[1], NON_VALUE, true); }
BIF_FN(binary_matches_3) { return do_match(p, args[0], args[1], args[2], true); }
BIF_FN(binary_split_2) { return do_split(p, args[0], args[1], NON_VALUE); }
BIF_FN(binary_split_3) { return do_split(p, args[0], args[1], args[2]); }

BIF_FN(binary_part_2) {
  Term pos = args[1];
  if (!is_tuple(pos) || tuple_arity(pos) != 2) return raise_badarg(p);
  return do_part(p, args[0], tuple_elem(pos, 1), tuple_elem(pos, 2));
}
BIF_FN(binary_part_3) { return do_part(p, args[0], args[1], args[2]); }

BIF_FN(binary_at_2) { return byte_at(p, args[0], args[1], false, true); }
BIF_FN(binary_first_1) { return byte_at(p, args[0], NON_VALUE, false, false); }
BIF_FN(binary_last_1) { return byte_at(p, args[0], NON_VALUE, true, false); }

BIF_FN(binary_copy_1) { return do_copy(p, args[0], make_small(1)); }
BIF_FN(binary_copy_2) { return do_copy(p, args[0], args[1]); }

BIF_FN(binary_list_to_bin_1) { return erlang_list_to_binary_1(p, args); }

BIF_FN(binary_longest_common_prefix_1) { return longest_common(p, args[0], false); }
BIF_FN(binary_longest_common_suffix_1) { return longest_common(p, args[0], true); }

BIF_FN(binary_referenced_byte_size_1) {
  Term b = args[0];
  if (!is_bitstring(b)) return raise_badarg(p);
  while (header_sub(boxed_header(b)) == Sub::SubBin) b = boxed_val(b)[3];
  if (header_sub(boxed_header(b)) == Sub::RefcBin)
    return make_uinteger(p, reinterpret_cast<const BinData*>(boxed_val(b)[3])->size);
  return make_uinteger(p, boxed_val(b)[1]);
}

BIF_FN(binary_encode_unsigned_1) { return do_encode_unsigned(p, args[0], atom("big")); }
BIF_FN(binary_encode_unsigned_2) { return do_encode_unsigned(p, args[0], args[1]); }
BIF_FN(binary_decode_unsigned_1) { return do_decode_unsigned(p, args[0], atom("big")); }
BIF_FN(binary_decode_unsigned_2) { return do_decode_unsigned(p, args[0], args[1]); }

}  // namespace bvm
