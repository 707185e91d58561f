// erlang: arithmetic, bitwise operations, comparisons and boolean operators.
#include <gmp.h>

#include <cmath>
#include <limits>

#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "vm/atom_table.h"
#include "vm/bignum.h"
#include "vm/compare.h"

namespace bvm {

namespace {

// A GMP integer holding a term's value (temporary, C++ memory).
struct Z {
  mpz_t z;
  Z() { mpz_init(z); }
  explicit Z(Term t) {
    mpz_init(z);
    set(t);
  }
  ~Z() { mpz_clear(z); }
  Z(const Z&) = delete;
  Z& operator=(const Z&) = delete;
  void set(Term t) {
    if (is_small(t)) {
      mpz_set_si(z, small_val(t));
    } else {
      mpz_import(z, big_size(t), -1, sizeof(UWord), 0, 0, big_digits(t));
      if (big_negative(t)) mpz_neg(z, z);
    }
  }
};

// The integer as a term on p's heap; system_limit beyond the bignum limit.
Term to_term(Process* p, const mpz_t z) {
  if (mpz_fits_slong_p(z)) return make_integer(p, mpz_get_si(z));
  size_t n = mpz_size(z);
  if (n > MAX_BIG_LIMBS) return raise_system_limit(p);
  Term* hp = p->halloc(1 + n);
  for (size_t i = 0; i < n; i++) hp[1 + i] = mpz_getlimbn(z, mp_size_t(i));
  UWord used;
  return make_integer_from_limbs(hp, hp + 1, n, mpz_sgn(z) < 0, &used);
}

bool to_double(Term t, double* d) {
  if (is_float(t)) {
    *d = float_val(t);
    return true;
  }
  if (is_small(t)) {
    *d = double(small_val(t));
    return true;
  }
  if (is_big(t)) return big_to_double(t, d);
  return false;
}

Term float_result(Process* p, double d) {
  if (!std::isfinite(d)) return raise_badarith(p);
  return make_float(p, d);
}

enum class Op { Add, Sub, Mul };

Term arith(Process* p, Term a, Term b, Op op) {
  if (is_small(a) && is_small(b)) {
    SWord x = small_val(a), y = small_val(b), r;
    bool ovf = op == Op::Add ? __builtin_add_overflow(x, y, &r)
             : op == Op::Sub ? __builtin_sub_overflow(x, y, &r)
                             : __builtin_mul_overflow(x, y, &r);
    if (!ovf) return make_integer(p, r);
  }
  if (is_integer(a) && is_integer(b)) {
    Z x(a), y(b), r;
    if (op == Op::Add) mpz_add(r.z, x.z, y.z);
    else if (op == Op::Sub) mpz_sub(r.z, x.z, y.z);
    else mpz_mul(r.z, x.z, y.z);
    return to_term(p, r.z);
  }
  double x, y;
  if (!is_number(a) || !is_number(b) || !to_double(a, &x) || !to_double(b, &y)) return raise_badarith(p);
  return float_result(p, op == Op::Add ? x + y : op == Op::Sub ? x - y : x * y);
}

enum class Bit { And, Or, Xor };

Term bitop(Process* p, Term a, Term b, Bit op) {
  if (is_small(a) && is_small(b)) {
    SWord x = small_val(a), y = small_val(b);
    return make_small(op == Bit::And ? (x & y) : op == Bit::Or ? (x | y) : (x ^ y));
  }
  if (!is_integer(a) || !is_integer(b)) return raise_badarith(p);
  Z x(a), y(b), r;
  if (op == Bit::And) mpz_and(r.z, x.z, y.z);
  else if (op == Bit::Or) mpz_ior(r.z, x.z, y.z);
  else mpz_xor(r.z, x.z, y.z);
  return to_term(p, r.z);
}

// a bsl n (n may be negative: a shift right).
Term shift(Process* p, Term a, Term n, bool left) {
  if (!is_integer(a) || !is_integer(n)) return raise_badarith(p);
  int64_t count;
  if (!term_to_int64(n, &count)) {
    // A huge shift: left -> system_limit (unless a is 0), right -> 0 or -1.
    bool neg_count = big_negative(n);
    bool shifts_left = left != neg_count;
    bool a_neg = is_small(a) ? small_val(a) < 0 : big_negative(a);
    if (shifts_left) return (a == make_small(0)) ? make_small(0) : raise_system_limit(p);
    return make_small(a_neg ? -1 : 0);
  }
  if (!left) count = count == INT64_MIN ? INT64_MAX : -count;
  if (count == 0) return a;
  if (count > 0) {
    if (is_small(a) && count < 60) {
      SWord x = small_val(a);
      SWord r = SWord(UWord(x) << count);
      if ((r >> count) == x && fits_small(r)) return make_small(r);
    }
    if (a == make_small(0)) return a;
    if (count > int64_t(MAX_BIG_LIMBS) * 64) return raise_system_limit(p);
    Z x(a), r;
    mpz_mul_2exp(r.z, x.z, mp_bitcnt_t(count));
    return to_term(p, r.z);
  }
  uint64_t right = uint64_t(-(count + 1)) + 1;
  if (is_small(a)) {
    SWord x = small_val(a);
    return make_small(right >= 63 ? (x < 0 ? -1 : 0) : (x >> right));
  }
  Z x(a), r;
  mpz_fdiv_q_2exp(r.z, x.z, mp_bitcnt_t(std::min<uint64_t>(right, ~mp_bitcnt_t(0))));
  return to_term(p, r.z);
}

Term double_to_integer(Process* p, double d) {
  if (d >= -4.0e18 && d <= 4.0e18) return make_integer(p, int64_t(d));
  Z r;
  mpz_set_d(r.z, d);
  return to_term(p, r.z);
}

Term boolean(bool b) { return b ? am::true_ : am::false_; }

}  // namespace

BIF_FN(erlang_plus_2) { return arith(p, args[0], args[1], Op::Add); }
BIF_FN(erlang_minus_2) { return arith(p, args[0], args[1], Op::Sub); }
BIF_FN(erlang_times_2) { return arith(p, args[0], args[1], Op::Mul); }

BIF_FN(erlang_div_2) {
  double x, y;
  if (!is_number(args[0]) || !is_number(args[1]) || !to_double(args[0], &x) || !to_double(args[1], &y))
    return raise_badarith(p);
  if (y == 0.0) return raise_badarith(p);
  return float_result(p, x / y);
}

BIF_FN(erlang_intdiv_2) {
  Term a = args[0], b = args[1];
  if (is_small(a) && is_small(b)) {
    SWord y = small_val(b);
    if (y == 0) return raise_badarith(p);
    return make_integer(p, small_val(a) / y);
  }
  if (!is_integer(a) || !is_integer(b)) return raise_badarith(p);
  Z x(a), y(b), r;
  if (mpz_sgn(y.z) == 0) return raise_badarith(p);
  mpz_tdiv_q(r.z, x.z, y.z);
  return to_term(p, r.z);
}

BIF_FN(erlang_rem_2) {
  Term a = args[0], b = args[1];
  if (is_small(a) && is_small(b)) {
    SWord y = small_val(b);
    if (y == 0) return raise_badarith(p);
    return make_small(small_val(a) % y);
  }
  if (!is_integer(a) || !is_integer(b)) return raise_badarith(p);
  Z x(a), y(b), r;
  if (mpz_sgn(y.z) == 0) return raise_badarith(p);
  mpz_tdiv_r(r.z, x.z, y.z);
  return to_term(p, r.z);
}

BIF_FN(erlang_band_2) { return bitop(p, args[0], args[1], Bit::And); }
BIF_FN(erlang_bor_2) { return bitop(p, args[0], args[1], Bit::Or); }
BIF_FN(erlang_bxor_2) { return bitop(p, args[0], args[1], Bit::Xor); }
BIF_FN(erlang_bsl_2) { return shift(p, args[0], args[1], true); }
BIF_FN(erlang_bsr_2) { return shift(p, args[0], args[1], false); }

BIF_FN(erlang_bnot_1) {
  Term a = args[0];
  if (is_small(a)) return make_small(~small_val(a));
  if (!is_big(a)) return raise_badarith(p);
  Z x(a), r;
  mpz_com(r.z, x.z);
  return to_term(p, r.z);
}

BIF_FN(erlang_neg_1) {
  Term a = args[0];
  if (is_small(a)) return make_integer(p, -small_val(a));
  if (is_float(a)) return make_float(p, -float_val(a));
  if (!is_big(a)) return raise_badarith(p);
  Z x(a), r;
  mpz_neg(r.z, x.z);
  return to_term(p, r.z);
}

BIF_FN(erlang_pos_1) {
  if (!is_number(args[0])) return raise_badarith(p);
  return args[0];
}

BIF_FN(erlang_abs_1) {
  Term a = args[0];
  if (is_small(a)) return make_integer(p, small_val(a) < 0 ? -small_val(a) : small_val(a));
  if (is_float(a)) return make_float(p, std::fabs(float_val(a)));
  if (!is_big(a)) return raise_badarg(p);
  if (!big_negative(a)) return a;
  Z x(a), r;
  mpz_abs(r.z, x.z);
  return to_term(p, r.z);
}

BIF_FN(erlang_float_1) {
  Term a = args[0];
  if (is_float(a)) return a;
  double d;
  if (!is_integer(a) || !big_to_double(a, &d)) return raise_badarg(p);
  return make_float(p, d);
}

BIF_FN(erlang_trunc_1) {
  Term a = args[0];
  if (is_integer(a)) return a;
  if (!is_float(a)) return raise_badarg(p);
  return double_to_integer(p, std::trunc(float_val(a)));
}
BIF_FN(erlang_round_1) {
  Term a = args[0];
  if (is_integer(a)) return a;
  if (!is_float(a)) return raise_badarg(p);
  return double_to_integer(p, std::round(float_val(a)));
}
BIF_FN(erlang_floor_1) {
  Term a = args[0];
  if (is_integer(a)) return a;
  if (!is_float(a)) return raise_badarg(p);
  return double_to_integer(p, std::floor(float_val(a)));
}
BIF_FN(erlang_ceil_1) {
  Term a = args[0];
  if (is_integer(a)) return a;
  if (!is_float(a)) return raise_badarg(p);
  return double_to_integer(p, std::ceil(float_val(a)));
}

BIF_FN(erlang_eq_2) { (void)p; return boolean(term_eq(args[0], args[1])); }
BIF_FN(erlang_neq_2) { (void)p; return boolean(!term_eq(args[0], args[1])); }
BIF_FN(erlang_exeq_2) { (void)p; return boolean(term_eq_exact(args[0], args[1])); }
BIF_FN(erlang_exneq_2) { (void)p; return boolean(!term_eq_exact(args[0], args[1])); }
BIF_FN(erlang_lt_2) { (void)p; return boolean(term_compare(args[0], args[1]) < 0); }
BIF_FN(erlang_gt_2) { (void)p; return boolean(term_compare(args[0], args[1]) > 0); }
BIF_FN(erlang_le_2) { (void)p; return boolean(term_compare(args[0], args[1]) <= 0); }
BIF_FN(erlang_ge_2) { (void)p; return boolean(term_compare(args[0], args[1]) >= 0); }

static bool to_bool(Term t, bool* b) {
  if (t == am::true_) *b = true;
  else if (t == am::false_) *b = false;
  else return false;
  return true;
}

BIF_FN(erlang_and_2) {
  bool a, b;
  if (!to_bool(args[0], &a) || !to_bool(args[1], &b)) return raise_badarg(p);
  return boolean(a && b);
}
BIF_FN(erlang_or_2) {
  bool a, b;
  if (!to_bool(args[0], &a) || !to_bool(args[1], &b)) return raise_badarg(p);
  return boolean(a || b);
}
BIF_FN(erlang_xor_2) {
  bool a, b;
  if (!to_bool(args[0], &a) || !to_bool(args[1], &b)) return raise_badarg(p);
  return boolean(a != b);
}
BIF_FN(erlang_not_1) {
  bool a;
  if (!to_bool(args[0], &a)) return raise_badarg(p);
  return boolean(!a);
}

}  // namespace bvm
