// io: the BIFs of module io.
#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "vm/atom_table.h"

namespace bvm {

// The range of characters io_lib considers printable (+pc; latin1 by default).
BIF_FN(io_printable_range_0) {
  (void)p;
  (void)args;
  return atom_put("latin1");
}

}  // namespace bvm
