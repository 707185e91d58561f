// Releasing literal areas that processes may still refer to: the areas of
// erased and replaced persistent terms.
//
// The protocol is OTP's, driven by its own erts_literal_area_collector
// process (a preloaded module):
//   1. literal_area_release() queues the area and sends `copy_literals` to
//      the collector.
//   2. The collector calls release_area_switch/0 (literal_area_switch):
//      the areas of the previous round are freed (every process has copied
//      what it used from them) and every area queued since becomes the
//      current set; false if there is none.
//   3. It sends send_copy_request/3 to every process. A process answers at
//      its next safe point (literal_copy_run), after a major collection
//      that also copies whatever it reaches in the current set into its
//      heap. When all have answered, the collector goes back to 2.
// Here a round takes every area queued so far (the reference takes one at
// a time), so erasing many terms costs few rounds.
//
// Nothing but a process's own heap and roots can hold a pointer into such
// an area: copies between processes (messages, signals, spawn arguments)
// and into ETS copy the whole term, literals included.
#pragma once

#include <memory>

#include "loader/literal_area.h"
#include "vm/message.h"
#include "vm/process.h"

namespace bvm {

// The pid of erts_literal_area_collector (set when it is spawned).
void literal_collector_set(Term pid);
Term literal_collector_pid();

// Queues `area` for release and tells the collector (sent from `from`).
// Without a collector (not started yet) the area is kept forever.
void literal_area_release(Term from, std::unique_ptr<LiteralArea> area);

// release_area_switch/0 (step 2).
bool literal_area_switch();

// Does `ptr` point into an area of the current set?
class LiteralRanges;
const LiteralRanges* literal_release_ranges();
bool literal_ranges_contain(const LiteralRanges* r, const Term* ptr);
size_t literal_ranges_words(const LiteralRanges* r);

// A copy request reached p: `reply` (a message to `to`) is sent once p has
// copied, at its next safe point; at once if p is exiting (alive false).
void literal_copy_request(Process* p, Term to, Message* reply, bool alive);
// At a safe point (registers x[0..live) are the only other roots): carries
// out pending copy requests.
inline bool literal_copy_pending(const Process* p) {
  const ProcessExtra* x = p->extra_if();
  return x && !x->cla_replies.empty();
}
void literal_copy_run(Process* p, Term* x, unsigned live);
// p is exiting: answers its pending requests without copying.
void literal_copy_drop(Process* p);

}  // namespace bvm
