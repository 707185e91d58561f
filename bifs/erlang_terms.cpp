// erlang: type tests, tuples, lists, atoms and integer/text conversions.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "bifs/text.h"
#include "vm/atom_table.h"
#include "vm/bignum.h"
#include "vm/binary.h"
#include "vm/compare.h"

namespace bvm {

namespace {
Term boolean(bool b) { return b ? am::true_ : am::false_; }

// The reference's largest tuple; larger ones are badarg.
constexpr UWord MAX_TUPLE_SIZE = (UWord(1) << 24) - 1;
}  // namespace

// ---- type tests
BIF_FN(erlang_is_atom_1) { (void)p; return boolean(is_atom(args[0])); }
BIF_FN(erlang_is_binary_1) { (void)p; return boolean(is_bitstring(args[0]) && bitstring_bits(args[0]) % 8 == 0); }
BIF_FN(erlang_is_bitstring_1) { (void)p; return boolean(is_bitstring(args[0])); }
BIF_FN(erlang_is_boolean_1) { (void)p; return boolean(args[0] == am::true_ || args[0] == am::false_); }
BIF_FN(erlang_is_float_1) { (void)p; return boolean(is_float(args[0])); }
BIF_FN(erlang_is_function_1) { (void)p; return boolean(is_fun(args[0])); }
BIF_FN(erlang_is_function_2) {
  Term a = args[1];
  if (!is_small(a) || small_val(a) < 0) {
    if (is_big(a) && !big_negative(a)) return am::false_;
    return raise_badarg(p);
  }
  return boolean(is_fun(args[0]) && fun_arity(args[0]) == UWord(small_val(a)));
}
BIF_FN(erlang_is_integer_1) { (void)p; return boolean(is_integer(args[0])); }
BIF_FN(erlang_is_list_1) { (void)p; return boolean(is_list(args[0]) || is_nil(args[0])); }
BIF_FN(erlang_is_map_1) { (void)p; return boolean(is_map(args[0])); }
BIF_FN(erlang_is_number_1) { (void)p; return boolean(is_number(args[0])); }
BIF_FN(erlang_is_pid_1) { (void)p; return boolean(is_pid(args[0])); }
BIF_FN(erlang_is_port_1) { (void)p; return boolean(is_port(args[0])); }
BIF_FN(erlang_is_reference_1) { (void)p; return boolean(is_ref(args[0])); }
BIF_FN(erlang_is_tuple_1) { (void)p; return boolean(is_tuple(args[0])); }
BIF_FN(erlang_is_record_2) {
  if (!is_atom(args[1])) return raise_badarg(p);
  Term t = args[0];
  return boolean(is_tuple(t) && tuple_arity(t) >= 1 && tuple_elem(t, 1) == args[1]);
}
BIF_FN(erlang_is_record_3) {
  if (!is_atom(args[1]) || !is_small(args[2])) return raise_badarg(p);
  Term t = args[0];
  return boolean(is_tuple(t) && SWord(tuple_arity(t)) == small_val(args[2]) && tuple_arity(t) >= 1 &&
                 tuple_elem(t, 1) == args[1]);
}

// ---- tuples
BIF_FN(erlang_element_2) {
  Term n = args[0], t = args[1];
  if (!is_tuple(t) || !is_small(n)) return raise_badarg(p);
  SWord i = small_val(n);
  if (i < 1 || UWord(i) > tuple_arity(t)) return raise_badarg(p);
  return tuple_elem(t, UWord(i));
}

BIF_FN(erlang_setelement_3) {
  Term n = args[0], t = args[1];
  if (!is_tuple(t) || !is_small(n)) return raise_badarg(p);
  SWord i = small_val(n);
  UWord a = tuple_arity(t);
  if (i < 1 || UWord(i) > a) return raise_badarg(p);
  Term* hp = p->halloc(1 + a);
  std::memcpy(hp, tuple_val(t), (1 + a) * sizeof(Term));
  hp[i] = args[2];
  return make_boxed(hp);
}

BIF_FN(erlang_tuple_size_1) {
  if (!is_tuple(args[0])) return raise_badarg(p);
  return make_small(SWord(tuple_arity(args[0])));
}

BIF_FN(erlang_size_1) {
  Term t = args[0];
  if (is_tuple(t)) return make_small(SWord(tuple_arity(t)));
  if (is_bitstring(t)) return make_small(SWord(bitstring_bits(t) / 8));
  return raise_badarg(p);
}

BIF_FN(erlang_make_tuple_2) {
  Term n = args[0];
  if (!is_small(n) || small_val(n) < 0) return raise_badarg(p);
  UWord a = UWord(small_val(n));
  if (a > MAX_TUPLE_SIZE) return raise_badarg(p);
  Term* hp = p->halloc(1 + a);
  hp[0] = make_header(a, Sub::Tuple);
  for (UWord i = 1; i <= a; i++) hp[i] = args[1];
  return make_boxed(hp);
}

BIF_FN(erlang_make_tuple_3) {
  Term n = args[0];
  if (!is_small(n) || small_val(n) < 0) return raise_badarg(p);
  UWord a = UWord(small_val(n));
  if (a > MAX_TUPLE_SIZE || list_length(args[2]) < 0) return raise_badarg(p);
  Term* hp = p->halloc(1 + a);
  hp[0] = make_header(a, Sub::Tuple);
  for (UWord i = 1; i <= a; i++) hp[i] = args[1];
  for (Term l = args[2]; is_list(l); l = cdr(l)) {
    Term e = car(l);
    if (!is_tuple(e) || tuple_arity(e) != 2 || !is_small(tuple_elem(e, 1))) return raise_badarg(p);
    SWord i = small_val(tuple_elem(e, 1));
    if (i < 1 || UWord(i) > a) return raise_badarg(p);
    hp[i] = tuple_elem(e, 2);
  }
  return make_boxed(hp);
}

BIF_FN(erlang_append_element_2) {
  Term t = args[0];
  if (!is_tuple(t)) return raise_badarg(p);
  UWord a = tuple_arity(t);
  if (a + 1 > MAX_TUPLE_SIZE) return raise_badarg(p);
  Term* hp = p->halloc(2 + a);
  hp[0] = make_header(a + 1, Sub::Tuple);
  std::memcpy(hp + 1, tuple_val(t) + 1, a * sizeof(Term));
  hp[a + 1] = args[1];
  return make_boxed(hp);
}

BIF_FN(erlang_insert_element_3) {
  Term n = args[0], t = args[1];
  if (!is_tuple(t) || !is_small(n)) return raise_badarg(p);
  UWord a = tuple_arity(t);
  SWord i = small_val(n);
  if (i < 1 || UWord(i) > a + 1) return raise_badarg(p);
  Term* hp = p->halloc(2 + a);
  hp[0] = make_header(a + 1, Sub::Tuple);
  const Term* src = tuple_val(t) + 1;
  UWord k = 1;
  for (UWord j = 0; j < a + 1; j++) hp[k++] = j + 1 == UWord(i) ? args[2] : *src++;
  return make_boxed(hp);
}

BIF_FN(erlang_delete_element_2) {
  Term n = args[0], t = args[1];
  if (!is_tuple(t) || !is_small(n)) return raise_badarg(p);
  UWord a = tuple_arity(t);
  SWord i = small_val(n);
  if (i < 1 || UWord(i) > a) return raise_badarg(p);
  Term* hp = p->halloc(a);
  hp[0] = make_header(a - 1, Sub::Tuple);
  UWord k = 1;
  for (UWord j = 1; j <= a; j++)
    if (j != UWord(i)) hp[k++] = tuple_elem(t, j);
  return make_boxed(hp);
}

BIF_FN(erlang_tuple_to_list_1) {
  Term t = args[0];
  if (!is_tuple(t)) return raise_badarg(p);
  UWord a = tuple_arity(t);
  Term* hp = p->halloc(2 * a);
  Term l = NIL;
  for (UWord i = a; i >= 1; i--) {
    hp[2 * (i - 1)] = tuple_elem(t, i);
    hp[2 * (i - 1) + 1] = l;
    l = make_list(hp + 2 * (i - 1));
  }
  return l;
}

BIF_FN(erlang_list_to_tuple_1) {
  SWord n = list_length(args[0]);
  if (n < 0 || UWord(n) > MAX_TUPLE_SIZE) return raise_badarg(p);
  Term* hp = p->halloc(1 + UWord(n));
  hp[0] = make_header(UWord(n), Sub::Tuple);
  UWord i = 1;
  for (Term l = args[0]; is_list(l); l = cdr(l)) hp[i++] = car(l);
  return make_boxed(hp);
}

// ---- lists
BIF_FN(erlang_hd_1) {
  if (!is_list(args[0])) return raise_badarg(p);
  return car(args[0]);
}
BIF_FN(erlang_tl_1) {
  if (!is_list(args[0])) return raise_badarg(p);
  return cdr(args[0]);
}
BIF_FN(erlang_length_1) {
  SWord n = list_length(args[0]);
  if (n < 0) return raise_badarg(p);
  return make_small(n);
}

BIF_FN(erlang_append_2) {
  Term a = args[0], b = args[1];
  SWord n = list_length(a);
  if (n < 0) return raise_badarg(p);
  if (n == 0) return b;
  Term* hp = p->halloc(2 * UWord(n));
  Term result = make_list(hp);
  for (Term l = a; is_list(l); l = cdr(l)) {
    hp[0] = car(l);
    hp[1] = is_list(cdr(l)) ? make_list(hp + 2) : b;
    hp += 2;
  }
  return result;
}

BIF_FN(erlang_subtract_2) {
  Term a = args[0], b = args[1];
  SWord na = list_length(a), nb = list_length(b);
  if (na < 0 || nb < 0) return raise_badarg(p);
  if (na == 0 || nb == 0) return a;
  // Each element of B removes the first equal (=:=) element of A.
  std::vector<Term> remove;
  remove.reserve(UWord(nb));
  for (Term l = b; is_list(l); l = cdr(l)) remove.push_back(car(l));
  std::vector<Term> keep;
  keep.reserve(UWord(na));
  if (nb <= 16) {
    std::vector<bool> used(remove.size(), false);
    for (Term l = a; is_list(l); l = cdr(l)) {
      Term e = car(l);
      bool drop = false;
      for (size_t i = 0; i < remove.size(); i++) {
        if (!used[i] && term_eq_exact(e, remove[i])) {
          used[i] = true;
          drop = true;
          break;
        }
      }
      if (!drop) keep.push_back(e);
    }
  } else {
    // Sort B once; count occurrences; look each element of A up.
    std::sort(remove.begin(), remove.end(), [](Term x, Term y) { return term_compare_exact(x, y) < 0; });
    std::vector<std::pair<Term, UWord>> counts;
    for (Term t : remove) {
      if (!counts.empty() && term_compare_exact(counts.back().first, t) == 0) counts.back().second++;
      else counts.push_back({t, 1});
    }
    for (Term l = a; is_list(l); l = cdr(l)) {
      Term e = car(l);
      auto it = std::lower_bound(counts.begin(), counts.end(), e,
                                 [](const std::pair<Term, UWord>& c, Term v) { return term_compare_exact(c.first, v) < 0; });
      if (it != counts.end() && it->second > 0 && term_compare_exact(it->first, e) == 0) {
        it->second--;
        continue;
      }
      keep.push_back(e);
    }
  }
  Term* hp = p->halloc(2 * keep.size());
  Term l = NIL;
  for (size_t i = keep.size(); i-- > 0;) {
    hp[2 * i] = keep[i];
    hp[2 * i + 1] = l;
    l = make_list(hp + 2 * i);
  }
  return l;
}

// ---- atoms
BIF_FN(erlang_atom_to_list_1) {
  if (!is_atom(args[0])) return raise_badarg(p);
  return utf8_to_list(p, atom_text(args[0]));
}

static Term list_to_atom_impl(Process* p, Term list, bool existing) {
  std::string text;
  SWord chars = 0;
  Term l = list;
  for (; is_list(l); l = cdr(l)) {
    Term c = car(l);
    if (!is_small(c) || small_val(c) < 0 || small_val(c) > 0x10FFFF) return raise_badarg(p);
    SWord v = small_val(c);
    if (v >= 0xD800 && v <= 0xDFFF) return raise_badarg(p);
    append_utf8(text, uint32_t(v));
    chars++;
  }
  if (!is_nil(l)) return raise_badarg(p);
  if (existing) {
    Term a = AtomTable::global().find(text);
    return a == NON_VALUE ? raise_badarg(p) : a;
  }
  if (size_t(chars) > MAX_ATOM_CHARACTERS) return raise_system_limit(p);
  Term a = atom_put(text);
  return a == NON_VALUE ? raise_system_limit(p) : a;
}

BIF_FN(erlang_list_to_atom_1) { return list_to_atom_impl(p, args[0], false); }
BIF_FN(erlang_list_to_existing_atom_1) { return list_to_atom_impl(p, args[0], true); }

static bool encoding_of(Term enc, bool* latin1) {
  if (enc == atom_put("latin1")) *latin1 = true;
  else if (enc == atom_put("utf8") || enc == atom_put("unicode")) *latin1 = false;
  else return false;
  return true;
}

BIF_FN(erlang_atom_to_binary_2) {
  bool latin1;
  if (!is_atom(args[0]) || !encoding_of(args[1], &latin1)) return raise_badarg(p);
  std::string_view s = atom_text(args[0]);
  if (!latin1) return make_binary(p, reinterpret_cast<const uint8_t*>(s.data()), s.size());
  std::string out;
  if (!utf8_to_latin1(s, out)) return raise_badarg(p);
  return make_binary(p, reinterpret_cast<const uint8_t*>(out.data()), out.size());
}

static Term binary_to_atom_impl(Process* p, Term bin, Term enc, bool existing) {
  bool latin1;
  if (!is_bitstring(bin) || bitstring_bits(bin) % 8 || !encoding_of(enc, &latin1)) return raise_badarg(p);
  std::string bytes = binary_bytes(bin);
  std::string text;
  if (latin1) {
    for (unsigned char c : bytes) append_utf8(text, c);
  } else {
    // As the reference: too many characters before any bad sequence is
    // system_limit (for a new atom), a bad sequence before that badarg.
    if (!existing && bytes.size() > 4 * MAX_ATOM_CHARACTERS) return raise_system_limit(p);
    size_t chars = 0;
    for (size_t i = 0; i < bytes.size();) {
      unsigned char c = static_cast<unsigned char>(bytes[i]);
      size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
      if (len == 0 || i + len > bytes.size() || utf8_count(std::string_view(bytes).substr(i, len)) != 1)
        return raise_badarg(p);
      i += len;
      if (++chars > MAX_ATOM_CHARACTERS && !existing) return raise_system_limit(p);
    }
    text = bytes;
  }
  if (existing) {
    Term a = AtomTable::global().find(text);
    return a == NON_VALUE ? raise_badarg(p) : a;
  }
  if (size_t(utf8_count(text)) > MAX_ATOM_CHARACTERS) return raise_system_limit(p);
  Term a = atom_put(text);
  return a == NON_VALUE ? raise_system_limit(p) : a;
}

BIF_FN(erlang_binary_to_atom_2) { return binary_to_atom_impl(p, args[0], args[1], false); }
BIF_FN(erlang_binary_to_existing_atom_2) { return binary_to_atom_impl(p, args[0], args[1], true); }

// ---- integers and text
static bool base_of(Term b, int* base) {
  if (!is_small(b) || small_val(b) < 2 || small_val(b) > 36) return false;
  *base = int(small_val(b));
  return true;
}

BIF_FN(erlang_integer_to_list_1) {
  if (!is_integer(args[0])) return raise_badarg(p);
  return latin1_to_list(p, integer_to_string(args[0], 10));
}
BIF_FN(erlang_integer_to_list_2) {
  int base;
  if (!is_integer(args[0]) || !base_of(args[1], &base)) return raise_badarg(p);
  return latin1_to_list(p, integer_to_string(args[0], base));
}
BIF_FN(erlang_integer_to_binary_1) {
  if (!is_integer(args[0])) return raise_badarg(p);
  std::string s = integer_to_string(args[0], 10);
  return make_binary(p, reinterpret_cast<const uint8_t*>(s.data()), s.size());
}
BIF_FN(erlang_integer_to_binary_2) {
  int base;
  if (!is_integer(args[0]) || !base_of(args[1], &base)) return raise_badarg(p);
  std::string s = integer_to_string(args[0], base);
  return make_binary(p, reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

static Term text_to_integer(Process* p, const std::string& s, int base) {
  Term r = parse_integer(p, s, base);
  return r == NON_VALUE ? raise_badarg(p) : r;
}

// The text of list_to_integer/1,2: an optional '-' or '+', then digits.
// As in the reference, a digit is any small integer whose lowest byte is a
// digit character of the base ([16#661] is "a").
static bool integer_list_text(Term list, int base, std::string& out) {
  Term l = list;
  if (is_list(l) && (car(l) == make_small('-') || car(l) == make_small('+'))) {
    out.push_back(char(small_val(car(l))));
    l = cdr(l);
  }
  for (; is_list(l); l = cdr(l)) {
    if (!is_small(car(l))) return false;
    char c = char(uint8_t(small_val(car(l))));
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'z' ? c - 'a' + 10 : c >= 'A' && c <= 'Z' ? c - 'A' + 10 : 99;
    if (d >= base) return false;
    out.push_back(c);
  }
  return is_nil(l);
}

BIF_FN(erlang_list_to_integer_1) {
  std::string s;
  if (!integer_list_text(args[0], 10, s)) return raise_badarg(p);
  return text_to_integer(p, s, 10);
}
BIF_FN(erlang_list_to_integer_2) {
  std::string s;
  int base;
  if (list_length(args[0]) < 0 || !base_of(args[1], &base) || !integer_list_text(args[0], base, s))
    return raise_badarg(p);
  return text_to_integer(p, s, base);
}
BIF_FN(erlang_binary_to_integer_1) {
  if (!is_bitstring(args[0]) || bitstring_bits(args[0]) % 8) return raise_badarg(p);
  return text_to_integer(p, binary_bytes(args[0]), 10);
}
BIF_FN(erlang_binary_to_integer_2) {
  int base;
  if (!is_bitstring(args[0]) || bitstring_bits(args[0]) % 8 || !base_of(args[1], &base)) return raise_badarg(p);
  return text_to_integer(p, binary_bytes(args[0]), base);
}

}  // namespace bvm
