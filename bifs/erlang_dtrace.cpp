// Dynamic trace (DTrace/SystemTap) tags. The reference built without VM
// probes, as Debian's is, keeps no tags: these answer as it does then
// (file and the I/O servers call them on every request).
#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "vm/atom_table.h"

namespace bvm {

BIF_FN(erlang_dt_put_tag_1) {
  (void)p;
  (void)args;
  return am::undefined;
}

BIF_FN(erlang_dt_get_tag_0) {
  (void)p;
  (void)args;
  return am::undefined;
}

BIF_FN(erlang_dt_get_tag_data_0) {
  (void)p;
  (void)args;
  return am::undefined;
}

BIF_FN(erlang_dt_prepend_vm_tag_data_1) {
  (void)p;
  return args[0];
}

BIF_FN(erlang_dt_append_vm_tag_data_1) {
  (void)p;
  return args[0];
}

BIF_FN(erlang_dt_spread_tag_1) {
  if (args[0] != am::true_ && args[0] != am::false_) return raise_badarg(p);
  return am::true_;
}

BIF_FN(erlang_dt_restore_tag_1) {
  (void)p;
  (void)args;
  return am::true_;
}

}  // namespace bvm
