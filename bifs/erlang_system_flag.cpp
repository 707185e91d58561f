// erlang:system_flag/2: the runtime settings Erlang code may change.
// A flag the reference knows but we cannot change yet fails with notsup;
// an unknown flag is badarg with cause badopt, as in the reference.
#include <atomic>

#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "vm/atom_table.h"
#include "vm/exception.h"
#include "vm/scheduler.h"
#include "vm/system_logger.h"
#include "vm/vm.h"

namespace bvm {

namespace {

std::atomic<int64_t>& outstanding_limit() {
  static std::atomic<int64_t> limit{-1};  // -1: the default, twice the schedulers
  return limit;
}

}  // namespace

Term outstanding_system_requests_limit() {
  int64_t l = outstanding_limit().load(std::memory_order_relaxed);
  return make_small(l < 0 ? 2 * SWord(scheduler_count()) : l);
}

BIF_FN(erlang_system_flag_2) {
  Term flag = args[0], value = args[1];
  if (!is_atom(flag)) return raise_badarg(p);
  std::string_view k = atom_text(flag);
  if (k == "backtrace_depth") {
    if (!is_small(value) || small_val(value) < 0) return raise_badarg(p);
    SWord n = small_val(value) > 64 ? 64 : small_val(value);
    int old = backtrace_depth;
    backtrace_depth = int(n);
    return make_small(old);
  }
  if (k == "system_logger") {
    if (value != am::undefined && value != atom_put("logger") && !is_local_pid(value)) return raise_badarg(p);
    return system_logger_set(value);
  }
  if (k == "outstanding_system_requests_limit") {
    if (!is_small(value) || small_val(value) < 1 || small_val(value) > (SWord(1) << 31)) return raise_badarg(p);
    Term old = outstanding_system_requests_limit();
    outstanding_limit().store(small_val(value), std::memory_order_relaxed);
    return old;
  }
  if (k == "schedulers_online") {
    if (!is_small(value) || small_val(value) < 1 || small_val(value) > SWord(scheduler_count())) return raise_badarg(p);
    unsigned old = schedulers_set_online(unsigned(small_val(value)));
    // The caller leaves a scheduler that takes no work now at once.
    Scheduler* s = current_scheduler();
    if (s && s->id > unsigned(small_val(value))) {
      p->trap_value = make_small(old);
      return BIF_YIELD;
    }
    return make_small(old);
  }
  if (k == "dirty_cpu_schedulers_online") {
    // The schedulers we run are all online: only "no change" is possible.
    if (value == make_small(SWord(scheduler_count()))) return value;
    if (!is_small(value) || small_val(value) < 1) return raise_badarg(p);
    return raise_error(p, am::notsup);
  }
  if (k == "multi_scheduling") {
    std::string_view v = is_atom(value) ? atom_text(value) : std::string_view();
    bool block = v == "block" || v == "block_normal";
    if (!block && v != "unblock" && v != "unblock_normal") return raise_badarg(p);
    bool normal = v == "block_normal" || v == "unblock_normal";
    if (block) p->ms_blocker = true;
    Term state = scheduler_multi_scheduling(p->id, block, normal);
    Scheduler* s = current_scheduler();
    if (block && s && s->id != 1) {
      // The caller moves to the first scheduler, the only one running now.
      p->trap_value = state;
      return BIF_YIELD;
    }
    return state;
  }
  if (k == "max_heap_size") {
    MaxHeapDefault d = max_heap_default();
    Term old = max_heap_map(p, d.size, d.kill, d.error_logger);
    if (!parse_max_heap(value, &d.size, &d.kill, &d.error_logger)) return raise_badarg(p);
    set_max_heap_default(d);
    return old;
  }
  if (k == "cpu_topology" || k == "scheduler_bind_type" || k == "fullsweep_after" ||
      k == "min_heap_size" || k == "min_bin_vheap_size" || k == "trace_control_word" ||
      k == "time_offset" || k == "microstate_accounting" || k == "scheduler_wall_time" || k == "erts_alloc" ||
      k == "dirty_io_schedulers_online" || k == "scheduling_statistics")
    return raise_error(p, am::notsup);
  return raise_error_cause(p, am::badarg, atom_put("badopt"));
}

}  // namespace bvm
