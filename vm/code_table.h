// The code table: loaded modules, each with a current and an old version.
//
// - A ModuleVersion owns its prepared (threaded) code and its literal area.
//   Code never moves once prepared: return addresses, catch markers and
//   export entries point into it.
// - Exported functions are reached through Export entries, which a commit
//   repoints to the new current version; local calls jump directly.
// - Looking up which version contains a code address (for stack traces,
//   process_info and purging) reads an immutable, sorted snapshot: no lock.
// - Loading and committing take the code-table mutex (one loader at a time).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "loader/literal_area.h"
#include "vm/code_index.h"
#include "vm/term.h"

namespace bvm {

struct FunctionInfo {
  const UWord* start;  // the func_info instruction
  const UWord* end;    // one past the function's last instruction
  Term mfa[3];         // module, function, arity (small)
  // Call tracing (vm/trace.h), read and written with std::atomic_ref:
  // the pattern, and the entry instruction's own handler word while a
  // breakpoint replaces it (kept once saved).
  struct TracePoint* tp = nullptr;
  UWord saved_entry = 0;
};

struct LineRecord {
  uint32_t offset;     // code offset (words) of the instruction the line applies to
  uint32_t file;       // index into ModuleVersion::files
  uint32_t line;
};

struct ModuleVersion {
  Term name = NON_VALUE;
  std::unique_ptr<UWord[]> code;
  size_t code_words = 0;
  std::unique_ptr<LiteralArea> literals;
  std::vector<FunctionInfo> functions;  // sorted by start
  std::vector<LineRecord> lines;        // sorted by offset
  std::vector<Term> files;              // file names as strings (literals)
  std::vector<Export*> exports;         // what this version exports...
  std::vector<const UWord*> export_entries;  // ...and where each one starts
  std::vector<FunEntry*> lambdas;
  std::vector<const UWord*> lambda_entries;  // code of each lambda
  std::string attributes_etf;           // Attr chunk (external format)
  std::string compile_info_etf;         // CInf chunk
  uint8_t md5[16] = {};
  const UWord* on_load = nullptr;       // the on_load function, if any
  bool on_load_pending = false;

  bool contains(const void* pc) const {
    const UWord* p = static_cast<const UWord*>(pc);
    return p >= code.get() && p < code.get() + code_words;
  }
  // The function containing pc, or nullptr.
  const FunctionInfo* function_at(const UWord* pc) const;
  // The source location of the instruction at or before pc: true if known.
  bool location_at(const UWord* pc, Term* file, uint32_t* line) const;
};

struct Module {
  Term name;
  uint32_t hash;
  std::atomic<ModuleVersion*> current{nullptr};
  std::atomic<ModuleVersion*> old{nullptr};
  // Loaded but waiting for its on_load function to say whether to keep it
  // (erlang:call_on_load_function/1, finish_after_on_load/2).
  std::atomic<ModuleVersion*> on_load_pending{nullptr};
};

Module* module_get(Term name);   // nullptr if never loaded
Module* module_put(Term name);   // find or create

// The version (current or old, of any module) containing pc; nullptr if none.
ModuleVersion* version_at(const void* pc);

// The code-table lock: held while loading, committing, deleting, purging.
std::mutex& code_mutex();

// Makes `v` the current version of its module: the previous current version
// becomes old (the caller has checked there is no old version), and every
// export of `v` is pointed at its code. Exports the old version had and `v`
// lacks are reset to the undefined-function stub. Caller holds code_mutex().
void commit_version(ModuleVersion* v);

// Registers a version's code range for version_at().
void register_code_range(ModuleVersion* v);
// Removes it again (purge): version_at() no longer finds v.
void unregister_code_range(ModuleVersion* v);

// All loaded modules (those with a current version).
std::vector<Module*> loaded_modules();

}  // namespace bvm
