// erlang / erts_internal: loading code the way OTP's code server and init
// do it: prepare_loading, finish_loading, on_load functions,
// delete_module, check_old_code, loaded, pre_loaded, beam file queries.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>

#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "bifs/bin_util.h"
#include "bifs/text.h"
#include "vm/binary.h"
#include "loader/beam_file.h"
#include "loader/beam_md5.h"
#include "vm/atom_table.h"
#include "vm/code_loading.h"
#include "vm/code_purge.h"
#include "vm/registry.h"
#include "vm/system_logger.h"
#include "vm/code_table.h"
#include "vm/signals.h"
#include "vm/literal_release.h"

namespace bvm {

namespace {

// Prepared code is named by a reference (the reference uses a magic
// binary); finish_loading takes it out.
struct Prepared {
  std::mutex lock;
  std::map<std::tuple<uint32_t, uint32_t, uint32_t>, std::unique_ptr<ModuleVersion>> by_ref;
};

Prepared& prepared() {
  static Prepared* p = new Prepared();
  return *p;
}

std::tuple<uint32_t, uint32_t, uint32_t> key_of(const RefNumbers& r) { return {r.n[0], r.n[1], r.n[2]}; }

// A binary (whole bytes), as the loading BIFs take.
bool is_byte_binary(Term t) { return is_bitstring(t) && bitstring_bits(t) % 8 == 0; }

Term atom_list(Process* p, const std::vector<Term>& atoms) {
  Term l = NIL;
  for (size_t i = atoms.size(); i-- > 0;) l = make_cons(p, atoms[i], l);
  return l;
}

// An error report from the loader, to the system logger as the
// reference's: format "~s~n" with the text.
void report_error(Process* p, const std::string& text) {
  Term list = make_cons(p, make_string(p, text), NIL);
  system_logger_error(p, "~s~n", list, text);
}

}  // namespace

BIF_FN(erts_internal_prepare_loading_2) {
  if (!is_atom(args[0]) || !is_byte_binary(args[1])) return raise_badarg(p);
  BinaryBytes bytes(args[1]);
  Term reason;
  std::string message;
  std::string name = std::string(atom_text(args[0])) + ".beam";
  auto mv = code_prepare(args[0], bytes.data(), bytes.size(), name, &reason, &message);
  if (!mv) {
    report_error(p, "Loading of module " + name + " failed: " + message);
    return make_tuple(p, {am::error, reason});
  }
  RefNumbers r = new_ref_numbers();
  {
    std::lock_guard<std::mutex> lock(prepared().lock);
    prepared().by_ref[key_of(r)] = std::move(mv);
  }
  return make_ref_term(p, r);
}

BIF_FN(erlang_has_prepared_code_on_load_1) {
  RefNumbers r;
  if (!ref_term_numbers(args[0], &r)) return raise_badarg(p);
  std::lock_guard<std::mutex> lock(prepared().lock);
  auto it = prepared().by_ref.find(key_of(r));
  if (it == prepared().by_ref.end()) return raise_badarg(p);
  return it->second->on_load ? am::true_ : am::false_;
}

// finish_loading([Prepared]) -> ok | {not_purged | on_load | duplicated, [Module]}
BIF_FN(erlang_finish_loading_1) {
  SWord n = list_length(args[0]);
  if (n < 0) return raise_badarg(p);
  std::vector<std::unique_ptr<ModuleVersion>> versions;
  {
    std::lock_guard<std::mutex> lock(prepared().lock);
    std::vector<decltype(prepared().by_ref)::iterator> found;
    for (Term l = args[0]; is_list(l); l = cdr(l)) {
      RefNumbers r;
      auto it = ref_term_numbers(car(l), &r) ? prepared().by_ref.find(key_of(r)) : prepared().by_ref.end();
      if (it == prepared().by_ref.end()) return raise_badarg(p);
      found.push_back(it);
    }
    // The same module twice (also the same prepared code twice): nothing
    // is loaded, the prepared code stays usable.
    std::vector<Term> names, dups;
    for (auto it : found) {
      Term m = it->second->name;
      if (std::find(names.begin(), names.end(), m) != names.end()) {
        if (std::find(dups.begin(), dups.end(), m) == dups.end()) dups.push_back(m);
      } else {
        names.push_back(m);
      }
    }
    if (!dups.empty()) return make_tuple(p, {atom_put("duplicated"), atom_list(p, dups)});
    if (n > 1) {
      for (auto it : found)
        if (it->second->on_load) return raise_system_limit(p);  // on_load modules load one at a time
    }
    for (auto it : found) {
      versions.push_back(std::move(it->second));
      prepared().by_ref.erase(it);
    }
  }
  std::vector<Term> modules;
  switch (code_install(versions, &modules)) {
    case InstallResult::Ok:
      return am::ok;
    case InstallResult::OnLoad:
      return make_tuple(p, {atom_put("on_load"), atom_list(p, modules)});
    case InstallResult::NotPurged:
      return make_tuple(p, {atom_put("not_purged"), atom_list(p, modules)});
    case InstallResult::Duplicated:
      return make_tuple(p, {atom_put("duplicated"), atom_list(p, modules)});
  }
  return am::ok;
}

// Runs the on_load function of Module's pending code (in this process).
BIF_FN(erlang_call_on_load_function_1) {
  Module* m = is_atom(args[0]) ? module_get(args[0]) : nullptr;
  ModuleVersion* v = m ? m->on_load_pending.load(std::memory_order_acquire) : nullptr;
  if (!v || !v->on_load) return raise_badarg(p);
  p->trap_addr = v->on_load;
  p->trap_arity = 0;
  return BIF_TRAP;
}

BIF_FN(erlang_finish_after_on_load_2) {
  if (!is_atom(args[0]) || (args[1] != am::true_ && args[1] != am::false_)) return raise_badarg(p);
  if (!code_finish_on_load(args[0], args[1] == am::true_)) return raise_badarg(p);
  return am::true_;
}

BIF_FN(erlang_delete_module_1) {
  if (!is_atom(args[0])) return raise_badarg(p);
  switch (code_delete_module(args[0])) {
    case DeleteResult::Ok: return am::true_;
    case DeleteResult::NoCode: return am::undefined;
    case DeleteResult::OldExists:
      report_error(p, "Module " + std::string(atom_text(args[0])) + " must be purged before deleting");
      break;
  }
  return raise_badarg(p);
}

BIF_FN(erlang_check_old_code_1) {
  if (!is_atom(args[0])) return raise_badarg(p);
  Module* m = module_get(args[0]);
  return m && m->old.load(std::memory_order_acquire) ? am::true_ : am::false_;
}

BIF_FN(erlang_pre_loaded_0) {
  (void)args;
  return atom_list(p, code_preloaded_modules());
}

BIF_FN(erlang_loaded_0) {
  (void)args;
  std::vector<Term> mods;
  for (Module* m : loaded_modules()) mods.push_back(m->name);
  return atom_list(p, mods);
}

BIF_FN(erts_internal_beamfile_module_md5_1) {
  if (!is_byte_binary(args[0])) return raise_badarg(p);
  BinaryBytes bytes(args[0]);
  LoadError err;
  auto bf = read_beam(bytes.data(), bytes.size(), "", &err);
  if (!bf) return am::undefined;
  uint8_t md5[16];
  beam_module_md5(*bf, md5);
  uint8_t* out;
  Term bin = alloc_binary(p, 16, &out);
  std::memcpy(out, md5, 16);
  return bin;
}

BIF_FN(erts_internal_beamfile_chunk_2) {
  std::string id;
  if (!is_byte_binary(args[0]) || !list_to_latin1(args[1], id) || id.size() != 4) return raise_badarg(p);
  BinaryBytes bytes(args[0]);
  LoadError err;
  auto bf = read_beam(bytes.data(), bytes.size(), "", &err);
  const BeamFile::Chunk* c = bf ? bf->chunk(id.c_str()) : nullptr;
  if (!c) return am::undefined;
  uint8_t* out;
  Term bin = alloc_binary(p, c->data.size(), &out);
  std::memcpy(out, c->data.data(), c->data.size());
  return bin;
}

// purge_module(Module, prepare | prepare_on_load | complete | abort): the
// steps of a purge (vm/code_purge.h); only erts_code_purger may call it.
BIF_FN(erts_internal_purge_module_2) {
  static const Term purger = atom_put("erts_code_purger");
  if (registry_whereis(purger) != p->id) return raise_error(p, am::notsup);
  if (!is_atom(args[0])) return raise_badarg(p);
  static const Term prepare = atom_put("prepare"), prepare_on_load = atom_put("prepare_on_load"),
                    complete = atom_put("complete"), abort = atom_put("abort");
  PurgeStep step;
  if (args[1] == prepare) step = PurgeStep::Prepare;
  else if (args[1] == prepare_on_load) step = PurgeStep::PrepareOnLoad;
  else if (args[1] == complete) step = PurgeStep::Complete;
  else if (args[1] == abort) step = PurgeStep::Abort;
  else return raise_badarg(p);
  switch (code_purge_module(args[0], step)) {
    case PurgeResult::True: return am::true_;
    case PurgeResult::False: return am::false_;
    case PurgeResult::Badarg: break;
  }
  return raise_badarg(p);
}

// check_process_code(Module): does the calling process run or return into
// old code of Module?
BIF_FN(erts_internal_check_process_code_1) {
  if (!is_atom(args[0])) return raise_badarg(p);
  return code_process_refers_to_old(p, args[0]) ? am::true_ : am::false_;
}

// ---- erts_literal_area_collector's BIFs (vm/literal_release.h); only
// that process may call them, as in the reference.

BIF_FN(erts_literal_area_collector_release_area_switch_0) {
  (void)args;
  if (p->id != literal_collector_pid()) return raise_error(p, am::notsup);
  return literal_area_switch() ? am::true_ : am::false_;
}

static void copy_literals_request(Process* receiver, Message* m, bool alive) {
  literal_copy_request(receiver, m->from, signal_new(SigKind::Message, receiver->id, m->term), alive);
}

// send_copy_request(Pid, AreaId, How): Pid answers
// {copy_literals, {AreaId, How, Pid}, ok} once it has copied. Here every
// request is carried out at once, so 'init' never asks for a second phase.
BIF_FN(erts_literal_area_collector_send_copy_request_3) {
  if (p->id != literal_collector_pid()) return raise_error(p, am::notsup);
  Term pid = args[0], how = args[2];
  static const Term am_init = atom_put("init"), am_check_gc = atom_put("check_gc"), am_need_gc = atom_put("need_gc");
  if (!is_local_pid(pid)) return raise_badarg(p);
  if (how != am_init && how != am_check_gc && how != am_need_gc) return raise_badarg(p);
  static const Term am_copy_literals = atom_put("copy_literals");
  Term reply = make_tuple(p, {am_copy_literals, make_tuple(p, {args[1], how, pid}), am::ok});
  if (!send_request(p, pid, copy_literals_request, RefNumbers{}, reply))
    signal_send(p->id, signal_new(SigKind::Message, pid, reply));
  return am::ok;
}

}  // namespace bvm
