// ets: objects. Inserting, looking up, deleting, updating in place,
// traversing by key and by slot.
//
// Objects are copied into table memory outside the table lock when they
// can be (the lock is then held only to link them in), and copied out into
// the caller's heap under the shared lock.
#include <algorithm>
#include <utility>
#include <vector>

#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "bifs/ets_access.h"
#include "vm/compare.h"

namespace bvm {

namespace {

Table* find_or_raise(Process* p, Term tid) {
  TidError err;
  Table* t = ets_find(tid, &err);
  if (!t) badarg_cause(p, err == TidError::Type ? "type" : "id");
  return t;
}

bool valid_object(Term o, UWord keypos) { return is_tuple(o) && tuple_arity(o) >= keypos; }

DbObj* new_object(const Table* t, Term tuple) {
  Term key = tuple_elem(tuple, t->keypos);
  return DbObj::create(tuple, t->keypos, t->is_hash() ? ets_hash(key) : 0);
}

// Objects made for a table, destroyed unless handed over.
struct NewObjects {
  std::vector<DbObj*> v;
  ~NewObjects() {
    for (DbObj* o : v) DbObj::destroy(o);
  }
};

Term list_from(Process* p, const std::vector<Term>& v) {
  Term l = NIL;
  for (size_t i = v.size(); i-- > 0;) l = make_cons(p, v[i], l);
  return l;
}

// Every live object with `key`, in lookup order.
std::vector<DbObj*> objects_with_key(const Store& s, Term key) {
  std::vector<DbObj*> v;
  for (DbObj* o = s.find(key); o; o = s.next_same_key(o)) v.push_back(o);
  return v;
}

Term insert(Process* p, Term tid, Term arg, bool only_new) {
  Table* t = find_or_raise(p, tid);
  if (!t) return NON_VALUE;
  if (is_nil(arg)) {
    LockedTable lt(p, t, Need::Write, false);
    return lt.ok() ? am::true_ : NON_VALUE;
  }
  std::vector<Term> objs;
  bool valid = true;
  if (is_list(arg) && !is_nil(cdr(arg))) {
    Term l = arg;
    for (; is_list(l) && valid; l = cdr(l)) {
      valid = valid_object(car(l), t->keypos);
      objs.push_back(car(l));
    }
    valid = valid && is_nil(l);
    // The reference inserts a list into a bag last to first.
    if (t->type == TabType::Bag) std::reverse(objs.begin(), objs.end());
  } else {
    Term o = is_list(arg) ? car(arg) : arg;
    valid = valid_object(o, t->keypos);
    objs.push_back(o);
  }
  if (!valid) {  // a bad table or access comes first
    LockedTable lt(p, t, Need::Write, false);
    return lt.ok() ? raise_badarg(p) : NON_VALUE;
  }
  NewObjects made;
  made.v.reserve(objs.size());
  for (Term o : objs) made.v.push_back(new_object(t, o));
  LockedTable lt(p, t, Need::Write, true);
  if (!lt.ok()) return NON_VALUE;
  Store& s = lt.store();
  if (only_new) {
    for (DbObj* o : made.v)
      if (s.find(o->key)) return am::false_;
  }
  for (DbObj* o : made.v) s.insert(o);
  made.v.clear();
  return am::true_;
}

// Writes new values of some elements of o: in place when only
// immediates are involved, else as a new object.
void update_elements(Store& s, const Table* t, DbObj* o, const std::vector<std::pair<UWord, Term>>& updates) {
  bool in_place = true;
  for (auto& [pos, v] : updates) in_place = in_place && is_immed(v) && is_immed(tuple_elem(o->tuple, pos));
  if (in_place) {
    for (auto& [pos, v] : updates) tuple_elem(o->tuple, pos) = v;
    return;
  }
  UWord arity = tuple_arity(o->tuple);
  std::vector<Term> tmp(tuple_val(o->tuple), tuple_val(o->tuple) + arity + 1);
  for (auto& [pos, v] : updates) tmp[pos] = v;
  s.replace(o, DbObj::create(make_boxed(tmp.data()), t->keypos, o->hash));
}

}  // namespace

BIF_FN(ets_insert_2) { return insert(p, args[0], args[1], false); }
BIF_FN(ets_insert_new_2) { return insert(p, args[0], args[1], true); }

// ---------------------------------------------------------------- reading

BIF_FN(ets_lookup_2) {
  LockedTable t(p, args[0], Need::Read, false);
  if (!t.ok()) return NON_VALUE;
  Store& s = t.store();
  DbObj* o = s.find(args[1]);
  if (!o) return NIL;
  if (!t->is_bag()) return make_cons(p, o->copy_out(p), NIL);
  std::vector<Term> copies;
  for (; o; o = s.next_same_key(o)) copies.push_back(o->copy_out(p));
  return list_from(p, copies);
}

BIF_FN(ets_member_2) {
  LockedTable t(p, args[0], Need::Read, false);
  if (!t.ok()) return NON_VALUE;
  return t.store().find(args[1]) ? am::true_ : am::false_;
}

BIF_FN(ets_lookup_element_3) {
  LockedTable t(p, args[0], Need::Read, false);
  if (!t.ok()) return NON_VALUE;
  if (!is_small(args[2]) || small_val(args[2]) < 1) return raise_badarg(p);
  UWord pos = UWord(small_val(args[2]));
  std::vector<DbObj*> objs = objects_with_key(t.store(), args[1]);
  if (objs.empty()) return badarg_cause(p, "badkey");
  for (DbObj* o : objs)
    if (pos > tuple_arity(o->tuple)) return raise_badarg(p);
  if (!t->is_bag()) return objs[0]->copy_element(p, pos);
  std::vector<Term> elems;
  for (DbObj* o : objs) elems.push_back(o->copy_element(p, pos));
  return list_from(p, elems);
}

// ---------------------------------------------------------------- deleting

BIF_FN(ets_delete_2) {
  LockedTable t(p, args[0], Need::Write, true);
  if (!t.ok()) return NON_VALUE;
  t.store().erase_key(args[1]);
  return am::true_;
}

BIF_FN(ets_delete_object_2) {
  LockedTable t(p, args[0], Need::Write, true);
  if (!t.ok()) return NON_VALUE;
  if (!valid_object(args[1], t->keypos)) return raise_badarg(p);
  Store& s = t.store();
  for (DbObj* o : objects_with_key(s, tuple_elem(args[1], t->keypos)))
    if (term_eq_exact(o->tuple, args[1])) s.erase(o);
  return am::true_;
}

BIF_FN(ets_take_2) {
  LockedTable t(p, args[0], Need::Write, true);
  if (!t.ok()) return NON_VALUE;
  Store& s = t.store();
  std::vector<Term> copies;
  for (DbObj* o : objects_with_key(s, args[1])) copies.push_back(o->copy_out(p));
  if (!copies.empty()) s.erase_key(args[1]);
  return list_from(p, copies);
}

// ets:delete_all_objects/1 and select_delete/2 with a match-all spec.
BIF_FN(ets_internal_delete_all_2) {
  LockedTable t(p, args[0], Need::Write, true);
  if (!t.ok()) return NON_VALUE;
  if (args[1] != am::undefined) return raise_badarg(p);
  return make_integer(p, int64_t(t.store().clear()));
}

// ---------------------------------------------------------------- updating

BIF_FN(ets_update_element_3) {
  LockedTable t(p, args[0], Need::Write, true);
  if (!t.ok()) return NON_VALUE;
  if (t->is_bag()) return raise_badarg(p);  // no cause, unlike update_counter
  Term one[2];
  Term list = args[2];
  if (is_tuple(list)) {
    one[0] = list;
    one[1] = NIL;
    list = make_list(one);
  }
  Store& s = t.store();
  DbObj* o = s.find(args[1]);
  if (!o) return am::false_;
  std::vector<std::pair<UWord, Term>> updates;
  Term l = list;
  for (; is_list(l); l = cdr(l)) {
    Term pv = car(l);
    if (!is_tuple(pv) || tuple_arity(pv) != 2 || !is_small(tuple_elem(pv, 1))) return raise_badarg(p);
    SWord pos = small_val(tuple_elem(pv, 1));
    if (pos == SWord(t->keypos)) return badarg_cause(p, "keypos");
    if (pos < 1 || UWord(pos) > tuple_arity(o->tuple)) return raise_badarg(p);
    updates.emplace_back(UWord(pos), tuple_elem(pv, 2));
  }
  if (!is_nil(l)) return raise_badarg(p);
  if (!updates.empty()) update_elements(s, t.get(), o, updates);
  return am::true_;
}

namespace {

// The usual case: one increment of a small counter by a small amount, the
// object there and the sum small. Done in place; NON_VALUE if not that case.
Term quick_increment(Store& s, UWord keypos, Term key, Term op) {
  Term pos_term = make_small(SWord(keypos) + 1), incr = op;
  if (is_tuple(op)) {
    if (tuple_arity(op) != 2) return NON_VALUE;
    pos_term = tuple_elem(op, 1);
    incr = tuple_elem(op, 2);
  }
  if (!is_small(incr) || !is_small(pos_term)) return NON_VALUE;
  SWord pos = small_val(pos_term);
  if (pos < 1 || SWord(keypos) == pos) return NON_VALUE;
  DbObj* o = s.find(key);
  if (!o || UWord(pos) > tuple_arity(o->tuple)) return NON_VALUE;
  Term& cur = tuple_elem(o->tuple, UWord(pos));
  if (!is_small(cur)) return NON_VALUE;
  SWord sum = small_val(cur) + small_val(incr);  // no overflow: smalls have 60 bits
  if (!fits_small(sum)) return NON_VALUE;
  cur = make_small(sum);
  return cur;
}

Term update_counter(Process* p, Term tid, Term key, Term op, Term deflt) {
  LockedTable t(p, tid, Need::Write, true);
  if (!t.ok()) return NON_VALUE;
  if (deflt != NON_VALUE && !is_tuple(deflt)) return raise_badarg(p);
  if (t->is_bag()) return badarg_cause(p, "table_type");
  UWord keypos = t->keypos;
  if (Term r = quick_increment(t.store(), keypos, key, op); r != NON_VALUE) return r;
  Term incr_op[3] = {make_header(2, Sub::Tuple), make_small(SWord(keypos) + 1), op};
  Term one[2];
  Term ops;
  bool want_list = false;
  if (is_integer(op) || is_tuple(op)) {
    one[0] = is_integer(op) ? make_boxed(incr_op) : op;
    one[1] = NIL;
    ops = make_list(one);
  } else {
    ops = op;
    want_list = true;
  }
  Store& s = t.store();
  DbObj* o = s.find(key);
  bool created = false;
  if (!o) {
    if (deflt == NON_VALUE) return badarg_cause(p, "badkey");
    if (tuple_arity(deflt) < keypos) return raise_badarg(p);
    std::vector<Term> tmp(tuple_val(deflt), tuple_val(deflt) + tuple_arity(deflt) + 1);
    tmp[keypos] = key;
    DbObj* n = DbObj::create(make_boxed(tmp.data()), keypos, t->is_hash() ? ets_hash(key) : 0);
    s.insert(n);
    o = n;
    created = true;
  }
  UWord arity = tuple_arity(o->tuple);
  // Check everything before changing anything.
  auto fail = [&](const char* cause) {
    if (created) s.erase(o);
    return cause ? badarg_cause(p, cause) : raise_badarg(p);
  };
  Term l = ops;
  for (; is_list(l); l = cdr(l)) {
    Term u = car(l);
    if (!is_tuple(u) || (tuple_arity(u) != 2 && tuple_arity(u) != 4)) return fail(nullptr);
    if (tuple_arity(u) == 4 && (!is_integer(tuple_elem(u, 3)) || !is_integer(tuple_elem(u, 4)))) return fail(nullptr);
    if (!is_small(tuple_elem(u, 1)) || !is_integer(tuple_elem(u, 2))) return fail(nullptr);
    SWord pos = small_val(tuple_elem(u, 1));
    if (pos == SWord(keypos)) return fail("keypos");
    if (pos < 1 || UWord(pos) > arity) return fail("position");
    if (!is_integer(tuple_elem(o->tuple, UWord(pos)))) return fail(nullptr);
  }
  if (!is_nil(l)) return fail(nullptr);
  // The counters, updated one after the other (a position may come twice).
  std::vector<Term> cur(tuple_val(o->tuple), tuple_val(o->tuple) + arity + 1);
  std::vector<std::pair<UWord, Term>> updates;
  std::vector<Term> results;
  for (l = ops; is_list(l); l = cdr(l)) {
    Term u = car(l);
    UWord pos = UWord(small_val(tuple_elem(u, 1)));
    Term incr = tuple_elem(u, 2);
    Term sum_args[2] = {cur[pos], incr};
    Term v = erlang_plus_2(p, sum_args);
    if (v == NON_VALUE) return fail(nullptr);  // system_limit in the reference
    if (tuple_arity(u) == 4) {
      Term threshold = tuple_elem(u, 3);
      bool negative = term_compare(incr, make_small(0)) < 0;
      if (negative ? term_compare(v, threshold) < 0 : term_compare(v, threshold) > 0) v = tuple_elem(u, 4);
    }
    cur[pos] = v;
    updates.emplace_back(pos, v);
    results.push_back(v);
    if (!want_list) break;
  }
  if (!updates.empty()) update_elements(s, t.get(), o, updates);
  if (!want_list) return results[0];
  return list_from(p, results);
}

}  // namespace

BIF_FN(ets_update_counter_3) { return update_counter(p, args[0], args[1], args[2], NON_VALUE); }
BIF_FN(ets_update_counter_4) { return update_counter(p, args[0], args[1], args[2], args[3]); }

// ---------------------------------------------------------------- traversal

namespace {

Term key_or_end(Process* p, DbObj* o) { return o ? copy_to_heap(p, o->key) : atom_put("$end_of_table"); }

Term step(Process* p, Term* args, bool forward) {
  LockedTable t(p, args[0], Need::Read, false);
  if (!t.ok()) return NON_VALUE;
  DbObj* o;
  bool found = forward ? t.store().next(args[1], &o) : t.store().prev(args[1], &o);
  if (!found) return raise_badarg(p);
  return key_or_end(p, o);
}

}  // namespace

BIF_FN(ets_first_1) {
  LockedTable t(p, args[0], Need::Read, false);
  if (!t.ok()) return NON_VALUE;
  return key_or_end(p, t.store().first());
}

BIF_FN(ets_last_1) {
  LockedTable t(p, args[0], Need::Read, false);
  if (!t.ok()) return NON_VALUE;
  return key_or_end(p, t.store().last());
}

BIF_FN(ets_next_2) { return step(p, args, true); }
BIF_FN(ets_prev_2) { return step(p, args, false); }

BIF_FN(ets_slot_2) {
  LockedTable t(p, args[0], Need::Read, false);
  if (!t.ok()) return NON_VALUE;
  if (!is_small(args[1]) || small_val(args[1]) < 0) return raise_badarg(p);
  UWord i = UWord(small_val(args[1]));
  if (t->type == TabType::OrderedSet) {
    auto& tree = static_cast<TreeStore&>(t.store());
    if (i > tree.size()) return raise_badarg(p);
    if (i == tree.size()) return atom_put("$end_of_table");
    return make_cons(p, tree.nth(i)->copy_out(p), NIL);
  }
  auto& hash = static_cast<HashStore&>(t.store());
  if (i > hash.bucket_count()) return raise_badarg(p);
  if (i == hash.bucket_count()) return atom_put("$end_of_table");
  std::vector<Term> copies;
  for (DbObj* o = hash.bucket(i); o; o = o->next)
    if (!o->dead) copies.push_back(o->copy_out(p));
  return list_from(p, copies);
}

}  // namespace bvm
