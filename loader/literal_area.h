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
  LiteralArea(const LiteralArea&) = delete;
  LiteralArea& operator=(const LiteralArea&) = delete;
  ~LiteralArea() { offheap.release_all(); }

  // `words` contiguous words, valid for the area's lifetime.
  Term* alloc(size_t words);
  bool contains(const Term* p) const;
  size_t total_words() const { return total_; }

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
};

}  // namespace bvm
