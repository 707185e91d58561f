// erlang: send_after/3,4, start_timer/3,4, cancel_timer/1,2, read_timer/1,2
// (the timers themselves: vm/timers.h).
#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "bifs/erlang_time.h"
#include "vm/atom_table.h"
#include "vm/signals.h"
#include "vm/timers.h"
#include "vm/vm.h"

namespace bvm {

namespace {

bool bool_opt(Term opt, Term key, bool* out) {
  if (!is_tuple(opt) || tuple_arity(opt) != 2 || tuple_elem(opt, 1) != key) return false;
  Term v = tuple_elem(opt, 2);
  if (v != am::true_ && v != am::false_) return false;
  *out = v == am::true_;
  return true;
}

// send_after / start_timer: `wrap` puts the message in {timeout, Ref, Msg}.
Term start(Process* p, Term time, Term dest, Term msg, Term opts, bool wrap) {
  bool abs = false;
  if (list_length(opts) < 0) return raise_badarg(p);
  for (Term l = opts; is_list(l); l = cdr(l))
    if (!bool_opt(car(l), am::abs, &abs)) return raise_badarg(p);
  int64_t t, at;
  if (!is_integer(time)) return raise_badarg(p);
  if (!term_to_int64(time, &t) || !timer_deadline_us(t, abs, &at))
    return raise_error_cause(p, am::badarg, atom_put("time"));
  if (!is_local_pid(dest) && !is_atom(dest)) return raise_badarg(p);
  RefNumbers r = new_ref_numbers();
  Term ref = make_ref_term(p, r);
  Term payload = wrap ? make_tuple(p, {am::timeout, ref, msg}) : msg;
  Message* m = signal_new(SigKind::Message, p->id, payload);
  if (is_local_pid(dest)) {
    // A timer to a pid ends with that process: none at all for one that
    // is gone already.
    Process* t = process_lookup(dest);
    if (!t || t->state.load(std::memory_order_acquire) == ProcState::Exited) {
      message_free(m);
      return ref;
    }
    timer_start_message(r, at, dest, m);
    // (The timer service's lock is never taken under a sig_lock.)
    bool exited;
    std::vector<RefNumbers> old;
    {
      std::lock_guard<SpinLock> lock(t->sig_lock);
      exited = t->state.load(std::memory_order_relaxed) == ProcState::Exited;
      if (!exited) {
        if (!t->dest_timers) t->dest_timers = std::make_unique<DestTimers>();
        DestTimers& d = *t->dest_timers;
        d.refs.push_back(r);
        if (d.refs.size() >= 2 * d.pruned + 16) old.swap(d.refs);
      }
    }
    if (exited) {
      timer_cancel(r);
      return ref;
    }
    if (!old.empty()) {  // drop the timers that went off or were cancelled
      std::erase_if(old, [](const RefNumbers& x) { return timer_read(x) < 0; });
      {
        std::lock_guard<SpinLock> lock(t->sig_lock);
        exited = t->state.load(std::memory_order_relaxed) == ProcState::Exited;
        if (!exited) {
          DestTimers& d = *t->dest_timers;
          d.refs.insert(d.refs.end(), old.begin(), old.end());
          d.pruned = d.refs.size();
        }
      }
      if (exited)
        for (const RefNumbers& x : old) timer_cancel(x);
    }
    return ref;
  }
  timer_start_message(r, at, dest, m);
  return ref;
}

// cancel_timer / read_timer: Opts [{async, B}, {info, B}].
Term cancel_or_read(Process* p, Term ref, Term opts, bool cancel) {
  bool async = false, info = true;
  if (list_length(opts) < 0) return raise_badarg(p);
  for (Term l = opts; is_list(l); l = cdr(l)) {
    if (bool_opt(car(l), am::async, &async)) continue;
    if (cancel && bool_opt(car(l), am::info, &info)) continue;
    return raise_badarg(p);
  }
  if (!is_ref(ref)) return raise_badarg(p);
  RefNumbers r;
  int64_t left = -1;
  if (ref_term_numbers(ref, &r)) left = cancel ? timer_cancel(r) : timer_read(r);
  Term result = left < 0 ? am::false_ : make_integer(p, left);
  if (!async) return info ? result : am::ok;
  if (info) {
    Term msg = make_tuple(p, {cancel ? am::cancel_timer : am::read_timer, ref, result});
    signal_send(p->id, signal_new(SigKind::Message, p->id, msg));
  }
  return am::ok;
}

}  // namespace

BIF_FN(erlang_send_after_3) { return start(p, args[0], args[1], args[2], NIL, false); }
BIF_FN(erlang_send_after_4) { return start(p, args[0], args[1], args[2], args[3], false); }
BIF_FN(erlang_start_timer_3) { return start(p, args[0], args[1], args[2], NIL, true); }
BIF_FN(erlang_start_timer_4) { return start(p, args[0], args[1], args[2], args[3], true); }
BIF_FN(erlang_cancel_timer_1) { return cancel_or_read(p, args[0], NIL, true); }
BIF_FN(erlang_cancel_timer_2) { return cancel_or_read(p, args[0], args[1], true); }
BIF_FN(erlang_read_timer_1) { return cancel_or_read(p, args[0], NIL, false); }
BIF_FN(erlang_read_timer_2) { return cancel_or_read(p, args[0], args[1], false); }

}  // namespace bvm
