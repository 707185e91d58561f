// beamvm: the VM's own BIFs (not part of OTP).
#include <cstdio>

#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "bifs/text.h"
#include "vm/atom_table.h"
#include "vm/binary.h"

namespace bvm {

// beamvm:put_chars(Binary): writes the bytes to standard output. The
// direct-mode io server (stdlib-erl/beamvm_io.erl) uses it.
BIF_FN(beamvm_put_chars_1) {
  Term b = args[0];
  if (!is_bitstring(b) || bitstring_bits(b) % 8) return raise_badarg(p);
  std::string bytes = binary_bytes(b);
  std::fwrite(bytes.data(), 1, bytes.size(), stdout);
  std::fflush(stdout);
  return am::ok;
}

}  // namespace bvm

namespace bvm {

// beamvm:bifs(): every BIF of bifs/bifs.def as {Module, Name, Arity}
// (the BIF fuzz test calls each with random arguments).
BIF_FN(beamvm_bifs_0) {
  (void)args;
  struct Def {
    const char* module;
    const char* name;
    unsigned arity;
  };
  static const Def table[] = {
#define BIF(module, name, arity, fn, flags) {#module, name, arity},
#include "bifs/bifs.def"
#undef BIF
  };
  Term l = NIL;
  for (const Def& d : table)
    l = make_cons(p, make_tuple(p, {atom_put(d.module), atom_put(d.name), make_small(d.arity)}), l);
  return l;
}

}  // namespace bvm
