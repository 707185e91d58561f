// Messages and the other signals between processes.
//
// Every signal is a Message node. Its terms (the message, an exit reason,
// a monitor's tag...) are built by the sender in a heap fragment owned by
// the node (none when they are all immediates). A process's queues:
//   incoming  every kind of signal, appended by any thread under the
//             receiver's sig_lock (see vm/signals.h);
//   private   messages only, in arrival order, touched only by the owner.
// The receiver's collector treats private-queue message terms as roots and
// merges their fragments into the heap, after which `frag` is null.
// Off-heap binaries in a message are shared with the sender, never copied.
#pragma once

#include <cstdint>

#include "vm/process.h"

namespace bvm {

enum class SigKind : uint8_t {
  Message,      // term: the message
  Exit,         // exit/2: term = reason, from = sender
  LinkExit,     // a linked process exited: term = reason, from = it
  Link,         // from wants a link
  Unlink,       // from drops its link
  Monitor,      // from monitors the receiver: ref, term = tag, aux = name or NON_VALUE
  Demonitor,    // from drops monitor `ref`
  MonitorDown,  // a monitored process exited: ref, term = reason, aux = item
  AliasMessage, // a message sent to the alias `ref`: term = the message
  Request,      // run `fn` in the receiver (process_info, is_process_alive...)
  Suspend,      // from suspends the receiver (one more level)
  Resume,       // from releases its suspend level
  Timeout,      // the receive timer numbered ref.n[0] expired
};

struct Message;
// A request runs in the receiving process; `alive` is false when the
// receiver is exiting (answer as if it did not exist).
using RequestFn = void (*)(Process* receiver, Message* signal, bool alive);

struct Message {
  Message* next = nullptr;
  Term term = NON_VALUE;
  HeapFragment* frag = nullptr;
  SigKind kind = SigKind::Message;
  Term from = NON_VALUE;  // sending pid (an immediate)
  Term aux = NON_VALUE;
  RefNumbers ref;
  RequestFn fn = nullptr;
  uint8_t task_prio = PRIO_COUNT;  // a system task (Request) runs at this priority
  uint8_t sched_prio = PRIO_COUNT; // the receiver is scheduled at least at this priority to act on it
  bool in_frag_block = false;  // allocated in front of its fragment `frag`
  bool frag_merged = false;    // a collection copied frag's data into the heap:
                               // the block only holds this node now
};

// A new signal node with a fragment of `words` words (none if 0), both in
// one allocation when there is a fragment.
Message* message_alloc(size_t words);
// Frees a signal and its fragment (when it is dropped, not received).
void message_free(Message* m);
// A received message's fragment joins p's young generation (or, if a
// collection already copied its data, is freed), and the node goes.
void message_consume(Process* p, Message* m);

}  // namespace bvm
