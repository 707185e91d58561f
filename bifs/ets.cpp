// ets: creating, naming, owning, fixing and describing tables.
// (Objects: bifs/ets_data.cpp; select and match: bifs/ets_select.cpp;
// compiled match specs: bifs/ets_ms.cpp.)
#include <memory>

#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "bifs/ets_access.h"
#include "vm/identity.h"
#include "vm/scheduler.h"
#include "vm/signals.h"

namespace bvm {

namespace {

Term atom(const char* s) { return atom_put(s); }

Term type_atom(TabType t) {
  switch (t) {
    case TabType::Set: return atom("set");
    case TabType::OrderedSet: return atom("ordered_set");
    case TabType::Bag: return atom("bag");
    case TabType::DuplicateBag: return atom("duplicate_bag");
  }
  return am::undefined;
}

Term access_atom(Access a) {
  switch (a) {
    case Access::Private: return atom("private");
    case Access::Protected: return atom("protected");
    case Access::Public: return atom("public");
  }
  return am::undefined;
}

// The heir as set by ets:new/2 or setopts/2: a dead process means none.
void set_heir(Table* t, Term heir, Term data) {
  if (heir != atom("none") && !ets_process_alive(heir)) heir = atom("none");
  t->heir.store(heir);
  t->set_heir_data(heir == atom("none") ? NON_VALUE : data);
}

size_t memory_words(const Table* t) { return (sizeof(Table) + t->store->memory_bytes() + 7) / 8; }

// One info item; NON_VALUE if there is no such item.
Term info_item(Process* p, Table* t, Term what) {
  std::string_view w = is_atom(what) ? atom_text(what) : std::string_view();
  if (w == "size") return make_integer(p, int64_t(t->store->size()));
  if (w == "memory") return make_integer(p, int64_t(memory_words(t)));
  if (w == "type") return type_atom(t->type);
  if (w == "owner") return t->owner.load();
  if (w == "heir") return t->heir.load();
  if (w == "protection") return access_atom(t->access.load());
  if (w == "write_concurrency") {
    if (t->debug_locks)
      return make_tuple(p, {atom("debug_hash_fixed_number_of_locks"), make_small(SWord(t->debug_locks))});
    return t->write_concurrency;
  }
  if (w == "read_concurrency") return t->read_concurrency ? am::true_ : am::false_;
  if (w == "name") return t->name.load();
  if (w == "keypos") return make_small(SWord(t->keypos));
  if (w == "node") return local_node()->name;
  if (w == "named_table") return t->named ? am::true_ : am::false_;
  if (w == "compressed") return t->compressed ? am::true_ : am::false_;
  if (w == "id") return ets_ref_term(p, t);
  if (w == "decentralized_counters") return t->decentralized_counters ? am::true_ : am::false_;
  if (w == "fixed") return t->fixed() ? am::true_ : am::false_;
  if (w == "safe_fixed" || w == "safe_fixed_monotonic_time") {
    if (!t->fixed()) return am::false_;
    Term procs = NIL;
    for (const Table::Fixer& f : t->fixers)
      procs = make_cons(p, make_tuple(p, {f.pid, make_integer(p, int64_t(f.count))}), procs);
    Term time = w == "safe_fixed" ? make_tuple(p, {t->fix_timestamp[0], t->fix_timestamp[1], t->fix_timestamp[2]})
                                  : make_integer(p, t->fix_monotonic);
    return make_tuple(p, {time, procs});
  }
  return NON_VALUE;
}

}  // namespace

// ---------------------------------------------------------------- new

BIF_FN(ets_new_2) {
  Term name = args[0];
  if (!is_atom(name) || (!is_nil(args[1]) && !is_list(args[1]))) return raise_badarg(p);
  TabType type = TabType::Set;
  Access access = Access::Protected;
  UWord keypos = 1;
  bool named = false, compressed = false, fine_locked = false, frequent_read = false;
  bool decentralized = false, explicit_locks = false, wc_auto = false;
  int dc_option = -1;
  SWord nlocks = -1;
  Term heir = atom("none"), heir_data = am::undefined;
  Term l = args[1];
  for (; is_list(l); l = cdr(l)) {
    Term o = car(l);
    if (o == atom("bag")) {
      type = TabType::Bag;
    } else if (o == atom("duplicate_bag")) {
      type = TabType::DuplicateBag;
    } else if (o == atom("ordered_set")) {
      decentralized = true;
      type = TabType::OrderedSet;
    } else if (o == atom("set") || o == atom("protected")) {
      if (o == atom("set")) type = TabType::Set;
      else access = Access::Protected;
    } else if (o == atom("public")) {
      access = Access::Public;
    } else if (o == atom("private")) {
      access = Access::Private;
    } else if (o == atom("named_table")) {
      named = true;
    } else if (o == atom("compressed")) {
      compressed = true;
    } else if (is_tuple(o) && tuple_arity(o) == 2) {
      Term k = tuple_elem(o, 1), v = tuple_elem(o, 2);
      if (k == atom("keypos") && is_small(v) && small_val(v) > 0) {
        keypos = UWord(small_val(v));
      } else if (k == atom("write_concurrency")) {
        if (v == atom("auto")) {
          decentralized = wc_auto = fine_locked = true;
          explicit_locks = false;
        } else if (v == am::true_) {
          if (type != TabType::OrderedSet) decentralized = false;
          fine_locked = true;
          explicit_locks = wc_auto = false;
        } else if (v == am::false_) {
          fine_locked = explicit_locks = wc_auto = false;
        } else if (is_tuple(v) && tuple_arity(v) == 2 && tuple_elem(v, 1) == atom("debug_hash_fixed_number_of_locks") &&
                   is_small(tuple_elem(v, 2)) && small_val(tuple_elem(v, 2)) >= 16 &&
                   small_val(tuple_elem(v, 2)) <= 32768) {
          decentralized = fine_locked = explicit_locks = true;
          wc_auto = false;
          nlocks = small_val(tuple_elem(v, 2));
        } else {
          break;
        }
        // With one scheduler the reference has no table locks at all.
        if (scheduler_count() == 1) fine_locked = false;
      } else if (k == atom("read_concurrency") && (v == am::true_ || v == am::false_)) {
        frequent_read = v == am::true_;
      } else if (k == atom("heir") && v == atom("none")) {
        heir = atom("none");
        heir_data = am::undefined;
      } else if (k == atom("decentralized_counters") && (v == am::true_ || v == am::false_)) {
        dc_option = v == am::true_;
      } else {
        break;
      }
    } else if (is_tuple(o) && tuple_arity(o) == 3 && tuple_elem(o, 1) == atom("heir") && is_local_pid(tuple_elem(o, 2))) {
      heir = tuple_elem(o, 2);
      heir_data = tuple_elem(o, 3);
    } else {
      break;
    }
  }
  if (!is_nil(l)) return raise_badarg(p);
  if (dc_option != -1) decentralized = dc_option;
  if (type == TabType::OrderedSet && explicit_locks) return raise_badarg(p);
  fine_locked = fine_locked && access != Access::Private;

  auto t = std::make_unique<Table>();
  t->type = type;
  t->keypos = keypos;
  t->named = named;
  t->name.store(name);
  t->access.store(access);
  t->compressed = compressed;
  t->read_concurrency = frequent_read && access != Access::Private;
  t->decentralized_counters = fine_locked && decentralized;
  if (fine_locked && type != TabType::OrderedSet && explicit_locks)
    t->debug_locks = uint32_t(nlocks);
  else if (fine_locked && wc_auto)
    t->write_concurrency = atom("auto");
  else
    t->write_concurrency = fine_locked ? am::true_ : am::false_;
  if (type == TabType::OrderedSet)
    t->store = std::make_unique<TreeStore>();
  else
    t->store = std::make_unique<HashStore>(type);
  set_heir(t.get(), heir, heir_data);
  if (!ets_register(t.get(), p)) return badarg_cause(p, "already_exists");
  Table* tab = t.release();
  return ets_tid_term(p, tab);
}

// ---------------------------------------------------------------- delete/1, whereis, rename

BIF_FN(ets_delete_1) {
  TidError err;
  Table* t = ets_find(args[0], &err);
  if (!t) return badarg_cause(p, err == TidError::Type ? "type" : "id");
  Term cause;
  if (!ets_delete(p, t, &cause)) return raise_error_cause(p, am::badarg, cause);
  return am::true_;
}

BIF_FN(ets_whereis_1) {
  if (!is_atom(args[0])) return raise_badarg(p);
  TidError err;
  Table* t = ets_find(args[0], &err);
  if (!t) return am::undefined;
  std::shared_lock<std::shared_mutex> lock(t->lock);
  if (t->deleted) return am::undefined;
  return ets_ref_term(p, t);
}

BIF_FN(ets_rename_2) {
  if (!is_atom(args[1])) {
    LockedTable t(p, args[0], Need::Write, false);
    if (!t.ok()) return NON_VALUE;
    return raise_badarg(p);
  }
  TidError err;
  Table* t = ets_find(args[0], &err);
  if (!t) return badarg_cause(p, err == TidError::Type ? "type" : "id");
  Term cause;
  if (!ets_rename(p, t, args[1], &cause)) return cause == NON_VALUE ? raise_badarg(p) : raise_error_cause(p, am::badarg, cause);
  return t->named ? args[1] : args[0];
}

// ---------------------------------------------------------------- owners

BIF_FN(ets_give_away_3) {
  TidError err;
  Table* t = ets_find(args[0], &err);
  if (!t) return badarg_cause(p, err == TidError::Type ? "type" : "id");
  switch (ets_give_away(p, t, args[1], args[2])) {
    case GiveAway::Ok: return am::true_;
    case GiveAway::Id: return badarg_cause(p, "id");
    case GiveAway::Access: return badarg_cause(p, "access");
    case GiveAway::NotAlive: return raise_badarg(p);
    case GiveAway::NotOwner: return badarg_cause(p, "not_owner");
    case GiveAway::AlreadyOwner: return badarg_cause(p, "owner");
  }
  return raise_badarg(p);
}

BIF_FN(ets_setopts_2) {
  LockedTable t(p, args[0], Need::Write, true);
  if (!t.ok()) return NON_VALUE;
  Term heir = NON_VALUE, heir_data = NON_VALUE;
  Access access = Access::Protected;
  bool set_access = false;
  Term one[2];
  Term l = args[1];
  if (is_tuple(l)) {
    one[0] = l;
    one[1] = NIL;
    l = make_list(one);
  }
  for (; is_list(l); l = cdr(l)) {
    Term o = car(l);
    if (!is_tuple(o) || tuple_arity(o) < 2) return raise_badarg(p);
    Term k = tuple_elem(o, 1);
    if (k == atom("heir")) {
      if (heir != NON_VALUE) return raise_badarg(p);
      heir = tuple_elem(o, 2);
      if (tuple_arity(o) == 2 && heir == atom("none")) {
        heir_data = am::undefined;
      } else if (tuple_arity(o) == 3 && is_local_pid(heir)) {
        heir_data = tuple_elem(o, 3);
      } else {
        return raise_badarg(p);
      }
    } else if (k == atom("protection")) {
      if (tuple_arity(o) != 2 || set_access) return raise_badarg(p);
      Term v = tuple_elem(o, 2);
      if (v == atom("private")) access = Access::Private;
      else if (v == atom("protected")) access = Access::Protected;
      else if (v == atom("public")) access = Access::Public;
      else return raise_badarg(p);
      set_access = true;
    } else {
      return raise_badarg(p);
    }
  }
  if (!is_nil(l) || t->owner.load() != p->id) return raise_badarg(p);
  if (heir_data != NON_VALUE) set_heir(t.get(), heir, heir_data);
  if (set_access) t->access.store(access);
  return am::true_;
}

// ---------------------------------------------------------------- fixing

BIF_FN(ets_safe_fixtable_2) {
  LockedTable t(p, args[0], Need::Read, true);
  if (!t.ok()) return NON_VALUE;
  if (args[1] == am::true_) {
    Term mono = erlang_monotonic_time_0(p, nullptr);
    Term ts = erlang_timestamp_0(p, nullptr);
    int64_t m = 0;
    term_to_int64(mono, &m);
    Term parts[3] = {tuple_elem(ts, 1), tuple_elem(ts, 2), tuple_elem(ts, 3)};
    bool first = t->fix(p->id, m, parts);
    t.unlock();
    if (first) ets_note_fixer(t.get(), p->id, true);
  } else if (args[1] == am::false_) {
    bool last = t->unfix(p->id, false);
    t.unlock();
    if (last) ets_note_fixer(t.get(), p->id, false);
  } else {
    return raise_badarg(p);
  }
  return am::true_;
}

// ---------------------------------------------------------------- info

BIF_FN(ets_info_1) {
  TidError err;
  Table* t = ets_find(args[0], &err);
  if (!t) return err == TidError::Type ? badarg_cause(p, "type") : am::undefined;
  std::shared_lock<std::shared_mutex> lock(t->lock);
  if (t->deleted) return am::undefined;
  static const char* const items[] = {"protection", "keypos", "type", "named_table", "node",
                                      "size", "name", "heir", "owner", "memory",
                                      "compressed", "write_concurrency", "read_concurrency",
                                      "decentralized_counters", "id"};
  Term list = NIL;
  for (const char* item : items) list = make_cons(p, make_tuple(p, {atom(item), info_item(p, t, atom(item))}), list);
  return list;
}

BIF_FN(ets_info_2) {
  TidError err;
  Table* t = ets_find(args[0], &err);
  if (!t) return err == TidError::Type ? badarg_cause(p, "type") : am::undefined;
  std::shared_lock<std::shared_mutex> lock(t->lock);
  if (t->deleted) return am::undefined;
  Term r = info_item(p, t, args[1]);
  if (r != NON_VALUE) return r;
  if (args[1] == atom("binary") || args[1] == atom("stats") || args[1] == atom("data")) return raise_error(p, am::notsup);
  return raise_badarg(p);
}

// ---------------------------------------------------------------- ets:all/0

// ets:all/0 waits for one {Ref, Tables} message per scheduler.
BIF_FN(ets_internal_request_all_0) {
  (void)args;
  Term ref = make_ref_term(p, new_ref_numbers());
  Term all = NIL;
  for (Table* t : ets_all_tables()) all = make_cons(p, ets_tid_term(p, t), all);
  unsigned n = scheduler_count();
  for (unsigned i = 0; i < n; i++) send_message(p, p->id, make_tuple(p, {ref, i == 0 ? all : NIL}));
  return ref;
}

}  // namespace bvm
