// erlang: links, monitors, exit signals, spawning with options.
#include <algorithm>

#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "vm/atom_table.h"
#include "vm/compare.h"
#include "vm/message.h"
#include "vm/messages.h"
#include "vm/signals.h"
#include "vm/vm.h"

namespace bvm {

BIF_FN(erlang_link_1) {
  Term other = args[0];
  if (!is_local_pid(other)) return raise_badarg(p);
  if (!link_processes(p, other)) {
    // The reference delivers noproc: as an exit signal when trapping exits,
    // else as an error.
    if (p->flags & PF_TRAP_EXIT) {
      message_send(p, p, make_tuple(p, {atom_put("EXIT"), other, atom_put("noproc")}));
      return am::true_;
    }
    return raise_error(p, atom_put("noproc"));
  }
  return am::true_;
}

BIF_FN(erlang_unlink_1) {
  if (!is_local_pid(args[0])) return raise_badarg(p);
  unlink_processes(p, args[0]);
  return am::true_;
}

static Term do_monitor(Process* p, Term type, Term item, Term opts) {
  if (type != atom_put("process")) return raise_badarg(p);
  Term tag = atom_put("DOWN");
  for (Term l = opts; is_list(l); l = cdr(l)) {
    Term o = car(l);
    if (is_tuple(o) && tuple_arity(o) == 2 && tuple_elem(o, 1) == atom_put("tag") && is_immed(tuple_elem(o, 2)))
      tag = tuple_elem(o, 2);
    else if (!(is_tuple(o) && tuple_arity(o) == 2 && tuple_elem(o, 1) == atom_put("alias")))
      return raise_badarg(p);
  }
  if (is_local_pid(item)) return monitor_process(p, item, NON_VALUE, tag);
  if (is_atom(item)) {
    Process* t = process_whereis(item);
    return monitor_process(p, t ? t->id : NON_VALUE, item, tag);
  }
  if (is_tuple(item) && tuple_arity(item) == 2 && is_atom(tuple_elem(item, 1)) && is_atom(tuple_elem(item, 2))) {
    Process* t = process_whereis(tuple_elem(item, 1));
    return monitor_process(p, t ? t->id : NON_VALUE, tuple_elem(item, 1), tag);
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
    if (car(l) == atom_put("flush")) flush = true;
    else if (car(l) == atom_put("info")) info = true;
    else return raise_badarg(p);
  }
  bool was_active = demonitor_process(p, ref);
  bool removed = false;
  if (flush) {
    // Remove a {_, Ref, _, _, _} message already in the queue.
    for (Message** m = &p->msg_first; *m;) {
      Term t = (*m)->term;
      if (is_tuple(t) && tuple_arity(t) == 5 && is_ref(tuple_elem(t, 2)) && term_eq_exact(tuple_elem(t, 2), ref)) {
        Message* dead = *m;
        *m = dead->next;
        if (p->msg_last == &dead->next) p->msg_last = m;
        if (p->msg_save == &dead->next) p->msg_save = m;
        p->msg_len--;
        if (dead->frag) HeapFragment::destroy_consume(dead->frag);
        delete dead;
        removed = true;
        break;
      }
      m = &(*m)->next;
    }
  }
  if (!info) return am::true_;
  return (was_active || (flush && removed)) ? am::true_ : am::false_;
}

BIF_FN(erlang_exit_2) {
  Term to = args[0], reason = args[1];
  if (!is_local_pid(to)) {
    if (is_pid(to) || is_port(to)) return am::true_;  // remote or port: later issues
    return raise_badarg(p);
  }
  Process* t = process_lookup(to);
  if (!t) return am::true_;
  send_exit_signal(p, p->id, t, reason, false);
  if (t == p && p->pending_exit != NON_VALUE) {
    p->trap_value = am::true_;
    return BIF_YIELD;  // the scheduler terminates it
  }
  return am::true_;
}

BIF_FN(erlang_process_flag_2) {
  Term flag = args[0], value = args[1];
  if (flag == atom_put("trap_exit")) {
    if (value != am::true_ && value != am::false_) return raise_badarg(p);
    Term old = (p->flags & PF_TRAP_EXIT) ? am::true_ : am::false_;
    if (value == am::true_) p->flags |= PF_TRAP_EXIT;
    else p->flags &= ~PF_TRAP_EXIT;
    return old;
  }
  if (flag == atom_put("priority")) {
    Term old = p->priority == NON_VALUE ? atom_put("normal") : p->priority;
    if (value != atom_put("low") && value != atom_put("normal") && value != atom_put("high") &&
        value != atom_put("max"))
      return raise_badarg(p);
    p->priority = value;
    return old;
  }
  return raise_badarg(p);
}

BIF_FN(erlang_is_process_alive_1) {
  if (!is_local_pid(args[0])) return raise_badarg(p);
  Process* t = process_lookup(args[0]);
  return t && t->pending_exit == NON_VALUE ? am::true_ : am::false_;
}

BIF_FN(erlang_spawn_link_3) {
  if (!is_atom(args[0]) || !is_atom(args[1]) || list_length(args[2]) < 0) return raise_badarg(p);
  Process* child = process_spawn(p, args[0], args[1], args[2]);
  if (!child) return raise_system_limit(p);
  link_processes(p, child->id);
  return child->id;
}

BIF_FN(erlang_spawn_opt_4) {
  if (!is_atom(args[0]) || !is_atom(args[1]) || list_length(args[2]) < 0 || list_length(args[3]) < 0)
    return raise_badarg(p);
  bool link = false, monitor = false;
  for (Term l = args[3]; is_list(l); l = cdr(l)) {
    Term o = car(l);
    if (o == atom_put("link")) link = true;
    else if (o == atom_put("monitor")) monitor = true;
    else if (is_tuple(o) && tuple_arity(o) == 2 && is_atom(tuple_elem(o, 1))) continue;  // heap sizes etc.
    else return raise_badarg(p);
  }
  Process* child = process_spawn(p, args[0], args[1], args[2]);
  if (!child) return raise_system_limit(p);
  if (link) link_processes(p, child->id);
  if (monitor) return make_tuple(p, {child->id, monitor_process(p, child->id, NON_VALUE, atom_put("DOWN"))});
  return child->id;
}

BIF_FN(erlang_yield_0) {
  (void)args;
  p->trap_value = am::true_;
  return BIF_YIELD;
}

}  // namespace bvm
