// erl_tracer: the default tracer module's NIFs (erts/preloaded/src/
// erl_tracer.erl). A tracer state is the pid (or port) trace messages go
// to; enabled/3 says whether to trace, trace/5 sends the message.
#include <time.h>

#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "vm/atom_table.h"
#include "vm/map.h"
#include "vm/map_ops.h"
#include "vm/signals.h"
#include "vm/vm.h"

namespace bvm {

namespace {

struct Atoms {
  Term trace_status = atom_put("trace_status"), remove = atom_put("remove"), discard = atom_put("discard"),
       trace = atom_put("trace"), trace_ts = atom_put("trace_ts"), seq_trace = atom_put("seq_trace"),
       extra = atom_put("extra"), match_spec_result = atom_put("match_spec_result"),
       scheduler_id = atom_put("scheduler_id"), timestamp = atom_put("timestamp"),
       monotonic = atom_put("monotonic"), strict_monotonic = atom_put("strict_monotonic"),
       cpu_timestamp = atom_put("cpu_timestamp"), nanosecond = atom_put("nanosecond");
};
const Atoms& A() {
  static const Atoms* a = new Atoms();
  return *a;
}

bool process_alive(Term pid) {
  Process* q = process_lookup(pid);
  return q && q->state.load(std::memory_order_acquire) != ProcState::Exited;
}

bool map_value(Term map, Term key, Term* out) {
  if (!is_map(map)) return false;
  Term v = map_get(map, key);
  if (v == NON_VALUE) return false;
  *out = v;
  return true;
}

}  // namespace

BIF_FN(erl_tracer_enabled_3) {
  (void)p;
  const Atoms& a = A();
  Term dead = args[0] == a.trace_status ? a.remove : a.discard;
  Term tracer = args[1];
  if (is_local_pid(tracer)) {
    if (!process_alive(tracer)) return dead;
  } else {
    // A port tracer: this VM has no ports yet, so none is alive.
    return dead;
  }
  if (tracer == args[2]) return a.discard;  // a tracer does not trace itself
  return a.trace;
}

BIF_FN(erl_tracer_trace_5) {
  const Atoms& a = A();
  Term tag = args[0], tracer = args[1], tracee = args[2], msg = args[3], opts = args[4];
  if (!is_local_pid(tracer)) return am::ok;  // ports: none alive (see enabled/3)
  Term parts[8];
  size_t n = 0;
  Term v;
  if (map_value(opts, a.extra, &v)) {
    parts[n++] = a.trace;
    parts[n++] = tracee;
    parts[n++] = tag;
    parts[n++] = msg;
    parts[n++] = v;
  } else if (tag == a.seq_trace) {
    parts[n++] = a.seq_trace;
    parts[n++] = tracee;
    parts[n++] = msg;
  } else {
    parts[n++] = a.trace;
    parts[n++] = tracee;
    parts[n++] = tag;
    parts[n++] = msg;
  }
  if (map_value(opts, a.match_spec_result, &v)) parts[n++] = v;
  if (map_value(opts, a.scheduler_id, &v)) parts[n++] = v;
  if (map_value(opts, a.timestamp, &v)) {
    Term ts;
    Term unit[1] = {a.nanosecond};
    if (v == a.monotonic) {
      ts = erlang_monotonic_time_1(p, unit);
    } else if (v == a.strict_monotonic) {
      Term mono = erlang_monotonic_time_1(p, unit);
      Term kind[1] = {make_cons(p, a.monotonic, NIL)};
      ts = make_tuple(p, {mono, erlang_unique_integer_1(p, kind)});
    } else if (v == a.timestamp) {
      ts = erlang_now_0(p, nullptr);
    } else if (v == a.cpu_timestamp) {
      struct timespec t;
      if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t) != 0) return am::ok;
      int64_t us = int64_t(t.tv_sec) * 1000000 + t.tv_nsec / 1000;
      ts = make_tuple(p, {make_integer(p, us / 1000000000000), make_integer(p, us / 1000000 % 1000000),
                          make_integer(p, us % 1000000)});
    } else {
      return am::ok;  // not a timestamp kind: nothing is sent
    }
    parts[n++] = ts;
    if (parts[0] == a.trace) parts[0] = a.trace_ts;
  }
  Term* hp = p->halloc(1 + n);
  hp[0] = make_header(n, Sub::Tuple);
  for (size_t i = 0; i < n; i++) hp[1 + i] = parts[i];
  send_message(p, tracer, make_boxed(hp));  // a dead tracer: enabled/3 cleans up
  return am::ok;
}

}  // namespace bvm
