// Message passing.
#pragma once

#include "vm/process.h"

namespace bvm {

// Copies msg into a fragment owned by a new message at the end of the
// receiver's queue, and wakes the receiver if it waits.
void message_send(Process* sender, Process* receiver, Term msg);
// Moves messages sent by other schedulers into p's own queue (none yet:
// single scheduler). True if any arrived.
bool messages_fetch(Process* p);
// Removes the message at p->msg_save (loop_rec's current message); its
// data becomes part of p's young heap.
void message_remove_current(Process* p);

}  // namespace bvm
