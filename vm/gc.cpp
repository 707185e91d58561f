#include "vm/gc.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <vector>

#include "vm/heap_layout.h"
#include "vm/message.h"
#include "vm/signals.h"

namespace bvm {

bool gc_stress = false;

UWord object_words(Term h) { return 1 + header_arity(h); }

namespace {

class Collector {
 public:
  Collector(Process* p, bool major) : p_(p), major_(major) {}

  void run(size_t need, Term* x, unsigned live);

 private:
  bool in_from_space(const Term* ptr) const {
    if (ptr >= young_lo_ && ptr < young_hi_) return true;
    if (major_ && ptr >= old_lo_ && ptr < old_hi_) return true;
    for (const auto& r : frags_)
      if (ptr >= r.first && ptr < r.second) return true;
    return false;
  }
  // Where a live young object goes: mature ones to the old heap (minor only).
  Term*& dest_for(const Term* ptr) {
    if (!major_ && ptr >= young_lo_ && ptr < mature_hi_) return old_top_;
    return new_top_;
  }
  void copy_slot(Term* slot);
  void scan(Term* from, Term*& to_top);
  void sweep_off_heap(OffHeap& list, OffHeap& out);

  Process* p_;
  bool major_;
  const Term *young_lo_ = nullptr, *young_hi_ = nullptr, *mature_hi_ = nullptr;
  const Term *old_lo_ = nullptr, *old_hi_ = nullptr;
  std::vector<std::pair<const Term*, const Term*>> frags_;
  Term* new_top_ = nullptr;
  Term* old_top_ = nullptr;
};

void Collector::copy_slot(Term* slot) {
  Term t = *slot;
  if (is_list(t)) {
    Term* ptr = list_val(t);
    if (!in_from_space(ptr)) return;
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
    if (!in_from_space(ptr)) return;
    Term h = ptr[0];
    if (is_boxed(h)) {  // already moved: the header slot holds the new address
      *slot = h;
      return;
    }
    UWord words = object_words(h);
    Term*& top = dest_for(ptr);
    Term* n = top;
    std::memcpy(n, ptr, words * sizeof(Term));
    top += words;
    ptr[0] = make_boxed(n);
    *slot = ptr[0];
  }
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
  for (HeapFragment* f = p->mbuf; f; f = f->next) frags_.push_back({f->mem, f->mem + f->used});
  for (Message* m = p->msg_first; m; m = m->next)
    if (m->frag) frags_.push_back({m->frag->mem, m->frag->mem + m->frag->used});

  size_t stack_words = size_t(p->hend - p->stop);
  size_t young_used = size_t(p->htop - p->heap);
  size_t frag_words = p->mbuf_words;
  for (Message* m = p->msg_first; m; m = m->next)
    if (m->frag) frag_words += m->frag->used;

  // Upper bound of what the new young heap receives.
  size_t copied_max = (major_ ? young_used + size_t(p->old_htop - p->old_heap)
                              : size_t(p->htop - p->high_water)) + frag_words;
  size_t new_size = next_heap_size(std::max(p->min_heap_size, copied_max + stack_words + need));
  Term* new_heap = static_cast<Term*>(std::malloc(new_size * sizeof(Term)));
  if (!new_heap) throw std::bad_alloc();
  new_top_ = new_heap;
  Term* new_hend = new_heap + new_size;

  // Minor: make sure the old heap can take every mature term.
  Term* old_scan_start = nullptr;
  if (!major_) {
    size_t mature = size_t(p->high_water - p->heap);
    if (!p->old_heap) {
      size_t sz = next_heap_size(std::max<size_t>(mature, p->min_heap_size));
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

  // ---- roots (the one place that lists them)
  for (unsigned i = 0; i < live; i++) copy_slot(&x[i]);
  for (Term* s = new_stop; s < new_hend; s++) {
    Term w = *s;
    if (is_header(w)) continue;  // return address (or NON_VALUE)
    copy_slot(s);
  }
  for (Term& t : p->dict) copy_slot(&t);
  for (Message* m = p->msg_first; m; m = m->next) copy_slot(&m->term);
  copy_slot(&p->exc_reason);
  copy_slot(&p->exc_stacktrace);
  copy_slot(&p->exc_bif_args);
  copy_slot(&p->exc_error_info);
  copy_slot(&p->exc_args);
  copy_slot(&p->group_leader);
  copy_slot(&p->exit_reason);
  copy_slot(&p->pending_exit);
  copy_slot(&p->trap_value);

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
    if (m->frag) sweep_off_heap(m->frag->off_heap, survivors);
  p->off_heap = survivors;

  // ---- free the from-space
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
    if (m->frag) {
      m->frag->off_heap.first = nullptr;
      HeapFragment::destroy_consume(m->frag);
      m->frag = nullptr;
    }
  }
  if (major_) {
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
}

}  // namespace

void gc_collect(Process* p, size_t need, Term* x, unsigned live) {
  bool major = p->gen_gcs >= p->max_gen_gcs;
  if (!major && p->old_heap) {
    size_t mature = size_t(p->high_water - p->heap);
    if (size_t(p->old_hend - p->old_htop) < mature) major = true;  // no room to promote
  }
  Collector(p, major).run(need, x, live);
}

void gc_collect_major(Process* p, size_t need, Term* x, unsigned live) {
  Collector(p, true).run(need, x, live);
}

}  // namespace bvm
