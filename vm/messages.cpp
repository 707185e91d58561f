#include "vm/messages.h"

#include "vm/copy.h"
#include "vm/message.h"
#include "vm/vm.h"

namespace bvm {

void message_send(Process* sender, Process* receiver, Term msg) {
  (void)sender;
  auto* m = new Message();
  UWord words = copy_size(msg);
  if (words) {
    m->frag = HeapFragment::create(words);
    Term* hp = m->frag->mem;
    m->term = copy_term(msg, &hp, &m->frag->off_heap);
    m->frag->used = words;
  } else {
    m->term = msg;
  }
  *receiver->msg_last = m;
  receiver->msg_last = &m->next;
  receiver->msg_len++;
  process_wake(receiver);
}

bool messages_fetch(Process*) { return false; }

void message_remove_current(Process* p) {
  Message* m = *p->msg_save;
  *p->msg_save = m->next;
  if (p->msg_last == &m->next) p->msg_last = p->msg_save;
  p->msg_len--;
  if (m->frag) {
    // The message's data joins the young generation as a heap fragment.
    m->frag->next = p->mbuf;
    p->mbuf = m->frag;
    p->mbuf_words += m->frag->used;
  }
  delete m;
  p->msg_save = &p->msg_first;
}

}  // namespace bvm
