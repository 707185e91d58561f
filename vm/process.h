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

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "vm/binary.h"
#include "vm/spinlock.h"
#include "vm/term.h"

namespace bvm {

// A stack word that is a return address (see the layout above).
inline bool is_return_address(Term w) { return w != 0 && is_header(w); }

struct Module;
struct Export;
struct Scheduler;
struct Message;
struct Tracer;

// A block of heap memory outside the young heap: BIF allocations that did
// not fit, and message payloads. Part of the young generation until the
// next collection copies its live terms into the heap.
struct HeapFragment {
  HeapFragment* next;
  size_t size;     // words
  size_t used;
  OffHeap off_heap;  // off-heap objects created in this fragment (messages)
  void* block;       // the allocation holding it (a message may share it)
  Term mem[1];

  static HeapFragment* create(size_t words);
  // A fragment placed `before` bytes into a new block (the caller puts
  // something there that lives and dies with the fragment).
  static HeapFragment* create_after(size_t before, size_t words);
  static void destroy_consume(HeapFragment* f);  // drops off-heap refs too
  bool contains(const Term* p) const { return p >= mem && p < mem + used; }
};

// The exception being raised, or caught.
enum class ExcClass : uint8_t { Error, Exit, Throw };

// Scheduling state (see vm/signals.h and vm/scheduler.h for the protocol):
// only a sender that finds Waiting (under sig_lock) makes a process
// Runnable and enqueues it; Running -> Waiting and -> Exited happen under
// sig_lock, so no signal is lost.
enum class ProcState : uint8_t { Runnable, Running, Waiting, Exited };

// Priorities, in run queue order.
enum Priority : uint8_t { PRIO_MAX, PRIO_HIGH, PRIO_NORMAL, PRIO_LOW, PRIO_COUNT };

// A reference's numbers (local refs made by the VM have three).
struct RefNumbers {
  uint32_t n[3] = {0, 0, 0};
  bool operator==(const RefNumbers& o) const { return n[0] == o.n[0] && n[1] == o.n[1] && n[2] == o.n[2]; }
};

struct MonitorEntry {
  RefNumbers ref;
  Term other;  // the watched (in `monitors`) or watching (in `monitored_by`) pid
  Term name;   // monitor by registered name: the name, else NON_VALUE (an atom)
  Term tag;    // first element of the 'DOWN' message
  HeapFragment* tag_frag = nullptr;  // owns `tag` when it is not an immediate
};

// An active alias (erlang:alias/0,1, monitor/3 with {alias, Mode}).
enum class AliasMode : uint8_t { Explicit, Demonitor, ReplyDemonitor, Reply };
struct AliasEntry {
  RefNumbers ref;
  AliasMode mode;
};

enum ProcessFlags : uint32_t {
  PF_TRAP_EXIT = 1u << 0,
};

constexpr unsigned MAX_REG = 1024;          // x registers
constexpr unsigned MAX_ARITY = 255;         // arguments of a call
constexpr int CONTEXT_REDS = 4000;          // reductions per time slice

// Timers sent to a process (see Process::dest_timers).
struct DestTimers {
  std::vector<RefNumbers> refs;
  size_t pruned = 0;  // size after the last pruning
};

// Per-process state few processes ever use (Process::extra()).
struct ProcessExtra {
  // Collection requests answered when collections are enabled again (each:
  // the requester and the prepared answer); see Process::gc_disabled.
  std::vector<std::pair<Term, Message*>> gc_waiting;
  // The processes this one suspends (erlang:suspend_process/2), with its
  // count for each.
  struct SuspendEntry {
    Term pid;
    uint64_t count;
  };
  std::vector<SuspendEntry> suspending;
  // Literal areas being released (vm/literal_release.h): answers to the
  // collector's copy requests, sent once the process has copied.
  std::vector<std::pair<Term, Message*>> cla_replies;
  // net_kernel:monitor_nodes subscriptions (flags, count).
  std::vector<std::pair<uint8_t, uint32_t>> node_monitors;
};

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
  size_t min_bin_vheap_size = 46422;
  uint32_t gen_gcs = 0;          // minor collections since the last major one
  uint32_t max_gen_gcs = 65535;  // fullsweep_after
  size_t max_heap_size = 0;      // words; 0: no limit
  size_t heap_limit_report = 0;   // ...and it is to be reported (the total heap size found)
  bool max_heap_kill = true;
  bool max_heap_error_logger = true;
  bool gc_pending = false;        // erlang:garbage_collect: collect at the next switch
  bool heap_grow = false;         // a major collection left the heap over 3/4 full: grow at the next one
  bool heap_limit_hit = false;    // a collection found the heap over max_heap_size (kill)
  bool hibernate_pending = false; // erlang:hibernate: drop the stack and wait
  bool hibernated = false;        // waiting in erlang:hibernate/3 (until it runs again)
  // erts_debug:set_internal_state(gc_state, false): no collections (the
  // heap grows instead); answers to collection requests wait until it is
  // enabled again (each: the requester and the prepared answer).
  bool gc_disabled = false;

  // ---- execution state saved while the process is not running
  const UWord* i = nullptr;  // next instruction
  unsigned arity = 0;        // live argument registers in arg_reg
  int fcalls = CONTEXT_REDS;  // reductions left in this slice
  Term* arg_reg = arg_small;  // see args_room()
  static constexpr unsigned ARG_SMALL = 4;
  Term arg_small[ARG_SMALL];
  uint64_t reductions = 0;

  // ---- identity
  Term id = NON_VALUE;       // own pid
  Term group_leader = NON_VALUE;
  uint32_t flags = 0;
  bool off_heap_msgq = false;  // message_queue_data (recorded; queues are always off-heap)
  bool sensitive = false;
  bool system_process = false;  // spawned by erts_internal:spawn_system_process/3
  bool ms_blocker = false;      // has blocked multi-scheduling (released when it exits)
  std::atomic<ProcState> state{ProcState::Runnable};
  std::atomic<uint8_t> prio{PRIO_NORMAL};
  // A system task of a higher priority than `prio` waits in its signal
  // queue: it is scheduled at this priority until it acts on its signals
  // (PRIO_COUNT: none). Lowered by senders, reset by the process.
  std::atomic<uint8_t> sys_prio{PRIO_COUNT};
  // The run queue holding it while Runnable (written under that
  // scheduler's rq_lock), and the priority queue it is in.
  uint8_t rq_prio = PRIO_NORMAL;
  ProcState status_hint = ProcState::Runnable;  // how it last stopped (process_info status)
  unsigned sys_normal_picks = 0;  // system tasks: low runs once per 8 normal
  // ---- suspension (erlang:suspend_process/2): suspend levels held on
  // this process (one per suspending process); the processes this one
  // suspends are in extra().suspending.
  uint32_t suspend_count = 0;
  using SuspendEntry = ProcessExtra::SuspendEntry;
  std::atomic<Scheduler*> rq_owner{nullptr};
  Term initial_mfa[3] = {NON_VALUE, NON_VALUE, NON_VALUE};
  // The function running (module, name, arity), for process_info and traces.
  const Term* current_mfa = nullptr;

  // ---- exception state (set by a failing BIF or raise)
  ExcClass exc_class = ExcClass::Error;
  bool exc_raw_trace = false;  // exc_stacktrace is to be built, not reused
  bool exc_no_error_info = false;   // the top frame gets no error_info (undef)
  bool exc_keep_trace = false;      // erlang:raise/3: keep the given stack trace
  Term exc_reason = NON_VALUE;
  Term exc_stacktrace = NIL;   // built or raw stack trace when re-raising
  Term exc_bif_args = NON_VALUE;  // arguments of the failing BIF, or NON_VALUE
  const Export* exc_bif = nullptr;
  Term exc_error_info = NON_VALUE;  // error_info map from error/3, or a BIF's cause
  Term exc_args = NON_VALUE;        // error/2,3: arguments shown in the top frame

  // ---- process dictionary: key/value pairs (roots for the GC)
  std::vector<Term> dict;   // K0, V0, K1, V1, ...

  // ---- incoming signals (vm/signals.h): any thread, under sig_lock
  SpinLock sig_lock;
  Message* sig_in_first = nullptr;
  Message** sig_in_last = &sig_in_first;
  std::atomic<bool> sig_pending{false};
  Message* sig_rest = nullptr;  // signals taken but not acted on when it died

  // ---- private message queue (vm/message.h): the owner only
  Message* msg_first = nullptr;
  Message** msg_last = &msg_first;
  Message** msg_save = &msg_first;  // loop_rec position
  size_t msg_len = 0;
  // The queue length as other processes see it (process_info
  // message_queue_len, read without asking the process): messages in the
  // private queue and in the batch of signals being acted on (written by
  // the owner only), plus messages still incoming (counted under sig_lock).
  std::atomic<size_t> msgq_len_shared{0};
  size_t incoming_msgs = 0;  // under sig_lock

  // Receive markers (recv_marker_*), made on first use. See vm/messages.h.
  struct RecvMarkers* markers = nullptr;

  Scheduler* scheduler = nullptr;  // whose run queue it goes back to

  // ---- BIF traps (see bifs/bif.h)
  const UWord* trap_addr = nullptr;  // BIF_TRAP: continue here...
  unsigned trap_arity = 0;           // ...with this many arguments in x
  Term trap_value = NON_VALUE;       // BIF_YIELD: the BIF's result

  // ---- binary under construction (old-style bs_init2/bs_put_* code)
  uint8_t* bs_cur = nullptr;
  UWord bs_off = 0;  // bits written

  // ---- links and monitors (vm/signals.h)
  std::vector<Term> links;
  std::vector<MonitorEntry> monitors;      // what this process watches
  std::vector<MonitorEntry> monitored_by;  // who watches this process
  std::vector<AliasEntry> aliases;


  // ---- tracing (vm/trace.h): set by any thread under trace_mutex(),
  // read by the process itself on slow paths only
  std::atomic<uint32_t> trace_flags{0};
  std::atomic<Tracer*> tracer{nullptr};

  // ---- termination
  Term exit_reason = NON_VALUE;
  bool crash_report = false;  // died of an uncaught error: report it

  // ---- receive: timer state for `receive ... after`
  bool timeout_armed = false;  // wait_timeout saw a finite timeout
  bool timed_out = false;      // ...and it expired
  uint32_t timer_gen = 0;      // numbers the armed timeouts
  int64_t timeout_at_us = 0;   // monotonic microseconds
  uint64_t recv_timer = 0;     // the timer service's id, 0 if none
  // erlang timers sent to this pid (start_timer/send_after): cancelled
  // when it exits, as the reference. Under sig_lock; entries of timers
  // that went off are dropped now and then.
  std::unique_ptr<DestTimers> dest_timers;

  // Rarely used state of the process's own (only its own thread touches
  // it), allocated on first use so that a fresh process stays small.
  std::unique_ptr<ProcessExtra> extra_;
  ProcessExtra* extra_if() const { return extra_.get(); }
  ProcessExtra& extra() {
    if (!extra_) extra_ = std::make_unique<ProcessExtra>();
    return *extra_;
  }

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
  // Room for n saved argument registers in arg_reg (n <= MAX_ARITY).
  Term* args_room(unsigned n) {
    if (n > ARG_SMALL && arg_reg == arg_small) arg_reg = args_grow();
    return arg_reg;
  }
  Term* args_grow();
  Term& y(unsigned n) { return stop[n + 1]; }
};

// Creates the heap and stack of a new process (at least `min_words`).
void process_init_heap(Process* p, size_t min_words);
void process_free_memory(Process* p);
// Returns freed memory to the OS when much has been freed (idle schedulers).
void memory_trim_if_worthwhile();
// Counts memory freed (heaps of dead processes, collected heaps) for it.
void memory_freed(size_t bytes);

// Heap sizes follow the reference: 12, 38, 51, 90, ..., 233, 376, 610, ...
size_t next_heap_size(size_t need);

}  // namespace bvm
