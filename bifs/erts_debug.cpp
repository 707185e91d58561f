// erts_debug:flat_size/1 and same/2, and erts_internal:map_to_tuple_keys/1
// which erts_debug:size/1 (Erlang code) uses with term_type/1
// (bifs/erts_internal.cpp).
//
// flat_size/1 answers in the reference's words: what a copy of the term
// takes on the reference's heap. Our objects mostly have the same sizes;
// where they differ (sub-binaries, funs, external identifiers) the
// reference's sizes are used (hash trie nodes have no kind word there).
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "vm/signals.h"
#include "vm/vm.h"
#include "vm/atom_table.h"
#include "vm/binary.h"
#include "vm/identity.h"
#include "vm/hashmap.h"
#include "vm/map.h"

namespace bvm {

namespace {

// The reference's object sizes (64-bit).
constexpr UWord REF_SIZE = 3;
constexpr UWord SUB_BIN_SIZE = 5;
constexpr UWord PROC_BIN_SIZE = 6;
constexpr UWord EXTERNAL_HEAD_SIZE = 3;
constexpr UWord FUN_SIZE = 5;  // without the environment

UWord heap_bin_size(UWord bytes) { return 2 + (bytes + 7) / 8; }

// The size of one object (not of what it refers to); pushes the terms it
// refers to.
UWord object_size(Term t, std::vector<Term>& todo) {
  if (is_list(t)) {
    todo.push_back(car(t));
    todo.push_back(cdr(t));
    return 2;
  }
  if (!is_boxed(t)) return 0;
  const Term* o = boxed_val(t);
  UWord arity = header_arity(o[0]);
  switch (header_sub(o[0])) {
    case Sub::Tuple:
      // The empty tuple is a shared constant in the reference.
      for (UWord i = 1; i <= arity; i++) todo.push_back(o[i]);
      return arity ? 1 + arity : 0;
    case Sub::Fun:
      todo.push_back(fun_creator(t));
      for (UWord i = 0; i < fun_num_free(t); i++) todo.push_back(fun_env(t)[i]);
      return FUN_SIZE + fun_num_free(t);
    case Sub::Export:
      return FUN_SIZE;
    case Sub::Map: {
      if (is_flatmap(t)) {
        UWord n = flatmap_size(t);
        todo.push_back(flatmap_keys(t));
        for (UWord i = 0; i < n; i++) todo.push_back(flatmap_values(t)[i]);
        return 3 + n;
      }
      // A trie node: header, the size in a head, then the children.
      UWord n;
      const Term* c = hashmap_children(t, &n);
      for (UWord i = 0; i < n; i++) todo.push_back(c[i]);
      return (map_kind(t) == MAP_HEAD ? 2 : 1) + n;
    }
    case Sub::SubBin: {
      BitView v = bitstring_view(t);
      UWord bits = v.bit_offset % 8 + v.bit_size % 8;
      UWord extra = bits > 8 ? 2 : bits > 0 ? 1 : 0;
      UWord size = extra ? SUB_BIN_SIZE : 0;
      Term original = t;
      while (header_sub(boxed_header(original)) == Sub::SubBin) original = boxed_val(original)[3];
      if (header_sub(boxed_header(original)) == Sub::RefcBin) return size + PROC_BIN_SIZE;
      return size + heap_bin_size(v.bit_size / 8 + extra);
    }
    case Sub::RefcBin:
      return PROC_BIN_SIZE;
    case Sub::Ref:
      return REF_SIZE;
    case Sub::ExternalRef: {
      uint32_t nums[MAX_REF_NUMBERS];
      unsigned n = ref_numbers(t, nums);
      return EXTERNAL_HEAD_SIZE + n / 2 + 1;
    }
    case Sub::ExternalPid:
    case Sub::ExternalPort:
      return EXTERNAL_HEAD_SIZE + 1;
    default:  // floats, bignums, heap binaries: header and body
      return 1 + arity;
  }
}

UWord flat_size(Term t) {
  UWord words = 0;
  std::vector<Term> todo{t};
  while (!todo.empty()) {
    Term x = todo.back();
    todo.pop_back();
    words += object_size(x, todo);
  }
  return words;
}

}  // namespace

BIF_FN(erts_debug_flat_size_1) { return make_uinteger(p, flat_size(args[0])); }

BIF_FN(erts_debug_same_2) {
  (void)p;
  return args[0] == args[1] ? am::true_ : am::false_;
}

BIF_FN(erts_internal_map_to_tuple_keys_1) {
  if (!is_map(args[0])) return raise_error_tuple(p, am::badmap, args[0]);
  if (!is_flatmap(args[0])) return raise_badarg(p);
  return flatmap_keys(args[0]);
}

// erts_debug:set_internal_state/2 and get_internal_state/1: the
// reference's hooks for its own tests. Both raise undef until
// set_internal_state(available_internal_state, true) enables them. Only the
// items that make sense here are answered; others are badarg.
namespace {
std::atomic<bool> internal_state_available{false};
}

BIF_FN(erts_debug_set_internal_state_2) {
  std::string_view what = is_atom(args[0]) ? atom_text(args[0]) : std::string_view();
  if (what == "available_internal_state" && (args[1] == am::true_ || args[1] == am::false_)) {
    bool prev = internal_state_available.exchange(args[1] == am::true_);
    return prev ? am::true_ : am::false_;
  }
  if (!internal_state_available.load()) return raise_error(p, atom_put("undef"));
  int64_t n;
  if (what == "reds_left") {
    // The interpreter takes the count back after the call (CALL_BIF).
    if (!term_to_int64(args[1], &n) || n < 1) return raise_badarg(p);
    p->fcalls = int(std::min<int64_t>(n, CONTEXT_REDS));
    return am::true_;
  }
  if (what == "sleep") {  // blocks the scheduler, as in the reference
    if (!term_to_int64(args[1], &n) || n < 0) return raise_badarg(p);
    std::this_thread::sleep_for(std::chrono::milliseconds(n));
    return am::true_;
  }
  if (what == "gc_state" && (args[1] == am::true_ || args[1] == am::false_)) {
    // Disables or enables collections of the caller; returns whether they
    // were enabled. Requests that waited are done (and answered) now.
    bool was_enabled = !p->gc_disabled;
    p->gc_disabled = args[1] == am::false_;
    if (!p->gc_disabled && !p->gc_waiting.empty()) {
      p->gc_pending = true;
      for (auto& [to, m] : p->gc_waiting) signal_send(to, m);
      p->gc_waiting.clear();
    }
    return was_enabled ? am::true_ : am::false_;
  }
  if (what == "wait") return am::ok;  // nothing is deallocated lazily here
  if (what == "force_gc") return is_pid(args[1]) ? am::true_ : raise_badarg(p);  // collections happen as needed
  return raise_badarg(p);
}

BIF_FN(erts_debug_get_internal_state_1) {
  if (!internal_state_available.load()) return raise_error(p, atom_put("undef"));
  std::string_view what = is_atom(args[0]) ? atom_text(args[0]) : std::string_view();
  if (what == "available_internal_state") return am::true_;
  if (what == "reds_left") return make_small(std::max(p->fcalls, 0));
  if (is_tuple(args[0]) && tuple_arity(args[0]) == 2 && tuple_elem(args[0], 1) == atom_put("process_status")) {
    // {process_status, Pid}: undefined once it is out of the process table.
    Term pid = tuple_elem(args[0], 2);
    if (!is_local_pid(pid)) return raise_badarg(p);
    Process* t = process_lookup(pid);
    if (!t) return am::undefined;
    if (t == p) return atom_put("running");
    switch (t->state.load(std::memory_order_acquire)) {
      case ProcState::Exited: return atom_put("exiting");
      case ProcState::Running: return atom_put("running");
      case ProcState::Waiting: return atom_put(t->suspend_count ? "suspended" : "waiting");
      default: return atom_put("runnable");
    }
  }
  return raise_badarg(p);
}

}  // namespace bvm
