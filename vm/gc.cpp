#include "vm/gc.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <cstdlib>
#include <cstring>
#include <new>
#include <unordered_map>
#include <vector>

#include "vm/heap_layout.h"
#include "vm/literal_release.h"
#include "vm/term_print.h"
#include "vm/trace.h"
#include "vm/message.h"
#include "vm/signals.h"
#include "vm/vm_stats.h"

namespace bvm {

bool gc_stress = false;

UWord object_words(Term h) { return 1 + header_arity(h); }

namespace {

// Every root of a process, the one place that lists them: the live x
// registers, the stack (return addresses skipped), the process dictionary,
// queued messages and the terms the process struct holds.
template <typename F>
void for_each_root(Process* p, Term* x, unsigned live, Term* stack_lo, Term* stack_hi, F fn) {
  for (unsigned i = 0; i < live; i++) fn(&x[i]);
  for (Term* s = stack_lo; s < stack_hi; s++)
    if (!is_header(*s)) fn(s);
  for (Term& t : p->dict) fn(&t);
  for (Message* m = p->msg_first; m; m = m->next) fn(&m->term);
  fn(&p->exc_reason);
  fn(&p->exc_stacktrace);
  fn(&p->exc_bif_args);
  fn(&p->exc_error_info);
  fn(&p->exc_args);
  fn(&p->group_leader);
  fn(&p->exit_reason);
  fn(&p->trap_value);
}

class Collector {
 public:
  Collector(Process* p, bool major, const LiteralRanges* lits = nullptr) : p_(p), major_(major), lits_(lits) {}

  void run(size_t need, Term* x, unsigned live);

 private:
  bool in_from_space(const Term* ptr) const {
    if (ptr >= young_lo_ && ptr < young_hi_) return true;
    if (major_ && ptr >= old_lo_ && ptr < old_hi_) return true;
    if (ptr < frags_lo_ || ptr >= frags_hi_) return false;
    if (frags_.size() <= FEW_FRAGS) {
      for (const auto& r : frags_)
        if (ptr >= r.first && ptr < r.second) return true;
      return false;
    }
    // frags_ is sorted by start: the last fragment starting at or before ptr.
    auto it = std::upper_bound(frags_.begin(), frags_.end(), ptr,
                               [](const Term* v, const auto& r) { return v < r.first; });
    return it != frags_.begin() && ptr < std::prev(it)->second;
  }
  // Where a live young object goes: mature ones to the old heap (minor only).
  Term*& dest_for(const Term* ptr) {
    if (!major_ && ptr >= young_lo_ && ptr < mature_hi_) return old_top_;
    return new_top_;
  }
  void copy_slot(Term* slot);
  void copy_literal(Term* slot, Term t, const Term* ptr);
  void scan(Term* from, Term*& to_top);
  void resize_young(size_t need, Term* x, unsigned live);

 public:
  void relocate(size_t want, Term* x, unsigned live);
  // After a major collection: a heap of just the live data and the stack,
  // plus a few words (erlang:hibernate/3, as the reference sizes it).
  void shrink_to_fit(Term* x, unsigned live) {
    size_t want = size_t(p_->htop - p_->heap) + size_t(p_->hend - p_->stop) + HIBERNATE_SLACK;
    if (want < p_->heap_sz) relocate(want, x, live);
    p_->heap_grow = false;
  }
  static constexpr size_t HIBERNATE_SLACK = 2;

 private:
  void sweep_off_heap(OffHeap& list, OffHeap& out);

  Process* p_;
  bool major_;
  // Literal areas being released: what is reached in them is copied too
  // (without forwarding marks: the area is shared), remembered in
  // lit_moved_ so that sharing is kept; copied binary handles take a
  // reference of their own and are linked in lit_bins_.
  const LiteralRanges* lits_;
  std::unordered_map<const Term*, Term> lit_moved_;
  OffHeap lit_bins_;
  const Term *young_lo_ = nullptr, *young_hi_ = nullptr, *mature_hi_ = nullptr;
  const Term *old_lo_ = nullptr, *old_hi_ = nullptr;
  static constexpr size_t FEW_FRAGS = 8;  // searched in order; more are sorted
  std::vector<std::pair<const Term*, const Term*>> frags_;
  const Term *frags_lo_ = nullptr, *frags_hi_ = nullptr;     // their hull
  Term* new_top_ = nullptr;
  Term* old_top_ = nullptr;
};

void Collector::copy_slot(Term* slot) {
  Term t = *slot;
  if (is_list(t)) {
    Term* ptr = list_val(t);
    if (!in_from_space(ptr)) {
      if (lits_ && literal_ranges_contain(lits_, ptr)) copy_literal(slot, t, ptr);
      return;
    }
    if (ptr[0] == NON_VALUE) {  // already moved: the new address is in the cdr
      *slot = ptr[1];
      return;
    }
    Term*& top = dest_for(ptr);
    Term* n = top;
    n[0] = ptr[0];
    n[1] = ptr[1];
    top += 2;
    ptr[0] = NON_VALUE;
    ptr[1] = make_list(n);
    *slot = ptr[1];
  } else if (is_boxed(t)) {
    Term* ptr = boxed_val(t);
    if (!in_from_space(ptr)) {
      if (lits_ && literal_ranges_contain(lits_, ptr)) copy_literal(slot, t, ptr);
      return;
    }
    Term h = ptr[0];
    if (is_boxed(h)) {  // already moved: the header slot holds the new address
      *slot = h;
      return;
    }
    UWord words = object_words(h);
    Term*& top = dest_for(ptr);
    Term* n = top;
    // Most objects are a few words: a plain loop beats a call to memcpy.
    if (words <= 8) {
      for (UWord i = 0; i < words; i++) n[i] = ptr[i];
    } else {
      std::memcpy(n, ptr, words * sizeof(Term));
    }
    top += words;
    ptr[0] = make_boxed(n);
    *slot = ptr[0];
  }
}

void Collector::copy_literal(Term* slot, Term t, const Term* ptr) {
  auto it = lit_moved_.find(ptr);
  if (it != lit_moved_.end()) {
    *slot = it->second;
    return;
  }
  Term* n = new_top_;
  Term moved;
  if (is_list(t)) {
    n[0] = ptr[0];
    n[1] = ptr[1];
    new_top_ += 2;
    moved = make_list(n);
  } else {
    UWord words = object_words(ptr[0]);
    std::memcpy(n, ptr, words * sizeof(Term));
    new_top_ += words;
    if (header_sub(ptr[0]) == Sub::RefcBin) {
      reinterpret_cast<BinData*>(n[3])->ref();
      n[2] = reinterpret_cast<Term>(lit_bins_.first);
      lit_bins_.first = n;
    }
    moved = make_boxed(n);
  }
  lit_moved_.emplace(ptr, moved);
  *slot = moved;
}

// Cheney scan of [from, to_top): headers are skipped over with their raw
// words; everything else is a term slot.
void Collector::scan(Term* from, Term*& to_top) {
  Term* s = from;
  while (s < to_top) {
    Term w = *s;
    if (is_header(w)) {
      UWord first, count;
      object_term_fields(w, &first, &count);
      for (UWord i = 0; i < count; i++) copy_slot(s + first + i);
      s += object_words(w);
    } else {
      copy_slot(s);
      s++;
    }
  }
}

// Keeps the handles that survived (relinked through their new copies) and
// drops the references of those that did not.
void Collector::sweep_off_heap(OffHeap& list, OffHeap& out) {
  for (Term* h = list.first; h;) {
    Term* next = reinterpret_cast<Term*>(h[2]);
    Term* keep = nullptr;
    if (!in_from_space(h)) {
      keep = h;  // in the old heap during a minor collection
    } else if (is_boxed(h[0])) {
      keep = boxed_val(h[0]);  // moved
    }
    if (keep) {
      keep[2] = reinterpret_cast<Term>(out.first);
      out.first = keep;
      out.bin_bytes += keep[1];
    } else {
      reinterpret_cast<BinData*>(h[3])->unref_consume();
    }
    h = next;
  }
  list.first = nullptr;
  list.bin_bytes = 0;
}

void Collector::run(size_t need, Term* x, unsigned live) {
  Process* p = p_;
  young_lo_ = p->heap;
  young_hi_ = p->htop;
  mature_hi_ = p->high_water;
  old_lo_ = p->old_heap;
  old_hi_ = p->old_htop;
  size_t frag_words = p->mbuf_words;
  for (HeapFragment* f = p->mbuf; f; f = f->next) frags_.push_back({f->mem, f->mem + f->used});
  for (Message* m = p->msg_first; m; m = m->next) {
    if (m->frag && !m->frag_merged) {
      frags_.push_back({m->frag->mem, m->frag->mem + m->frag->used});
      frag_words += m->frag->used;
    }
  }
  if (frags_.size() > FEW_FRAGS) std::sort(frags_.begin(), frags_.end());
  if (!frags_.empty()) {
    frags_lo_ = frags_.front().first;
    for (const auto& r : frags_) {
      frags_lo_ = std::min(frags_lo_, r.first);
      frags_hi_ = std::max(frags_hi_, r.second);
    }
  }

  size_t stack_words = size_t(p->hend - p->stop);
  size_t young_used = size_t(p->htop - p->heap);

  // The new young heap, as the reference sizes it: as big as what was in
  // use (young heap, fragments, stack; on a major collection the old heap
  // too), so that a minor collection keeps the young heap at its size
  // rather than shrinking it to the survivors and collecting ever more
  // often. Everything that can survive fits; whether `need` fits as well is
  // seen after the collection, which grows the heap only then.
  // Literals being released are copied in too (a literal-area collection).
  size_t in_use = young_used + frag_words + stack_words + (major_ ? size_t(p->old_htop - p->old_heap) : 0);
  if (lits_) in_use += literal_ranges_words(lits_);
  size_t new_size = next_heap_size(std::max(p->min_heap_size, in_use));
  // The last major collection found the heap nearly full: one size up
  // now, as the reference does, rather than collecting ever more often.
  if (major_ && p->heap_grow && new_size == p->heap_sz) new_size = next_heap_size(p->heap_sz + 1);
  Term* new_heap = static_cast<Term*>(std::malloc(new_size * sizeof(Term)));
  if (!new_heap) throw std::bad_alloc();
  new_top_ = new_heap;
  Term* new_hend = new_heap + new_size;

  // Minor: make sure the old heap can take every mature term.
  Term* old_scan_start = nullptr;
  if (!major_) {
    size_t mature = size_t(p->high_water - p->heap);
    if (!p->old_heap && mature) {
      // Room for several promotions, so minor collections do not turn
      // into major ones just because the old heap is full.
      size_t sz = next_heap_size(std::max<size_t>({2 * mature, p->heap_sz, p->min_heap_size}));
      p->old_heap = static_cast<Term*>(std::malloc(sz * sizeof(Term)));
      if (!p->old_heap) throw std::bad_alloc();
      p->old_htop = p->old_heap;
      p->old_hend = p->old_heap + sz;
    }
    old_top_ = p->old_htop;
    old_scan_start = p->old_htop;
  }

  // The stack moves to the top of the new block.
  Term* new_stop = new_hend - stack_words;
  std::memcpy(new_stop, p->stop, stack_words * sizeof(Term));

  // ---- roots
  for_each_root(p, x, live, new_stop, new_hend, [this](Term* slot) { copy_slot(slot); });

  // ---- transitive closure: scan to-spaces until neither grows
  Term* young_scan = new_heap;
  Term* old_scan = old_scan_start;
  for (;;) {
    if (young_scan < new_top_) {
      scan(young_scan, new_top_);
      young_scan = new_top_;
    } else if (!major_ && old_scan < old_top_) {
      scan(old_scan, old_top_);
      old_scan = old_top_;
    } else {
      break;
    }
  }

  // ---- off-heap objects
  OffHeap survivors;
  sweep_off_heap(p->off_heap, survivors);
  for (HeapFragment* f = p->mbuf; f; f = f->next) sweep_off_heap(f->off_heap, survivors);
  for (Message* m = p->msg_first; m; m = m->next)
    if (m->frag && !m->frag_merged) sweep_off_heap(m->frag->off_heap, survivors);
  for (Term* h = lit_bins_.first; h;) {
    Term* next = reinterpret_cast<Term*>(h[2]);
    h[2] = reinterpret_cast<Term>(survivors.first);
    survivors.first = h;
    survivors.bin_bytes += h[1];
    h = next;
  }
  p->off_heap = survivors;

  // ---- free the from-space
  memory_freed(p->heap_sz * sizeof(Term));
  std::free(p->heap);
  for (HeapFragment* f = p->mbuf; f;) {
    HeapFragment* next = f->next;
    f->off_heap.first = nullptr;  // already swept
    HeapFragment::destroy_consume(f);
    f = next;
  }
  p->mbuf = nullptr;
  p->mbuf_words = 0;
  for (Message* m = p->msg_first; m; m = m->next) {
    if (m->frag && !m->frag_merged) {
      m->frag->off_heap.first = nullptr;
      if (m->in_frag_block) {
        m->frag_merged = true;  // the block still holds the node
      } else {
        HeapFragment::destroy_consume(m->frag);
        m->frag = nullptr;
      }
    }
  }
  if (major_) {
    memory_freed(size_t(p->old_hend - p->old_heap) * sizeof(Term));
    std::free(p->old_heap);
    p->old_heap = p->old_htop = p->old_hend = nullptr;
    p->gen_gcs = 0;
  } else {
    p->old_htop = old_top_;
    p->gen_gcs++;
  }

  p->heap = new_heap;
  p->htop = new_top_;
  p->high_water = new_top_;
  p->stop = new_stop;
  p->hend = new_hend;
  p->heap_sz = new_size;
  resize_young(need, x, live);
}

// After the collection the young heap gets the size the reference would
// give it: grown when the survivors, the stack and `need` do not fit (one
// size up, or more), shrunk when most of it turned out to be garbage. The
// shrinking rules: after a minor collection only a big heap shrinks, to
// three times what it needs and not below an eighth of the old generation
// (a young heap much smaller than the old one would be collected very
// often); after a major one a heap less than a quarter used halves its
// need. Resizing is a plain relocation (memcpy, then every pointer into
// the block is shifted), which keeps generations as they are.
void Collector::resize_young(size_t need, Term* x, unsigned live) {
  Process* p = p_;
  size_t used = size_t(p->htop - p->heap);
  size_t stack = size_t(p->hend - p->stop);
  size_t need_after = used + stack + p->msg_len + need;
  size_t old_sz = size_t(p->old_hend - p->old_heap);
  if (major_) p->heap_grow = 3 * p->heap_sz < 4 * need_after;
  size_t want;
  if (need_after > p->heap_sz) {
    want = next_heap_size(need_after);
  } else {
    if (4 * need_after >= p->heap_sz) return;
    size_t wanted;
    if (major_) {
      wanted = 2 * need_after;
    } else {
      if (p->heap_sz <= 3000 || (p->heap_sz <= 8000 && p->heap_sz <= old_sz)) return;
      wanted = 3 * need_after;
      if (wanted * 9 < old_sz) wanted = std::max(wanted, old_sz / 8);
    }
    want = wanted < p->min_heap_size ? p->min_heap_size : next_heap_size(wanted);
    if (want >= p->heap_sz) return;
  }
  relocate(want, x, live);
}

// Moves the heap and stack to a block of `want` words (at least what they
// use): every pointer into the block is shifted.
void Collector::relocate(size_t want, Term* x, unsigned live) {
  Process* p = p_;
  size_t used = size_t(p->htop - p->heap);
  size_t stack = size_t(p->hend - p->stop);
  Term* block = static_cast<Term*>(std::malloc(want * sizeof(Term)));
  if (!block) {
    if (want > p->heap_sz) throw std::bad_alloc();
    return;  // keep the big heap
  }
  const Term* lo = p->heap;
  const Term* hi = p->hend;
  std::memcpy(block, p->heap, used * sizeof(Term));
  Term* new_hend = block + want;
  Term* new_stop = new_hend - stack;
  std::memcpy(new_stop, p->stop, stack * sizeof(Term));
  auto fix = [&](Term* slot) {
    Term t = *slot;
    if (!is_list(t) && !is_boxed(t)) return;
    const Term* ptr = is_list(t) ? list_val(t) : boxed_val(t);
    if (ptr < lo || ptr >= hi) return;
    // Only the heap part can be pointed to (the stack holds no objects).
    Term* moved = block + (ptr - lo);
    *slot = is_list(t) ? make_list(moved) : make_boxed(moved);
  };
  for (Term* s = block; s < block + used;) {
    Term w = *s;
    if (is_header(w)) {
      UWord first, count;
      object_term_fields(w, &first, &count);
      for (UWord i = 0; i < count; i++) fix(s + first + i);
      s += object_words(w);
    } else {
      fix(s);
      s++;
    }
  }
  for_each_root(p, x, live, new_stop, new_hend, fix);
  // The off-heap list links handles by address, including handles in the
  // old generation that link to moved ones: re-thread every link.
  for (Term** link = &p->off_heap.first; *link; link = reinterpret_cast<Term**>(&(*link)[2])) {
    if (*link >= lo && *link < hi) *link = block + (*link - lo);
  }
  memory_freed(p->heap_sz * sizeof(Term));
  std::free(p->heap);
  p->heap = block;
  p->htop = block + used;
  p->high_water = block + (p->high_water - lo);
  p->stop = new_stop;
  p->hend = new_hend;
  p->heap_sz = want;
}

}  // namespace

// max_heap_size: the heap (young, old and fragments) may not outgrow it.
static void check_heap_limit(Process* p) {
  if (!p->max_heap_size) return;
  size_t total = p->heap_sz + size_t(p->old_hend - p->old_heap) + p->mbuf_words;
  if (total <= p->max_heap_size) return;
  // The report is sent when the process next stops running (building it
  // here would take heap words the collection just made room for).
  if (p->max_heap_error_logger) p->heap_limit_report = total;
  if (p->max_heap_kill) p->heap_limit_hit = true;
}

// Heap words holding terms (young heap, fragments, old heap), for the
// words a collection reclaims (erlang:statistics(garbage_collection)).
static size_t words_in_use(const Process* p) {
  return size_t(p->htop - p->heap) + p->mbuf_words + size_t(p->old_htop - p->old_heap);
}

// Collections are disabled (erts_debug gc_state): the heap only moves to a
// bigger block with room for `need` more words.
static void grow_without_collecting(Process* p, size_t need, Term* x, unsigned live) {
  size_t used = size_t(p->htop - p->heap) + size_t(p->hend - p->stop);
  if (size_t(p->stop - p->htop) >= need) return;
  Collector(p, false).relocate(next_heap_size(std::max(used + need + 1, p->heap_sz + 1)), x, live);
}

void gc_collect(Process* p, size_t need, Term* x, unsigned live) {
  if (p->gc_disabled) return grow_without_collecting(p, need, x, live);
  bool major = p->gen_gcs >= p->max_gen_gcs;
  if (!major && p->old_heap) {
    size_t mature = size_t(p->high_water - p->heap);
    if (size_t(p->old_hend - p->old_htop) < mature) major = true;  // no room to promote
  }
  size_t before = words_in_use(p);
  bool traced = trace_flags_of(p) & TF_GC;
  if (traced) trace_gc(p, major, false, 0);
  Collector(p, major).run(need, x, live);
  stats_gc_done(before, words_in_use(p));
  if (traced) trace_gc(p, major, true, before - std::min(before, words_in_use(p)));
  check_heap_limit(p);
}

void gc_copy_literals(Process* p, const LiteralRanges* lits, Term* x, unsigned live) {
  size_t before = words_in_use(p);
  Collector(p, true, lits).run(0, x, live);
  stats_gc_done(before, words_in_use(p));
  check_heap_limit(p);
}

void gc_collect_major(Process* p, size_t need, Term* x, unsigned live) {
  if (p->gc_disabled) {
    if (size_t(p->stop - p->htop) < need) grow_without_collecting(p, need, x, live);
    return;
  }
  size_t before = words_in_use(p);
  bool traced = trace_flags_of(p) & TF_GC;
  if (traced) trace_gc(p, true, false, 0);
  Collector(p, true).run(need, x, live);
  stats_gc_done(before, words_in_use(p));
  if (traced) trace_gc(p, true, true, before - std::min(before, words_in_use(p)));
  check_heap_limit(p);
}

void gc_collect_hibernate(Process* p, Term* x, unsigned live) {
  if (p->gc_disabled) return;
  size_t before = words_in_use(p);
  Collector c(p, true);
  c.run(0, x, live);
  c.shrink_to_fit(x, live);
  stats_gc_done(before, words_in_use(p));
}

}  // namespace bvm
