#include "vm/term_hash.h"

#include <gtest/gtest.h>

#include <vector>

#include "loader/etf_decode.h"
#include "loader/literal_area.h"
#include "vm/atom_table.h"

using namespace bvm;

namespace {

// Terms from their external form (as OTP 25's term_to_binary writes them).
Term term(std::vector<uint8_t> b) {
  static LiteralArea area;
  b.insert(b.begin(), 131);
  EtfDecoder dec(b.data(), b.size());
  EXPECT_TRUE(dec.prepare());
  return dec.build(area.alloc(dec.heap_words() + 1), &area.offheap, [](size_t n) { return area.alloc(n); });
}

struct Expected {
  std::vector<uint8_t> ext;
  uint32_t phash2;  // erlang:phash2(T, 1 bsl 32)
  uint32_t phash;   // erlang:phash(T, 1 bsl 32) - 1
};

}  // namespace

// Values computed by OTP 25.
TEST(TermHash, MatchesTheReference) {
  const Expected cases[] = {
      {{100, 0, 1, 'a'}, 97, 97},
      {{97, 1}, 539485162, 2788898427u},
      {{98, 255, 255, 255, 255}, 1117813597, 1680185269},
      {{97, 0}, 3175731469u, 0},
      {{98, 8, 0, 0, 0}, 2562491755u, 2147483672u},
      {{110, 8, 0, 0, 0, 0, 0, 0, 0, 0, 8}, 2442888721u, 2147483672u},
      {{110, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 2519041713u, 2788898427u},
      {{110, 9, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 2563594619u, 1680185269},
      {{70, 63, 248, 0, 0, 0, 0, 0, 0}, 2023646235, 1073217536},
      {{70, 0, 0, 0, 0, 0, 0, 0, 0}, 423528920, 0},
      {{70, 128, 0, 0, 0, 0, 0, 0, 0}, 423528920, 0},  // -0.0 hashes as 0.0
      {{107, 0, 3, 'a', 'b', 'c'}, 519996486, 3654580165u},
      {{106}, 3468870702u, 1},
      {{104, 0}, 221703996, 0},
      {{104, 2, 100, 0, 1, 'a', 97, 1}, 4098956996u, 3187717804u},
      {{109, 0, 0, 0, 0}, 147926629, 0},
      {{109, 0, 0, 0, 3, 1, 2, 3}, 4167228639u, 687692589},
      {{77, 0, 0, 0, 1, 3, 32}, 3965351140u, 1345689960},
      {{116, 0, 0, 0, 0}, 844985373, 1113425984},
      {{116, 0, 0, 0, 1, 100, 0, 1, 'a', 97, 1}, 1401795262, 1670235873},
      {{108, 0, 0, 0, 1, 100, 0, 1, 'a', 100, 0, 1, 'b'}, 2356411656u, 4159696707u},
      {{100, 0, 1, 0xE9}, 233, 233},
  };
  for (const Expected& c : cases) {
    Term t = term(c.ext);
    EXPECT_EQ(term_phash2(t), c.phash2) << c.ext.size();
    EXPECT_EQ(term_phash(t), c.phash) << c.ext.size();
  }
}

TEST(TermHash, AtomHashFoldsLatin1) {
  // The same code points hash alike whether stored as one byte or two.
  EXPECT_EQ(atom_ext_hash(atom_put("\xC3\xA9")), 0xE9u);
  EXPECT_EQ(atom_ext_hash(atom_put("a")), 97u);
}

TEST(TermHash, MapKeyHashDependsOnDepth) {
  Term k = term({97, 7});
  EXPECT_EQ(map_key_hash(k, 0), term_internal_hash(k, 0));
  EXPECT_NE(map_key_hash(k, 0), map_key_hash(k, 1));
  EXPECT_NE(map_key_hash(k, 1), map_key_hash(k, 2));
}
