#include "vm/registry.h"

#include <shared_mutex>
#include <unordered_map>

#include "vm/epoch.h"
#include "vm/process_table.h"

namespace bvm {

namespace {

struct Registry {
  std::shared_mutex lock;
  std::unordered_map<Term, Term> by_name;
  std::unordered_map<Term, Term> by_pid;
};

Registry& reg() {
  static Registry* r = new Registry();
  return *r;
}

}  // namespace

bool registry_register(Term name, Term pid) {
  Registry& r = reg();
  std::unique_lock<std::shared_mutex> lock(r.lock);
  if (r.by_name.count(name) || r.by_pid.count(pid)) return false;
  EpochGuard pinned;
  Process* p = process_table().lookup(pid);
  if (!p) return false;
  {
    std::lock_guard<SpinLock> plock(p->sig_lock);
    if (p->state.load(std::memory_order_relaxed) == ProcState::Exited) return false;
  }
  r.by_name[name] = pid;
  r.by_pid[pid] = name;
  return true;
}

bool registry_unregister(Term name) {
  Registry& r = reg();
  std::unique_lock<std::shared_mutex> lock(r.lock);
  auto it = r.by_name.find(name);
  if (it == r.by_name.end()) return false;
  r.by_pid.erase(it->second);
  r.by_name.erase(it);
  return true;
}

Term registry_whereis(Term name) {
  Registry& r = reg();
  std::shared_lock<std::shared_mutex> lock(r.lock);
  auto it = r.by_name.find(name);
  return it == r.by_name.end() ? NON_VALUE : it->second;
}

Term registry_name_of(Term pid) {
  Registry& r = reg();
  std::shared_lock<std::shared_mutex> lock(r.lock);
  auto it = r.by_pid.find(pid);
  return it == r.by_pid.end() ? NON_VALUE : it->second;
}

void registry_remove_pid(Term pid) {
  Registry& r = reg();
  {
    std::shared_lock<std::shared_mutex> lock(r.lock);
    if (!r.by_pid.count(pid)) return;
  }
  std::unique_lock<std::shared_mutex> lock(r.lock);
  auto it = r.by_pid.find(pid);
  if (it == r.by_pid.end()) return;
  r.by_name.erase(it->second);
  r.by_pid.erase(it);
}

std::vector<Term> registry_names() {
  Registry& r = reg();
  std::shared_lock<std::shared_mutex> lock(r.lock);
  std::vector<Term> out;
  out.reserve(r.by_name.size());
  for (auto& [name, pid] : r.by_name) out.push_back(name);
  return out;
}

}  // namespace bvm
