// Epoch-based reclamation of objects other threads may still be reading.
//
// A thread that looks up shared objects it does not own (a process in the
// process table, say) does so while "pinned": it has published the global
// epoch it saw. An object retired at epoch E is freed only once every
// pinned thread has published an epoch later than E, so no reader can
// still hold a pointer to it. Schedulers pin themselves while they run a
// process and unpin when idle; other threads (timers, I/O) pin around each
// use with EpochGuard.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>

namespace bvm {

class EpochParticipant {
 public:
  EpochParticipant();
  ~EpochParticipant();
  // Pins nest: only the outermost unpin ends the pinned section.
  void pin();    // start reading shared objects
  void unpin();  // no pointers to shared objects held any more
  bool pinned() const { return depth_ > 0; }
 private:
  friend class Epochs;
  std::atomic<uint64_t> seen_;
  unsigned depth_ = 0;
  EpochParticipant* next_ = nullptr;
};

// Retires an object: `free` runs once no pinned thread can see it.
void epoch_retire(std::function<void()> free);
// Frees what is safe to free; cheap when nothing is ready.
void epoch_reclaim();

// The calling thread's participant (created on first use).
EpochParticipant& this_thread_epoch();

struct EpochGuard {
  EpochGuard() { this_thread_epoch().pin(); }
  ~EpochGuard() { this_thread_epoch().unpin(); }
};

}  // namespace bvm
