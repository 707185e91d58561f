// A small lock for very short critical sections that never block inside
// (a process's signal queue): test-and-test-and-set, spinning politely,
// yielding the thread if the holder was descheduled.
#pragma once

#include <atomic>
#include <thread>

namespace bvm {

class SpinLock {
 public:
  void lock() {
    for (unsigned spins = 0;; spins++) {
      if (!held_.exchange(true, std::memory_order_acquire)) return;
      while (held_.load(std::memory_order_relaxed)) {
        if (++spins < 64) __builtin_ia32_pause();
        else std::this_thread::yield();
      }
    }
  }
  bool try_lock() { return !held_.load(std::memory_order_relaxed) && !held_.exchange(true, std::memory_order_acquire); }
  void unlock() { held_.store(false, std::memory_order_release); }

 private:
  std::atomic<bool> held_{false};
};

}  // namespace bvm
