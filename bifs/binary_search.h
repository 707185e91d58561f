// Searching a byte string for a set of patterns, with the results of the
// reference's binary:match/matches/split.
//
// One pattern is searched for directly. Several go into an Aho-Corasick trie
// built and walked exactly like the reference's, because the reference's
// answers are defined by that walk:
// - find_first: the match that starts first; of those, the longest.
// - find_all: non-overlapping matches, chosen as the reference's trie walk
//   chooses them (a later, longer or earlier-starting match can replace
//   matches found before it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace bvm {

struct PatternMatch {
  size_t pos;
  size_t len;
};

class PatternSearch {
 public:
  // `patterns`: at least one, none empty.
  explicit PatternSearch(const std::vector<std::string>& patterns);

  // Searches haystack[start, end); positions are indices into haystack.
  bool find_first(const uint8_t* haystack, size_t start, size_t end, PatternMatch* out) const;
  void find_all(const uint8_t* haystack, size_t start, size_t end, std::vector<PatternMatch>& out) const;

 private:
  struct Node {
    int32_t next[256];  // goto function; -1: none
    int32_t fail;       // failure function (the root's is the root)
    uint32_t depth;
    int32_t final;      // >0 pattern id, -1 a final state is on the failure chain, 0 none
  };
  void add_pattern(const std::string& pattern);
  void compute_failures();

  std::string single_;       // the pattern, when there is only one
  std::vector<Node> nodes_;  // the trie, when there are several; [0] is the root
  int32_t counter_ = 0;
};

}  // namespace bvm
