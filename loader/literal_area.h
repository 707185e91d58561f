// A literal area: memory for a module's constant terms.
//
// Literals are built once when the module is read and never copied by the
// garbage collector (a process heap only ever points into them). The area
// owns the references of the off-heap binaries its literals hold.
// Lifetime: as long as the module version (and, after a purge, as long as a
// process still references it; see vm/README.md).
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "vm/binary.h"
#include "vm/term.h"

namespace bvm {

class LiteralArea {
 public:
  LiteralArea() = default;
  // Blocks of at least `block_words` (0: each alloc gets a block its size).
  explicit LiteralArea(size_t block_words) : block_words_(block_words) {}
  LiteralArea(const LiteralArea&) = delete;
  LiteralArea& operator=(const LiteralArea&) = delete;
  ~LiteralArea() { offheap.release_all(); }

  // `words` contiguous words, valid for the area's lifetime.
  Term* alloc(size_t words);
  bool contains(const Term* p) const;
  size_t total_words() const { return total_; }
  // fn(lo, hi) for each block of memory the area holds terms in.
  template <typename F>
  void for_each_block(F fn) const {
    for (const Block& b : blocks_) fn(static_cast<const Term*>(b.mem.get()), static_cast<const Term*>(b.mem.get() + b.size));
  }

  OffHeap offheap;

 private:
  struct Block {
    std::unique_ptr<Term[]> mem;
    size_t size;
  };
  std::vector<Block> blocks_;
  Term* top_ = nullptr;
  size_t left_ = 0;
  size_t total_ = 0;
  size_t block_words_ = 4096;
};

}  // namespace bvm
