#include "vm/code_loading.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <algorithm>
#include <mutex>

#include "bifs/bif.h"
#include "loader/beam_file.h"
#include "loader/beam_md5.h"
#include "loader/prepare.h"
#include "vm/atom_table.h"
#include "vm/code_purge.h"
#include "vm/code_table.h"

namespace bvm {

std::vector<std::string>& code_path() {
  static auto* path = new std::vector<std::string>();
  return *path;
}

bool code_use_error_handler = false;

const std::vector<Term>& code_preloaded_modules() {
  // The reference's emulator has these built in (OTP 25), socket support
  // included; ours loads them from the OTP root's erts ebin.
  static const std::vector<Term>* mods = [] {
    auto* v = new std::vector<Term>();
    for (const char* n : {"erts_code_purger", "erl_init", "init", "prim_buffer", "prim_eval", "prim_inet",
                          "prim_file", "zlib", "prim_zip", "erl_prim_loader", "erlang", "erts_internal",
                          "erl_tracer", "erts_literal_area_collector", "erts_dirty_process_signal_handler",
                          "atomics", "counters", "persistent_term", "socket_registry", "prim_socket",
                          "prim_net"})
      v->push_back(atom_put(n));
    return v;
  }();
  return *mods;
}

bool code_is_preloaded(Term module) {
  const auto& mods = code_preloaded_modules();
  return std::find(mods.begin(), mods.end(), module) != mods.end();
}

std::unique_ptr<ModuleVersion> code_prepare(Term expected, const uint8_t* data, size_t size,
                                            const std::string& file_name, Term* reason, std::string* message) {
  LoadError err;
  auto bf = read_beam(data, size, file_name, &err);
  if (!bf) {
    *reason = am::badfile;
    *message = err.format(file_name);
    return nullptr;
  }
  if (expected != NON_VALUE && bf->module != expected) {
    *reason = am::badfile;
    *message = file_name + ": module name in object code is " + std::string(atom_text(bf->module));
    return nullptr;
  }
  std::string why;
  auto mv = prepare_module(*bf, &why);
  if (!mv) {
    *reason = am::badfile;
    *message = file_name + ": " + why;
    return nullptr;
  }
  // The module checksum is also the `uniq` of its funs (NEW_FUN_EXT).
  beam_module_md5(*bf, mv->md5);
  for (FunEntry* fe : mv->lambdas) std::memcpy(fe->uniq, mv->md5, sizeof fe->uniq);
  if (code_is_preloaded(mv->name)) {
    // The reference's built-in copies have no line numbers, attributes or
    // compile information (stack traces and module_info show that), and
    // erl_init runs their on_load functions itself.
    mv->lines.clear();
    mv->attributes_etf.clear();
    mv->compile_info_etf.clear();
    mv->on_load = nullptr;
    mv->on_load_pending = false;
  }
  return mv;
}

InstallResult code_install(std::vector<std::unique_ptr<ModuleVersion>>& versions, std::vector<Term>* modules) {
  std::lock_guard<std::mutex> lock(code_mutex());
  for (size_t i = 0; i < versions.size(); i++)
    for (size_t j = 0; j < i; j++)
      if (versions[i]->name == versions[j]->name) modules->push_back(versions[i]->name);
  if (!modules->empty()) return InstallResult::Duplicated;
  for (auto& v : versions) {
    Module* m = module_get(v->name);
    if (m && m->current.load() && m->old.load()) modules->push_back(v->name);
  }
  if (!modules->empty()) return InstallResult::NotPurged;
  if (versions.size() == 1 && versions[0]->on_load) {
    ModuleVersion* v = versions[0].release();
    register_code_range(v);
    module_put(v->name)->on_load_pending.store(v, std::memory_order_release);
    modules->push_back(v->name);
    return InstallResult::OnLoad;
  }
  for (auto& v : versions) {
    ModuleVersion* mv = v.release();
    register_code_range(mv);
    commit_version(mv);
  }
  return InstallResult::Ok;
}

bool code_finish_on_load(Term module, bool keep) {
  std::lock_guard<std::mutex> lock(code_mutex());
  Module* m = module_get(module);
  ModuleVersion* v = m ? m->on_load_pending.load() : nullptr;
  if (!v) return false;
  if (keep) {
    m->on_load_pending.store(nullptr);
    v->on_load_pending = false;
    commit_version(v);
  }
  // A dropped version stays pending until erts_code_purger purges it
  // (erts_internal:purge_module(M, prepare_on_load)): the process that ran
  // its on_load function may still return through it.
  return true;
}

DeleteResult code_delete_module(Term module) {
  std::lock_guard<std::mutex> lock(code_mutex());
  Module* m = module_get(module);
  if (m && m->old.load()) return DeleteResult::OldExists;
  if (!m) return DeleteResult::NoCode;
  ModuleVersion* cur = m->current.load();
  if (!cur) return DeleteResult::Ok;  // known but without code: nothing to do
  for (Export* e : cur->exports)
    if (!e->bif) export_reset_to_stub(e);
  m->old.store(cur, std::memory_order_release);
  m->current.store(nullptr, std::memory_order_release);
  return DeleteResult::Ok;
}

bool code_load_image(Term expected, const uint8_t* data, size_t size, const std::string& file_name,
                     Term* reason, std::string* message) {
  auto mv = code_prepare(expected, data, size, file_name, reason, message);
  if (!mv) return false;
  if (mv->on_load) {
    *reason = atom_put("on_load_not_allowed");
    *message = file_name + ": -on_load functions run only when OTP's code server loads the module";
    return false;
  }
  std::vector<std::unique_ptr<ModuleVersion>> one;
  one.push_back(std::move(mv));
  std::vector<Term> bad;
  if (code_install(one, &bad) != InstallResult::Ok) {
    *reason = atom_put("not_purged");
    *message = file_name + ": old code of the module has not been purged";
    return false;
  }
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

namespace {

// error_handler:F/3, or nullptr while the error_handler module is not
// loaded (the boot script loads it; until then undefined calls are undef,
// as in the reference).
const UWord* error_handler_entry(Term function) {
  static const Term handler = atom_put("error_handler");
  Export* h = export_put(handler, function, 3);
  const UWord* a = h->address.load(std::memory_order_acquire);
  return a != h->stub ? a : nullptr;
}

Term args_list(Process* p, const Term* x, unsigned arity) {
  Term args = NIL;
  for (unsigned i = arity; i-- > 0;) args = make_cons(p, x[i], args);
  return args;
}

}  // namespace

const UWord* resolve_undefined(Process* p, const Export* e, Term* x) {
  if (code_use_error_handler) {
    // As the reference: error_handler:undefined_function(M, F, Args) loads
    // the module through the code server, or raises undef.
    if (const UWord* h = error_handler_entry(atom_put("undefined_function"))) {
      Term args = args_list(p, x, e->arity);
      x[0] = e->module();
      x[1] = e->function();
      x[2] = args;
      return h;
    }
  } else {
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
  }
  // undef, with the function and its arguments as the top frame.
  p->exc_class = ExcClass::Error;
  p->exc_reason = am::undef;
  p->exc_bif = e;
  p->exc_bif_args = args_list(p, x, e->arity);
  p->exc_no_error_info = true;
  return nullptr;
}

const UWord* resolve_unloaded_fun(Process* p, Term fun, Term* x, unsigned arity) {
  const FunEntry* fe = fun_entry(fun);
  if (code_purge_fun_pending(fe, p->id)) {
    // Its code is being purged: erts_code_purger:pending_purge_lambda(
    // Module, Fun, Args), the caller suspended until the purge is over
    // (then the fun is called again, found or not).
    static const Export* pending = export_put(atom_put("erts_code_purger"), atom_put("pending_purge_lambda"), 3);
    if (const UWord* h = pending->address.load(std::memory_order_acquire)) {
      Term args = args_list(p, x, arity);
      x[0] = fe->module;
      x[1] = fun;
      x[2] = args;
      p->suspend_count++;
      return h;
    }
  }
  Module* m = module_get(fe->module);
  if (m && m->current.load(std::memory_order_acquire)) {
    // Its module is loaded but the fun's code is not there (purged, or the
    // module was reloaded without it): badfun, as the reference (whose
    // error_handler would apply the fun again otherwise).
  } else if (code_use_error_handler) {
    // error_handler:undefined_lambda(Module, Fun, Args)
    if (const UWord* h = error_handler_entry(atom_put("undefined_lambda"))) {
      Term args = args_list(p, x, arity);
      x[0] = fe->module;
      x[1] = fun;
      x[2] = args;
      return h;
    }
  } else {
    std::string why;
    if (code_ensure_loaded(fe->module, &why)) {
      const void* a = fe->address.load(std::memory_order_acquire);
      if (a) return static_cast<const UWord*>(a);
    }
  }
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
