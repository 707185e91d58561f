#include "vm/timers.h"

#include <uv.h>

#include <chrono>
#include <climits>
#include <mutex>
#include <unordered_map>

#include "vm/epoch.h"
#include "vm/io_loop.h"
#include "vm/registry.h"
#include "vm/signals.h"
#include "vm/timer_wheel.h"

namespace bvm {

namespace {

struct Key {
  RefNumbers ref;
  bool operator==(const Key& o) const { return ref == o.ref; }
};
struct KeyHash {
  size_t operator()(const Key& k) const {
    uint64_t a = uint64_t(k.ref.n[0]) | (uint64_t(k.ref.n[1]) << 32);
    return size_t((a ^ (uint64_t(k.ref.n[2]) << 7)) * 0x9E3779B97F4A7C15ull);
  }
};

// Receive timeouts use keys no reference has: thread bits all ones.
Key receive_key(uint64_t id) { return Key{RefNumbers{{uint32_t(id), 0xFFFF, uint32_t(id >> 32)}}}; }

struct Timer : TimerEntry {
  Key key;
  int64_t at_us = 0;
  bool receive = false;  // a receive timeout, else a message timer
  Term dest = NON_VALUE;
  uint32_t gen = 0;
  Message* msg = nullptr;
};

struct Service {
  std::mutex lock;
  TimerWheel wheel{timer_now_ms()};
  std::unordered_map<Key, Timer*, KeyHash> by_key;
  int64_t armed_at = INT64_MAX;  // when the loop's uv timer fires (under lock)
  uint64_t next_receive_id = 1;
  uv_timer_t uvt;
  bool uvt_ready = false;  // loop thread only
};

Service& svc() {
  static Service* s = new Service();
  return *s;
}

int64_t ms_of(int64_t at_us) { return at_us >= 0 ? (at_us + 999) / 1000 : at_us / 1000; }

void rearm();

void fire(uv_timer_t*) {
  Service& s = svc();
  TimerEntry* due;
  {
    std::lock_guard<std::mutex> lock(s.lock);
    due = s.wheel.advance(timer_now_ms());
    for (TimerEntry* e = due; e; e = e->next) s.by_key.erase(static_cast<Timer*>(e)->key);
    s.armed_at = INT64_MAX;
  }
  EpochGuard pinned;
  while (due) {
    Timer* t = static_cast<Timer*>(due);
    due = due->next;
    if (t->receive) {
      Message* m = signal_new(SigKind::Timeout, NON_VALUE, NON_VALUE);
      m->ref.n[0] = t->gen;
      signal_send(t->dest, m);
    } else {
      Term to = is_atom(t->dest) ? registry_whereis(t->dest) : t->dest;
      if (to == NON_VALUE) message_free(t->msg);
      else signal_send(to, t->msg);
    }
    delete t;
  }
  rearm();
}

// On the loop thread: sets the uv timer to the wheel's next expiry.
void rearm() {
  Service& s = svc();
  if (!s.uvt_ready) {
    uv_timer_init(io_loop(), &s.uvt);
    s.uvt_ready = true;
  }
  int64_t next;
  {
    std::lock_guard<std::mutex> lock(s.lock);
    next = s.wheel.next_expiry();
    s.armed_at = next;
  }
  if (next == INT64_MAX) {
    uv_timer_stop(&s.uvt);
    return;
  }
  int64_t delay = next - timer_now_ms();
  uv_update_time(io_loop());
  uv_timer_start(&s.uvt, fire, uint64_t(delay > 0 ? delay : 0), 0);
}

void insert(Timer* t) {
  Service& s = svc();
  t->at_ms = ms_of(t->at_us);
  t->order = t->at_us;
  bool kick = false;
  {
    std::lock_guard<std::mutex> lock(s.lock);
    s.wheel.insert(t);
    s.by_key[t->key] = t;
    if (t->at_ms < s.armed_at) {
      s.armed_at = t->at_ms;
      kick = true;
    }
  }
  if (kick) io_loop_post(rearm);
}

// Unlinks the timer named `key`; nullptr if there is none.
Timer* take(const Key& key) {
  Service& s = svc();
  std::lock_guard<std::mutex> lock(s.lock);
  auto it = s.by_key.find(key);
  if (it == s.by_key.end()) return nullptr;
  Timer* t = it->second;
  s.by_key.erase(it);
  s.wheel.remove(t);
  return t;
}

int64_t left_ms(const Timer* t) {
  int64_t left = t->at_us - timer_now_us();
  return left > 0 ? (left + 999) / 1000 : 0;
}

}  // namespace

int64_t timer_now_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

int64_t timer_now_ms() { return timer_now_us() / 1000; }

uint64_t timer_start_receive(Term pid, uint32_t gen, int64_t at_us) {
  auto* t = new Timer();
  t->receive = true;
  t->dest = pid;
  t->gen = gen;
  t->at_us = at_us;
  uint64_t id;
  {
    std::lock_guard<std::mutex> lock(svc().lock);
    id = svc().next_receive_id++;
  }
  t->key = receive_key(id);
  insert(t);
  return id;
}

void timer_cancel_receive(uint64_t id) { delete take(receive_key(id)); }

void timer_start_message(const RefNumbers& ref, int64_t at_us, Term dest, Message* msg) {
  auto* t = new Timer();
  t->key = Key{ref};
  t->dest = dest;
  t->msg = msg;
  t->at_us = at_us;
  insert(t);
}

int64_t timer_cancel(const RefNumbers& ref) {
  Timer* t = take(Key{ref});
  if (!t) return -1;
  int64_t left = left_ms(t);
  if (t->msg) message_free(t->msg);
  delete t;
  return left;
}

int64_t timer_read(const RefNumbers& ref) {
  Service& s = svc();
  std::lock_guard<std::mutex> lock(s.lock);
  auto it = s.by_key.find(Key{ref});
  return it == s.by_key.end() ? -1 : left_ms(it->second);
}

}  // namespace bvm
