#include "vm/code_loading.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <mutex>

#include "bifs/bif.h"
#include "loader/beam_file.h"
#include "loader/beam_md5.h"
#include "loader/prepare.h"
#include "vm/atom_table.h"
#include "vm/code_table.h"

namespace bvm {

std::vector<std::string>& code_path() {
  static auto* path = new std::vector<std::string>();
  return *path;
}

namespace {

// The reference's preloaded modules live inside its emulator, stripped of
// line numbers, attributes and compile information; stack traces and
// module_info show them that way, so we strip our copies too.
bool is_preloaded(Term module) {
  static const char* const names[] = {
      "erts_code_purger", "erl_init", "init", "prim_buffer", "prim_eval", "prim_inet", "prim_file",
      "zlib", "prim_zip", "erl_prim_loader", "erlang", "erts_internal", "erl_tracer",
      "erts_literal_area_collector", "erts_dirty_process_signal_handler", "atomics", "counters",
      "persistent_term", "socket_registry", "prim_socket", "prim_net"};
  std::string_view m = atom_text(module);
  for (const char* n : names)
    if (m == n) return true;
  return false;
}

// TEMPORARY (branch nifs, for testing until on_load is implemented): a
// module whose NIF stubs (functions calling erlang:nif_error) all have
// built-in code (BIF or BIF_NIF entries) needs nothing from its on_load
// function but erlang:load_nif/2, which would succeed; such a module is
// loaded without running it. Any other on_load module is still refused.
bool temporary_on_load_only_loads_builtin_nifs(const BeamFile& bf) {
  uint32_t nif_error = UINT32_MAX;
  for (size_t i = 0; i < bf.imports.size(); i++)
    if (bf.imports[i].module == am::erlang && atom_text(bf.imports[i].function) == "nif_error")
      nif_error = uint32_t(i);
  if (nif_error == UINT32_MAX) return false;
  size_t stubs = 0;
  Term fn = NON_VALUE;
  uint32_t arity = 0;
  for (const GenOp& g : bf.code) {
    if (g.op == op::func_info) {
      fn = Term(bf.opnd(g, 1).val);
      arity = uint32_t(bf.opnd(g, 2).val);
    } else if ((g.op == op::call_ext || g.op == op::call_ext_last || g.op == op::call_ext_only) &&
               bf.opnd(g, 1).kind == OpKind::U && uint64_t(bf.opnd(g, 1).val) == nif_error && fn != NON_VALUE) {
      Export* e = export_get(bf.module, fn, arity);
      if (!e || (!e->nif && !e->bif)) return false;
      stubs++;
    }
  }
  return stubs > 0;
}

}  // namespace

bool code_load_image(Term expected, const uint8_t* data, size_t size, const std::string& file_name,
                     Term* reason, std::string* message) {
  LoadError err;
  auto bf = read_beam(data, size, file_name, &err);
  if (!bf) {
    *reason = am::badfile;
    *message = err.format(file_name);
    return false;
  }
  if (expected != NON_VALUE && bf->module != expected) {
    *reason = am::badfile;
    *message = file_name + ": module name in object code is " + std::string(atom_text(bf->module));
    return false;
  }
  std::string why;
  auto mv = prepare_module(*bf, &why);
  if (!mv) {
    *reason = am::badfile;
    *message = file_name + ": " + why;
    return false;
  }
  // The module checksum is also the `uniq` of its funs (NEW_FUN_EXT).
  beam_module_md5(*bf, mv->md5);
  for (FunEntry* fe : mv->lambdas) std::memcpy(fe->uniq, mv->md5, sizeof fe->uniq);
  if (is_preloaded(mv->name)) {
    mv->lines.clear();
    mv->attributes_etf.clear();  // module_info: []
    mv->compile_info_etf.clear();
  }
  if (mv->on_load && !temporary_on_load_only_loads_builtin_nifs(*bf)) {
    *reason = atom_put("on_load_not_allowed");
    *message = file_name + ": -on_load functions are not supported yet";
    return false;
  }
  std::lock_guard<std::mutex> lock(code_mutex());
  Module* m = module_put(mv->name);
  if (m->old.load()) {
    *reason = atom_put("not_purged");
    *message = file_name + ": old code of the module has not been purged";
    return false;
  }
  ModuleVersion* v = mv.release();
  register_code_range(v);
  commit_version(v);
  return true;
}

bool code_ensure_loaded(Term module, std::string* error) {
  Module* m = module_get(module);
  if (m && m->current.load(std::memory_order_acquire)) return true;
  // One on-demand load at a time, so two schedulers calling into the same
  // unloaded module load it once (the second finds it loaded).
  static std::mutex* ensure_mutex = new std::mutex();
  std::lock_guard<std::mutex> lock(*ensure_mutex);
  m = module_get(module);
  if (m && m->current.load(std::memory_order_acquire)) return true;
  std::string name(atom_text(module));
  for (const std::string& dir : code_path()) {
    std::string file = dir + "/" + name + ".beam";
    std::ifstream in(file, std::ios::binary);
    if (!in) continue;
    std::vector<uint8_t> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Term reason;
    if (code_load_image(module, data.data(), data.size(), file, &reason, error)) return true;
    m = module_get(module);
    return m && m->current.load(std::memory_order_acquire);  // someone else loaded it
  }
  *error = "no " + name + ".beam in the code path";
  return false;
}

const UWord* resolve_undefined(Process* p, const Export* e, Term* x) {
  Module* m = module_get(e->module());
  if (!m || !m->current.load(std::memory_order_acquire)) {
    std::string why;
    if (code_ensure_loaded(e->module(), &why)) {
      const UWord* a = e->address.load(std::memory_order_acquire);
      if (a != e->stub) return a;
    } else if (std::getenv("BEAMVM_DEBUG_LOAD")) {
      std::fprintf(stderr, "beamvm: loading %s: %s\n", std::string(atom_text(e->module())).c_str(), why.c_str());
    }
  }
  // undef, with the function and its arguments as the top frame.
  Term args = NIL;
  for (unsigned i = e->arity; i-- > 0;) args = make_cons(p, x[i], args);
  p->exc_class = ExcClass::Error;
  p->exc_reason = am::undef;
  p->exc_bif = e;
  p->exc_bif_args = args;
  p->exc_no_error_info = true;
  return nullptr;
}

const UWord* resolve_unloaded_fun(Process* p, Term fun, Term* x, unsigned arity) {
  const FunEntry* fe = fun_entry(fun);
  std::string why;
  if (code_ensure_loaded(fe->module, &why)) {
    const void* a = fe->address.load(std::memory_order_acquire);
    if (a) return static_cast<const UWord*>(a);
  }
  (void)x;
  (void)arity;
  p->exc_class = ExcClass::Error;
  p->exc_reason = make_tuple(p, {am::badfun, fun});
  p->exc_bif = nullptr;
  return nullptr;
}

void apply_bad_target(Process* p, Term m, Term f, Term* x, unsigned arity) {
  Term args = NIL;
  for (unsigned i = arity; i-- > 0;) args = make_cons(p, x[i], args);
  Term* argv = p->halloc(3);
  argv[0] = m;
  argv[1] = f;
  argv[2] = args;
  Term list = NIL;
  for (int i = 2; i >= 0; i--) list = make_cons(p, argv[i], list);
  p->exc_class = ExcClass::Error;
  p->exc_reason = am::badarg;
  p->exc_bif = export_put(am::erlang, atom_put("apply"), 3);
  p->exc_bif_args = list;
}

}  // namespace bvm
