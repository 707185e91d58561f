#include "vm/md5.h"

#include <gtest/gtest.h>

#include <string>

using namespace bvm;

namespace {
std::string hex_md5(const std::string& s, size_t chunk = 0) {
  Md5Context m;
  md5_init(&m);
  const uint8_t* data = reinterpret_cast<const uint8_t*>(s.data());
  if (chunk == 0) {
    md5_update(&m, data, s.size());
  } else {
    for (size_t i = 0; i < s.size(); i += chunk) md5_update(&m, data + i, std::min(chunk, s.size() - i));
  }
  uint8_t d[16];
  md5_final(&m, d);
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (uint8_t b : d) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}
}  // namespace

// The test suite of RFC 1321, appendix A.5.
TEST(Md5, RfcVectors) {
  EXPECT_EQ(hex_md5(""), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(hex_md5("a"), "0cc175b9c0f1b6a831c399e269772661");
  EXPECT_EQ(hex_md5("abc"), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(hex_md5("message digest"), "f96b697d7cb7938d525a2f31aaf161d0");
  EXPECT_EQ(hex_md5("abcdefghijklmnopqrstuvwxyz"), "c3fcd3d76192e4007dfb496cca67e13b");
  EXPECT_EQ(hex_md5("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
            "d174ab98d277d9f5a5611c2c9f419d9f");
  EXPECT_EQ(hex_md5("12345678901234567890123456789012345678901234567890123456789012345678901234567890"),
            "57edf4a22be3c955ac49da2e2107b67a");
}

TEST(Md5, ChunkedUpdatesGiveTheSameDigest) {
  std::string s;
  for (int i = 0; i < 1000; i++) s += char(i * 7);
  std::string whole = hex_md5(s);
  for (size_t chunk : {1, 3, 55, 56, 63, 64, 65, 129}) EXPECT_EQ(hex_md5(s, chunk), whole) << chunk;
  // Lengths around the padding boundary.
  for (size_t n = 50; n < 70; n++) EXPECT_EQ(hex_md5(s.substr(0, n), 7), hex_md5(s.substr(0, n))) << n;
}
