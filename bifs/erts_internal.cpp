// erts_internal: exact term comparison and the representation of a term.
#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "vm/atom_table.h"
#include "vm/compare.h"
#include "vm/map.h"

namespace bvm {

// -1, 0 or 1 in the exact term order (1 < 1.0: integers before floats).
BIF_FN(erts_internal_cmp_term_2) {
  (void)p;
  int c = term_compare_exact(args[0], args[1]);
  return make_small(c < 0 ? -1 : c > 0 ? 1 : 0);
}

// The kind of object a term is, in the reference's terms (for
// erts_debug:size/1).
BIF_FN(erts_internal_term_type_1) {
  (void)p;
  Term t = args[0];
  const char* name = "nil";
  if (is_list(t)) {
    name = "list";
  } else if (is_small(t)) {
    name = "fixnum";
  } else if (is_atom(t)) {
    name = "atom";
  } else if (is_local_pid(t)) {
    name = "pid";
  } else if (is_local_port(t)) {
    name = "port";
  } else if (is_catch(t)) {
    name = "catch";
  } else if (is_boxed(t)) {
    switch (header_sub(boxed_header(t))) {
      case Sub::Tuple: name = "tuple"; break;
      case Sub::MatchState: name = "matchstate"; break;
      case Sub::PosBig:
      case Sub::NegBig: name = "bignum"; break;
      case Sub::Ref: name = "reference"; break;
      case Sub::Fun: name = "fun"; break;
      case Sub::Float: name = "hfloat"; break;
      case Sub::Export: name = "export"; break;
      case Sub::RefcBin: name = "refc_binary"; break;
      case Sub::HeapBin: name = "heap_binary"; break;
      case Sub::SubBin: name = "sub_binary"; break;
      case Sub::ExternalPid: name = "external_pid"; break;
      case Sub::ExternalPort: name = "external_port"; break;
      case Sub::ExternalRef: name = "external_reference"; break;
      case Sub::Map: name = is_flatmap(t) ? "flatmap" : "hashmap"; break;
    }
  }
  return atom_put(name);
}

}  // namespace bvm
