#include "vm/messages.h"

#include "vm/copy.h"
#include "vm/message.h"
#include "vm/signals.h"

namespace bvm {

namespace {

// The message whose `next` field a marker points at is going away: the
// marker moves to the link that pointed to it.
void markers_follow(Process* p, Message* dead, Message** link) {
  if (!p->markers) return;
  for (auto& mk : p->markers->m)
    if (mk.pos == &dead->next) mk.pos = link;
}

RecvMarkers::Marker* marker_for(Process* p, Term ref) {
  RefNumbers r;
  if (!p->markers || !ref_term_numbers(ref, &r)) return nullptr;
  for (auto& mk : p->markers->m)
    if (mk.pos && mk.bound && mk.ref == r) return &mk;
  return nullptr;
}

}  // namespace

Term recv_marker_reserve(Process* p) {
  if (!p->markers) p->markers = new RecvMarkers();
  RecvMarkers& ms = *p->markers;
  unsigned i = 0;
  while (i < RecvMarkers::COUNT && ms.m[i].pos) i++;
  if (i == RecvMarkers::COUNT) {
    i = ms.next;  // all in use: reuse the oldest handed out
    ms.next = (ms.next + 1) % RecvMarkers::COUNT;
  }
  ms.m[i].pos = p->msg_last;
  ms.m[i].bound = false;
  return make_small(SWord(i));
}

void recv_marker_bind(Process* p, Term marker, Term ref) {
  if (!is_small(marker) || !p->markers) return;
  SWord i = small_val(marker);
  if (i < 0 || i >= SWord(RecvMarkers::COUNT)) return;
  RecvMarkers::Marker& mk = p->markers->m[i];
  if (!mk.pos) return;
  RefNumbers r;
  if (ref_term_numbers(ref, &r)) {
    mk.ref = r;
    mk.bound = true;
  } else {
    mk.pos = nullptr;
  }
}

void recv_marker_use(Process* p, Term ref) {
  if (auto* mk = marker_for(p, ref)) p->msg_save = mk->pos;
}

void recv_marker_clear(Process* p, Term ref) {
  if (auto* mk = marker_for(p, ref)) mk->pos = nullptr;
}

void message_remove_current(Process* p) {
  Message* m = *p->msg_save;
  *p->msg_save = m->next;
  if (p->msg_last == &m->next) p->msg_last = p->msg_save;
  markers_follow(p, m, p->msg_save);
  p->msg_len--;
  p->msgq_len_shared.store(p->msgq_len_shared.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
  message_consume(p, m);
  p->msg_save = &p->msg_first;
}

void message_to_heap(Process* p, Message* m) {
  Term* hp = p->htop;
  m->term = copy_term(m->term, &hp, &p->off_heap);
  p->htop = hp;
  HeapFragment* f = m->frag;
  f->off_heap.release_all();  // the heap's copies hold their own references
  f->used = 0;
  if (m->in_frag_block) {
    m->frag_merged = true;  // the block lives on for the node
  } else {
    HeapFragment::destroy_consume(f);
    m->frag = nullptr;
  }
}

void message_consume(Process* p, Message* m) {
  HeapFragment* f = m->frag;
  if (f && m->frag_merged) {
    HeapFragment::destroy_consume(f);  // nothing live in it; frees the node too
    return;
  }
  if (f) {
    // The message's data joins the young generation as a heap fragment.
    f->next = p->mbuf;
    p->mbuf = f;
    p->mbuf_words += f->used;
  }
  if (!m->in_frag_block) delete m;  // else it goes with the fragment
}

void message_unlink(Process* p, Message** link) {
  Message* dead = *link;
  *link = dead->next;
  if (p->msg_last == &dead->next) p->msg_last = link;
  if (p->msg_save == &dead->next) p->msg_save = link;
  markers_follow(p, dead, link);
  p->msg_len--;
  p->msgq_len_shared.store(p->msgq_len_shared.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
  message_free(dead);
}

}  // namespace bvm
