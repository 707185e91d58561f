#include "vm/literal_release.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <utility>
#include <vector>

#include "vm/atom_table.h"
#include "vm/gc.h"
#include "vm/signals.h"

namespace bvm {

// The block ranges of the areas being released, sorted by start.
class LiteralRanges {
 public:
  std::vector<std::pair<const Term*, const Term*>> ranges;
  const Term* lo = nullptr;
  const Term* hi = nullptr;
  size_t words = 0;
};

namespace {

std::atomic<Term> collector{NON_VALUE};

struct ReleaseState {
  std::mutex mutex;
  std::vector<std::unique_ptr<LiteralArea>> queued;
  std::vector<std::unique_ptr<LiteralArea>> current;
  // Read by processes at their safe points while the collector waits for
  // them; replaced only by literal_area_switch, when none is copying.
  std::atomic<const LiteralRanges*> ranges{nullptr};
};

ReleaseState& state() {
  static ReleaseState* s = new ReleaseState();
  return *s;
}

}  // namespace

void literal_collector_set(Term pid) { collector.store(pid); }
Term literal_collector_pid() { return collector.load(); }

void literal_area_release(Term from, std::unique_ptr<LiteralArea> area) {
  Term pid = collector.load();
  if (pid == NON_VALUE) {
    (void)area.release();  // no one can say when it is unused: keep it
    return;
  }
  ReleaseState& s = state();
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    s.queued.push_back(std::move(area));
  }
  static const Term copy_literals = atom_put("copy_literals");
  signal_send(pid, signal_new(SigKind::Message, from, copy_literals));
}

bool literal_area_switch() {
  ReleaseState& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  // Every process has answered the requests of the previous round.
  delete s.ranges.exchange(nullptr);
  s.current.clear();
  if (s.queued.empty()) return false;
  s.current = std::move(s.queued);
  s.queued.clear();
  auto* r = new LiteralRanges();
  for (auto& a : s.current) {
    a->for_each_block([r](const Term* lo, const Term* hi) { r->ranges.emplace_back(lo, hi); });
    r->words += a->total_words();
  }
  std::sort(r->ranges.begin(), r->ranges.end());
  if (!r->ranges.empty()) {
    r->lo = r->ranges.front().first;
    for (auto& x : r->ranges) r->hi = std::max(r->hi, x.second);
  }
  s.ranges.store(r);
  return true;
}

const LiteralRanges* literal_release_ranges() { return state().ranges.load(); }

bool literal_ranges_contain(const LiteralRanges* r, const Term* ptr) {
  if (ptr < r->lo || ptr >= r->hi) return false;
  auto it = std::upper_bound(r->ranges.begin(), r->ranges.end(), ptr,
                             [](const Term* v, const auto& x) { return v < x.first; });
  return it != r->ranges.begin() && ptr < std::prev(it)->second;
}

size_t literal_ranges_words(const LiteralRanges* r) { return r->words; }

void literal_copy_request(Process* p, Term to, Message* reply, bool alive) {
  if (!alive) {
    signal_send(to, reply);
    return;
  }
  p->extra().cla_replies.emplace_back(to, reply);
}

void literal_copy_run(Process* p, Term* x, unsigned live) {
  if (const LiteralRanges* r = literal_release_ranges()) gc_copy_literals(p, r, x, live);
  literal_copy_drop(p);
}

void literal_copy_drop(Process* p) {
  ProcessExtra* x = p->extra_if();
  if (!x || x->cla_replies.empty()) return;
  auto replies = std::move(x->cla_replies);
  x->cla_replies.clear();
  for (auto& [to, m] : replies) signal_send(to, m);
}

}  // namespace bvm
