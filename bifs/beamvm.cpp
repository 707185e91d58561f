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
