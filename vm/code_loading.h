// Loading modules: from the code path on demand, or from binaries; and
// what happens when code calls a function that has no code.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vm/code_index.h"
#include "vm/code_table.h"
#include "vm/process.h"

namespace bvm {

// Directories searched for <module>.beam, in order.
std::vector<std::string>& code_path();

// Loads `module` from the code path unless it is loaded. True if it is
// loaded afterwards; otherwise `error` says why (not found, bad file, ...).
bool code_ensure_loaded(Term module, std::string* error);

// Reads and prepares a module image (erts_internal:prepare_loading/2).
// `expected` (an atom, or NON_VALUE) must match the module's name. On
// failure returns null with `reason` an atom (badfile, ...) and `message`
// a description naming the file and what is wrong.
std::unique_ptr<ModuleVersion> code_prepare(Term expected, const uint8_t* data, size_t size,
                                            const std::string& file_name, Term* reason, std::string* message);

// Installs prepared versions all together (erlang:finish_loading/1).
// Ok: each is its module's current version. NotPurged / Duplicated: none
// was installed, `modules` lists the culprits. OnLoad: the one version
// (alone in the list) waits for its on_load function (its module's
// on_load_pending). Takes the versions that were installed.
enum class InstallResult { Ok, NotPurged, Duplicated, OnLoad };
InstallResult code_install(std::vector<std::unique_ptr<ModuleVersion>>& versions, std::vector<Term>* modules);
// After the on_load function ran: keep the pending version (it becomes
// current) or drop it. False if the module has none pending.
bool code_finish_on_load(Term module, bool keep);
// erlang:delete_module/1: current code becomes old, exports undefined.
// Undefined: no current code; false: old code exists already (badarg).
enum class DeleteResult { Ok, NoCode, OldExists };
DeleteResult code_delete_module(Term module);

// The modules the reference's emulator has built in (erlang:pre_loaded/0);
// their on_load functions are run by erl_init, not the loader.
bool code_is_preloaded(Term module);
const std::vector<Term>& code_preloaded_modules();

// Reads, prepares and installs a module image (direct mode, on demand).
// On failure returns false with `reason` set to an atom (badfile,
// not_purged, on_load_not_allowed, ...) and `message` a description.
bool code_load_image(Term expected, const uint8_t* data, size_t size, const std::string& file_name,
                     Term* reason, std::string* message);

// When set (booting OTP's init), calls of undefined functions go to the
// error_handler module like in the reference; otherwise the VM loads the
// module from the code path itself (direct mode).
extern bool code_use_error_handler;

// The stub of an export without code was called with arguments in x.
// Loads the module on demand; returns where to continue, or nullptr with
// an undef error prepared (p->exc_*; the function is the top frame).
const UWord* resolve_undefined(Process* p, const Export* e, Term* x);
// A fun whose module's code is not loaded was called.
const UWord* resolve_unloaded_fun(Process* p, Term fun, Term* x, unsigned arity);
// M:F(...) with M or F not an atom: prepares erlang:apply/3's badarg.
void apply_bad_target(Process* p, Term m, Term f, Term* x, unsigned arity);

}  // namespace bvm
