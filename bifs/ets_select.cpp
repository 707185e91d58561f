// ets: select and match (all, in chunks with continuations, counting,
// deleting, replacing).
//
// A match specification is compiled for every call (vm/match_spec.h) and
// run on each candidate object under the table's lock; results are copied
// onto the caller's heap at once. Candidates: when every clause's head
// binds the key, only the objects with those keys; in an ordered set a
// partly bound key gives a range of keys; otherwise the whole table.
//
// Result order (as the reference's): an ordered set in key order (reversed
// by select_reverse); a hash table's keys in the reverse of its traversal
// order (first/next), the objects of one key in lookup order; each chunk
// of select/3 holding the next objects of the traversal, reversed.
//
// Continuations (opaque to programs, shaped like the reference's):
//   hash tables   {Tid, NextBucket, ChunkSize, Spec, Rest, RestCount}
//   ordered sets  {Tid, LastKey, [], ChunkSize, Spec, [], Reverse, 0}
// Spec is the source match specification (compiled again for every
// chunk), Rest results found beyond the last chunk.
#include <algorithm>
#include <memory>
#include <vector>

#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "bifs/ets_access.h"
#include "vm/compare.h"
#include "vm/match_spec.h"

namespace bvm {

namespace {

// ---------------------------------------------------------------- candidates

// A key with no map inside can bound an ordered-set range.
bool range_usable(Term key) {
  std::vector<Term> stack{key};
  while (!stack.empty()) {
    Term t = stack.back();
    stack.pop_back();
    if (is_list(t)) {
      stack.push_back(car(t));
      stack.push_back(cdr(t));
    } else if (is_tuple(t)) {
      for (UWord i = 1; i <= tuple_arity(t); i++) stack.push_back(tuple_elem(t, i));
    } else if (is_map(t)) {
      return false;
    }
  }
  return true;
}

// What the heads say about keys: every clause bound (or impossible), some
// partly bound (ordered sets only), or a whole-table scan.
struct KeyPlan {
  enum Kind { Scan, Keys, Ranges } kind = Scan;
  std::vector<Term> keys;  // Keys: bound keys; Ranges: patterns (bound or partial)
};

KeyPlan plan_keys(const MatchSpec& ms, const Table& t) {
  KeyPlan plan;
  bool partial = false;
  for (size_t i = 0; i < ms.clause_count(); i++) {
    Term key = NON_VALUE;
    switch (ms.head_key(i, t.keypos, &key)) {
      case MatchSpec::KeyKind::Unbound: return KeyPlan{};
      case MatchSpec::KeyKind::Impossible: break;
      case MatchSpec::KeyKind::Bound: plan.keys.push_back(key); break;
      case MatchSpec::KeyKind::Partial:
        if (t.is_hash() || !range_usable(key)) return KeyPlan{};
        partial = true;
        plan.keys.push_back(key);
        break;
    }
  }
  plan.kind = partial ? KeyPlan::Ranges : KeyPlan::Keys;
  return plan;
}

// The live objects the plan selects, in traversal order (forward or, for
// ordered sets, backward). Ordered sets: only keys after `after` (before,
// backward) when it is a value.
std::vector<DbObj*> candidates(const Table& t, const KeyPlan& plan, bool backward, Term after) {
  std::vector<DbObj*> out;
  Store& s = *t.store;
  if (t.is_hash()) {
    auto& h = static_cast<HashStore&>(s);
    if (plan.kind == KeyPlan::Keys) {
      for (Term k : plan.keys)
        for (DbObj* o = h.find(k); o; o = h.next_same_key(o)) out.push_back(o);
      // Two clauses may name the same key.
      if (plan.keys.size() > 1) {
        std::vector<DbObj*> seen;
        for (DbObj* o : out)
          if (std::find(seen.begin(), seen.end(), o) == seen.end()) seen.push_back(o);
        out.swap(seen);
      }
      return out;
    }
    out.reserve(h.size());
    for (size_t b = 0; b < h.bucket_count(); b++)
      for (DbObj* o = h.bucket(b); o; o = o->next)
        if (!o->dead) out.push_back(o);
    return out;
  }
  auto& tree = static_cast<TreeStore&>(s).objects();
  auto in_window = [&](const DbObj* o) {
    if (after == NON_VALUE) return true;
    int c = ets_key_cmp(o->key, after);
    return backward ? c < 0 : c > 0;
  };
  if (plan.kind == KeyPlan::Scan) {
    if (!backward) {
      auto it = after == NON_VALUE ? tree.begin() : tree.upper_bound(KeyOrder::Key{after});
      for (; it != tree.end(); ++it) out.push_back(*it);
    } else {
      auto it = after == NON_VALUE ? tree.end() : tree.lower_bound(KeyOrder::Key{after});
      while (it != tree.begin()) out.push_back(*--it);
    }
    return out;
  }
  for (Term k : plan.keys) {
    if (plan.kind == KeyPlan::Keys) {
      auto it = tree.find(KeyOrder::Key{k});
      if (it != tree.end() && in_window(*it)) out.push_back(*it);
      continue;
    }
    auto lo = tree.lower_bound(KeyOrder::Partial{k});
    auto hi = tree.upper_bound(KeyOrder::Partial{k});
    for (; lo != hi; ++lo)
      if (in_window(*lo)) out.push_back(*lo);
  }
  KeyOrder less;
  if (backward) {
    std::sort(out.begin(), out.end(), [&](DbObj* a, DbObj* b) { return less(b, a); });
  } else {
    std::sort(out.begin(), out.end(), less);
  }
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// Calls fn on every candidate (as candidates() lists them), without
// gathering them first when the whole table is scanned. fn must not change
// the table.
template <typename F>
void for_each_candidate(const Table& t, const KeyPlan& plan, bool backward, F&& fn) {
  if (plan.kind != KeyPlan::Scan) {
    for (DbObj* o : candidates(t, plan, backward, NON_VALUE)) fn(o);
    return;
  }
  if (t.is_hash()) {
    auto& h = static_cast<const HashStore&>(*t.store);
    for (size_t b = 0; b < h.bucket_count(); b++)
      for (DbObj* o = h.bucket(b); o; o = o->next)
        if (!o->dead) fn(o);
    return;
  }
  auto& tree = static_cast<const TreeStore&>(*t.store).objects();
  if (backward) {
    for (auto it = tree.rbegin(); it != tree.rend(); ++it) fn(*it);
  } else {
    for (DbObj* o : tree) fn(o);
  }
}

// ---------------------------------------------------------------- helpers

Term list_from(Process* p, const std::vector<Term>& v, size_t from = 0, size_t to = SIZE_MAX) {
  to = std::min(to, v.size());
  Term l = NIL;
  for (size_t i = to; i-- > from;) l = make_cons(p, v[i], l);
  return l;
}

Term list_reversed(Process* p, const std::vector<Term>& v, size_t from = 0, size_t to = SIZE_MAX) {
  to = std::min(to, v.size());
  Term l = NIL;
  for (size_t i = from; i < to; i++) l = make_cons(p, v[i], l);
  return l;
}

std::unique_ptr<MatchSpec> compile_or_raise(Process* p, Term spec) {
  bool system_limit = false;
  auto ms = MatchSpec::compile(spec, MsDialect::Table, nullptr, &system_limit);
  if (!ms) {
    if (system_limit) {
      raise_system_limit(p);
    } else {
      raise_badarg(p);
    }
  }
  return ms;
}

// [{Pattern, [], [Body]}] on p's heap.
Term pattern_spec(Process* p, Term pattern, const char* body) {
  Term b = make_cons(p, atom_put(body), NIL);
  return make_cons(p, make_tuple(p, {pattern, NIL, b}), NIL);
}

Term table_ref(Process* p, const Table* t) { return ets_ref_term(p, t); }

// ---------------------------------------------------------------- select, all at once

// Every result of `spec` on the table, in the reference's order.
Term select_all(Process* p, Term tid, Term spec, bool reverse) {
  LockedTable t(p, tid, Need::Read, false);
  if (!t.ok()) return NON_VALUE;
  if (is_nil(spec)) return NIL;  // selects nothing (an empty spec does not compile)
  auto ms = compile_or_raise(p, spec);
  if (!ms) return NON_VALUE;
  KeyPlan plan = plan_keys(*ms, *t.get());
  bool tree = !t->is_hash();
  std::vector<Term> results;
  if (tree) {
    for_each_candidate(*t.get(), plan, reverse, [&](DbObj* o) {
      Term r = ms->run_copy(p, o->tuple);
      if (r != NON_VALUE) results.push_back(r);
    });
    return list_from(p, results);
  }
  // Hash tables: keys in the reverse of traversal order, the objects of
  // one key (bags) in lookup order, as the reference lists them.
  Term list = NIL;
  const DbObj* group_of = nullptr;
  auto flush = [&]() {
    for (size_t i = results.size(); i-- > 0;) list = make_cons(p, results[i], list);
    results.clear();
  };
  for_each_candidate(*t.get(), plan, false, [&](DbObj* o) {
    if (group_of && !(group_of->hash == o->hash && ets_key_eq(group_of->key, o->key))) flush();
    group_of = o;
    Term r = ms->run_copy(p, o->tuple);
    if (r != NON_VALUE) results.push_back(r);
  });
  flush();
  return list;
}

// ---------------------------------------------------------------- select in chunks

bool valid_limit(Term n) { return is_small(n) && small_val(n) > 0; }

// One chunk of a hash table from bucket `from`: results (traversal order)
// appended to `found` until there are at least `chunk`; returns the next
// bucket (bucket_count() at the end).
size_t hash_chunk(Process* p, const Table& t, const MatchSpec& ms, size_t from, size_t chunk,
                  std::vector<Term>& found) {
  auto& h = static_cast<HashStore&>(*t.store);
  KeyPlan plan = plan_keys(ms, t);
  if (plan.kind != KeyPlan::Scan) {  // bound keys: everything at once
    if (from >= h.bucket_count()) return from;
    for (DbObj* o : candidates(t, plan, false, NON_VALUE)) {
      Term r = ms.run_copy(p, o->tuple);
      if (r != NON_VALUE) found.push_back(r);
    }
    return h.bucket_count();
  }
  size_t b = from;
  for (; b < h.bucket_count() && found.size() < chunk; b++) {
    for (DbObj* o = h.bucket(b); o; o = o->next) {
      if (o->dead) continue;
      Term r = ms.run_copy(p, o->tuple);
      if (r != NON_VALUE) found.push_back(r);
    }
  }
  return b;
}

// The reply for a hash table: {Chunk, Continuation}, {Last, '$end_of_table'}
// or '$end_of_table'.
Term hash_reply(Process* p, const Table* t, Term spec, size_t next, bool at_end, size_t chunk,
                const std::vector<Term>& found) {
  if (found.empty()) return atom_put("$end_of_table");
  if (at_end && found.size() <= chunk) return make_tuple(p, {list_reversed(p, found), atom_put("$end_of_table")});
  Term rest = list_from(p, found, chunk);
  Term cont = make_tuple(p, {table_ref(p, t), make_integer(p, int64_t(next)), make_small(SWord(chunk)), spec, rest,
                             make_small(SWord(found.size() - chunk))});
  return make_tuple(p, {list_reversed(p, found, 0, chunk), cont});
}

// One chunk of an ordered set after (before, reverse) `after`.
Term tree_chunk(Process* p, const Table* t, const MatchSpec& ms, Term spec, Term after, size_t chunk, bool reverse) {
  KeyPlan plan = plan_keys(ms, *t);
  std::vector<Term> found;
  Term last = NON_VALUE;
  // Candidates are gathered lazily in the scan case (big tables, small chunks).
  auto& tree = static_cast<TreeStore&>(*t->store).objects();
  auto take = [&](DbObj* o) {
    Term r = ms.run_copy(p, o->tuple);
    if (r == NON_VALUE) return false;
    found.push_back(r);
    if (found.size() < chunk) return false;
    last = copy_to_heap(p, o->key);
    return true;
  };
  if (plan.kind == KeyPlan::Scan) {
    if (!reverse) {
      auto it = after == NON_VALUE ? tree.begin() : tree.upper_bound(KeyOrder::Key{after});
      for (; it != tree.end(); ++it)
        if (take(*it)) break;
    } else {
      auto it = after == NON_VALUE ? tree.end() : tree.lower_bound(KeyOrder::Key{after});
      while (it != tree.begin())
        if (take(*--it)) break;
    }
  } else {
    for (DbObj* o : candidates(*t, plan, reverse, after))
      if (take(o)) break;
  }
  if (found.empty()) return atom_put("$end_of_table");
  Term results = list_from(p, found);
  if (last == NON_VALUE) return make_tuple(p, {results, atom_put("$end_of_table")});
  Term cont = make_tuple(p, {table_ref(p, t), last, NIL, make_small(SWord(chunk)), spec, NIL,
                             make_small(reverse ? 1 : 0), make_small(0)});
  return make_tuple(p, {results, cont});
}

Term select_chunk(Process* p, Term tid, Term spec, Term limit, bool reverse) {
  LockedTable t(p, tid, Need::Read, false);
  if (!t.ok()) return NON_VALUE;
  if (is_nil(spec)) return valid_limit(limit) ? atom_put("$end_of_table") : raise_badarg(p);
  auto ms = compile_or_raise(p, spec);
  if (!ms) return NON_VALUE;
  if (!valid_limit(limit)) return raise_badarg(p);
  size_t chunk = size_t(small_val(limit));
  if (!t->is_hash()) return tree_chunk(p, t.get(), *ms, spec, NON_VALUE, chunk, reverse);
  std::vector<Term> found;
  size_t next = hash_chunk(p, *t.get(), *ms, 0, chunk, found);
  return hash_reply(p, t.get(), spec, next, next >= static_cast<HashStore&>(t.store()).bucket_count(), chunk, found);
}

// select/1, match/1, match_object/1, select_reverse/1.
Term select_continue(Process* p, Term cont) {
  if (cont == atom_put("$end_of_table")) return cont;
  if (!is_tuple(cont) || (tuple_arity(cont) != 6 && tuple_arity(cont) != 8)) return raise_badarg(p);
  bool tree = tuple_arity(cont) == 8;
  Term chunk_term = tuple_elem(cont, tree ? 4 : 3);
  Term spec = tuple_elem(cont, tree ? 5 : 4);
  LockedTable t(p, tuple_elem(cont, 1), Need::Read, false);
  if (!t.ok()) return NON_VALUE;
  if (!valid_limit(chunk_term) || tree != !t->is_hash()) return raise_badarg(p);
  size_t chunk = size_t(small_val(chunk_term));
  auto ms = compile_or_raise(p, spec);
  if (!ms) return NON_VALUE;
  if (tree) {
    Term rev = tuple_elem(cont, 7);
    if (rev != make_small(0) && rev != make_small(1)) return raise_badarg(p);
    return tree_chunk(p, t.get(), *ms, spec, tuple_elem(cont, 2), chunk, rev == make_small(1));
  }
  Term pos = tuple_elem(cont, 2);
  if (!is_small(pos) || small_val(pos) < 0) return raise_badarg(p);
  std::vector<Term> found;
  Term rest = tuple_elem(cont, 5);
  for (; is_list(rest); rest = cdr(rest)) found.push_back(car(rest));
  if (!is_nil(rest)) return raise_badarg(p);
  auto& h = static_cast<HashStore&>(t.store());
  size_t next = size_t(small_val(pos));
  if (found.size() < chunk) next = hash_chunk(p, *t.get(), *ms, next, chunk, found);
  return hash_reply(p, t.get(), spec, next, next >= h.bucket_count(), chunk, found);
}

// ---------------------------------------------------------------- counting, deleting, replacing

enum class Act { Count, Delete, Replace };

Term select_act(Process* p, Term tid, Term spec, Act act) {
  LockedTable t(p, tid, act == Act::Count ? Need::Read : Need::Write, act != Act::Count);
  if (!t.ok()) return NON_VALUE;
  if (act == Act::Replace && t->is_bag()) return badarg_cause(p, "table_type");
  if (is_nil(spec)) return make_small(0);
  auto ms = compile_or_raise(p, spec);
  if (!ms) return NON_VALUE;
  if (act == Act::Replace && !ms_keeps_key(spec, t->keypos)) return raise_badarg(p);
  Table& tab = *t.get();
  Store& s = t.store();
  KeyPlan plan = plan_keys(*ms, tab);
  int64_t n = 0;
  if (act == Act::Count) {
    for_each_candidate(tab, plan, false, [&](DbObj* o) { n += ms->run(p, o->tuple) == am::true_; });
    return make_integer(p, n);
  }
  for (DbObj* o : candidates(tab, plan, false, NON_VALUE)) {
    if (act != Act::Replace) {
      if (ms->run(p, o->tuple) != am::true_) continue;
      n++;
      if (act == Act::Delete) s.erase(o);
      continue;
    }
    Term r = ms->run(p, o->tuple);
    if (r == NON_VALUE || !is_tuple(r) || tuple_arity(r) < tab.keypos) continue;
    Term key = tuple_elem(r, tab.keypos);
    if (tab.is_hash() ? !ets_key_eq(key, o->key) : ets_key_cmp(key, o->key) != 0) continue;
    s.replace(o, DbObj::create(r, tab.keypos, o->hash));
    n++;
  }
  return make_integer(p, n);
}

}  // namespace

BIF_FN(ets_select_2) { return select_all(p, args[0], args[1], false); }
BIF_FN(ets_select_reverse_2) { return select_all(p, args[0], args[1], true); }
BIF_FN(ets_select_3) { return select_chunk(p, args[0], args[1], args[2], false); }
BIF_FN(ets_select_reverse_3) { return select_chunk(p, args[0], args[1], args[2], true); }
BIF_FN(ets_select_1) { return select_continue(p, args[0]); }
BIF_FN(ets_select_reverse_1) { return select_continue(p, args[0]); }
BIF_FN(ets_match_1) { return select_continue(p, args[0]); }
BIF_FN(ets_match_object_1) { return select_continue(p, args[0]); }

BIF_FN(ets_select_count_2) { return select_act(p, args[0], args[1], Act::Count); }
BIF_FN(ets_internal_select_delete_2) { return select_act(p, args[0], args[1], Act::Delete); }
BIF_FN(ets_select_replace_2) { return select_act(p, args[0], args[1], Act::Replace); }

BIF_FN(ets_match_2) { return select_all(p, args[0], pattern_spec(p, args[1], "$$"), false); }
BIF_FN(ets_match_object_2) { return select_all(p, args[0], pattern_spec(p, args[1], "$_"), false); }
BIF_FN(ets_match_3) { return select_chunk(p, args[0], pattern_spec(p, args[1], "$$"), args[2], false); }
BIF_FN(ets_match_object_3) { return select_chunk(p, args[0], pattern_spec(p, args[1], "$_"), args[2], false); }

}  // namespace bvm
