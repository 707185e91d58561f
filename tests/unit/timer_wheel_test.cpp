#include "vm/timer_wheel.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

using namespace bvm;

namespace {
std::vector<int64_t> times(TimerEntry* e) {
  std::vector<int64_t> out;
  for (; e; e = e->next) out.push_back(e->at_ms);
  return out;
}
}  // namespace

TEST(TimerWheel, FiresInOrderAndOnlyWhenDue) {
  TimerWheel w(1000);
  TimerEntry a, b, c;
  a.at_ms = 1010;
  b.at_ms = 1005;
  c.at_ms = 1005 + TimerWheel::SLOTS;  // same slot as b, a turn later
  w.insert(&a);
  w.insert(&b);
  w.insert(&c);
  EXPECT_EQ(w.size(), 3u);
  EXPECT_EQ(w.next_expiry(), 1005);
  EXPECT_EQ(w.advance(1004), nullptr);
  EXPECT_EQ(times(w.advance(1010)), (std::vector<int64_t>{1005, 1010}));
  EXPECT_EQ(w.size(), 1u);
  EXPECT_EQ(w.advance(1005 + TimerWheel::SLOTS - 1), nullptr);
  EXPECT_EQ(times(w.advance(1005 + TimerWheel::SLOTS)), (std::vector<int64_t>{1005 + TimerWheel::SLOTS}));
  EXPECT_EQ(w.size(), 0u);
  EXPECT_EQ(w.next_expiry(), INT64_MAX);
}

TEST(TimerWheel, PastTimesFireAtTheNextAdvance) {
  TimerWheel w(500);
  TimerEntry a;
  a.at_ms = 100;
  w.insert(&a);
  EXPECT_EQ(w.next_expiry(), 501);
  EXPECT_EQ(times(w.advance(501)), (std::vector<int64_t>{100}));
}

TEST(TimerWheel, RemoveAndRandomTimesMatchASortedModel) {
  std::mt19937 rng(7);
  TimerWheel w(0);
  std::vector<TimerEntry> es(5000);
  std::vector<int64_t> expect;
  for (size_t i = 0; i < es.size(); i++) {
    es[i].at_ms = 1 + int64_t(rng() % 100000);
    w.insert(&es[i]);
  }
  for (size_t i = 0; i < es.size(); i += 3) w.remove(&es[i]);
  for (size_t i = 0; i < es.size(); i++)
    if (i % 3) expect.push_back(es[i].at_ms);
  std::sort(expect.begin(), expect.end());
  std::vector<int64_t> got;
  int64_t now = 0;
  while (w.size()) {
    now = std::max(now + 1, w.next_expiry());
    for (int64_t t : times(w.advance(now))) {
      EXPECT_LE(t, now);
      got.push_back(t);
    }
  }
  EXPECT_EQ(got, expect);
}

TEST(TimerWheel, BigJumpsVisitEverySlot) {
  TimerWheel w(0);
  std::vector<TimerEntry> es(100);
  for (size_t i = 0; i < es.size(); i++) {
    es[i].at_ms = int64_t(i) * 997;
    w.insert(&es[i]);
  }
  EXPECT_EQ(times(w.advance(10 * TimerWheel::SLOTS)).size(), 100u);
}
