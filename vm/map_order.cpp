#include "vm/map_order.h"

#include <algorithm>
#include <bit>
#include <numeric>

#include "vm/compare.h"
#include "vm/map.h"
#include "vm/term_hash.h"

namespace bvm {

namespace {

// A key with its trie hashes, computed as deep as a comparison needs.
struct TrieKey {
  Term key;
  std::vector<uint32_t> hashes;  // map_key_hash at depth 0, 1, ...
  uint32_t hash(uint32_t depth) {
    while (hashes.size() <= depth) hashes.push_back(map_key_hash(key, uint32_t(hashes.size())));
    return hashes[depth];
  }
};

// Depths compared before giving up; distinct keys that still hash alike
// (which the reference's hash rules out) fall back to term order.
constexpr uint32_t MAX_DEPTH = 16;

// Whether a is visited before b: at the first level where their paths
// part, the higher slot comes first.
bool visited_before(TrieKey& a, TrieKey& b) {
  for (uint32_t depth = 0; depth < MAX_DEPTH; depth++) {
    uint32_t x = a.hash(depth), y = b.hash(depth);
    if (x != y) {
      unsigned shift = unsigned(std::countr_zero(x ^ y)) & ~3u;
      return ((x >> shift) & 0xF) > ((y >> shift) & 0xF);
    }
  }
  return term_compare_exact(a.key, b.key) < 0;
}

std::vector<size_t> trie_order(std::vector<TrieKey>& keys) {
  std::vector<size_t> order(keys.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t i, size_t j) { return visited_before(keys[i], keys[j]); });
  return order;
}

}  // namespace

void map_pairs_iteration_order(Term map, std::vector<std::pair<Term, Term>>& out) {
  map_pairs(map, out);
  if (out.size() <= MAP_SMALL_LIMIT) return;
  std::vector<TrieKey> keys(out.size());
  for (size_t i = 0; i < out.size(); i++) keys[i].key = out[i].first;
  std::vector<size_t> order = trie_order(keys);
  std::vector<std::pair<Term, Term>> sorted;
  sorted.reserve(out.size());
  for (size_t i : order) sorted.push_back(out[i]);
  out.swap(sorted);
}

void sort_keys_trie_order(Term* begin, Term* end) {
  std::vector<TrieKey> keys(size_t(end - begin));
  for (size_t i = 0; i < keys.size(); i++) keys[i].key = begin[i];
  std::vector<size_t> order = trie_order(keys);
  for (size_t i = 0; i < order.size(); i++) begin[i] = keys[order[i]].key;
}

}  // namespace bvm
