// math: the C library's floating-point functions (math:pi/0 is Erlang code).
//
// Every function takes integers or floats and returns a float. A non-number
// is badarg; an integer too large for a double, or a result that is not a
// finite number (log(0), sqrt(-1), pow(10.0, 400)) is badarith.
#include <cmath>

#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "vm/bignum.h"

namespace bvm {

namespace {

enum class Arg { Ok, Badarg, Badarith };

Arg to_double(Term t, double* out) {
  if (is_float(t)) {
    *out = float_val(t);
    return Arg::Ok;
  }
  if (is_small(t)) {
    *out = double(small_val(t));
    return Arg::Ok;
  }
  if (is_big(t)) return big_to_double(t, out) ? Arg::Ok : Arg::Badarith;
  return Arg::Badarg;
}

Term raise_for(Process* p, Arg a) { return a == Arg::Badarg ? raise_badarg(p) : raise_badarith(p); }

Term float_result(Process* p, double r) {
  if (!std::isfinite(r)) return raise_badarith(p);
  return make_float(p, r);
}

Term call1(Process* p, Term a, double (*fn)(double)) {
  double x;
  if (Arg r = to_double(a, &x); r != Arg::Ok) return raise_for(p, r);
  return float_result(p, fn(x));
}

// The first argument is checked completely before the second.
Term call2(Process* p, Term a, Term b, double (*fn)(double, double)) {
  double x, y;
  if (Arg r = to_double(a, &x); r != Arg::Ok) return raise_for(p, r);
  if (Arg r = to_double(b, &y); r != Arg::Ok) return raise_for(p, r);
  return float_result(p, fn(x, y));
}

// Plain function pointers to the double overloads.
double f_cos(double x) { return std::cos(x); }
double f_cosh(double x) { return std::cosh(x); }
double f_sin(double x) { return std::sin(x); }
double f_sinh(double x) { return std::sinh(x); }
double f_tan(double x) { return std::tan(x); }
double f_tanh(double x) { return std::tanh(x); }
double f_acos(double x) { return std::acos(x); }
double f_acosh(double x) { return std::acosh(x); }
double f_asin(double x) { return std::asin(x); }
double f_asinh(double x) { return std::asinh(x); }
double f_atan(double x) { return std::atan(x); }
double f_atanh(double x) { return std::atanh(x); }
double f_erf(double x) { return std::erf(x); }
double f_erfc(double x) { return std::erfc(x); }
double f_exp(double x) { return std::exp(x); }
double f_log(double x) { return std::log(x); }
double f_log2(double x) { return std::log2(x); }
double f_log10(double x) { return std::log10(x); }
double f_sqrt(double x) { return std::sqrt(x); }
double f_floor(double x) { return std::floor(x); }
double f_ceil(double x) { return std::ceil(x); }
double f_atan2(double y, double x) { return std::atan2(y, x); }
double f_pow(double x, double y) { return std::pow(x, y); }
double f_fmod(double x, double y) { return std::fmod(x, y); }

}  // namespace

BIF_FN(math_cos_1) { return call1(p, args[0], f_cos); }
BIF_FN(math_cosh_1) { return call1(p, args[0], f_cosh); }
BIF_FN(math_sin_1) { return call1(p, args[0], f_sin); }
BIF_FN(math_sinh_1) { return call1(p, args[0], f_sinh); }
BIF_FN(math_tan_1) { return call1(p, args[0], f_tan); }
BIF_FN(math_tanh_1) { return call1(p, args[0], f_tanh); }
BIF_FN(math_acos_1) { return call1(p, args[0], f_acos); }
BIF_FN(math_acosh_1) { return call1(p, args[0], f_acosh); }
BIF_FN(math_asin_1) { return call1(p, args[0], f_asin); }
BIF_FN(math_asinh_1) { return call1(p, args[0], f_asinh); }
BIF_FN(math_atan_1) { return call1(p, args[0], f_atan); }
BIF_FN(math_atanh_1) { return call1(p, args[0], f_atanh); }
BIF_FN(math_erf_1) { return call1(p, args[0], f_erf); }
BIF_FN(math_erfc_1) { return call1(p, args[0], f_erfc); }
BIF_FN(math_exp_1) { return call1(p, args[0], f_exp); }
BIF_FN(math_log_1) { return call1(p, args[0], f_log); }
BIF_FN(math_log2_1) { return call1(p, args[0], f_log2); }
BIF_FN(math_log10_1) { return call1(p, args[0], f_log10); }
BIF_FN(math_sqrt_1) { return call1(p, args[0], f_sqrt); }
BIF_FN(math_floor_1) { return call1(p, args[0], f_floor); }
BIF_FN(math_ceil_1) { return call1(p, args[0], f_ceil); }
BIF_FN(math_atan2_2) { return call2(p, args[0], args[1], f_atan2); }
BIF_FN(math_pow_2) { return call2(p, args[0], args[1], f_pow); }
BIF_FN(math_fmod_2) { return call2(p, args[0], args[1], f_fmod); }

}  // namespace bvm
