#include "loader/etf_decode.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "loader/literal_area.h"
#include "vm/atom_table.h"
#include "vm/compare.h"
#include "vm/identity.h"
#include "vm/term_print.h"

using namespace bvm;

namespace {

struct Decoded {
  bool ok;
  EtfError err;
  std::string text;
  Term term;
  size_t used;
};

Decoded decode(const std::vector<uint8_t>& b, EtfOptions opts = {}) {
  static LiteralArea area;  // keeps every decoded term alive for the test run
  EtfDecoder dec(b.data(), b.size(), opts);
  if (!dec.prepare()) return {false, dec.error(), "", NON_VALUE, 0};
  Term* hp = area.alloc(dec.heap_words() + 1);
  hp[dec.heap_words()] = 0xDEADBEEF;  // guard word: the build must stay within heap_words()
  Term t = dec.build(hp, &area.offheap, [](size_t n) { return area.alloc(n); });
  EXPECT_EQ(hp[dec.heap_words()], 0xDEADBEEFu);
  if (t == NON_VALUE) return {false, dec.error(), "", NON_VALUE, 0};
  return {true, EtfError::None, term_to_text(t), t, dec.used_bytes()};
}

std::string text(const std::vector<uint8_t>& b) {
  Decoded d = decode(b);
  EXPECT_TRUE(d.ok) << etf_error_text(d.err);
  return d.text;
}

}  // namespace

// Byte sequences below are what OTP 25's term_to_binary/1 produces.
TEST(EtfDecode, Integers) {
  EXPECT_EQ(text({131, 97, 1}), "1");
  EXPECT_EQ(text({131, 97, 255}), "255");
  EXPECT_EQ(text({131, 98, 0, 0, 1, 0}), "256");
  EXPECT_EQ(text({131, 98, 255, 255, 255, 255}), "-1");
  EXPECT_EQ(text({131, 110, 8, 0, 0, 0, 0, 0, 0, 0, 0, 8}), "576460752303423488");
  EXPECT_EQ(text({131, 110, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}), "18446744073709551616");
  EXPECT_EQ(text({131, 110, 9, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1}), "-18446744073709551616");
  // A bignum encoding of a small value is normalised to a small.
  Decoded d = decode({131, 110, 2, 0, 5, 0});
  ASSERT_TRUE(d.ok);
  EXPECT_TRUE(is_small(d.term));
  EXPECT_EQ(small_val(d.term), 5);
  // Zero-width bignum is zero.
  EXPECT_EQ(text({131, 110, 0, 0}), "0");
}

TEST(EtfDecode, FloatsAtomsAndContainers) {
  EXPECT_EQ(text({131, 70, 63, 248, 0, 0, 0, 0, 0, 0}), "1.5");
  EXPECT_EQ(text({131, 100, 0, 3, 97, 98, 99}), "abc");
  EXPECT_EQ(text({131, 107, 0, 5, 104, 101, 108, 108, 111}), "[104,101,108,108,111]");
  EXPECT_EQ(text({131, 108, 0, 0, 0, 2, 97, 1, 97, 2, 97, 3}), "[1,2|3]");
  EXPECT_EQ(text({131, 104, 2, 100, 0, 1, 97, 100, 0, 1, 98}), "{a,b}");
  EXPECT_EQ(text({131, 104, 0}), "{}");
  EXPECT_EQ(text({131, 106}), "[]");
  EXPECT_EQ(text({131, 116, 0, 0, 0, 2, 100, 0, 1, 97, 97, 2, 100, 0, 1, 98, 97, 1}), "#{a => 2,b => 1}");
  EXPECT_EQ(text({131, 113, 100, 0, 5, 108, 105, 115, 116, 115, 100, 0, 3, 109, 97, 112, 97, 2}),
            "fun lists:map/2");
  // FLOAT_EXT: 31 bytes of "%.20e" text.
  std::vector<uint8_t> f = {131, 99};
  std::string s = "1.50000000000000000000e+00";
  s.resize(31, '\0');
  f.insert(f.end(), s.begin(), s.end());
  EXPECT_EQ(text(f), "1.5");
}

TEST(EtfDecode, UnicodeAtoms) {
  // SMALL_ATOM_UTF8_EXT for [16#100, $x]
  Decoded d = decode({131, 119, 3, 196, 128, 120});
  ASSERT_TRUE(d.ok);
  EXPECT_EQ(atom_text(d.term), "\xC4\x80x");
  EXPECT_EQ(d.text, "'\\x{100}x'");
  // Latin-1 ATOM_EXT byte 0xE9 becomes UTF-8 C3 A9.
  Decoded l = decode({131, 100, 0, 1, 0xE9});
  ASSERT_TRUE(l.ok);
  EXPECT_EQ(atom_text(l.term), "\xC3\xA9");
  // Invalid UTF-8 is refused.
  EXPECT_EQ(decode({131, 119, 2, 0xC4, 0x20}).err, EtfError::BadAtom);
}

TEST(EtfDecode, Binaries) {
  EXPECT_EQ(text({131, 109, 0, 0, 0, 3, 98, 105, 110}), "<<98,105,110>>");
  EXPECT_EQ(text({131, 77, 0, 0, 0, 3, 4, 1, 2, 48}), "<<1,2,3:4>>");
  // A binary over 64 bytes lives off-heap.
  std::vector<uint8_t> big = {131, 109, 0, 0, 0, 100};
  big.resize(big.size() + 100, 7);
  Decoded d = decode(big);
  ASSERT_TRUE(d.ok);
  EXPECT_TRUE(is_boxed_sub(d.term, Sub::RefcBin));
  EXPECT_EQ(bitstring_bits(d.term), 800u);
  // Bit count 0 with data, or above 8, is malformed.
  EXPECT_EQ(decode({131, 77, 0, 0, 0, 1, 0, 5}).err, EtfError::BadValue);
  EXPECT_EQ(decode({131, 77, 0, 0, 0, 1, 9, 5}).err, EtfError::BadValue);
}

TEST(EtfDecode, PidsPortsRefs) {
  // NEW_PID_EXT on the local node (nonode@nohost, creation 0) is a local pid.
  std::vector<uint8_t> pid = {131, 88, 100, 0, 13};
  std::string node = "nonode@nohost";
  pid.insert(pid.end(), node.begin(), node.end());
  for (uint8_t b : {0, 0, 0, 80, 0, 0, 0, 2, 0, 0, 0, 0}) pid.push_back(b);
  Decoded d = decode(pid);
  ASSERT_TRUE(d.ok);
  EXPECT_TRUE(is_local_pid(d.term));
  EXPECT_EQ(d.text, "<0.80.2>");
  // The same on another node is an external pid.
  std::vector<uint8_t> ext = {131, 88, 100, 0, 5, 'a', '@', 'h', 'o', 's', 0, 0, 0, 80, 0, 0, 0, 2, 0, 0, 0, 7};
  Decoded e = decode(ext);
  ASSERT_TRUE(e.ok);
  EXPECT_TRUE(is_boxed_sub(e.term, Sub::ExternalPid));
  EXPECT_EQ(identity_node(e.term)->creation, 7u);
  // Local pid numbers beyond the reference's 15 bits are refused.
  std::vector<uint8_t> badpid = pid;
  badpid[badpid.size() - 12] = 1;  // number = 0x01000050
  EXPECT_EQ(decode(badpid).err, EtfError::BadValue);
  // NEWER_REFERENCE_EXT with 3 words, remote node.
  std::vector<uint8_t> ref = {131, 90, 0, 3, 100, 0, 5, 'a', '@', 'h', 'o', 's', 0, 0, 0, 7,
                              0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3};
  Decoded r = decode(ref);
  ASSERT_TRUE(r.ok);
  EXPECT_TRUE(is_ref(r.term));
  // V4_PORT_EXT, remote.
  std::vector<uint8_t> port = {131, 120, 100, 0, 5, 'a', '@', 'h', 'o', 's', 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 7};
  Decoded p = decode(port);
  ASSERT_TRUE(p.ok);
  EXPECT_TRUE(is_port(p.term));
}

TEST(EtfDecode, CompressedAndUsedBytes) {
  std::vector<uint8_t> c = {131, 80, 0, 0, 0, 23, 120, 156, 203, 102, 16, 73, 196, 2, 0, 90, 234, 8, 20};
  Decoded d = decode(c);
  ASSERT_TRUE(d.ok);
  EXPECT_EQ(d.text, "[97,97,97,97,97,97,97,97,97,97,97,97,97,97,97,97,97,97,97,97]");
  EXPECT_EQ(d.used, c.size());
  // Trailing bytes are not part of the term.
  std::vector<uint8_t> t = {131, 97, 1, 0, 0};
  EXPECT_EQ(decode(t).used, 3u);
  // A wrong uncompressed size is an error.
  std::vector<uint8_t> wrong = c;
  wrong[5] = 24;
  EXPECT_EQ(decode(wrong).err, EtfError::BadCompressed);
}

TEST(EtfDecode, MalformedInputsFail) {
  EXPECT_EQ(decode({}).err, EtfError::Truncated);
  EXPECT_EQ(decode({130, 97, 1}).err, EtfError::BadVersion);
  EXPECT_EQ(decode({131}).err, EtfError::Truncated);
  EXPECT_EQ(decode({131, 98, 0, 0}).err, EtfError::Truncated);
  EXPECT_EQ(decode({131, 200}).err, EtfError::BadTag);
  EXPECT_EQ(decode({131, 82, 0}).err, EtfError::BadTag);               // atom cache ref
  EXPECT_EQ(decode({131, 104, 3, 97, 1}).err, EtfError::Truncated);   // tuple short of elements
  EXPECT_EQ(decode({131, 108, 255, 255, 255, 255, 106}).err, EtfError::Truncated);  // huge list length
  EXPECT_EQ(decode({131, 116, 255, 255, 255, 255}).err, EtfError::Truncated);       // huge map
  EXPECT_EQ(decode({131, 70, 0x7F, 0xF0, 0, 0, 0, 0, 0, 0}).err, EtfError::BadValue);  // infinity
  // Duplicate map keys are refused.
  EXPECT_EQ(decode({131, 116, 0, 0, 0, 2, 97, 1, 97, 2, 97, 1, 97, 3}).err, EtfError::DuplicateKey);
}

TEST(EtfDecode, SafeModeRefusesNewAtoms) {
  std::vector<uint8_t> b = {131, 100, 0, 21};
  std::string name = "never_seen_atom_xyzzy";
  b.insert(b.end(), name.begin(), name.end());
  EtfOptions safe;
  safe.safe = true;
  EXPECT_EQ(decode(b, safe).err, EtfError::BadAtom);
  EXPECT_TRUE(decode(b).ok);        // creates it
  EXPECT_TRUE(decode(b, safe).ok);  // now it exists
}

TEST(EtfDecode, DeepNestingDoesNotRecurse) {
  // 200,000 nested one-element lists: [[[...]]].
  std::vector<uint8_t> b = {131};
  const int depth = 200000;
  for (int i = 0; i < depth; i++) {
    for (uint8_t x : {108, 0, 0, 0, 1}) b.push_back(x);
  }
  b.push_back(106);
  for (int i = 0; i < depth; i++) b.push_back(106);
  Decoded d = decode(b);
  ASSERT_TRUE(d.ok);
  EXPECT_EQ(d.used, b.size());
}
