#include "vm/timer_wheel.h"

#include <algorithm>
#include <climits>
#include <vector>

namespace bvm {

TimerWheel::TimerWheel(int64_t now_ms) : last_(now_ms), slots_(SLOTS, nullptr), bits_(SLOTS / 64, 0) {}

void TimerWheel::mark(size_t slot, bool nonempty) {
  uint64_t bit = uint64_t(1) << (slot % 64);
  if (nonempty) bits_[slot / 64] |= bit;
  else bits_[slot / 64] &= ~bit;
}

void TimerWheel::insert(TimerEntry* e) {
  int64_t t = e->at_ms > last_ ? e->at_ms : last_ + 1;
  size_t s = size_t(t) & (SLOTS - 1);
  e->slot = s;
  e->seq = seq_++;
  e->prev = nullptr;
  e->next = slots_[s];
  if (e->next) e->next->prev = e;
  slots_[s] = e;
  e->queued = true;
  mark(s, true);
  count_++;
}

void TimerWheel::remove(TimerEntry* e) {
  if (e->prev) e->prev->next = e->next;
  else slots_[e->slot] = e->next;
  if (e->next) e->next->prev = e->prev;
  if (!slots_[e->slot]) mark(e->slot, false);
  e->prev = e->next = nullptr;
  e->queued = false;
  count_--;
}

TimerEntry* TimerWheel::collect(size_t slot, int64_t now_ms, TimerEntry* out) {
  for (TimerEntry* e = slots_[slot]; e;) {
    TimerEntry* next = e->next;
    if (e->at_ms <= now_ms) {
      remove(e);
      e->next = out;
      out = e;
    }
    e = next;
  }
  return out;
}

TimerEntry* TimerWheel::advance(int64_t now_ms) {
  TimerEntry* out = nullptr;
  if (now_ms <= last_) return out;
  if (count_) {
    if (now_ms - last_ >= int64_t(SLOTS)) {
      for (size_t s = 0; s < SLOTS; s++)
        if (slots_[s]) out = collect(s, now_ms, out);
    } else {
      // Visit slots last_+1 .. now_ms, skipping empty words of the bitmap.
      for (int64_t t = last_ + 1; t <= now_ms;) {
        size_t s = size_t(t) & (SLOTS - 1);
        uint64_t word = bits_[s / 64] >> (s % 64);
        if (!word) {
          t += int64_t(64 - s % 64);
          continue;
        }
        int skip = __builtin_ctzll(word);
        t += skip;
        if (t > now_ms) break;
        out = collect(size_t(t) & (SLOTS - 1), now_ms, out);
        t++;
      }
    }
  }
  last_ = now_ms;
  if (out && out->next) {
    std::vector<TimerEntry*> v;
    for (TimerEntry* e = out; e; e = e->next) v.push_back(e);
    std::sort(v.begin(), v.end(), [](const TimerEntry* a, const TimerEntry* b) {
      if (a->at_ms != b->at_ms) return a->at_ms < b->at_ms;
      return a->order != b->order ? a->order < b->order : a->seq < b->seq;
    });
    for (size_t i = 0; i < v.size(); i++) v[i]->next = i + 1 < v.size() ? v[i + 1] : nullptr;
    out = v[0];
  }
  return out;
}

int64_t TimerWheel::next_expiry() const {
  if (!count_) return INT64_MAX;
  // The first non-empty slot after last_ (within one turn).
  int64_t t = last_ + 1;
  for (size_t scanned = 0; scanned <= SLOTS + 64;) {
    size_t s = size_t(t) & (SLOTS - 1);
    uint64_t word = bits_[s / 64] >> (s % 64);
    if (word) return t + __builtin_ctzll(word);
    size_t step = 64 - s % 64;
    t += int64_t(step);
    scanned += step;
  }
  return last_ + 1;  // not reached: count_ > 0 means some slot is marked
}

}  // namespace bvm
