#include "vm/vm.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <string>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "bifs/bif.h"
#include "vm/atom_table.h"
#include "vm/code_index.h"
#include "vm/copy.h"
#include "vm/epoch.h"
#include "vm/exception.h"
#include "vm/term_print.h"
#include "vm/interp.h"
#include "vm/io_loop.h"
#include "vm/process_table.h"
#include "vm/scheduler.h"
#include "vm/signals.h"
#include "vm/trace.h"

namespace bvm {

namespace {

std::atomic<Term> g_vital{NON_VALUE};
std::mutex g_idle_lock;
std::condition_variable g_idle_cv;

}  // namespace

void vm_init(const VmConfig& config) {
  process_table().init(config.process_limit ? config.process_limit : DEFAULT_PROCESS_LIMIT);
  unsigned n = config.schedulers;
  if (!n) n = std::thread::hardware_concurrency();
  schedulers_create(n ? n : 1);
}

Process* process_lookup(Term pid) { return process_table().lookup(pid); }

std::vector<Term> process_pids() { return process_table().pids(); }

namespace {
std::mutex max_heap_mutex;
MaxHeapDefault max_heap_value;
}  // namespace

MaxHeapDefault max_heap_default() {
  std::lock_guard<std::mutex> g(max_heap_mutex);
  return max_heap_value;
}

void set_max_heap_default(const MaxHeapDefault& d) {
  std::lock_guard<std::mutex> g(max_heap_mutex);
  max_heap_value = d;
}

Process* process_spawn(Process* parent, Term module, Term function, Term args, const SpawnOpts& opts,
                       Term* monitor_ref) {
  SWord n = list_length(args);
  if (n < 0 || n > SWord(MAX_ARITY)) return nullptr;
  auto* p = new Process();
  if (!process_table().insert(p)) {
    delete p;
    return nullptr;
  }
  if (opts.min_heap_size) p->min_heap_size = opts.min_heap_size;
  if (opts.min_bin_vheap_size) p->min_bin_vheap_size = opts.min_bin_vheap_size;
  p->max_gen_gcs = opts.fullsweep_after;
  p->max_heap_size = opts.max_heap_size;
  p->max_heap_kill = opts.max_heap_kill;
  p->max_heap_error_logger = opts.max_heap_error_logger;
  p->off_heap_msgq = opts.off_heap_msgq;
  p->system_process = opts.system_process;
  p->prio.store(opts.prio, std::memory_order_relaxed);
  UWord words = copy_size(args);
  process_init_heap(p, words + 2 + 16);
  // The bottom of the stack returns to normal_exit.
  *--p->stop = reinterpret_cast<Term>(normal_exit_code());
  Term* hp = p->htop;
  Term a = copy_term(args, &hp, &p->off_heap);
  p->htop = hp;
  unsigned i = 0;
  Term* regs = p->args_room(unsigned(n));
  for (; is_list(a); a = cdr(a)) regs[i++] = car(a);
  p->arity = unsigned(n);
  Export* e = export_put(module, function, unsigned(n));
  p->i = e->address.load(std::memory_order_acquire);
  p->initial_mfa[0] = module;
  p->initial_mfa[1] = function;
  p->initial_mfa[2] = make_small(n);
  p->group_leader = parent ? parent->group_leader : p->id;
  if (parent) {
    // Links and monitors are set up before the child can run, so both
    // sides agree from the start.
    if (opts.link) {
      parent->links.push_back(p->id);
      p->links.push_back(parent->id);
    }
    if (opts.monitor) {
      RefNumbers r = opts.monitor_alias ? alias_numbers_create(parent, opts.alias_mode) : new_ref_numbers();
      Term tag = opts.monitor_tag != NON_VALUE ? opts.monitor_tag : atom_put("DOWN");
      // Only the watched side builds the 'DOWN' (it keeps its own copy of
      // a boxed tag).
      parent->monitors.push_back(MonitorEntry{r, p->id, NON_VALUE, is_immed(tag) ? tag : NON_VALUE});
      p->monitored_by.push_back(monitored_by_entry(r, parent->id, NON_VALUE, tag));
      if (monitor_ref) *monitor_ref = make_ref_term(parent, r);
    }
  }
  if (trace_spawn_wanted(parent)) trace_spawned(parent, p, module, function, args, parent && opts.link);
  p->scheduler = parent ? parent->scheduler : nullptr;
  p->state.store(ProcState::Runnable, std::memory_order_release);
  scheduler_enqueue(p);
  return p;
}

void vm_halt(int status) {
  io_loop_drain(5000);
  std::fflush(stdout);
  std::fflush(stderr);
  std::_Exit(status);
}

void vm_set_vital_process(Term pid) { g_vital.store(pid); }
bool vm_is_vital_process(Term pid) { return pid == g_vital.load(); }

void vm_process_exited() {
  if (process_table().count() == 0) {
    std::lock_guard<std::mutex> lock(g_idle_lock);
    g_idle_cv.notify_all();
  }
}

void vm_dump_processes(FILE* out) {
  // Racy by nature (it reads other threads' processes): for diagnosis only.
  EpochGuard pinned;
  for (Term pid : process_pids()) {
    Process* p = process_lookup(pid);
    if (!p) continue;
    const Term* mfa = code_mfa_at(p->i);
    std::string where = mfa ? std::string(atom_text(mfa[0])) + ":" + std::string(atom_text(mfa[1])) + "/" +
                                  std::to_string(small_val(mfa[2]))
                            : "?";
    std::string init = std::string(atom_text(p->initial_mfa[0])) + ":" + std::string(atom_text(p->initial_mfa[1]));
    std::fprintf(out, "%s state=%d queue=%zu in %s (started as %s)\n", term_to_text(pid).c_str(),
                 int(p->state.load()), p->msg_len, where.c_str(), init.c_str());
  }
}

int vm_run() {
  // A program at the other end of a port may exit at any time: writing to
  // its pipe then fails with EPIPE, which the port handles; the signal
  // would end the whole VM (the reference ignores it too).
  std::signal(SIGPIPE, SIG_IGN);
  io_loop_start();
  std::signal(SIGQUIT, [](int) {
    vm_dump_processes(stderr);
    std::_Exit(2);
  });
  schedulers_start();
  std::unique_lock<std::mutex> lock(g_idle_lock);
  g_idle_cv.wait(lock, [] { return process_table().count() == 0; });
  return 0;
}

}  // namespace bvm
