// Messages in a process's queue.
//
// A message's term is built by the sender in a heap fragment owned by the
// message (or is an immediate, with no fragment). The receiver's garbage
// collector treats queued message terms as roots and merges their fragments
// into the heap, after which `frag` is null. Off-heap binaries in a message
// are shared with the sender, never copied.
#pragma once

#include "vm/process.h"

namespace bvm {

struct Message {
  Message* next = nullptr;
  Term term = NON_VALUE;
  HeapFragment* frag = nullptr;
};

}  // namespace bvm
