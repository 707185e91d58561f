#include "vm/epoch.h"

#include <mutex>
#include <utility>
#include <vector>

namespace bvm {

namespace {
constexpr uint64_t IDLE = ~uint64_t(0);
}  // namespace

// The participants and the retired objects (one instance).
class Epochs {
 public:
  static Epochs& get() {
    static Epochs* e = new Epochs();
    return *e;
  }
  std::atomic<uint64_t> global{1};
  std::mutex mutex;  // guards `participants` and `retired`
  EpochParticipant* participants = nullptr;
  std::vector<std::pair<uint64_t, std::function<void()>>> retired;
  std::atomic<size_t> retired_count{0};

  uint64_t oldest_seen() {
    uint64_t oldest = IDLE;
    for (EpochParticipant* p = participants; p; p = p->next_) {
      uint64_t s = p->seen_.load(std::memory_order_acquire);
      if (s < oldest) oldest = s;
    }
    return oldest;
  }
};

EpochParticipant::EpochParticipant() : seen_(IDLE) {
  Epochs& e = Epochs::get();
  std::lock_guard<std::mutex> lock(e.mutex);
  next_ = e.participants;
  e.participants = this;
}

EpochParticipant::~EpochParticipant() {
  Epochs& e = Epochs::get();
  std::lock_guard<std::mutex> lock(e.mutex);
  for (EpochParticipant** p = &e.participants; *p; p = &(*p)->next_) {
    if (*p == this) {
      *p = next_;
      break;
    }
  }
}

void EpochParticipant::pin() {
  if (depth_++ == 0) seen_.store(Epochs::get().global.load(std::memory_order_acquire), std::memory_order_seq_cst);
}

void EpochParticipant::unpin() {
  if (--depth_ == 0) seen_.store(IDLE, std::memory_order_release);
}

EpochParticipant& this_thread_epoch() {
  thread_local EpochParticipant p;
  return p;
}

void epoch_retire(std::function<void()> free) {
  Epochs& e = Epochs::get();
  uint64_t at = e.global.fetch_add(1, std::memory_order_acq_rel);
  std::lock_guard<std::mutex> lock(e.mutex);
  e.retired.emplace_back(at, std::move(free));
  e.retired_count.store(e.retired.size(), std::memory_order_relaxed);
}

void epoch_reclaim() {
  Epochs& e = Epochs::get();
  if (e.retired_count.load(std::memory_order_relaxed) == 0) return;
  std::vector<std::function<void()>> ready;
  {
    std::lock_guard<std::mutex> lock(e.mutex);
    uint64_t oldest = e.oldest_seen();
    size_t keep = 0;
    for (auto& r : e.retired) {
      if (r.first < oldest) ready.push_back(std::move(r.second));
      else e.retired[keep++] = std::move(r);
    }
    e.retired.resize(keep);
    e.retired_count.store(keep, std::memory_order_relaxed);
  }
  for (auto& f : ready) f();
}

}  // namespace bvm
