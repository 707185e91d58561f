// erlang:process_info/1,2.
//
// Information about the calling process is read directly. Another process
// is asked through its signal queue (so it answers after every signal the
// caller sent it before): it builds the answer on its own heap and sends
// {Ref, Answer}; the caller waits in erts_internal:await_result/1.
#include <algorithm>
#include <iterator>
#include <string_view>

#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "bifs/bin_util.h"
#include "vm/atom_table.h"
#include "vm/binary.h"
#include "vm/code_table.h"
#include "vm/copy.h"
#include "vm/exception.h"
#include "vm/identity.h"
#include "vm/map.h"
#include "vm/message.h"
#include "vm/messages.h"
#include "vm/registry.h"
#include "vm/signals.h"
#include "vm/term_print.h"
#include "vm/vm.h"

namespace bvm {

namespace {

const char* const ITEMS[] = {
    "backtrace", "binary", "catchlevel", "current_function", "current_location", "current_stacktrace",
    "dictionary", "error_handler", "garbage_collection", "garbage_collection_info", "group_leader",
    "heap_size", "initial_call", "links", "last_calls", "memory", "message_queue_len", "messages",
    "min_heap_size", "min_bin_vheap_size", "max_heap_size", "monitored_by", "monitors",
    "message_queue_data", "parent", "priority", "reductions", "registered_name",
    "sequential_trace_token", "stack_size", "status", "suspending", "total_heap_size", "trace",
    "trap_exit", "fullsweep_after", "magic_ref"};

// The items process_info/1 gives (registered_name first when registered).
const char* const DEFAULT_ITEMS[] = {
    "current_function", "initial_call", "status", "message_queue_len", "links", "dictionary",
    "trap_exit", "error_handler", "priority", "group_leader", "total_heap_size", "heap_size",
    "stack_size", "reductions", "garbage_collection", "suspending"};

}  // namespace

// erts_debug:get_internal_state(process_info_args): every item
// process_info/2 answers (backtrace and magic_ref are known but not
// answered yet: see item_value).
Term process_info_items(Process* p) {
  Term l = NIL;
  for (size_t i = std::size(ITEMS); i-- > 0;) {
    std::string_view item = ITEMS[i];
    if (item != "backtrace" && item != "magic_ref") l = make_cons(p, atom_put(item), l);
  }
  return l;
}

namespace {

bool known_item(Term item) {
  if (!is_atom(item)) return false;
  std::string_view t = atom_text(item);
  return std::any_of(std::begin(ITEMS), std::end(ITEMS), [&](const char* s) { return t == s; });
}

Term list_of(Process* p, const std::vector<Term>& v) {
  Term l = NIL;
  for (size_t i = v.size(); i-- > 0;) l = make_cons(p, v[i], l);
  return l;
}

Term mfa_tuple(Process* p, const Term* mfa) { return make_tuple(p, {mfa[0], mfa[1], mfa[2]}); }

// process_info(P, binary): {Address, Size, RefCount} for each reference
// the process holds to a shared binary, its heap's and its fragments'.
Term refc_binaries(Process* t) {
  struct Ref {
    uint64_t addr, size;
    int64_t refc;
  };
  std::vector<Ref> refs;
  auto walk = [&](const OffHeap& oh) {
    for (Term* h = oh.first; h; h = reinterpret_cast<Term*>(h[2])) {
      auto* b = reinterpret_cast<BinData*>(h[3]);
      refs.push_back({uint64_t(reinterpret_cast<uintptr_t>(b)), uint64_t(h[1]), b->refc.load(std::memory_order_relaxed)});
    }
  };
  walk(t->off_heap);
  for (HeapFragment* f = t->mbuf; f; f = f->next) walk(f->off_heap);
  Term l = NIL;
  for (const Ref& r : refs)
    l = make_cons(t, make_tuple(t, {make_uinteger(t, r.addr), make_uinteger(t, r.size), make_integer(t, r.refc)}), l);
  return l;
}

size_t heap_words(const Process* t) { return t->heap_sz + size_t(t->old_hend - t->old_heap); }

// Heap fragment words of the process before this answer was built (the
// answer itself is built on its heap and must not count).
thread_local size_t t_mbuf_before = 0;

void print_code_address(std::string& out, const UWord* pc) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%#018llx", static_cast<unsigned long long>(reinterpret_cast<uintptr_t>(pc)));
  out += buf;
  ModuleVersion* mv = pc ? version_at(pc) : nullptr;
  const FunctionInfo* fi = mv ? mv->function_at(pc) : nullptr;
  if (!fi) return;
  out += " (";
  print_atom(out, fi->mfa[0]);
  out += ':';
  print_atom(out, fi->mfa[1]);
  out += '/' + std::to_string(small_val(fi->mfa[2]));
  out += " + " + std::to_string((pc - fi->start) * sizeof(UWord)) + ")";
}

// process_info(P, backtrace): the saved program counter and the stack,
// a line per slot, in the reference's layout.
Term backtrace_binary(Process* t, bool self) {
  std::string out = "Program counter: ";
  print_code_address(out, self ? nullptr : t->i);
  out += "\n";
  if (!self && t->arity) out += "arity = " + std::to_string(t->arity) + "\n";
  int y = 0;
  for (Term* s = t->stop; s < t->hend; s++) {
    char addr[40];
    std::snprintf(addr, sizeof addr, "%#018llx ", static_cast<unsigned long long>(reinterpret_cast<uintptr_t>(s)));
    Term w = *s;
    if (is_return_address(w)) {
      out += "\n";
      out += addr;
      out += "Return addr ";
      print_code_address(out, reinterpret_cast<const UWord*>(w));
      out += "\n";
      y = 0;
      continue;
    }
    out += "y(" + std::to_string(y++) + ")     ";
    if (is_catch(w)) {
      out += "Catch ";
      print_code_address(out, reinterpret_cast<const UWord*>(catch_val(w) << 3));
    } else {
      out += term_to_display_text(w);
    }
    out += "\n";
  }
  uint8_t* data;
  Term bin = alloc_binary(t, out.size(), &data);
  std::memcpy(data, out.data(), out.size());
  return bin;
}

Term gc_info(Process* t) {
  Term keys[] = {am::error_logger, am::kill, am::size};
  Term vals[] = {t->max_heap_error_logger ? am::true_ : am::false_, t->max_heap_kill ? am::true_ : am::false_,
                 make_integer(t, int64_t(t->max_heap_size))};
  Term mhs = map_from_pairs(t->halloc(flatmap_words(3)), keys, vals, 3);
  return list_of(t, {make_tuple(t, {am::max_heap_size, mhs}),
                     make_tuple(t, {am::min_bin_vheap_size, make_integer(t, int64_t(t->min_bin_vheap_size))}),
                     make_tuple(t, {am::min_heap_size, make_integer(t, int64_t(t->min_heap_size))}),
                     make_tuple(t, {am::fullsweep_after, make_integer(t, t->max_gen_gcs)}),
                     make_tuple(t, {atom_put("minor_gcs"), make_integer(t, t->gen_gcs)})});
}

Term status_atom(const Process* t, bool self) {
  if (self) return atom_put("running");
  if (t->suspend_count) return atom_put("suspended");
  switch (t->status_hint) {
    case ProcState::Waiting: return atom_put("waiting");
    case ProcState::Running: return atom_put("running");
    case ProcState::Exited: return atom_put("exiting");
    default: return atom_put("runnable");
  }
}

// The value of one item for process t, built on t's heap (t runs on this
// thread). `single`: asked as process_info(P, Item), where an unregistered
// name is [] rather than {registered_name, []}.
Term item_value(Process* t, Term item, bool self) {
  std::string_view k = atom_text(item);
  if (k == "registered_name") {
    Term n = registry_name_of(t->id);
    return n == NON_VALUE ? NIL : n;
  }
  if (k == "current_function") {
    if (t->hibernated) return make_tuple(t, {am::erlang, atom_put("hibernate"), make_small(3)});
    const Term* mfa = code_mfa_at(t->i);
    return mfa ? mfa_tuple(t, mfa) : mfa_tuple(t, t->initial_mfa);
  }
  if (k == "current_location") {
    Term st = exc_current_stacktrace(t, t->i);
    if (is_list(st)) return car(st);
    return make_tuple(t, {t->initial_mfa[0], t->initial_mfa[1], t->initial_mfa[2], NIL});
  }
  if (k == "current_stacktrace") return exc_current_stacktrace(t, t->i);
  if (k == "initial_call") return mfa_tuple(t, t->initial_mfa);
  if (k == "status") return status_atom(t, self);
  if (k == "message_queue_len") return make_integer(t, int64_t(t->msg_len));
  if (k == "messages") {
    std::vector<Term> v;
    for (Message* m = t->msg_first; m; m = m->next) v.push_back(m->term);
    return list_of(t, v);
  }
  if (k == "links") return list_of(t, t->links);
  if (k == "monitors") {
    std::vector<Term> v;
    for (const MonitorEntry& m : t->monitors) {
      Term what = m.name != NON_VALUE ? make_tuple(t, {m.name, local_node()->name}) : m.other;
      v.push_back(make_tuple(t, {am::process, what}));
    }
    return list_of(t, v);
  }
  if (k == "monitored_by") {
    std::vector<Term> v;
    for (const MonitorEntry& m : t->monitored_by) v.push_back(m.other);
    return list_of(t, v);
  }
  if (k == "dictionary") {
    std::vector<Term> v;
    for (size_t i = 0; i + 1 < t->dict.size(); i += 2) v.push_back(make_tuple(t, {t->dict[i], t->dict[i + 1]}));
    return list_of(t, v);
  }
  if (k == "trap_exit") return (t->flags & PF_TRAP_EXIT) ? am::true_ : am::false_;
  if (k == "error_handler") return atom_put("error_handler");
  if (k == "priority") {
    static const char* const names[] = {"max", "high", "normal", "low"};
    return atom_put(names[t->prio.load(std::memory_order_relaxed)]);
  }
  if (k == "group_leader") return t->group_leader;
  if (k == "heap_size") return make_integer(t, int64_t(t->heap_sz));
  if (k == "total_heap_size") return make_integer(t, int64_t(heap_words(t) + t_mbuf_before));
  if (k == "stack_size") return make_integer(t, int64_t(t->hend - t->stop));
  if (k == "memory") {
    size_t bytes = sizeof(Process) + (heap_words(t) + t_mbuf_before) * sizeof(Term) +
                   t->msg_len * sizeof(Message) + t->dict.capacity() * sizeof(Term);
    return make_integer(t, int64_t(bytes));
  }
  if (k == "reductions") {
    // Asking about oneself includes this time slice so far (the
    // interpreter leaves its reductions left in fcalls for a BIF).
    int64_t slice = self ? int64_t(CONTEXT_REDS - t->fcalls) : 0;
    return make_integer(t, int64_t(t->reductions) + std::max<int64_t>(slice, 0));
  }
  if (k == "garbage_collection") return gc_info(t);
  if (k == "garbage_collection_info") {
    // Block sizes and words in use, as the reference names them.
    auto kv = [&](const char* key, size_t v) { return make_tuple(t, {atom_put(key), make_integer(t, int64_t(v))}); };
    return list_of(t, {kv("old_heap_block_size", size_t(t->old_hend - t->old_heap)),
                       kv("heap_block_size", t->heap_sz),
                       kv("mbuf_size", t_mbuf_before),
                       kv("recent_size", size_t(t->high_water - t->heap)),
                       kv("stack_size", size_t(t->hend - t->stop)),
                       kv("old_heap_size", size_t(t->old_htop - t->old_heap)),
                       kv("heap_size", size_t(t->htop - t->heap)),
                       kv("bin_vheap_size", t->off_heap.bin_bytes / sizeof(Term)),
                       kv("bin_vheap_block_size", t->min_bin_vheap_size),
                       kv("bin_old_vheap_size", 0),
                       kv("bin_old_vheap_block_size", t->min_bin_vheap_size)});
  }
  if (k == "min_heap_size") return make_integer(t, int64_t(t->min_heap_size));
  if (k == "min_bin_vheap_size") return make_integer(t, int64_t(t->min_bin_vheap_size));
  if (k == "fullsweep_after") return make_integer(t, t->max_gen_gcs);
  if (k == "max_heap_size") {
    Term keys[] = {am::error_logger, am::kill, am::size};
    Term vals[] = {t->max_heap_error_logger ? am::true_ : am::false_, t->max_heap_kill ? am::true_ : am::false_,
                   make_integer(t, int64_t(t->max_heap_size))};
    return map_from_pairs(t->halloc(flatmap_words(3)), keys, vals, 3);
  }
  if (k == "message_queue_data") return t->off_heap_msgq ? am::off_heap : am::on_heap;
  if (k == "suspending") {
    // {Suspendee, ActiveCount, OutstandingCount} for each process it suspends.
    std::vector<Term> v;
    if (const ProcessExtra* x = t->extra_if())
      for (const Process::SuspendEntry& e : x->suspending)
        v.push_back(make_tuple(t, {e.pid, make_integer(t, int64_t(e.count)), make_small(0)}));
    return list_of(t, v);
  }
  if (k == "catchlevel") {
    SWord n = 0;
    for (Term* s = t->stop; s < t->hend; s++)
      if (is_catch(*s)) n++;
    return make_small(n);
  }
  if (k == "last_calls") return am::false_;
  if (k == "sequential_trace_token") return NIL;
  if (k == "trace") return make_small(0);
  if (k == "binary") return refc_binaries(t);
  if (k == "parent") return am::undefined;
  if (k == "backtrace") return backtrace_binary(t, self);
  return NON_VALUE;  // magic_ref: not supported yet
}

// The whole answer: a list for a list of items, {Item, Value} (or [] for
// an unregistered registered_name) for one. NON_VALUE: an unsupported item.
Term answer(Process* t, Term spec, bool self) {
  t_mbuf_before = t->mbuf_words;
  if (is_atom(spec)) {
    Term v = item_value(t, spec, self);
    if (v == NON_VALUE) return NON_VALUE;
    if (spec == atom_put("registered_name") && v == NIL) return NIL;
    return make_tuple(t, {spec, v});
  }
  std::vector<Term> out;
  for (Term l = spec; is_list(l); l = cdr(l)) {
    Term v = item_value(t, car(l), self);
    if (v == NON_VALUE) return NON_VALUE;
    out.push_back(make_tuple(t, {car(l), v}));
  }
  return list_of(t, out);
}

Term default_spec(Process* p, Term pid) {
  std::vector<Term> items;
  for (const char* s : DEFAULT_ITEMS) items.push_back(atom_put(s));
  if (registry_name_of(pid) != NON_VALUE) items.insert(items.begin(), atom_put("registered_name"));
  return list_of(p, items);
}

void info_request(Process* t, Message* m, bool alive) {
  if (!alive) {
    request_reply(t, m, am::undefined);
    return;
  }
  Term spec = m->term;
  if (spec == am::undefined) spec = default_spec(t, t->id);  // process_info/1
  Term a = answer(t, spec, false);
  request_reply(t, m, a == NON_VALUE ? am::undefined : a);
}

bool valid_spec(Term spec) {
  if (is_atom(spec)) return known_item(spec);
  if (list_length(spec) < 0) return false;
  for (Term l = spec; is_list(l); l = cdr(l))
    if (!known_item(car(l))) return false;
  return true;
}

// spec == undefined: process_info/1.
Term process_info(Process* p, Term* args, Term pid, Term spec) {
  if (!is_local_pid(pid)) return raise_badarg(p);
  if (spec != am::undefined && !valid_spec(spec)) return raise_badarg(p);
  if (pid == p->id) {
    if (signals_pending(p) && process_handle_signals(p) == SignalResult::Exit) {
      p->trap_value = am::undefined;
      return BIF_YIELD;
    }
    Term s = spec == am::undefined ? default_spec(p, pid) : spec;
    Term a = answer(p, s, true);
    return a == NON_VALUE ? raise_error(p, am::notsup) : a;
  }
  static const Term am_mql = atom_put("message_queue_len");
  if (spec == am_mql || (is_list(spec) && car(spec) == am_mql && cdr(spec) == NIL)) {
    // Read without asking (as the reference): messages sent to it so far
    // are counted whether or not it has taken them in.
    Process* t = process_lookup(pid);
    if (!t) return am::undefined;
    size_t n;
    {
      std::lock_guard<SpinLock> lock(t->sig_lock);
      if (t->state.load(std::memory_order_relaxed) == ProcState::Exited) return am::undefined;
      n = t->msgq_len_shared.load(std::memory_order_relaxed) + t->incoming_msgs;
    }
    Term item = make_tuple(p, {am_mql, make_integer(p, int64_t(n))});
    return is_list(spec) ? make_cons(p, item, NIL) : item;
  }
  RefNumbers r = new_ref_numbers();
  if (!send_request(p, pid, info_request, r, spec)) return am::undefined;
  args[0] = make_ref_term(p, r);
  message_save_end(p);
  return bif_trap(p, export_put(atom_put("erts_internal"), atom_put("await_result"), 1));
}

}  // namespace

BIF_FN(erlang_process_info_1) { return process_info(p, args, args[0], am::undefined); }
BIF_FN(erlang_process_info_2) { return process_info(p, args, args[0], args[1]); }

}  // namespace bvm
