#include "vm/process.h"

#include <malloc.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "vm/message.h"
#include "vm/messages.h"

namespace bvm {

HeapFragment* HeapFragment::create(size_t words) { return create_after(0, words); }

HeapFragment* HeapFragment::create_after(size_t before, size_t words) {
  void* mem = std::malloc(before + offsetof(HeapFragment, mem) + (words ? words : 1) * sizeof(Term));
  if (!mem) throw std::bad_alloc();
  HeapFragment* f = reinterpret_cast<HeapFragment*>(static_cast<char*>(mem) + before);
  f->block = mem;
  f->next = nullptr;
  f->size = words;
  f->used = 0;
  new (&f->off_heap) OffHeap();
  return f;
}

void HeapFragment::destroy_consume(HeapFragment* f) {
  f->off_heap.release_all();
  std::free(f->block);
}

Term* Process::args_grow() {
  Term* a = static_cast<Term*>(std::malloc((MAX_ARITY + 1) * sizeof(Term)));
  if (!a) throw std::bad_alloc();
  for (unsigned i = 0; i < ARG_SMALL; i++) a[i] = arg_small[i];
  return a;
}

Term* Process::halloc_fragment(size_t n) {
  // Reuse the newest fragment when it has room.
  if (mbuf && mbuf->size - mbuf->used >= n) {
    Term* p = mbuf->mem + mbuf->used;
    mbuf->used += n;
    mbuf_words += n;
    return p;
  }
  size_t size = n < 256 ? 256 : n;
  HeapFragment* f = HeapFragment::create(size);
  f->used = n;
  f->next = mbuf;
  mbuf = f;
  mbuf_words += n;
  return f->mem;
}

namespace {

// 12, 38, then Fibonacci-like growth up to about 1.3M words, then +20%.
struct HeapSizes {
  static constexpr int COUNT = 96;
  size_t sizes[COUNT];
  HeapSizes() {
    sizes[0] = 12;
    sizes[1] = 38;
    int i = 2;
    for (; i < 23; i++) sizes[i] = sizes[i - 1] + sizes[i - 2] + 1;
    for (; i < COUNT; i++) sizes[i] = sizes[i - 1] + sizes[i - 1] / 5;
  }
};
const HeapSizes heap_sizes;  // built before main: no thread races on it

}  // namespace

size_t next_heap_size(size_t need) {
  for (size_t s : heap_sizes.sizes)
    if (s >= need) return s;
  return need;
}

void process_init_heap(Process* p, size_t min_words) {
  size_t sz = next_heap_size(min_words < p->min_heap_size ? p->min_heap_size : min_words);
  p->heap = static_cast<Term*>(std::malloc(sz * sizeof(Term)));
  if (!p->heap) throw std::bad_alloc();
  p->htop = p->heap;
  p->hend = p->heap + sz;
  p->stop = p->hend;
  p->heap_sz = sz;
  p->high_water = p->heap;
}

namespace {
std::atomic<size_t> g_freed_since_trim{0};
}  // namespace

void memory_trim_if_worthwhile() {
  // Hand memory freed by many dead processes back to the OS (glibc keeps
  // it in its arenas otherwise).
  if (g_freed_since_trim.load(std::memory_order_relaxed) < (size_t(8) << 20)) return;
  g_freed_since_trim.store(0, std::memory_order_relaxed);
  malloc_trim(0);
}

void memory_freed(size_t bytes) { g_freed_since_trim.fetch_add(bytes, std::memory_order_relaxed); }

void process_free_memory(Process* p) {
  memory_freed(sizeof(Process) + (p->heap_sz + size_t(p->old_hend - p->old_heap)) * sizeof(Term));
  p->off_heap.release_all();
  for (HeapFragment* f = p->mbuf; f;) {
    HeapFragment* next = f->next;
    HeapFragment::destroy_consume(f);
    f = next;
  }
  p->mbuf = nullptr;
  for (Message* list : {p->msg_first, p->sig_in_first, p->sig_rest}) {
    for (Message* m = list; m;) {
      Message* next = m->next;
      message_free(m);
      m = next;
    }
  }
  p->sig_in_first = p->sig_rest = nullptr;
  p->sig_in_last = &p->sig_in_first;
  for (MonitorEntry& e : p->monitored_by)
    if (e.tag_frag) HeapFragment::destroy_consume(e.tag_frag);
  p->monitored_by.clear();
  p->msg_first = nullptr;
  p->msg_last = &p->msg_first;
  p->msg_save = &p->msg_first;
  if (p->arg_reg != p->arg_small) std::free(p->arg_reg);
  p->arg_reg = p->arg_small;
  delete p->markers;
  p->markers = nullptr;
  std::free(p->heap);
  std::free(p->old_heap);
  p->heap = p->htop = p->stop = p->hend = nullptr;
  p->old_heap = p->old_htop = p->old_hend = nullptr;
}

}  // namespace bvm
