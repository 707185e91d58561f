#include "vm/code_purge.h"

#include <mutex>
#include <utility>
#include <vector>

#include "vm/epoch.h"
#include "vm/signals.h"

namespace bvm {

namespace {

struct PurgeState {
  Term module = NON_VALUE;            // the purge in progress, or NON_VALUE
  ModuleVersion* target = nullptr;    // the version to purge
  bool on_load = false;               // target was an on_load version that failed
  std::vector<std::pair<FunEntry*, const void*>> funs;  // cleared fun entries
  std::vector<Term> waiting;  // processes suspended calling one of them
};

// Guarded by code_mutex().
PurgeState g_purge;

bool in(const ModuleVersion* v, const void* pc) { return pc && v->contains(pc); }

// Retires the target's code; the rest of the version stays (see the header).
void free_code(ModuleVersion* v) {
  unregister_code_range(v);
  UWord* code = v->code.release();
  v->code_words = 0;
  epoch_retire([code] { delete[] code; });
}

}  // namespace

// Processes that called a fun of the purge target wait (suspended) until
// the purge ends either way; then they go on in pending_purge_lambda.
static void resume_waiting(std::vector<Term>& waiting) {
  for (Term pid : waiting) signal_send(pid, signal_new(SigKind::Resume, pid, NON_VALUE));
}

bool code_purge_fun_pending(const FunEntry* fe, Term pid) {
  std::lock_guard<std::mutex> lock(code_mutex());
  for (auto& [f, a] : g_purge.funs) {
    if (f == fe) {
      g_purge.waiting.push_back(pid);
      return true;
    }
  }
  return false;
}

PurgeResult code_purge_module(Term module, PurgeStep step) {
  std::vector<Term> waiting;
  PurgeResult r = code_purge_module_locked(module, step, &waiting);
  resume_waiting(waiting);
  return r;
}

PurgeResult code_purge_module_locked(Term module, PurgeStep step, std::vector<Term>* waiting) {
  std::lock_guard<std::mutex> lock(code_mutex());
  PurgeState& s = g_purge;
  switch (step) {
    case PurgeStep::Prepare:
    case PurgeStep::PrepareOnLoad: {
      if (s.module != NON_VALUE) return PurgeResult::Badarg;
      Module* m = module_get(module);
      if (!m) return PurgeResult::False;
      ModuleVersion* v = step == PurgeStep::PrepareOnLoad ? m->on_load_pending.exchange(nullptr)
                                                          : m->old.load(std::memory_order_acquire);
      if (!v) return PurgeResult::False;
      s.module = module;
      s.target = v;
      s.on_load = step == PurgeStep::PrepareOnLoad;
      for (FunEntry* fe : v->lambdas) {
        const void* a = fe->address.load(std::memory_order_acquire);
        if (in(v, a)) {
          s.funs.emplace_back(fe, a);
          fe->address.store(nullptr, std::memory_order_release);
        }
      }
      return PurgeResult::True;
    }
    case PurgeStep::Abort: {
      if (s.module != module || s.module == NON_VALUE) return PurgeResult::Badarg;
      for (auto& [fe, a] : s.funs) fe->address.store(a, std::memory_order_release);
      if (s.on_load) module_get(module)->on_load_pending.store(s.target, std::memory_order_release);
      waiting->swap(s.waiting);
      s = PurgeState{};
      return PurgeResult::False;
    }
    case PurgeStep::Complete: {
      if (s.module != module || s.module == NON_VALUE) return PurgeResult::Badarg;
      Module* m = module_get(module);
      if (!s.on_load && m->old.load(std::memory_order_acquire) == s.target)
        m->old.store(nullptr, std::memory_order_release);
      free_code(s.target);
      waiting->swap(s.waiting);
      s = PurgeState{};
      return PurgeResult::True;
    }
  }
  return PurgeResult::Badarg;
}

bool code_process_refers_to_old(const Process* p, Term module) {
  const ModuleVersion* v = nullptr;
  {
    std::lock_guard<std::mutex> lock(code_mutex());
    if (g_purge.module == module) {
      v = g_purge.target;
    } else if (Module* m = module_get(module)) {
      v = m->old.load(std::memory_order_acquire);
    }
  }
  // A version cannot be freed while we look: only a purge of this module
  // frees it, and that waits for this process's answer.
  if (!v || !v->code) return false;
  if (in(v, p->i)) return true;
  for (const Term* s = p->stop; s < p->hend; s++) {
    Term w = *s;
    if (is_return_address(w) && in(v, reinterpret_cast<const void*>(w))) return true;
    if (is_catch(w) && in(v, reinterpret_cast<const void*>(catch_val(w) << 3))) return true;
  }
  return false;
}

}  // namespace bvm
