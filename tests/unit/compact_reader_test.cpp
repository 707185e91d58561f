#include "loader/compact_reader.h"

#include <gtest/gtest.h>

#include <vector>

using namespace bvm;

namespace {
CompactValue decode(std::vector<uint8_t> bytes, size_t* used = nullptr) {
  CompactReader r(bytes.data(), bytes.data() + bytes.size());
  CompactValue v{};
  EXPECT_TRUE(r.read(&v));
  if (used) *used = size_t(r.pos() - bytes.data());
  return v;
}
}  // namespace

// The encodings beam_asm produces for tag i (from beam_disasm's notes).
TEST(CompactReader, IntegerForms) {
  EXPECT_EQ(decode({81}).value, 5);
  EXPECT_EQ(decode({105, 232}).value, 1000);
  EXPECT_EQ(decode({233, 255}).value, 2047);
  EXPECT_EQ(decode({25, 8, 0}).value, 2048);
  EXPECT_EQ(decode({25, 255, 255}).value, -1);
  EXPECT_EQ(decode({121, 255, 0, 0, 0, 1}).value, -4294967295LL);
  EXPECT_EQ(decode({121, 0, 255, 255, 255, 255}).value, 4294967295LL);
  EXPECT_EQ(decode({121, 99, 255, 255, 255, 157}).value, 429496729501LL);
  EXPECT_EQ(decode({81}).tag, CTag::I);
}

TEST(CompactReader, TagsAndUnsigned) {
  EXPECT_EQ(decode({0x03}).tag, CTag::X);      // {x,0}
  EXPECT_EQ(decode({0x34}).tag, CTag::Y);      // {y,3}
  EXPECT_EQ(decode({0x34}).value, 3);
  EXPECT_EQ(decode({0x47}).tag, CTag::Z);      // z 4: literal follows
  EXPECT_EQ(decode({0x47}).value, 4);
  // u with two bytes: 0b011_01_000 0x10 -> (3 << 8) | 0x10
  EXPECT_EQ(decode({0x68, 0x10}).value, 0x310);
}

TEST(CompactReader, LongFormWithNestedLength) {
  // n = 7: byte count = nested u value + 9. 10 bytes of a positive integer.
  std::vector<uint8_t> b = {0xF9, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00};
  size_t used;
  CompactValue v = decode(b, &used);
  EXPECT_EQ(used, b.size());
  EXPECT_EQ(v.tag, CTag::I);
  EXPECT_FALSE(v.big);  // leading zero bytes: fits 64 bits
  EXPECT_EQ(v.value, 256);
}

TEST(CompactReader, BigValues) {
  // 9 bytes, 2^64: does not fit an int64.
  std::vector<uint8_t> b = {0xF9, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0};
  CompactValue v = decode(b);
  EXPECT_TRUE(v.big);
  EXPECT_EQ(v.big_len, 9u);
  // Unsigned 8 bytes with the top bit set overflows for non-integer tags.
  std::vector<uint8_t> u = {0xD8, 0x80, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_TRUE(decode(u).big);
  // But the same bytes under tag i are a negative int64.
  std::vector<uint8_t> i = {0xD9, 0x80, 0, 0, 0, 0, 0, 0, 0};
  CompactValue vi = decode(i);
  EXPECT_FALSE(vi.big);
  EXPECT_EQ(vi.value, INT64_MIN);
}

TEST(CompactReader, TruncatedInputsFail) {
  std::vector<std::vector<uint8_t>> cases = {{}, {0x08}, {0x19, 0x01}, {0xF9}, {0xF9, 0x10, 0x00}};
  for (const auto& b : cases) {
    CompactReader r(b.data(), b.data() + b.size());
    CompactValue v;
    EXPECT_FALSE(r.read(&v)) << "case of size " << b.size();
  }
}
