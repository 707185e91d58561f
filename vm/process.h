// Processes: heap, stack, registers saved while not running, exception state.
//
// Memory layout of the young heap (one block):
//
//   heap ............ htop ........ free ........ stop .............. hend
//   [ terms, growing up ->          ]   [ <- stack, growing down       ]
//
// The stack holds y registers, return addresses (raw code pointers: a
// non-zero word with primary tag 00) and catch markers. A frame is
// [CP slot][y0]..[yN-1]; `call` stores its return address in the CP slot
// at E[0] (= *stop) of the caller's frame, so y(n) is E[n + 1].
//
// GC SAFETY RULE (see vm/README.md): a garbage collection moves every term
// on the young heap. It happens only in gc_collect(), which the interpreter
// calls at allocating instructions with the exact number of live x
// registers, and which BIFs never call. A BIF allocates with halloc(): when
// the heap is full it returns memory in a heap fragment instead, which the
// next collection merges into the heap. So a Term held in a C++ variable
// stays valid until the code returns to the interpreter loop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "vm/binary.h"
#include "vm/term.h"

namespace bvm {

struct Module;
struct Export;
struct Scheduler;
struct Message;

// A block of heap memory outside the young heap: BIF allocations that did
// not fit, and message payloads. Part of the young generation until the
// next collection copies its live terms into the heap.
struct HeapFragment {
  HeapFragment* next;
  size_t size;     // words
  size_t used;
  OffHeap off_heap;  // off-heap objects created in this fragment (messages)
  Term mem[1];

  static HeapFragment* create(size_t words);
  static void destroy_consume(HeapFragment* f);  // drops off-heap refs too
  bool contains(const Term* p) const { return p >= mem && p < mem + used; }
};

// The exception being raised, or caught.
enum class ExcClass : uint8_t { Error, Exit, Throw };

enum class ProcState : uint8_t { Runnable, Running, Waiting, Exited };

enum ProcessFlags : uint32_t {
  PF_TRAP_EXIT = 1u << 0,
};

constexpr unsigned MAX_REG = 1024;          // x registers
constexpr int CONTEXT_REDS = 4000;          // reductions per time slice

struct Process {
  // ---- heap (young generation)
  Term* heap = nullptr;
  Term* htop = nullptr;
  Term* stop = nullptr;   // E: top of stack (lowest address in use)
  Term* hend = nullptr;
  size_t heap_sz = 0;     // words in the young heap block
  Term* high_water = nullptr;  // terms below it survived a collection
  // ---- old generation
  Term* old_heap = nullptr;
  Term* old_htop = nullptr;
  Term* old_hend = nullptr;
  // ---- fragments and off-heap objects of the young generation
  HeapFragment* mbuf = nullptr;
  size_t mbuf_words = 0;
  OffHeap off_heap;
  // ---- GC policy
  size_t min_heap_size = 233;
  uint32_t gen_gcs = 0;          // minor collections since the last major one
  uint32_t max_gen_gcs = 65535;  // fullsweep_after

  // ---- execution state saved while the process is not running
  const UWord* i = nullptr;  // next instruction
  unsigned arity = 0;        // live argument registers in arg_reg
  Term arg_reg[MAX_REG];
  int fcalls = CONTEXT_REDS;  // reductions left in this slice
  uint64_t reductions = 0;

  // ---- identity
  Term id = NON_VALUE;       // own pid
  Term group_leader = NON_VALUE;
  uint32_t flags = 0;
  ProcState state = ProcState::Runnable;
  Term priority = NON_VALUE;  // low | normal | high | max (NON_VALUE: normal)
  uint32_t timer_gen = 0;    // bumped each time a receive timeout is armed
  Term initial_mfa[3] = {NON_VALUE, NON_VALUE, NON_VALUE};
  // The function running (module, name, arity), for process_info and traces.
  const Term* current_mfa = nullptr;

  // ---- exception state (set by a failing BIF or raise)
  ExcClass exc_class = ExcClass::Error;
  Term exc_reason = NON_VALUE;
  Term exc_stacktrace = NIL;   // built or raw stack trace when re-raising
  bool exc_raw_trace = false;  // exc_stacktrace is to be built, not reused
  Term exc_bif_args = NON_VALUE;  // arguments of the failing BIF, or NON_VALUE
  const Export* exc_bif = nullptr;
  Term exc_error_info = NON_VALUE;  // error_info map from error/3, or a BIF's cause
  bool exc_no_error_info = false;   // the top frame gets no error_info (undef)
  bool exc_keep_trace = false;      // erlang:raise/3: keep the given stack trace
  Term exc_args = NON_VALUE;        // error/2,3: arguments shown in the top frame

  // ---- process dictionary: key/value pairs (roots for the GC)
  std::vector<Term> dict;   // K0, V0, K1, V1, ...

  // ---- messages (see vm/message.h)
  Message* msg_first = nullptr;
  Message** msg_last = &msg_first;
  Message** msg_save = &msg_first;  // loop_rec position
  size_t msg_len = 0;

  Scheduler* scheduler = nullptr;

  // ---- BIF traps (see bifs/bif.h)
  const UWord* trap_addr = nullptr;  // BIF_TRAP: continue here...
  unsigned trap_arity = 0;           // ...with this many arguments in x
  Term trap_value = NON_VALUE;       // BIF_YIELD: the BIF's result

  // ---- binary under construction (old-style bs_init2/bs_put_* code)
  uint8_t* bs_cur = nullptr;
  UWord bs_off = 0;  // bits written

  // ---- links and monitors (vm/signals.h)
  std::vector<Term> links;
  std::vector<struct MonitorEntry> monitors;      // what this process watches
  std::vector<struct MonitorEntry> monitored_by;  // who watches this process

  // ---- termination
  Term exit_reason = NON_VALUE;
  Term pending_exit = NON_VALUE;  // an exit signal arrived: terminate with this reason

  // ---- receive: timer state for `receive ... after`
  bool timeout_armed = false;
  bool timed_out = false;
  int64_t timeout_at_us = 0;   // monotonic microseconds

  // Allocates `n` words for a term; never collects. Uses a heap fragment
  // when the heap is full.
  Term* halloc(size_t n) {
    if (size_t(stop - htop) >= n) {
      Term* p = htop;
      htop += n;
      return p;
    }
    return halloc_fragment(n);
  }
  Term* halloc_fragment(size_t n);

  size_t heap_free() const { return size_t(stop - htop); }
  Term& y(unsigned n) { return stop[n + 1]; }
};

// Creates the heap and stack of a new process (at least `min_words`).
void process_init_heap(Process* p, size_t min_words);
void process_free_memory(Process* p);

// Heap sizes follow the reference: 12, 38, 51, 90, ..., 233, 376, 610, ...
size_t next_heap_size(size_t need);

}  // namespace bvm
