#include "bifs/binary_search.h"

#include <string_view>

namespace bvm {

PatternSearch::PatternSearch(const std::vector<std::string>& patterns) {
  if (patterns.size() == 1) {
    single_ = patterns[0];
    return;
  }
  nodes_.emplace_back();
  Node& root = nodes_[0];
  for (int32_t& n : root.next) n = -1;
  root.fail = -1;  // no failure while the failures are computed
  root.depth = 0;
  root.final = 0;
  for (const std::string& pat : patterns) add_pattern(pat);
  compute_failures();
}

void PatternSearch::add_pattern(const std::string& pattern) {
  // Every pattern gets a number, duplicates too; the first one to end in a
  // node names it.
  int32_t id = ++counter_;
  int32_t at = 0;
  for (size_t i = 0; i < pattern.size(); i++) {
    uint8_t c = uint8_t(pattern[i]);
    int32_t next = nodes_[size_t(at)].next[c];
    if (next < 0) {
      Node n;
      for (int32_t& x : n.next) x = -1;
      n.fail = 0;
      n.depth = uint32_t(i + 1);
      n.final = 0;
      nodes_.push_back(n);
      next = int32_t(nodes_.size() - 1);
      nodes_[size_t(at)].next[c] = next;
    }
    at = next;
  }
  if (nodes_[size_t(at)].final == 0) nodes_[size_t(at)].final = id;
}

void PatternSearch::compute_failures() {
  // Breadth first, so a node's failure target is done before the node.
  std::vector<int32_t> queue;
  queue.reserve(nodes_.size());
  for (int c = 0; c < 256; c++) {
    int32_t child = nodes_[0].next[c];
    if (child >= 0) {
      nodes_[size_t(child)].fail = 0;
      queue.push_back(child);
    }
  }
  for (size_t head = 0; head < queue.size(); head++) {
    int32_t parent = queue[head];
    for (int c = 0; c < 256; c++) {
      int32_t child = nodes_[size_t(parent)].next[c];
      if (child < 0) continue;
      queue.push_back(child);
      int32_t r = nodes_[size_t(parent)].fail;
      while (r >= 0 && nodes_[size_t(r)].next[c] < 0) r = nodes_[size_t(r)].fail;
      Node& n = nodes_[size_t(child)];
      if (r < 0) {
        n.fail = nodes_[0].next[c] < 0 ? 0 : nodes_[0].next[c];
      } else {
        n.fail = nodes_[size_t(r)].next[c];
        // A final state reachable through the failure chain makes this
        // node "final by reference".
        if (n.final == 0 && nodes_[size_t(n.fail)].final != 0) n.final = -1;
      }
    }
  }
  nodes_[0].fail = 0;
}

bool PatternSearch::find_first(const uint8_t* h, size_t start, size_t end, PatternMatch* out) const {
  if (nodes_.empty()) {
    if (end - start < single_.size()) return false;
    std::string_view hay(reinterpret_cast<const char*>(h) + start, end - start);
    size_t at = hay.find(single_);
    if (at == std::string_view::npos) return false;
    *out = {start + at, single_.size()};
    return true;
  }
  int32_t q = 0;
  int32_t candidate = -1;
  size_t candidate_start = 0;
  for (size_t i = start; i < end;) {
    uint8_t c = h[i];
    while (nodes_[size_t(q)].next[c] < 0 && nodes_[size_t(q)].fail != q) q = nodes_[size_t(q)].fail;
    if (nodes_[size_t(q)].next[c] >= 0) q = nodes_[size_t(q)].next[c];
    ++i;
    const Node& qn = nodes_[size_t(q)];
    // Nothing that starts at or before the candidate can still end here.
    if (candidate >= 0 && i - qn.depth > candidate_start) break;
    if (qn.final) {
      int32_t r = q;
      while (nodes_[size_t(r)].final < 0) r = nodes_[size_t(r)].fail;
      size_t rstart = i - nodes_[size_t(r)].depth;
      if (candidate < 0 || rstart < candidate_start ||
          (rstart == candidate_start && nodes_[size_t(candidate)].depth < qn.depth)) {
        candidate_start = rstart;
        candidate = r;
      }
    }
  }
  if (candidate < 0) return false;
  *out = {candidate_start, nodes_[size_t(candidate)].depth};
  return true;
}

void PatternSearch::find_all(const uint8_t* h, size_t start, size_t end, std::vector<PatternMatch>& out) const {
  out.clear();
  if (nodes_.empty()) {
    size_t len = single_.size();
    std::string_view hay(reinterpret_cast<const char*>(h), end);
    for (size_t j = start; end - j >= len;) {
      size_t at = hay.find(single_, j);
      if (at == std::string_view::npos) break;
      out.push_back({at, len});
      j = at + len;
    }
    return;
  }
  // `out` is a stack: a new match pops the matches it beats (they start
  // later, or at the same place and are shorter), and is kept if it does
  // not overlap what remains; otherwise the popped matches come back.
  size_t m = 0;
  int32_t q = 0;
  for (size_t i = start; i < end;) {
    uint8_t c = h[i];
    while (nodes_[size_t(q)].next[c] < 0 && nodes_[size_t(q)].fail != q) q = nodes_[size_t(q)].fail;
    if (nodes_[size_t(q)].next[c] >= 0) q = nodes_[size_t(q)].next[c];
    ++i;
    if (!nodes_[size_t(q)].final) continue;
    int32_t r = q;
    while (nodes_[size_t(r)].final) {
      while (nodes_[size_t(r)].final < 0) r = nodes_[size_t(r)].fail;
      size_t rlen = nodes_[size_t(r)].depth;
      size_t rstart = i - rlen;
      size_t saved = m;
      while (m > 0 && (out[m - 1].pos > rstart || (out[m - 1].pos == rstart && out[m - 1].len < rlen))) --m;
      if (m == 0 || out[m - 1].pos + out[m - 1].len <= rstart) {
        if (m < out.size()) out[m] = {rstart, rlen};
        else out.push_back({rstart, rlen});
        ++m;
      } else {
        m = saved;
      }
      r = nodes_[size_t(r)].fail;
    }
  }
  out.resize(m);
}

}  // namespace bvm
