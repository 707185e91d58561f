// erlang / erts_internal: ports (vm/port.h). The erts_internal BIFs answer
// at once or return a reference; erlang.erl's wrappers then wait for
// {Ref, Result}, as with the reference.
#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "bifs/bin_util.h"
#include "vm/atom_table.h"
#include "vm/port.h"
#include "vm/registry.h"
#include "vm/signals.h"

namespace bvm {

namespace {

// A port argument: a port, or the name of a registered one; NON_VALUE if
// it is neither (or not open).
Term resolve_port(Term t) {
  if (is_atom(t)) t = registry_whereis(t);
  return t != NON_VALUE && is_local_port(t) && port_alive(t) ? t : NON_VALUE;
}

// A reference for the answer that will come as {Ref, Result}.
Term await_ref(Process* p, RefNumbers* r) {
  *r = new_ref_numbers();
  return make_ref_term(p, *r);
}

Term request(Process* p, Term port_arg, PortOp op, Term arg) {
  Term port = resolve_port(port_arg);
  if (port == NON_VALUE) return am::badarg;
  RefNumbers r;
  Term ref = await_ref(p, &r);
  port_request(port, op, signal_new(SigKind::Request, p->id, arg), r);
  return ref;
}

}  // namespace

BIF_FN(erts_internal_open_port_2) {
  PortOptions opts;
  std::string err = port_parse_options(args[0], args[1], &opts);
  if (!err.empty()) return atom_put(err);
  Term id = port_new_id();
  p->links.push_back(id);  // open_port links us and the port
  RefNumbers r;
  Term ref = await_ref(p, &r);
  port_open(id, p->id, opts, r);
  return ref;
}

BIF_FN(erts_internal_port_command_3) {
  (void)p;
  if (list_length(args[2]) < 0) return atom_put("badopt");
  for (Term l = args[2]; is_list(l); l = cdr(l))
    if (car(l) != atom_put("force") && car(l) != atom_put("nosuspend")) return atom_put("badopt");
  Term port = resolve_port(args[0]);
  std::string bytes;
  if (port == NON_VALUE || !iodata_to_bytes(args[1], &bytes)) return am::badarg;
  port_command(port, std::move(bytes));
  return am::true_;
}

BIF_FN(erts_internal_port_close_1) { return request(p, args[0], PortOp::Close, NON_VALUE); }

BIF_FN(erts_internal_port_connect_2) {
  if (!is_local_pid(args[1])) return am::badarg;
  return request(p, args[0], PortOp::Connect, args[1]);
}

BIF_FN(erts_internal_port_control_3) {
  if (!is_integer(args[1])) return am::badarg;
  return request(p, args[0], PortOp::Control, NON_VALUE);
}

BIF_FN(erts_internal_port_call_3) {
  (void)p;
  (void)args;
  return am::badarg;  // no driver here has call operations
}

BIF_FN(erts_internal_port_info_1) {
  if (!is_port(args[0]) && !is_atom(args[0])) return am::badarg;
  Term port = resolve_port(args[0]);
  if (port == NON_VALUE) return am::undefined;
  RefNumbers r;
  Term ref = await_ref(p, &r);
  port_request(port, PortOp::Info, signal_new(SigKind::Request, p->id, NIL), r);
  return ref;
}

BIF_FN(erts_internal_port_info_2) {
  if ((!is_port(args[0]) && !is_atom(args[0])) || !is_atom(args[1])) return am::badarg;
  Term port = resolve_port(args[0]);
  if (port == NON_VALUE) return am::undefined;
  RefNumbers r;
  Term ref = await_ref(p, &r);
  port_request(port, PortOp::Info, signal_new(SigKind::Request, p->id, args[1]), r);
  return ref;
}

BIF_FN(erlang_ports_0) {
  (void)args;
  std::vector<Term> ports = port_list();
  Term l = NIL;
  for (size_t i = ports.size(); i-- > 0;) l = make_cons(p, ports[i], l);
  return l;
}

}  // namespace bvm
