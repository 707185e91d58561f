// net_kernel: the BIFs of module net_kernel.
#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "vm/atom_table.h"

namespace bvm {

// Does the node of this pid understand unicode I/O requests? Every node
// this VM talks to does (OTP 25 requires it).
BIF_FN(net_kernel_dflag_unicode_io_1) {
  if (!is_pid(args[0])) return raise_badarg(p);
  return am::true_;
}

}  // namespace bvm
