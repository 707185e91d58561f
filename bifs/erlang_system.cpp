// erlang:system_info/1: facts about the running system.
#include <gnu/libc-version.h>
#include <sys/utsname.h>

#include <atomic>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <thread>

#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "vm/atom_table.h"
#include "vm/process_table.h"
#include "vm/scheduler.h"
#include "vm/signals.h"
#include "vm/system_logger.h"
#include "vm/vm.h"

namespace bvm {

Term outstanding_system_requests_limit();  // bifs/erlang_system_flag.cpp

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

namespace {

// Memory figures for erlang:memory/0,1 (Erlang code in the erlang module,
// which reads allocator statistics). There are no allocators of the
// reference's kind here: the figures are estimates from the resident size
// and the number of processes and atoms, shaped as those statistics are.
struct MemEstimate {
  int64_t total, processes, atoms, code;
};

MemEstimate mem_estimate() {
  long pages = 0, resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  MemEstimate m;
  m.total = int64_t(resident) * 4096;
  m.processes = int64_t(process_table().count()) * 2800;
  m.atoms = int64_t(AtomTable::global().count()) * 48;
  m.code = m.total / 4;
  if (m.total < m.processes + m.atoms + m.code) m.total = m.processes + m.atoms + m.code;
  return m;
}

// system_info(snifs): every BIF of the table (bifs/bifs.def), as
// {M, F, A}; not the NIFs (loaded with their modules, as in the
// reference), the functions only run natively here (BIF_ERLANG_DEFINED)
// and the VM's own module beamvm, which has no Erlang code.
Term snifs(Process* p) {
  static const BifDef table[] = {
#define BIF(module, name, arity, fn, flags) {#module, name, arity, nullptr, flags},
#include "bifs/bifs.def"
#undef BIF
  };
  Term l = NIL;
  for (size_t i = sizeof(table) / sizeof(table[0]); i-- > 0;) {
    const BifDef& d = table[i];
    if ((d.flags & (BIF_NIF | BIF_ERLANG_DEFINED)) || std::string_view(d.module) == "beamvm") continue;
    l = make_cons(p, make_tuple(p, {atom_put(d.module), atom_put(d.name), make_small(d.arity)}), l);
  }
  return l;
}

// system_info(ethread_info): how the runtime's atomics are implemented.
// Here they are C++ std::atomic; an entry says "no" where operations of
// that width are not lock-free on this machine.
Term ethread_info(Process* p) {
  Term ops = NIL;
  for (const char* op : {"compare_exchange_strong", "exchange", "fetch_add", "store", "load"})
    ops = make_cons(p, make_string(p, op), ops);
  auto entry = [&](const char* name, bool native) {
    return make_tuple(p, {make_string(p, name), make_string(p, native ? "std::atomic" : "no"), native ? ops : NIL});
  };
  struct alignas(16) DoubleWord {
    uint64_t a, b;
  };
  Term l = NIL;
  l = make_cons(p, entry("Double word native atomics", std::atomic<DoubleWord>::is_always_lock_free), l);
  l = make_cons(p, entry("64-bit native atomics", std::atomic<uint64_t>::is_always_lock_free), l);
  l = make_cons(p, entry("32-bit native atomics", std::atomic<uint32_t>::is_always_lock_free), l);
  return l;
}

// The allocators of the reference's erts_alloc. This VM uses none of them:
// memory comes from the C library's malloc, which is what the reference
// calls sys_alloc.
constexpr const char* ERTS_ALLOCATORS[] = {"sys_alloc", "temp_alloc", "sl_alloc", "std_alloc", "ll_alloc",
                                           "eheap_alloc", "ets_alloc", "fix_alloc", "literal_alloc",
                                           "binary_alloc", "driver_alloc", "mseg_alloc", "test_alloc",
                                           "exec_alloc"};

Term sys_alloc_settings(Process* p) {
  return make_cons(p, make_tuple(p, {atom_put("e"), am::true_}),
                   make_cons(p, make_tuple(p, {atom_put("m"), atom_put("libc")}), NIL));
}

// system_info(allocator): {glibc, Version, [sys_alloc], Settings}.
Term allocator_info(Process* p) {
  Term version = NIL;
  int major = 0, minor = 0;
  if (std::sscanf(gnu_get_libc_version(), "%d.%d", &major, &minor) == 2)
    version = make_cons(p, make_small(major), make_cons(p, make_small(minor), NIL));
  Term settings = make_cons(p, make_tuple(p, {atom_put("sys_alloc"), sys_alloc_settings(p)}), NIL);
  return make_tuple(p, {atom_put("glibc"), version, make_cons(p, atom_put("sys_alloc"), NIL), settings});
}

// system_info({allocator, A}): sys_alloc's settings, false for the
// reference's other allocators (not present), NON_VALUE (badarg) for
// other names, as the reference.
Term allocator_info(Process* p, Term a) {
  if (!is_atom(a)) return NON_VALUE;
  std::string_view name = atom_text(a);
  if (name == "sys_alloc") return sys_alloc_settings(p);
  for (const char* known : ERTS_ALLOCATORS)
    if (name == known) return am::false_;
  return NON_VALUE;
}

// {Alloc, true, [{mbcs, [{blocks, [{Alloc, [{size, Bytes}]}]}]}]}
Term alloc_stats(Process* p, const char* alloc, int64_t bytes) {
  Term a = atom_put(alloc);
  Term size = make_cons(p, make_tuple(p, {atom_put("size"), make_integer(p, bytes)}), NIL);
  Term blocks = make_cons(p, make_tuple(p, {atom_put("blocks"), make_cons(p, make_tuple(p, {a, size}), NIL)}), NIL);
  Term mbcs = make_cons(p, make_tuple(p, {atom_put("mbcs"), blocks}), NIL);
  return make_tuple(p, {a, am::true_, mbcs});
}

}  // namespace

BIF_FN(erlang_system_info_1) {
  Term item = args[0];
  if (is_tuple(item) && tuple_arity(item) == 3 && tuple_elem(item, 1) == atom_put("memory_internal")) {
    // {memory_internal, Ref, Allocs}: one reply message, as from the
    // single aux thread erts_internal:no_aux_work_threads/0 reports.
    // Only the allocators asked for; others are {Alloc, false} (disabled).
    MemEstimate m = mem_estimate();
    Term data = NIL;
    Term allocs = tuple_elem(item, 3);
    if (list_length(allocs) < 0) return raise_badarg(p);
    for (Term l = allocs; is_list(l); l = cdr(l)) {
      Term a = car(l);
      Term e;
      if (a == atom_put("eheap_alloc")) e = alloc_stats(p, "eheap_alloc", m.processes);
      else if (a == atom_put("sys_alloc")) e = alloc_stats(p, "sys_alloc", m.total - m.processes);
      else e = make_tuple(p, {a, am::false_});
      data = make_cons(p, e, data);
    }
    Term msg = make_tuple(p, {tuple_elem(item, 2), make_small(0), data});
    signal_send(p->id, signal_new(SigKind::Message, p->id, msg));
    return am::true_;
  }
  if (is_tuple(item) && tuple_arity(item) == 2 && tuple_elem(item, 1) == atom_put("wordsize")) {
    Term k = tuple_elem(item, 2);
    if (k == atom_put("internal") || k == atom_put("external")) return make_small(8);
    return raise_badarg(p);
  }
  if (is_tuple(item) && tuple_arity(item) == 2 && tuple_elem(item, 1) == atom_put("allocator")) {
    Term r = allocator_info(p, tuple_elem(item, 2));
    return r == NON_VALUE ? raise_badarg(p) : r;
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
  if (k == "max_heap_size") {
    MaxHeapDefault d = max_heap_default();
    return max_heap_map(p, d.size, d.kill, d.error_logger);
  }
  if (k == "alloc_util_allocators") return make_cons(p, atom_put("eheap_alloc"), make_cons(p, atom_put("sys_alloc"), NIL));
  if (k == "allocated_areas") {
    MemEstimate m = mem_estimate();
    return make_cons(p, make_tuple(p, {atom_put("atom_space"), make_integer(p, m.atoms), make_integer(p, m.atoms)}),
                     make_cons(p, make_tuple(p, {atom_put("loaded_code"), make_integer(p, m.code)}), NIL));
  }
  if (k == "system_logger") return system_logger_get();
  if (k == "snifs") return snifs(p);
  if (k == "ethread_info") return ethread_info(p);
  if (k == "allocator") return allocator_info(p);
  if (k == "outstanding_system_requests_limit") return outstanding_system_requests_limit();
  if (k == "backtrace_depth") return raise_badarg(p);  // as the reference: a flag, not an info item
  if (k == "os_version") return os_version(p);
  if (k == "hipe_architecture") return am::undefined;
  if (k == "thread_pool_size") return make_small(1);
  if (k == "dirty_cpu_schedulers" || k == "dirty_cpu_schedulers_online") return make_small(scheduler_count());
  if (k == "dirty_io_schedulers") return make_small(DIRTY_IO_SCHEDULERS);
  if (k == "port_limit") return make_small(65536);
  if (k == "ets_limit") return make_small(8192);
  if (k == "c_compiler_used") return make_tuple(p, {atom_put("gnuc"), make_tuple(p, {make_small(12), make_small(2), make_small(0)})});
  if (k == "creation") return make_small(0);
  if (k == "atom_limit") return make_integer(p, int64_t(AtomTable::global().limit()));
  if (k == "atom_count") return make_integer(p, int64_t(AtomTable::global().count()));
  if (k == "process_limit") return make_integer(p, int64_t(process_table().limit()));
  if (k == "process_count") return make_integer(p, int64_t(process_table().count()));
  if (k == "schedulers") return make_small(scheduler_count());
  if (k == "schedulers_online") return make_small(schedulers_online());
  if (k == "scheduler_id") {
    Scheduler* s = current_scheduler();
    return make_small(s ? s->id : 1);
  }
  if (k == "logical_processors" || k == "logical_processors_available" || k == "logical_processors_online")
    return logical_processors();
  if (k == "context_reductions") return make_small(CONTEXT_REDS);
  if (k == "multi_scheduling") return scheduler_multi_scheduling_state();
  if (k == "multi_scheduling_blockers" || k == "normal_multi_scheduling_blockers") {
    Term l = NIL;
    for (Term pid : scheduler_blockers(k[0] == 'n')) l = make_cons(p, pid, l);
    return l;
  }
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

namespace bvm {
BIF_FN(erts_internal_no_aux_work_threads_0) {
  (void)p;
  (void)args;
  return make_small(2);
}
}  // namespace bvm
