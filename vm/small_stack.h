// A stack of trivially copyable items that keeps its first N items inside
// itself and only allocates beyond that: the work stacks of term walks
// (comparison, equality) are almost always shallow.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>
#include <type_traits>

namespace bvm {

template <typename T, size_t N>
class SmallStack {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  SmallStack() = default;
  SmallStack(const SmallStack&) = delete;
  SmallStack& operator=(const SmallStack&) = delete;

  bool empty() const { return size_ == 0; }
  T& back() { return data_[size_ - 1]; }
  void pop_back() { size_--; }
  void push_back(const T& v) {
    if (size_ == cap_) grow();
    data_[size_++] = v;
  }

 private:
  void grow() {
    std::unique_ptr<T[]> more(new T[2 * cap_]);
    std::memcpy(static_cast<void*>(more.get()), data_, size_ * sizeof(T));
    heap_ = std::move(more);
    data_ = heap_.get();
    cap_ *= 2;
  }

  T local_[N];
  std::unique_ptr<T[]> heap_;
  T* data_ = local_;
  size_t size_ = 0;
  size_t cap_ = N;
};

}  // namespace bvm
