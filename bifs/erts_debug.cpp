// erts_debug:flat_size/1 and same/2, and erts_internal:map_to_tuple_keys/1
// which erts_debug:size/1 (Erlang code) uses with term_type/1
// (bifs/erts_internal.cpp).
//
// flat_size/1 answers in the reference's words: what a copy of the term
// takes on the reference's heap. Our objects mostly have the same sizes;
// where they differ (sub-binaries, funs, external identifiers) the
// reference's sizes are used (hash trie nodes have no kind word there).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "vm/signals.h"
#include "vm/vm.h"
#include "vm/atom_table.h"
#include "vm/binary.h"
#include "vm/copy.h"
#include "vm/identity.h"
#include "vm/hashmap.h"
#include "vm/heap_layout.h"
#include "vm/map.h"
#include "vm/message.h"
#include "vm/term_hash.h"

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

// Is ptr in p's own memory (heap, old heap, heap fragments, fragments of
// queued messages)? Anything else a process can reach is a literal: code
// constants and persistent terms.
bool in_process_memory(const Process* p, const Term* ptr) {
  if (ptr >= p->heap && ptr < p->hend) return true;
  if (ptr >= p->old_heap && ptr < p->old_htop) return true;
  for (const HeapFragment* f = p->mbuf; f; f = f->next)
    if (f->contains(ptr)) return true;
  for (const Message* m = p->msg_first; m; m = m->next)
    if (m->frag && !m->frag_merged && m->frag->contains(ptr)) return true;
  return false;
}

const Term* object_ptr(Term t) { return is_list(t) ? list_val(t) : boxed_val(t); }

// The words (the reference's sizes) of t's objects in p's memory, each
// object counted once however often it is referred to.
UWord shared_size(const Process* p, Term t) {
  UWord words = 0;
  std::unordered_set<const Term*> seen;
  std::vector<Term> todo{t};
  std::vector<Term> children;
  while (!todo.empty()) {
    Term x = todo.back();
    todo.pop_back();
    if (!is_list(x) && !is_boxed(x)) continue;
    const Term* ptr = object_ptr(x);
    if (!in_process_memory(p, ptr) || !seen.insert(ptr).second) continue;
    children.clear();
    words += object_size(x, children);
    for (Term c : children) todo.push_back(c);
  }
  return words;
}

// A copy of t on p's heap that keeps its sharing; literals (objects outside
// p's memory) are copied too (flat) only if `literals`.
Term copy_shared(Process* p, Term t, bool literals) {
  SharedCopy c{[p](const Term* ptr) { return in_process_memory(p, ptr); }, literals};
  Term* hp = p->halloc(c.size(t));
  return c.copy(t, &hp, &p->off_heap);
}

// {binary_info, Bin}: {refc_binary, HandleBytes, {binary, AllocatedBytes},
// Flags} for a binary (or a slice of one) kept off the heap, else
// heap_binary. Flags: 1 while the binary is writable (appends in place).
Term binary_info(Process* p, Term bin) {
  Term real = bin;
  if (header_sub(boxed_header(real)) == Sub::SubBin) real = boxed_val(real)[3];
  if (header_sub(boxed_header(real)) != Sub::RefcBin) return atom_put("heap_binary");
  const Term* pb = boxed_val(real);
  const BinData* data = reinterpret_cast<const BinData*>(pb[3]);
  Term info = make_tuple(p, {atom_put("binary"), make_uinteger(p, data->size)});
  return make_tuple(p, {atom_put("refc_binary"), make_uinteger(p, pb[1]), info, make_small(SWord(pb[5] & BIN_WRITABLE))});
}

// {atom, Index}: the atom with that index in the atom table (made, as
// am<hex index>, with those before it, if the table is not that big yet).
Term atom_at(Process* p, Term index) {
  int64_t ix;
  if (!term_to_int64(index, &ix) || ix < 0) return raise_badarg(p);
  AtomTable& table = AtomTable::global();
  while (uint64_t(ix) >= table.count()) {
    char name[24];
    std::snprintf(name, sizeof(name), "am%zx", size_t(table.count()));
    if (atom_put(name) == NON_VALUE) return raise_system_limit(p);
  }
  return make_atom(UWord(ix));
}

// erts_debug:map_info/1 of a hash trie: [{depth, D}, {arrays, N, []},
// {bitmaps, N, Usage}, {leafs, N, Usage}] where a head with all 16 slots
// used counts as an array, every other node as a bitmap node, bitmap
// usage counts nodes by number of children and leaf usage leaves by depth
// (16 entries each, as the reference).
Term hashmap_info(Process* p, Term map) {
  UWord leaves = 0, bitmaps = 0, arrays = 0, depth = 0;
  UWord bitmap_usage[16] = {}, leaf_usage[16] = {};
  std::vector<std::pair<Term, UWord>> todo{{map, 0}};
  while (!todo.empty()) {
    auto [node, level] = todo.back();
    todo.pop_back();
    depth = std::max(depth, level);
    if (is_list(node)) {
      leaves++;
      if (level < 16) leaf_usage[level]++;
      continue;
    }
    UWord n;
    const Term* c = hashmap_children(node, &n);
    if (map_kind(node) == MAP_HEAD && n == 16) {
      arrays++;
    } else {
      bitmaps++;
      if (n >= 1 && n <= 16) bitmap_usage[n - 1]++;
    }
    for (UWord i = 0; i < n; i++) todo.push_back({c[i], level + 1});
  }
  auto usage = [p](const UWord* u) {
    Term* hp = p->halloc(17);
    hp[0] = make_header(16, Sub::Tuple);
    for (int i = 0; i < 16; i++) hp[1 + i] = make_uinteger(p, u[i]);
    return make_boxed(hp);
  };
  Term l = NIL;
  l = make_cons(p, make_tuple(p, {atom_put("leafs"), make_uinteger(p, leaves), usage(leaf_usage)}), l);
  l = make_cons(p, make_tuple(p, {atom_put("bitmaps"), make_uinteger(p, bitmaps), usage(bitmap_usage)}), l);
  l = make_cons(p, make_tuple(p, {atom_put("arrays"), make_uinteger(p, arrays), NIL}), l);
  l = make_cons(p, make_tuple(p, {atom_put("depth"), make_uinteger(p, depth)}), l);
  return l;
}

}  // namespace

BIF_FN(erts_debug_map_info_1) {
  if (!is_map(args[0])) return raise_error_tuple(p, am::badmap, args[0]);
  if (is_flatmap(args[0])) return raise_badarg(p);
  return hashmap_info(p, args[0]);
}

BIF_FN(erts_debug_size_shared_1) { return make_uinteger(p, shared_size(p, args[0])); }

BIF_FN(erts_debug_copy_shared_2) {
  if (args[1] != am::true_ && args[1] != am::false_) return raise_badarg(p);
  return copy_shared(p, args[0], args[1] == am::true_);
}

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
    if (!p->gc_disabled && p->extra_if() && !p->extra_if()->gc_waiting.empty()) {
      p->gc_pending = true;
      for (auto& [to, m] : p->extra().gc_waiting) signal_send(to, m);
      p->extra().gc_waiting.clear();
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
  if (what == "persistent_term") return persistent_term_debug_info(p);
  if (what == "process_info_args") return process_info_items(p);
  if (is_tuple(args[0]) && tuple_arity(args[0]) == 2 && is_atom(tuple_elem(args[0], 1))) {
    std::string_view item = atom_text(tuple_elem(args[0], 1));
    Term arg = tuple_elem(args[0], 2);
    if (item == "internal_hash") return make_uinteger(p, term_internal_hash(arg, 0));
    if (item == "binary_info") return is_bitstring(arg) ? binary_info(p, arg) : raise_badarg(p);
    if (item == "atom") return atom_at(p, arg);
  }
  if (is_tuple(args[0]) && tuple_arity(args[0]) == 3 && tuple_elem(args[0], 1) == atom_put("make_unique_integer")) {
    return unique_integer_debug(p, tuple_elem(args[0], 2), tuple_elem(args[0], 3));
  }
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
