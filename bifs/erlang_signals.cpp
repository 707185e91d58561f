// erlang: links, monitors, exit signals and aliases (vm/signals.h does the
// work; these check arguments the way the reference does).
#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "vm/atom_table.h"
#include "vm/compare.h"
#include "vm/identity.h"
#include "vm/messages.h"
#include "vm/registry.h"
#include "vm/signals.h"

namespace bvm {

BIF_FN(erlang_link_1) {
  Term other = args[0];
  if (!is_pid(other) && !is_port(other)) return raise_badarg(p);
  if (!(is_local_pid(other) || is_local_port(other)) || !link_to(p, other)) {
    // The reference delivers noproc as an exit message when trapping
    // exits, else raises it (documented, if regretted).
    if (p->flags & PF_TRAP_EXIT) {
      signal_send(p->id, signal_new(SigKind::Message, p->id, make_tuple(p, {am::EXIT, other, am::noproc})));
      return am::true_;
    }
    return raise_error(p, am::noproc);
  }
  return am::true_;
}

BIF_FN(erlang_unlink_1) {
  if (!is_pid(args[0]) && !is_port(args[0])) return raise_badarg(p);
  if (is_local_pid(args[0]) || is_local_port(args[0])) unlink_from(p, args[0]);
  return am::true_;
}

// {alias, Mode} in monitor/3 options.
static bool alias_mode(Term t, AliasMode* out) {
  if (t == am::explicit_unalias) *out = AliasMode::Explicit;
  else if (t == am::demonitor) *out = AliasMode::Demonitor;
  else if (t == am::reply_demonitor) *out = AliasMode::ReplyDemonitor;
  else return false;
  return true;
}

static Term do_monitor(Process* p, Term type, Term item, Term opts) {
  Term tag = am::DOWN;
  AliasMode mode;
  bool with_alias = false;
  for (Term l = opts; is_list(l); l = cdr(l)) {
    Term o = car(l);
    if (!is_tuple(o) || tuple_arity(o) != 2) return raise_badarg(p);
    if (tuple_elem(o, 1) == am::tag) {
      tag = tuple_elem(o, 2);
    } else if (tuple_elem(o, 1) == am::alias && alias_mode(tuple_elem(o, 2), &mode)) {
      with_alias = true;
    } else {
      return raise_badarg(p);
    }
  }
  const AliasMode* a = with_alias ? &mode : nullptr;
  Term local = local_node()->name;
  // {Name, Node}: by name on this node; another node is not connected.
  auto by_name_node = [&](Term t) {
    return is_tuple(t) && tuple_arity(t) == 2 && is_atom(tuple_elem(t, 1)) && is_atom(tuple_elem(t, 2));
  };
  if (type == atom_put("port")) {
    if (is_local_port(item)) return monitor_process(p, item, NON_VALUE, tag, a);
    if (is_atom(item) || (by_name_node(item) && tuple_elem(item, 2) == local)) {
      Term name = is_atom(item) ? item : tuple_elem(item, 1);
      Term port = registry_whereis(name);
      if (is_local_port(port)) return monitor_process(p, port, name, tag, a);
      // No such port: the monitor fires at once.
      return monitor_down_now(p, type, make_tuple(p, {name, local}), tag, am::noproc, a);
    }
    // A port of an earlier incarnation of this node is gone.
    if (is_port(item) && identity_node(item)->name == local) return monitor_down_now(p, type, item, tag, am::noproc, a);
    return raise_badarg(p);  // other nodes' ports: not yet
  }
  if (type == atom_put("time_offset")) {
    // The time warp mode is no_time_warp: the offset never changes, so
    // this monitor never fires.
    if (item != atom_put("clock_service")) return raise_badarg(p);
    return make_ref_term(p, new_ref_numbers());
  }
  if (type != am::process) return raise_badarg(p);
  if (is_local_pid(item)) return monitor_process(p, item, NON_VALUE, tag, a);
  if (is_atom(item)) {
    Term pid = registry_whereis(item);
    return monitor_process(p, pid, item, tag, a);
  }
  if (by_name_node(item)) {
    Term name = tuple_elem(item, 1), node = tuple_elem(item, 2);
    if (node == local) return monitor_process(p, registry_whereis(name), name, tag, a);
    // Another node: we are not connected to it.
    return monitor_down_now(p, type, item, tag, am::noconnection, a);
  }
  if (is_pid(item)) {
    // A process of an earlier incarnation of this node is gone; other
    // nodes are not connected.
    Term reason = identity_node(item)->name == local ? am::noproc : am::noconnection;
    return monitor_down_now(p, type, item, tag, reason, a);
  }
  return raise_badarg(p);
}

BIF_FN(erlang_monitor_2) { return do_monitor(p, args[0], args[1], NIL); }
BIF_FN(erlang_monitor_3) {
  if (list_length(args[2]) < 0) return raise_badarg(p);
  return do_monitor(p, args[0], args[1], args[2]);
}

BIF_FN(erlang_demonitor_1) {
  if (!is_ref(args[0])) return raise_badarg(p);
  demonitor_process(p, args[0]);
  return am::true_;
}

BIF_FN(erlang_demonitor_2) {
  Term ref = args[0];
  if (!is_ref(ref) || list_length(args[1]) < 0) return raise_badarg(p);
  bool flush = false, info = false;
  for (Term l = args[1]; is_list(l); l = cdr(l)) {
    if (car(l) == am::flush) flush = true;
    else if (car(l) == am::info) info = true;
    else return raise_badarg(p);
  }
  bool was_active = demonitor_process(p, ref);
  if (flush && !was_active) {
    // (An active monitor has no 'DOWN' anywhere: a MonitorDown signal for
    // it arriving later finds no monitor and is dropped. So the message
    // queue is scanned only when the monitor had ended.)
    // A 'DOWN' for it may be on its way: take in what has arrived, then
    // remove {_, Ref, _, _, _}.
    if (signals_pending(p) && process_handle_signals(p) == SignalResult::Exit) {
      p->trap_value = am::true_;
      return BIF_YIELD;  // the scheduler sees it must die
    }
    message_remove_first(p, [&](Term t) {
      return is_tuple(t) && tuple_arity(t) == 5 && is_ref(tuple_elem(t, 2)) && term_eq_exact(tuple_elem(t, 2), ref);
    });
  }
  if (!info) return am::true_;
  return was_active ? am::true_ : am::false_;  // false also when a flush was needed
}

BIF_FN(erlang_exit_2) {
  Term to = args[0], reason = args[1];
  if (is_local_pid(to)) {
    send_exit(p, to, reason);
    if (to == p->id && signals_pending(p)) {
      // To itself: acted on before the call returns, as in the reference.
      if (process_handle_signals(p) == SignalResult::Exit) {
        p->trap_value = am::true_;
        return BIF_YIELD;
      }
    }
    return am::true_;
  }
  if (is_local_port(to)) {
    send_exit(p, to, reason);
    return am::true_;
  }
  if (is_pid(to) || is_port(to)) return am::true_;  // other nodes: not connected
  return raise_badarg(p);
}

BIF_FN(erlang_alias_1) {
  if (list_length(args[0]) < 0) return raise_badarg(p);
  AliasMode mode = AliasMode::Explicit;
  for (Term l = args[0]; is_list(l); l = cdr(l)) {
    if (car(l) == am::explicit_unalias) mode = AliasMode::Explicit;
    else if (car(l) == am::reply) mode = AliasMode::Reply;
    else return raise_badarg(p);
  }
  return alias_create(p, mode);
}

BIF_FN(erlang_unalias_1) {
  if (!is_ref(args[0])) return raise_badarg(p);
  return alias_remove(p, args[0]) ? am::true_ : am::false_;
}

}  // namespace bvm
