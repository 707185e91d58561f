// Floats and numbers as text: erlang:float_to_list/1,2, float_to_binary/1,2,
// list_to_float/1, binary_to_float/1; string:list_to_float/1 and
// string:list_to_integer/1 (the {Value, Rest} parsers).
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "bifs/text.h"
#include "vm/atom_table.h"
#include "vm/binary.h"

namespace bvm {

namespace {

// The reference formats into a fixed 256-byte buffer: longer results are badarg.
constexpr size_t FORMAT_BUFFER = 256;

// ---- formatting

// Shortest text that reads back as `d`, laid out as the reference's [short]
// option does: plain decimal ("0.001234", "12340.0") for moderate exponents,
// otherwise scientific with ".0" for one digit and no '+' ("1.0e10", "1.5e-7").
std::string short_text(double d) {
  if (d == 0.0) return std::signbit(d) ? "-0.0" : "0.0";
  // to_chars gives the shortest round-trip digits; re-lay them out.
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, std::fabs(d), std::chars_format::scientific);
  std::string_view sci(buf, size_t(res.ptr - buf));
  size_t epos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, epos))
    if (c != '.') digits.push_back(c);
  int sci_exp = 0;
  std::from_chars(sci.data() + epos + (sci[epos + 1] == '+' ? 2 : 1), sci.data() + sci.size(), sci_exp);
  const int len = int(digits.size());
  const int exp10 = sci_exp - (len - 1);  // value = digits * 10^exp10
  const uint64_t mantissa = std::stoull(digits);

  int lower = -(len + 2), upper = 1;
  if (len == 1) {
    lower = -4;
    upper = 2;
  } else if (sci_exp >= 10) {
    upper = 2;
  }
  bool fixed = lower <= exp10 && exp10 <= upper;
  // Integers at or beyond 2^53 are written in scientific form.
  if ((exp10 == 0 && mantissa >= (uint64_t(1) << 53)) || (exp10 == 1 && mantissa > (uint64_t(1) << 52) / 5) ||
      (exp10 == 2 && mantissa > (uint64_t(1) << 51) / 25))
    fixed = false;

  std::string out = std::signbit(d) ? "-" : "";
  if (fixed) {
    const int whole = len + exp10;
    if (exp10 >= 0) {
      out += digits;
      out.append(size_t(exp10), '0');
      out += ".0";
    } else if (whole > 0) {
      out += digits.substr(0, size_t(whole));
      out += '.';
      out += digits.substr(size_t(whole));
    } else {
      out += "0.";
      out.append(size_t(-whole), '0');
      out += digits;
    }
    return out;
  }
  out += digits[0];
  out += '.';
  out += len > 1 ? digits.substr(1) : "0";
  out += 'e';
  out += std::to_string(sci_exp);
  return out;
}

// printf-style text; false if it would not fit the reference's buffer.
bool printf_text(std::string& out, const char* fmt, int precision, double d) {
  char buf[FORMAT_BUFFER];
  int n = std::snprintf(buf, sizeof buf, fmt, precision, d);
  if (n < 0 || size_t(n) >= sizeof buf) return false;
  out.assign(buf, size_t(n));
  return true;
}

// Drops trailing zeros of a fraction, keeping at least one digit after '.'.
void strip_trailing_zeros(std::string& s) {
  size_t end = s.size();
  while (end > 0 && s[end - 1] == '0') end--;
  if (end > 0 && s[end - 1] == '.') end++;
  s.resize(end);
}

// {decimals, N}: the reference's fast fixed-point conversion. For values up
// to 2^53 and fewer than 19 decimals it rounds the fraction itself (half away
// from zero, in double arithmetic); otherwise it uses "%.*f".
bool fixed_text(std::string& out, double f, int decimals, bool compact) {
  static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8, 1e9,
                                 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18};
  constexpr int max_fast_decimals = int(sizeof pow10 / sizeof pow10[0]);
  if (decimals < 0) return false;
  const bool neg = std::signbit(f);
  const double af = std::fabs(f);
  if (af > double(uint64_t(1) << 53) || decimals >= max_fast_decimals) {
    // At least decimals + 2 characters: skip hopeless (and huge) requests.
    if (size_t(decimals) + 2 >= FORMAT_BUFFER) return false;
    if (!printf_text(out, "%.*f", decimals, f)) return false;
    if (compact) strip_trailing_zeros(out);  // (even with no decimals, as the reference does)
    return true;
  }
  std::string frac;
  uint64_t int_part;
  if (decimals > 0) {
    double int_f = std::floor(af);
    double frac_f = std::round((af - int_f) * pow10[decimals]);
    int_part = uint64_t(int_f);
    uint64_t frac_part = uint64_t(frac_f);
    if (frac_f >= pow10[decimals]) {  // the rounding carried into the integer part
      int_part++;
      frac_part = 0;
    }
    frac = std::to_string(frac_part);
    frac.insert(0, size_t(decimals) - frac.size(), '0');
  } else {
    int_part = uint64_t(std::lround(af));
  }
  out = neg ? "-" : "";
  out += std::to_string(int_part);
  if (decimals > 0) {
    out += '.';
    out += frac;
    if (compact) strip_trailing_zeros(out);
  }
  return true;
}

enum class Fmt { Legacy, Short, Fixed, Scientific };

// The text of float_to_list/float_to_binary; false for badarg.
bool float_text(Term value, Term options, std::string& out) {
  static const Term a_compact = atom_put("compact");
  static const Term a_short = atom_put("short");
  static const Term a_decimals = atom_put("decimals");
  static const Term a_scientific = atom_put("scientific");
  if (!is_float(value)) return false;
  Fmt fmt = Fmt::Legacy;
  int decimals = 20;
  bool compact = false;
  Term l = options;
  for (; is_list(l); l = cdr(l)) {
    Term opt = car(l);
    if (opt == a_compact) {
      compact = true;
    } else if (opt == a_short) {
      fmt = Fmt::Short;
    } else if (is_tuple(opt) && tuple_arity(opt) == 2 && is_small(tuple_elem(opt, 2)) &&
               (tuple_elem(opt, 1) == a_decimals || tuple_elem(opt, 1) == a_scientific)) {
      // The reference keeps the count in a C int (wrapping modulo 2^32).
      decimals = int(uint32_t(uint64_t(small_val(tuple_elem(opt, 2)))));
      fmt = tuple_elem(opt, 1) == a_decimals ? Fmt::Fixed : Fmt::Scientific;
    } else {
      return false;
    }
  }
  if (!is_nil(l)) return false;
  double d = float_val(value);
  switch (fmt) {
    case Fmt::Short:
      out = short_text(d);
      return true;
    case Fmt::Fixed:
      return fixed_text(out, d, decimals, compact);
    case Fmt::Legacy:
    case Fmt::Scientific:
      // A negative precision means printf's default (6).
      if (decimals >= int(FORMAT_BUFFER)) return false;
      return printf_text(out, "%.*e", decimals, d);
  }
  return false;
}

// ---- parsing

// The reference's strict float syntax: [+-]digits(.|,)digits[(e|E)[+-]digits],
// nothing else (the text ends at a NUL byte). False for anything else or a
// value beyond the double range; underflow gives 0.0 or a denormal.
bool text_to_double(std::string_view text, double* out) {
  std::string s(text.substr(0, text.find('\0')));
  size_t i = 0;
  auto digits = [&] {
    size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') i++;
    return i > start;
  };
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) i++;
  if (!digits()) return false;
  if (i == s.size() || (s[i] != '.' && s[i] != ',')) return false;
  s[i++] = '.';
  if (!digits()) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    i++;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) i++;
    if (!digits()) return false;
  }
  if (i != s.size()) return false;
  double d = std::strtod(s.c_str(), nullptr);
  if (!std::isfinite(d)) return false;
  *out = d;
  return true;
}

Term error_tuple(Process* p, const char* reason) { return make_tuple(p, {am::error, atom_put(reason)}); }

// string:list_to_float/1's scanner: the longest prefix of `list` that is a
// float, and the rest of the list.
Term scan_float(Process* p, Term list) {
  if (is_nil(list)) return error_tuple(p, "no_float");
  if (!is_list(list)) return error_tuple(p, "not_a_list");
  enum Part { Sign, Int, Frac, ExpSign, Exp0, Exp1, End } part = Sign;
  std::string buf;
  size_t saved_len = 0;  // where an 'e' was seen, in case it is not an exponent
  Term saved_list = list;
  auto back_to_e = [&] {
    buf.resize(saved_len);
    list = saved_list;
  };
  for (;;) {
    Term c = car(list);
    if (!is_small(c)) {
      if (part == ExpSign || part == Exp0) back_to_e();
      break;
    }
    SWord ch = small_val(c);
    bool keep = true;
    if (ch == '-' || ch == '+') {
      if (part == Sign) {
        part = Int;
        keep = ch == '-';  // a leading '+' is dropped
      } else if (part == ExpSign) {
        part = Exp0;
      } else {
        if (part == Exp0) back_to_e();
        part = End;
      }
    } else if (ch == '.' || ch == ',') {
      if (part == Int) {
        part = Frac;
      } else {
        if (part == ExpSign || part == Exp0) back_to_e();
        part = End;
      }
    } else if (ch == 'e' || ch == 'E') {
      if (part == Frac) {
        saved_len = buf.size();
        saved_list = list;
        part = ExpSign;
      } else {
        if (part == ExpSign || part == Exp0) back_to_e();
        part = End;
      }
    } else if (ch >= '0' && ch <= '9') {
      if (part == Sign) part = Int;
      else if (part == ExpSign || part == Exp0) part = Exp1;
    } else {
      if (part == ExpSign || part == Exp0) back_to_e();
      break;
    }
    if (part == End) {
      if (buf.size() < 3) return error_tuple(p, "no_float");
      break;
    }
    if (keep) buf.push_back(char(ch));
    list = cdr(list);
    if (!is_list(list)) {
      if (part == ExpSign || part == Exp0) back_to_e();
      break;
    }
  }
  double d;
  if (buf.empty() || !text_to_double(buf, &d)) return error_tuple(p, "no_float");
  return make_tuple(p, {make_float(p, d), list});
}

// string:list_to_integer/1: [+|-]decimal digits, then the rest. Like the
// reference, a character counts by its low byte (so 256 + $5 reads as $5).
Term scan_integer(Process* p, Term list) {
  if (is_nil(list)) return error_tuple(p, "no_integer");
  if (!is_list(list)) return error_tuple(p, "not_a_list");
  bool neg = false;
  if (car(list) == make_small('-') || car(list) == make_small('+')) {
    neg = car(list) == make_small('-');
    list = cdr(list);
    if (!is_list(list)) return error_tuple(p, "no_integer");
  }
  std::string digits;
  for (;;) {
    Term c = car(list);
    if (!is_small(c)) break;
    unsigned char b = static_cast<unsigned char>(uint64_t(small_val(c)) & 0xFF);
    if (b < '0' || b > '9') break;
    digits.push_back(char(b));
    list = cdr(list);
    if (!is_list(list)) break;
  }
  if (digits.empty()) return error_tuple(p, "no_integer");
  Term n = parse_integer(p, neg ? "-" + digits : digits, 10);
  if (n == NON_VALUE) return raise_system_limit(p);
  return make_tuple(p, {n, list});
}

Term to_list_result(Process* p, Term value, Term options) {
  std::string s;
  if (!float_text(value, options, s)) return raise_badarg(p);
  return latin1_to_list(p, s);
}

Term to_binary_result(Process* p, Term value, Term options) {
  std::string s;
  if (!float_text(value, options, s)) return raise_badarg(p);
  return make_binary(p, reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

}  // namespace

BIF_FN(erlang_float_to_list_1) { return to_list_result(p, args[0], NIL); }
BIF_FN(erlang_float_to_list_2) { return to_list_result(p, args[0], args[1]); }
BIF_FN(erlang_float_to_binary_1) { return to_binary_result(p, args[0], NIL); }
BIF_FN(erlang_float_to_binary_2) { return to_binary_result(p, args[0], args[1]); }

BIF_FN(erlang_list_to_float_1) {
  std::string s;
  double d;
  if (!list_to_latin1(args[0], s) || !text_to_double(s, &d)) return raise_badarg(p);
  return make_float(p, d);
}

BIF_FN(erlang_binary_to_float_1) {
  Term bin = args[0];
  if (!is_bitstring(bin) || bitstring_bits(bin) % 8 != 0 || bitstring_bits(bin) == 0) return raise_badarg(p);
  double d;
  if (!text_to_double(binary_bytes(bin), &d)) return raise_badarg(p);
  return make_float(p, d);
}

BIF_FN(string_list_to_float_1) { return scan_float(p, args[0]); }
BIF_FN(string_list_to_integer_1) { return scan_integer(p, args[0]); }

}  // namespace bvm
