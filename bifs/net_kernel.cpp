// net_kernel: the BIFs of module net_kernel, and erlang:nodes/0,1,2.
#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include <utility>
#include <vector>

#include "vm/atom_table.h"
#include "vm/identity.h"
#include "vm/map.h"

namespace bvm {

// Does the node of this pid understand unicode I/O requests? Every node
// this VM talks to does (OTP 25 requires it).
BIF_FN(net_kernel_dflag_unicode_io_1) {
  if (!is_pid(args[0])) return raise_badarg(p);
  return am::true_;
}

// ---- erlang:nodes/0,1,2. Without distribution no other node is connected
// or known: `this` and `known` give this node, the other kinds nothing.

namespace {

// Which kinds of node the argument asks for: bit 0 this/known, bit 1 any
// other; false for an argument the reference refuses.
bool node_kinds(Term arg, unsigned* kinds) {
  auto one = [&](Term k) {
    if (k == atom_put("this") || k == atom_put("known")) *kinds |= 1;
    else if (k == atom_put("visible") || k == atom_put("hidden") || k == atom_put("connected")) *kinds |= 2;
    else return false;
    return true;
  };
  *kinds = 0;
  if (is_atom(arg)) return one(arg);
  Term l = arg;
  for (; is_list(l); l = cdr(l))
    if (!one(car(l))) return false;
  return is_nil(l);
}

}  // namespace

BIF_FN(erlang_nodes_0) {
  (void)p;
  (void)args;
  return NIL;
}

BIF_FN(erlang_nodes_1) {
  unsigned kinds;
  if (!node_kinds(args[0], &kinds)) return raise_badarg(p);
  return (kinds & 1) ? make_cons(p, local_node()->name, NIL) : NIL;
}

// nodes(Kinds, #{connection_id => boolean(), node_type => boolean()}):
// [{Node, #{...}}] with the information asked for.
BIF_FN(erlang_nodes_2) {
  unsigned kinds;
  if (!node_kinds(args[0], &kinds) || !is_map(args[1])) return raise_badarg(p);
  std::vector<std::pair<Term, Term>> opts;
  map_pairs(args[1], opts);
  std::vector<Term> keys, values;
  for (auto& [k, v] : opts) {
    if (v != am::true_ && v != am::false_) return raise_badarg(p);
    if (k == atom_put("connection_id")) {
      if (v == am::true_) keys.push_back(k), values.push_back(am::undefined);
    } else if (k == atom_put("node_type")) {
      if (v == am::true_) keys.push_back(k), values.push_back(atom_put("this"));
    } else {
      return raise_badarg(p);
    }
  }
  if (!(kinds & 1)) return NIL;
  Term info = map_from_pairs(p->halloc(flatmap_words(keys.size())), keys.data(), values.data(), keys.size());
  return make_cons(p, make_tuple(p, {local_node()->name, info}), NIL);
}

}  // namespace bvm
