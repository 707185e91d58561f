// erlang:system_info/1: facts about the running system.
#include <sys/utsname.h>

#include <cctype>
#include <cstdio>
#include <string>
#include <thread>

#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "vm/atom_table.h"
#include "vm/process_table.h"
#include "vm/scheduler.h"
#include "vm/vm.h"

namespace bvm {

namespace {

Term logical_processors() {
  unsigned n = std::thread::hardware_concurrency();
  return n ? make_small(n) : atom_put("unknown");
}

// os:type() as the reference reports it: {unix, linux} here.
Term os_type(Process* p) {
  struct utsname u;
  std::string name = uname(&u) == 0 ? u.sysname : "unknown";
  for (char& c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
  return make_tuple(p, {atom_put("unix"), atom_put(name)});
}

// os:version(): {Major, Minor, Release} from the kernel's release string.
Term os_version(Process* p) {
  struct utsname u;
  int v[3] = {0, 0, 0};
  if (uname(&u) == 0) std::sscanf(u.release, "%d.%d.%d", &v[0], &v[1], &v[2]);
  return make_tuple(p, {make_small(v[0]), make_small(v[1]), make_small(v[2])});
}

}  // namespace

BIF_FN(erlang_system_info_1) {
  Term item = args[0];
  if (is_tuple(item) && tuple_arity(item) == 2 && tuple_elem(item, 1) == atom_put("wordsize")) {
    Term k = tuple_elem(item, 2);
    if (k == atom_put("internal") || k == atom_put("external")) return make_small(8);
    return raise_badarg(p);
  }
  if (!is_atom(item)) return raise_badarg(p);
  std::string_view k = atom_text(item);
  if (k == "otp_release") return make_string(p, "25");
  if (k == "version") return make_string(p, "13.1.5");
  if (k == "driver_version") return make_string(p, "3.3");
  if (k == "nif_version") return make_string(p, "2.16");
  if (k == "system_architecture") return make_string(p, "x86_64-pc-linux-gnu");
  if (k == "machine") return make_string(p, "BEAM");
  if (k == "wordsize") return make_small(8);
  if (k == "smp_support" || k == "threads" || k == "kernel_poll") return am::true_;
  if (k == "debug_compiled") return am::false_;
  if (k == "heap_type") return atom_put("private");
  if (k == "emu_flavor") return atom_put("emu");
  if (k == "emu_type" || k == "build_type") return atom_put("opt");
  if (k == "compat_rel") return make_small(25);
  if (k == "os_type") return os_type(p);
  if (k == "system_version") {
    unsigned n = scheduler_count();
    std::string v = "Erlang/OTP 25 [erts-13.1.5] [source] [64-bit] [smp:" + std::to_string(n) + ":" +
                    std::to_string(n) + "] [ds:" + std::to_string(n) + ":" + std::to_string(n) +
                    ":10] [async-threads:1]\n";
    return make_string(p, v);
  }
  if (k == "break_ignored") return am::false_;
  if (k == "os_version") return os_version(p);
  if (k == "hipe_architecture") return am::undefined;
  if (k == "thread_pool_size") return make_small(1);
  if (k == "dirty_cpu_schedulers" || k == "dirty_cpu_schedulers_online") return make_small(scheduler_count());
  if (k == "dirty_io_schedulers") return make_small(10);
  if (k == "port_limit") return make_small(65536);
  if (k == "ets_limit") return make_small(8192);
  if (k == "c_compiler_used") return make_tuple(p, {atom_put("gnuc"), make_tuple(p, {make_small(12), make_small(2), make_small(0)})});
  if (k == "creation") return make_small(0);
  if (k == "atom_limit") return make_integer(p, int64_t(AtomTable::global().limit()));
  if (k == "atom_count") return make_integer(p, int64_t(AtomTable::global().count()));
  if (k == "process_limit") return make_integer(p, int64_t(process_table().limit()));
  if (k == "process_count") return make_integer(p, int64_t(process_table().count()));
  if (k == "schedulers" || k == "schedulers_online") return make_small(scheduler_count());
  if (k == "scheduler_id") {
    Scheduler* s = current_scheduler();
    return make_small(s ? s->id : 1);
  }
  if (k == "logical_processors" || k == "logical_processors_available" || k == "logical_processors_online")
    return logical_processors();
  if (k == "context_reductions") return make_small(CONTEXT_REDS);
  if (k == "multi_scheduling") return atom_put(scheduler_count() > 1 ? "enabled" : "disabled");
  if (k == "scheduler_bind_type") return atom_put("unbound");
  if (k == "time_warp_mode") return atom_put("no_time_warp");
  if (k == "time_offset") return atom_put("final");
  if (k == "fullsweep_after") return make_tuple(p, {am::fullsweep_after, make_small(65535)});
  if (k == "min_heap_size") return make_tuple(p, {am::min_heap_size, make_small(233)});
  if (k == "min_bin_vheap_size") return make_tuple(p, {am::min_bin_vheap_size, make_small(46422)});
  if (k == "message_queue_data") return am::on_heap;
  if (k == "trace_control_word") return make_small(0);
  if (k == "sequential_tracer") return make_tuple(p, {atom_put("sequential_tracer"), am::false_});
  return raise_badarg(p);  // not known here (yet): fails loudly
}

}  // namespace bvm
