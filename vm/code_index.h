// Export entries and fun entries: the global tables through which code is
// reached across module boundaries.
//
// - An Export names M:F/A. Fully-qualified calls, apply/3 and `fun M:F/A`
//   go through it; loading a new module version repoints it (see code table).
//   Entries are created on first mention (by a loader or by apply) and live
//   forever, so code can hold Export* directly.
// - A FunEntry names one fun definition of one module version by
//   (module, old_index, old_uniq), as in the external term format. Closures
//   point at it.
#pragma once

#include <atomic>
#include <cstdint>

#include "vm/term.h"

namespace bvm {

struct Process;
using BifFn = Term (*)(Process* p, Term* args);

struct Export {
  // module, function, arity (small): an MFA triple like FunctionInfo::mfa,
  // so stack traces can point at either.
  Term mfa[3];
  uint32_t arity;
  uint32_t hash;
  uint32_t seq = 0;  // creation order (module_info(exports) lists newest first, as the reference)
  // Where a call goes: the function's entry in the current code, or `stub`.
  // A call site does `I = address` with no test.
  std::atomic<const UWord*> address{nullptr};
  // Code run when the function is not loaded (calls the error handler) or
  // is a BIF (calls `bif`): [handler, this].
  UWord stub[2] = {0, 0};
  BifFn bif = nullptr;       // native implementation, set once at startup
  unsigned bif_flags = 0;
  // A NIF: native code for a function of a module that has Erlang code of
  // its own (a stub calling erlang:nif_error). Loading the module makes
  // that function call it (loader/prepare.cpp). Set once at startup.
  BifFn nif = nullptr;
  // Call tracing (vm/trace.h): a BIF's trace point (tested by the call_bif
  // instructions), or a global pattern; then `address` points at
  // trace_stub [trace_export, this], which goes on to trace_target.
  std::atomic<struct TracePoint*> trace{nullptr};
  UWord trace_stub[2] = {0, 0};
  std::atomic<const UWord*> trace_target{nullptr};

  Term module() const { return mfa[0]; }
  Term function() const { return mfa[1]; }
};

// Set when the interpreter starts: the handlers export stubs run.
void exports_set_stub_handlers(UWord undefined_handler, UWord bif_handler);
// Points e at its stub again (its module's code is gone).
void export_reset_to_stub(Export* e);

Export* export_get(Term module, Term function, uint32_t arity);  // nullptr if absent
Export* export_put(Term module, Term function, uint32_t arity);  // find or create

struct FunEntry {
  Term module;
  uint32_t old_index;
  uint32_t old_uniq;
  uint32_t hash;
  uint32_t index;        // new index (NEW_FUN_EXT)
  uint32_t arity;        // arity of the fun (without free variables)
  uint32_t num_free;
  uint8_t uniq[16];      // md5 of the module's code
  std::atomic<const void*> address{nullptr};  // code entry; nullptr once purged
};

FunEntry* fun_entry_put(Term module, uint32_t old_index, uint32_t old_uniq);

// Closure layout: [hdr(2 + num_free, Fun)] [FunEntry*] [creator pid] [env...]
constexpr UWord FUN_HEADER_WORDS = 3;
inline FunEntry* fun_entry(Term fun) { return reinterpret_cast<FunEntry*>(boxed_val(fun)[1]); }
inline Term fun_creator(Term fun) { return boxed_val(fun)[2]; }
inline UWord fun_num_free(Term fun) { return header_arity(boxed_header(fun)) - 2; }
inline Term* fun_env(Term fun) { return boxed_val(fun) + FUN_HEADER_WORDS; }

// External fun layout: [hdr(1, Export)] [Export*]
constexpr UWord EXPORT_FUN_WORDS = 2;
inline Export* export_fun_entry(Term fun) { return reinterpret_cast<Export*>(boxed_val(fun)[1]); }
// Arity of any fun (closure or external).
inline UWord fun_arity(Term fun) {
  return header_sub(boxed_header(fun)) == Sub::Export ? export_fun_entry(fun)->arity : fun_entry(fun)->arity;
}
inline Term make_export_fun_at(Term* hp, Export* e) {
  hp[0] = make_header(1, Sub::Export);
  hp[1] = reinterpret_cast<Term>(e);
  return make_boxed(hp);
}

}  // namespace bvm
