#include "vm/etf_encode.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "loader/etf_decode.h"
#include "loader/literal_area.h"
#include "vm/atom_table.h"
#include "vm/compare.h"
#include "vm/hashmap.h"
#include "vm/map.h"

using namespace bvm;

namespace {

using Bytes = std::vector<uint8_t>;

LiteralArea& area() {
  static LiteralArea a;  // keeps every term built here alive for the test run
  return a;
}

Term decode(const Bytes& b) {
  EtfDecoder dec(b.data(), b.size());
  EXPECT_TRUE(dec.prepare()) << etf_error_text(dec.error());
  Term t = dec.build(area().alloc(dec.heap_words() + 1), &area().offheap, [](size_t n) { return area().alloc(n); });
  EXPECT_NE(t, NON_VALUE);
  return t;
}

Bytes encode(Term t, EtfEncodeOptions o = {}) {
  Bytes out;
  EXPECT_TRUE(etf_encode(t, o, out));
  UWord size;
  EXPECT_TRUE(etf_external_size(t, o, &size));
  if (!is_boxed_sub(t, Sub::Fun)) {
    EXPECT_EQ(size, out.size());  // exact except for closures
  }
  return out;
}

Term tuple(std::initializer_list<Term> elems) {
  Term* hp = area().alloc(1 + elems.size());
  hp[0] = make_header(elems.size(), Sub::Tuple);
  size_t i = 1;
  for (Term e : elems) hp[i++] = e;
  return make_boxed(hp);
}

Term list(std::initializer_list<Term> elems, Term tail = NIL) {
  std::vector<Term> v(elems);
  for (size_t i = v.size(); i-- > 0;) {
    Term* c = area().alloc(2);
    c[0] = v[i];
    c[1] = tail;
    tail = make_list(c);
  }
  return tail;
}

Term flonum(double d) { return make_float_at(area().alloc(FLOAT_WORDS), d); }

Bytes with_version(Bytes b) {
  b.insert(b.begin(), 131);
  return b;
}

}  // namespace

// Expected bytes are what OTP 25's term_to_binary produces.
TEST(EtfEncode, Integers) {
  EXPECT_EQ(encode(make_small(0)), with_version({97, 0}));
  EXPECT_EQ(encode(make_small(255)), with_version({97, 255}));
  EXPECT_EQ(encode(make_small(256)), with_version({98, 0, 0, 1, 0}));
  EXPECT_EQ(encode(make_small(-1)), with_version({98, 255, 255, 255, 255}));
  EXPECT_EQ(encode(make_small(INT32_MAX)), with_version({98, 127, 255, 255, 255}));
  EXPECT_EQ(encode(make_small(SWord(INT32_MAX) + 1)), with_version({110, 4, 0, 0, 0, 0, 128}));
  EXPECT_EQ(encode(make_small(SWord(INT32_MIN) - 1)), with_version({110, 4, 1, 1, 0, 0, 128}));
  EXPECT_EQ(encode(make_small(MAX_SMALL)), with_version({110, 8, 0, 255, 255, 255, 255, 255, 255, 255, 7}));
  // Bignums: magnitude bytes, least significant first.
  Bytes two64 = with_version({110, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  EXPECT_EQ(encode(decode(two64)), two64);
  Bytes neg = with_version({110, 9, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  EXPECT_EQ(encode(decode(neg)), neg);
  // 256 magnitude bytes need LARGE_BIG_EXT.
  Bytes large = with_version({111, 0, 0, 1, 0, 0});
  large.resize(large.size() + 255, 0);
  large.push_back(1);
  EXPECT_EQ(encode(decode(large)), large);
}

TEST(EtfEncode, Floats) {
  EXPECT_EQ(encode(flonum(1.5)), with_version({70, 63, 248, 0, 0, 0, 0, 0, 0}));
  EtfEncodeOptions v0;
  v0.new_floats = false;
  Bytes text = with_version({99});
  std::string s = "1.50000000000000000000e+00";
  s.resize(31, '\0');
  text.insert(text.end(), s.begin(), s.end());
  EXPECT_EQ(encode(flonum(1.5), v0), text);
}

TEST(EtfEncode, Atoms) {
  EXPECT_EQ(encode(atom_put("abc")), with_version({100, 0, 3, 'a', 'b', 'c'}));
  // Latin-1 atoms stay ATOM_EXT with Latin-1 bytes; others are UTF-8.
  EXPECT_EQ(encode(atom_put("\xC3\xA9")), with_version({100, 0, 1, 0xE9}));
  EXPECT_EQ(encode(atom_put("\xC4\x80x")), with_version({119, 3, 0xC4, 0x80, 'x'}));
  EtfEncodeOptions v2;
  v2.utf8_atoms = true;
  EXPECT_EQ(encode(atom_put("\xC3\xA9"), v2), with_version({119, 2, 0xC3, 0xA9}));
  // Over 255 bytes of UTF-8: ATOM_UTF8_EXT.
  std::string longer;
  for (int i = 0; i < 200; i++) longer += "\xC4\x80";
  Bytes out = encode(atom_put(longer));
  ASSERT_GE(out.size(), 4u);
  EXPECT_EQ(out[1], 118);
  EXPECT_EQ(out[2] * 256 + out[3], 400);
}

TEST(EtfEncode, ListsTuplesMaps) {
  EXPECT_EQ(encode(NIL), with_version({106}));
  EXPECT_EQ(encode(list({make_small(1), make_small(2)})), with_version({107, 0, 2, 1, 2}));
  EXPECT_EQ(encode(list({make_small(1), make_small(300)})),
            with_version({108, 0, 0, 0, 2, 97, 1, 98, 0, 0, 1, 44, 106}));
  EXPECT_EQ(encode(list({make_small(1)}, make_small(2))), with_version({108, 0, 0, 0, 1, 97, 1, 97, 2}));
  EXPECT_EQ(encode(tuple({})), with_version({104, 0}));
  EXPECT_EQ(encode(tuple({atom_put("a"), make_small(1)})), with_version({104, 2, 100, 0, 1, 'a', 97, 1}));
  Bytes m = with_version({116, 0, 0, 0, 2, 100, 0, 1, 'a', 97, 2, 100, 0, 1, 'b', 97, 1});
  EXPECT_EQ(encode(decode(m)), m);
}

// A map of 33 keys is a hash trie in the reference; its encoding follows
// the trie's order.
TEST(EtfEncode, LargeMapInTrieOrder) {
  HashmapBuilder b;
  for (int i = 1; i <= 33; i++) b.add(make_small(i), make_small(i));
  ASSERT_TRUE(b.finish(true));
  Term m = b.build(area().alloc(b.words()));
  const uint8_t order[33] = {33, 12, 23, 29, 30, 26, 31, 11, 9, 32, 25, 28, 6, 13, 20, 15, 14,
                             2,  7,  1,  8,  3,  17, 22, 21, 4, 24, 10, 27, 19, 5, 18, 16};
  Bytes expect = with_version({116, 0, 0, 0, 33});
  for (uint8_t k : order) expect.insert(expect.end(), {97, k, 97, k});
  EXPECT_EQ(encode(m), expect);
  // deterministic: key order.
  EtfEncodeOptions det;
  det.deterministic = true;
  Bytes sorted = with_version({116, 0, 0, 0, 33});
  for (uint8_t k = 1; k <= 33; k++) sorted.insert(sorted.end(), {97, k, 97, k});
  EXPECT_EQ(encode(m, det), sorted);
}

TEST(EtfEncode, Binaries) {
  Bytes b = with_version({109, 0, 0, 0, 3, 1, 2, 3});
  EXPECT_EQ(encode(decode(b)), b);
  Bytes bits = with_version({77, 0, 0, 0, 2, 3, 255, 0xE0});
  EXPECT_EQ(encode(decode(bits)), bits);
}

TEST(EtfEncode, IdentifiersCarryTheirNode) {
  Bytes pid = with_version({88, 100, 0, 5, 'a', '@', 'h', 'o', 's', 0, 0, 0, 80, 0, 0, 0, 2, 0, 0, 0, 7});
  EXPECT_EQ(encode(decode(pid)), pid);
  Bytes ref = with_version({90, 0, 3, 100, 0, 5, 'a', '@', 'h', 'o', 's', 0, 0, 0, 7,
                            0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3});
  EXPECT_EQ(encode(decode(ref)), ref);
  Bytes v4port = with_version({120, 100, 0, 5, 'a', '@', 'h', 'o', 's', 0, 0, 0, 1, 0, 0, 0, 9, 0, 0, 0, 7});
  EXPECT_EQ(encode(decode(v4port)), v4port);
  Bytes port = with_version({89, 100, 0, 5, 'a', '@', 'h', 'o', 's', 0, 0, 0, 9, 0, 0, 0, 7});
  EXPECT_EQ(encode(decode(port)), port);
}

TEST(EtfEncode, ExportFun) {
  Bytes f = with_version({113, 100, 0, 5, 'l', 'i', 's', 't', 's', 100, 0, 3, 'm', 'a', 'p', 97, 2});
  EXPECT_EQ(encode(decode(f)), f);
}

TEST(EtfEncode, CompressionOnlyWhenSmaller) {
  // [$a * 100] compresses to 20 bytes (zlib, default level).
  Term l = NIL;
  for (int i = 0; i < 100; i++) l = list({make_small('a')}, l);
  Bytes plain = encode(l);
  Bytes packed;
  ASSERT_TRUE(etf_compress(plain.data(), plain.size(), -1, packed));
  EXPECT_EQ(packed, Bytes({131, 80, 0, 0, 0, 103, 120, 156, 203, 102, 72, 73, 164, 3, 0, 0, 204, 203, 38, 180}));
  EXPECT_TRUE(term_eq_exact(decode(packed), l));
  // Short terms do not shrink.
  Bytes small = encode(atom_put("a"));
  EXPECT_FALSE(etf_compress(small.data(), small.size(), 9, packed));
}

TEST(EtfEncode, IovecLeavesLargeOffHeapBinariesOut) {
  Bytes b = with_version({104, 2, 100, 0, 1, 'a', 109, 0, 0, 0, 100});
  b.resize(b.size() + 100, 5);
  Term t = decode(b);
  Bytes out;
  std::vector<EtfBinaryRef> refs;
  ASSERT_TRUE(etf_encode(t, {}, out, &refs));
  ASSERT_EQ(refs.size(), 1u);
  EXPECT_EQ(refs[0].at, 12u);
  EXPECT_EQ(refs[0].size, 100u);
  EXPECT_EQ(out, Bytes(b.begin(), b.begin() + 12));
}

TEST(EtfEncode, DeepTermsDoNotRecurse) {
  Term t = NIL;
  for (int i = 0; i < 200000; i++) t = list({t});
  Bytes out = encode(t);
  EXPECT_EQ(out.size(), 1 + 200000 * 6 + 1u);
  EXPECT_TRUE(term_eq_exact(decode(out), t));
}
