#include "vm/compare.h"

#include <gtest/gtest.h>

#include <vector>

#include "loader/etf_decode.h"
#include "loader/literal_area.h"
#include "vm/atom_table.h"
#include "vm/identity.h"

using namespace bvm;

namespace {
LiteralArea area;
Term flt(double d) { return make_float_at(area.alloc(FLOAT_WORDS), d); }
Term tup(std::vector<Term> es) {
  Term* hp = area.alloc(1 + es.size());
  hp[0] = make_header(es.size(), Sub::Tuple);
  for (size_t i = 0; i < es.size(); i++) hp[1 + i] = es[i];
  return make_boxed(hp);
}
Term cons(Term h, Term t) {
  Term* hp = area.alloc(2);
  hp[0] = h;
  hp[1] = t;
  return make_list(hp);
}
Term etf(std::vector<uint8_t> b) {
  EtfDecoder d(b.data(), b.size());
  EXPECT_TRUE(d.prepare());
  return d.build(area.alloc(d.heap_words()), &area.offheap, [](size_t n) { return area.alloc(n); });
}
}  // namespace

TEST(Compare, TypeOrder) {
  // number < atom < reference < fun < port < pid < tuple < map < nil < list < bitstring
  std::vector<Term> order = {
      make_small(5), atom_put("a"),
      etf({131, 90, 0, 1, 100, 0, 13, 'n', 'o', 'n', 'o', 'd', 'e', '@', 'n', 'o', 'h', 'o', 's', 't', 0, 0, 0, 0, 0, 0, 0, 1}),
      etf({131, 113, 100, 0, 1, 'm', 100, 0, 1, 'f', 97, 0}),
      make_local_port(3), make_local_pid_ns(1, 0), tup({}),
      etf({131, 116, 0, 0, 0, 0}), NIL, cons(make_small(1), NIL), etf({131, 109, 0, 0, 0, 0})};
  for (size_t i = 0; i < order.size(); i++)
    for (size_t j = 0; j < order.size(); j++) {
      int c = term_compare(order[i], order[j]);
      EXPECT_EQ(c < 0, i < j) << i << " vs " << j;
      EXPECT_EQ(c == 0, i == j) << i << " vs " << j;
    }
}

TEST(Compare, NumbersArithmeticVsExact) {
  EXPECT_EQ(term_compare(make_small(1), flt(1.0)), 0);
  EXPECT_LT(term_compare_exact(make_small(1), flt(1.0)), 0);  // integers first
  EXPECT_LT(term_compare(make_small(1), flt(1.5)), 0);
  EXPECT_GT(term_compare(make_small(2), flt(1.5)), 0);
  Term big = etf({131, 110, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});  // 2^64
  EXPECT_EQ(term_compare(big, flt(18446744073709551616.0)), 0);
  EXPECT_LT(term_compare(big, flt(18446744073709551616.0 * 2)), 0);
  EXPECT_GT(term_compare(big, make_small(MAX_SMALL)), 0);
  Term nbig = etf({131, 110, 9, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  EXPECT_LT(term_compare(nbig, make_small(MIN_SMALL)), 0);
  EXPECT_LT(term_compare(nbig, big), 0);
  EXPECT_EQ(term_compare(flt(0.0), flt(-0.0)), 0);  // OTP 25: 0.0 == -0.0
}

TEST(Compare, Compounds) {
  EXPECT_LT(term_compare(tup({make_small(1)}), tup({make_small(0), make_small(0)})), 0);  // arity first
  EXPECT_LT(term_compare(tup({atom_put("a"), make_small(2)}), tup({atom_put("a"), make_small(3)})), 0);
  EXPECT_LT(term_compare(cons(make_small(1), NIL), cons(make_small(1), cons(make_small(0), NIL))), 0);
  EXPECT_LT(term_compare(atom_put("abc"), atom_put("abd")), 0);
  EXPECT_LT(term_compare(atom_put("ab"), atom_put("abc")), 0);
  // Maps: by size, then keys, then values.
  Term m1 = etf({131, 116, 0, 0, 0, 1, 97, 1, 97, 9});
  Term m2 = etf({131, 116, 0, 0, 0, 1, 97, 2, 97, 0});
  Term m3 = etf({131, 116, 0, 0, 0, 1, 97, 1, 97, 10});
  EXPECT_LT(term_compare(m1, m2), 0);
  EXPECT_LT(term_compare(m1, m3), 0);
  // Binaries: bytes, then length; bitstrings bit by bit.
  EXPECT_LT(term_compare(etf({131, 109, 0, 0, 0, 1, 1}), etf({131, 109, 0, 0, 0, 2, 1, 0})), 0);
  EXPECT_GT(term_compare(etf({131, 109, 0, 0, 0, 1, 2}), etf({131, 109, 0, 0, 0, 2, 1, 0})), 0);
}

TEST(Compare, LongListsDoNotRecurse) {
  Term l = NIL, m = NIL;
  for (int i = 0; i < 1000000; i++) {
    l = cons(make_small(i), l);
    m = cons(make_small(i), m);
  }
  EXPECT_EQ(term_compare(l, m), 0);
  Term deep1 = NIL, deep2 = NIL;
  for (int i = 0; i < 200000; i++) {
    deep1 = tup({deep1});
    deep2 = tup({deep2});
  }
  EXPECT_EQ(term_compare(deep1, deep2), 0);
}
