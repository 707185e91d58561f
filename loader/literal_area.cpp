#include "loader/literal_area.h"

namespace bvm {

Term* LiteralArea::alloc(size_t words) {
  if (words > left_) {
    size_t size = words > block_words_ ? words : block_words_;
    blocks_.push_back({std::unique_ptr<Term[]>(new Term[size]), size});
    top_ = blocks_.back().mem.get();
    left_ = size;
  }
  Term* p = top_;
  top_ += words;
  left_ -= words;
  total_ += words;
  return p;
}

bool LiteralArea::contains(const Term* p) const {
  for (const Block& b : blocks_)
    if (p >= b.mem.get() && p < b.mem.get() + b.size) return true;
  return false;
}

}  // namespace bvm
