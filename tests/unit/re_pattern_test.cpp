// bifs/re_pattern: the pattern binary, compiling, the character tables and
// matches deeper than the calling thread's stack.
#include "bifs/re_pattern.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <string>

using namespace bvm;

TEST(RePattern, EncodeDecode) {
  std::string b = re::encode("a(b)c", PCRE_CASELESS | PCRE_UTF8);
  std::string_view source;
  int options = 0;
  ASSERT_TRUE(re::decode(b, &source, &options));
  EXPECT_EQ(source, "a(b)c");
  EXPECT_EQ(options, PCRE_CASELESS | PCRE_UTF8);
  // Cut at the first NUL, as PCRE reads the pattern.
  std::string cut = re::encode(std::string_view("ab\0cd", 5), 0);
  ASSERT_TRUE(re::decode(cut, &source, &options));
  EXPECT_EQ(source, "ab");
}

TEST(RePattern, DecodeRejects) {
  std::string_view source;
  int options;
  EXPECT_FALSE(re::decode("", &source, &options));
  EXPECT_FALSE(re::decode("bvR", &source, &options));
  EXPECT_FALSE(re::decode(std::string_view("ERCP\0\0\0\0a", 9), &source, &options));
  std::string b = re::encode("a", 0);
  b[4] = 0x00;
  b[5] = 0x20;  // PCRE_NO_UTF8_CHECK (0x2000) is never stored
  EXPECT_FALSE(re::decode(b, &source, &options));
  std::string nul = re::encode("a", 0) + std::string(1, '\0');
  EXPECT_FALSE(re::decode(nul, &source, &options));
}

TEST(RePattern, CompileAndCache) {
  re::CompileError err;
  const re::Compiled* c = re::compile("(a)(?<n>b)", 0, &err);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->capture_count, 2);
  EXPECT_EQ(re::compile("(a)(?<n>b)", 0, &err), c);
  EXPECT_EQ(re::compile("a(", 0, &err), nullptr);
  EXPECT_EQ(err.message, "missing )");
  EXPECT_EQ(err.offset, 2);
  // Many different patterns: the cache stays bounded and keeps working.
  for (int i = 0; i < 500; i++) ASSERT_NE(re::compile("x{" + std::to_string(i) + "}", 0, &err), nullptr);
  c = re::compile("(a)(?<n>b)", 0, &err);
  ASSERT_NE(c, nullptr);
  int ov[9];
  EXPECT_EQ(re::exec(*c, "xab", 3, 0, 0, ov, 9, -1, -1), 3);
  EXPECT_EQ(ov[0], 1);
}

TEST(RePattern, Latin1Tables) {
  const unsigned char* t = re::latin1_tables();
  EXPECT_EQ(t['A'], 'a');
  EXPECT_EQ(t[0xC9], 0xE9);
  EXPECT_EQ(t[0xD7], 0xD7);            // multiplication sign: no case
  EXPECT_EQ(t[256 + 0xE9], 0xC9);      // case flip
  EXPECT_EQ(t[256 + 0xFF], 0xFF);      // y with diaeresis: no upper case in Latin-1
  EXPECT_EQ(t[832 + 0xB5] & 0x02, 2);  // micro sign is a letter
  EXPECT_EQ(t[832 + 0xA0], 0);         // no-break space: not \s
}

namespace {

struct DeepMatch {
  std::string subject;
  int rc = 0;
  int ov[6] = {0, 0, 0, 0, 0, 0};
};

void* deep_match(void* arg) {
  auto* m = static_cast<DeepMatch*>(arg);
  re::CompileError err;
  const re::Compiled* c = re::compile("^(a|b)*$", 0, &err);
  if (c) m->rc = re::exec(*c, m->subject.data(), int(m->subject.size()), 0, 0, m->ov, 6, -1, -1);
  return nullptr;
}

}  // namespace

// A match needing far more stack than the calling thread has still
// succeeds (it continues on a thread with a larger stack).
TEST(RePattern, DeeperThanTheStack) {
  DeepMatch m;
  m.subject.assign(50000, 'a');
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 1 << 20);
  pthread_t t;
  ASSERT_EQ(pthread_create(&t, &attr, deep_match, &m), 0);
  pthread_join(t, nullptr);
  pthread_attr_destroy(&attr);
  EXPECT_EQ(m.rc, 2);
  EXPECT_EQ(m.ov[1], 50000);
}

TEST(RePattern, RecursionLimitIsKept) {
  re::CompileError err;
  const re::Compiled* c = re::compile("^(a|b)*$", 0, &err);
  ASSERT_NE(c, nullptr);
  std::string s(5000, 'a');
  int ov[6];
  EXPECT_EQ(re::exec(*c, s.data(), int(s.size()), 0, 0, ov, 6, -1, 100), PCRE_ERROR_RECURSIONLIMIT);
  EXPECT_EQ(re::exec(*c, s.data(), int(s.size()), 0, 0, ov, 6, 10, -1), PCRE_ERROR_MATCHLIMIT);
}
