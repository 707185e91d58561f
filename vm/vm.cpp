#include "vm/vm.h"

#include <chrono>
#include <cstdio>
#include <deque>
#include <map>
#include <queue>
#include <thread>

#include "bifs/bif.h"
#include "vm/atom_table.h"
#include "vm/code_index.h"
#include "vm/copy.h"
#include "vm/exception.h"
#include "vm/identity.h"
#include "vm/interp.h"
#include "vm/scheduler.h"
#include "vm/signals.h"
#include "vm/term_print.h"

namespace bvm {

namespace {

struct TimerEntry {
  int64_t at_us;
  Term pid;
  uint32_t gen;
  bool operator>(const TimerEntry& o) const { return at_us > o.at_us; }
};

struct VmState {
  std::vector<Process*> table;  // indexed by pid number
  std::deque<Process*> run_queue;
  std::priority_queue<TimerEntry, std::vector<TimerEntry>, std::greater<TimerEntry>> timers;
  Scheduler scheduler;
  bool halting = false;
  int halt_status = 0;
  size_t process_limit = 262144;
  size_t live = 0;
  std::map<Term, Term> names;  // registered name -> pid
};

VmState& vm() {
  static VmState* s = new VmState();
  return *s;
}

void process_exit(Process* p) {
  VmState& v = vm();
  uint32_t n = local_pid_number(p->id) | (local_pid_serial(p->id) << 15);
  process_terminated(p);
  if (p->exit_reason != am::normal && p->exit_reason != am::killed && p->exit_reason != NON_VALUE &&
      p->pending_exit == NON_VALUE) {
    std::string text = term_to_text(p->exit_reason);
    std::string pid = term_to_text(p->id);
    std::fprintf(stderr, "=ERROR REPORT==== Error in process %s with exit value:\n%s\n\n", pid.c_str(),
                 text.c_str());
  }
  for (auto it = v.names.begin(); it != v.names.end();) {
    if (it->second == p->id) it = v.names.erase(it);
    else ++it;
  }
  p->state = ProcState::Exited;
  v.table[n] = nullptr;
  v.live--;
  process_free_memory(p);
  delete p;
}

}  // namespace

int64_t monotonic_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

Process* process_lookup(Term pid) {
  if (!is_local_pid(pid)) return nullptr;
  VmState& v = vm();
  uint32_t n = local_pid_number(pid) | (local_pid_serial(pid) << 15);
  if (n >= v.table.size()) return nullptr;
  Process* p = v.table[n];
  return p && p->id == pid ? p : nullptr;
}

Process* process_whereis(Term name) {
  auto it = vm().names.find(name);
  return it == vm().names.end() ? nullptr : process_lookup(it->second);
}

bool process_register(Term name, Process* p) {
  VmState& v = vm();
  if (v.names.count(name)) return false;
  for (auto& [n, pid] : v.names)
    if (pid == p->id) return false;
  v.names[name] = p->id;
  return true;
}

bool process_unregister(Term name) { return vm().names.erase(name) > 0; }

std::vector<Process*> process_list() {
  std::vector<Process*> out;
  for (Process* p : vm().table)
    if (p) out.push_back(p);
  return out;
}

Process* process_spawn(Process* parent, Term module, Term function, Term args) {
  VmState& v = vm();
  SWord n = list_length(args);
  if (n < 0) return nullptr;
  if (v.live >= v.process_limit) return nullptr;
  // Table slots are not reused yet, so a pid never names a later process.
  // Pids follow the reference's layout: 15 bits of number, then the serial.
  uint32_t num = uint32_t(v.table.size());
  v.table.push_back(nullptr);
  uint32_t pid_num = num & 0x7FFF, pid_ser = num >> 15;
  auto* p = new Process();
  p->id = make_local_pid_ns(pid_num, pid_ser);
  UWord words = copy_size(args);
  process_init_heap(p, words + 2 + 16);
  // The bottom of the stack returns to normal_exit.
  *--p->stop = reinterpret_cast<Term>(normal_exit_code());
  Term* hp = p->htop;
  Term a = copy_term(args, &hp, &p->off_heap);
  p->htop = hp;
  unsigned i = 0;
  for (; is_list(a); a = cdr(a)) p->arg_reg[i++] = car(a);
  p->arity = unsigned(n);
  Export* e = export_put(module, function, unsigned(n));
  p->i = e->address.load(std::memory_order_acquire);
  p->initial_mfa[0] = module;
  p->initial_mfa[1] = function;
  p->initial_mfa[2] = make_small(n);
  p->group_leader = parent ? parent->group_leader : p->id;
  p->state = ProcState::Runnable;
  v.table[num] = p;
  v.live++;
  v.run_queue.push_back(p);
  return p;
}

// Pids are table indexes: rebuild from a process number.
void process_wake(Process* p) {
  if (p->state == ProcState::Waiting) {
    p->state = ProcState::Runnable;
    vm().run_queue.push_back(p);
  }
}

void process_wake_for_exit(Process* p) { process_wake(p); }

void vm_halt(int status) {
  vm().halting = true;
  vm().halt_status = status;
}

bool vm_halting() { return vm().halting; }

int vm_run() {
  VmState& v = vm();
  while (!v.halting) {
    if (v.run_queue.empty()) {
      // Fire due timers; sleep until the next one; idle forever without any.
      while (!v.timers.empty()) {
        TimerEntry t = v.timers.top();
        Process* p = process_lookup(t.pid);
        bool valid = p && p->state == ProcState::Waiting && p->timeout_armed && p->timer_gen == t.gen;
        if (!valid) {
          v.timers.pop();
          continue;
        }
        int64_t now = monotonic_us();
        if (t.at_us > now) {
          std::this_thread::sleep_for(std::chrono::microseconds(t.at_us - now));
          continue;
        }
        v.timers.pop();
        p->timed_out = true;
        process_wake(p);
        break;
      }
      if (v.run_queue.empty()) {
        if (v.live == 0) return v.halt_status;
        std::this_thread::sleep_for(std::chrono::hours(24));
        continue;
      }
    }
    Process* p = v.run_queue.front();
    v.run_queue.pop_front();
    if (p->pending_exit != NON_VALUE) {
      p->exit_reason = p->pending_exit;
      process_exit(p);
      continue;
    }
    p->state = ProcState::Running;
    RunResult r = interp_run(&v.scheduler, p);
    switch (r) {
      case RunResult::Yield:
        if (p->state == ProcState::Running) {
          p->state = ProcState::Runnable;
          v.run_queue.push_back(p);
        }
        break;
      case RunResult::Wait:
        p->state = ProcState::Waiting;
        if (p->msg_first && *p->msg_save) {
          process_wake(p);  // a message arrived while it ran
        } else if (p->timeout_armed) {
          p->timer_gen++;
          v.timers.push({p->timeout_at_us, p->id, p->timer_gen});
        }
        break;
      case RunResult::Exit:
        process_exit(p);
        break;
    }
  }
  return v.halt_status;
}

}  // namespace bvm
