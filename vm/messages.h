// The private message queue (see vm/message.h): removing messages.
#pragma once

#include "vm/process.h"

namespace bvm {

// Removes the message at p->msg_save (loop_rec's current message); its
// data becomes part of p's young heap. Resets the receive position.
void message_remove_current(Process* p);
// Removes the first queued message for which pred(term) is true; false if
// there is none.
template <typename Pred>
bool message_remove_first(Process* p, Pred pred);
// A small message's data is copied into the heap when a receive first
// looks at it (p's heap has room: the caller checked), so fragments do not
// pile up for the collector.
constexpr size_t SMALL_MESSAGE = 64;
void message_to_heap(Process* p, struct Message* m);

// The next receive starts after the messages queued now: for a BIF whose
// caller then waits for the answer to a request it just sent (no message
// already queued can be that answer), as the reference's BIFs do.
inline void message_save_end(Process* p) { p->msg_save = p->msg_last; }

// Unlinks and frees the message *link points to.
void message_unlink(Process* p, struct Message** link);

struct RecvMarkers {
  struct Marker {
    Message** pos = nullptr;  // nullptr: free slot
    RefNumbers ref;
    bool bound = false;
  };
  static constexpr unsigned COUNT = 8;
  Marker m[COUNT];
  unsigned next = 0;  // the one to reuse when all are taken
};

// Receive markers: reserve returns the marker's number (a small integer),
// bind ties it to a reference, use moves the receive position to where
// the marker was reserved, clear frees it. Markers follow messages being
// removed from the queue.
Term recv_marker_reserve(Process* p);
void recv_marker_bind(Process* p, Term marker, Term ref);
void recv_marker_use(Process* p, Term ref);
void recv_marker_clear(Process* p, Term ref);

}  // namespace bvm

#include "vm/message.h"

namespace bvm {

template <typename Pred>
bool message_remove_first(Process* p, Pred pred) {
  for (Message** m = &p->msg_first; *m; m = &(*m)->next) {
    if (pred((*m)->term)) {
      message_unlink(p, m);
      return true;
    }
  }
  return false;
}

}  // namespace bvm
