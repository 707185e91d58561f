#include "vm/code_table.h"

#include <algorithm>

#include "vm/concurrent_index.h"

namespace bvm {

namespace {

ConcurrentIndex<Module>& modules() {
  static auto* ix = new ConcurrentIndex<Module>();
  return *ix;
}

// Sorted, immutable snapshots of code ranges; readers never lock.
struct Range {
  const UWord* start;
  const UWord* end;
  ModuleVersion* version;
};
struct Ranges {
  std::vector<Range> items;
};
std::atomic<const Ranges*> g_ranges{new Ranges()};
std::vector<const Ranges*> g_retired_ranges;  // kept: readers may still hold them

uint32_t atom_hash(Term a) { return uint32_t(a * 0x9E3779B97F4A7C15ull >> 32); }

}  // namespace

std::mutex& code_mutex() {
  static std::mutex* m = new std::mutex();
  return *m;
}

Module* module_get(Term name) {
  return modules().find(atom_hash(name), [&](const Module* m) { return m->name == name; });
}

Module* module_put(Term name) {
  return modules().get_or_create(
      atom_hash(name), [&](const Module* m) { return m->name == name; },
      [&] {
        Module* m = new Module();
        m->name = name;
        return m;
      });
}

std::vector<Module*> loaded_modules() {
  std::vector<Module*> out;
  for (Module* m : modules().entries())
    if (m->current.load(std::memory_order_acquire)) out.push_back(m);
  return out;
}

const FunctionInfo* ModuleVersion::function_at(const UWord* pc) const {
  auto it = std::upper_bound(functions.begin(), functions.end(), pc,
                             [](const UWord* p, const FunctionInfo& f) { return p < f.start; });
  if (it == functions.begin()) return nullptr;
  --it;
  return pc < it->end ? &*it : nullptr;
}

bool ModuleVersion::location_at(const UWord* pc, Term* file, uint32_t* line) const {
  if (lines.empty() || !contains(pc)) return false;
  uint32_t off = uint32_t(pc - code.get());
  auto it = std::upper_bound(lines.begin(), lines.end(), off,
                             [](uint32_t o, const LineRecord& r) { return o < r.offset; });
  if (it == lines.begin()) return false;
  --it;
  // Only a record inside the same function counts.
  const FunctionInfo* f = function_at(pc);
  if (f && code.get() + it->offset < f->start) return false;
  if (it->line == 0 || it->file >= files.size()) return false;
  *file = files[it->file];
  *line = it->line;
  return true;
}

ModuleVersion* version_at(const void* pc) {
  const Ranges* r = g_ranges.load(std::memory_order_acquire);
  const UWord* p = static_cast<const UWord*>(pc);
  auto it = std::upper_bound(r->items.begin(), r->items.end(), p,
                             [](const UWord* q, const Range& x) { return q < x.start; });
  if (it == r->items.begin()) return nullptr;
  --it;
  return p < it->end ? it->version : nullptr;
}

void register_code_range(ModuleVersion* v) {
  const Ranges* old = g_ranges.load(std::memory_order_acquire);
  auto* n = new Ranges(*old);
  Range r{v->code.get(), v->code.get() + v->code_words, v};
  auto it = std::upper_bound(n->items.begin(), n->items.end(), r.start,
                             [](const UWord* q, const Range& x) { return q < x.start; });
  n->items.insert(it, r);
  g_ranges.store(n, std::memory_order_release);
  g_retired_ranges.push_back(old);
}

void unregister_code_range(ModuleVersion* v) {
  const Ranges* old = g_ranges.load(std::memory_order_acquire);
  auto* n = new Ranges(*old);
  n->items.erase(std::remove_if(n->items.begin(), n->items.end(), [&](const Range& r) { return r.version == v; }),
                 n->items.end());
  g_ranges.store(n, std::memory_order_release);
  g_retired_ranges.push_back(old);
}

void commit_version(ModuleVersion* v) {
  Module* m = module_put(v->name);
  ModuleVersion* prev = m->current.load(std::memory_order_acquire);
  // Exports of the previous version that the new one lacks become undefined.
  if (prev) {
    for (Export* e : prev->exports) {
      if (std::find(v->exports.begin(), v->exports.end(), e) == v->exports.end() && !e->bif)
        export_reset_to_stub(e);
    }
  }
  for (size_t i = 0; i < v->exports.size(); i++) {
    Export* e = v->exports[i];
    if (e->bif) continue;  // a BIF's export keeps calling the BIF (erlang.beam's stubs)
    // New code starts untraced (a global pattern's trampoline goes; its
    // trace point is left to leak, as a reader may still hold it).
    e->trace.store(nullptr, std::memory_order_release);
    e->address.store(v->export_entries[i], std::memory_order_release);
  }
  for (size_t i = 0; i < v->lambdas.size(); i++)
    v->lambdas[i]->address.store(v->lambda_entries[i], std::memory_order_release);
  m->old.store(prev, std::memory_order_release);
  m->current.store(v, std::memory_order_release);
}

}  // namespace bvm
