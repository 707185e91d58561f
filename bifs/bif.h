// Built-in functions: the calling convention.
//
//   Term fn(Process* p, Term* args)
//
// `args` holds the arguments (the x registers, or a copy for guard BIFs).
// A BIF returns its result, or:
//   NON_VALUE  an exception: p->exc_class / exc_reason are set (use the
//              raise_* helpers below); the interpreter adds the stack trace
//              with this BIF as the top frame.
//   BIF_TRAP   "continue at p->trap_addr with p->trap_arity arguments now in
//              the x registers" (apply/2,3 and friends).
//   BIF_YIELD  reschedule the process, then return p->trap_value.
// A BIF never collects garbage: it allocates with p->halloc(), and terms
// it holds in C++ variables stay valid until it returns.
//
// The table of all BIFs is bifs/bifs.def; each bifs/<module>.cpp implements
// one Erlang module family.
#pragma once

#include <string_view>

#include "vm/code_index.h"
#include "vm/process.h"
#include "vm/term.h"

namespace bvm {

constexpr Term BIF_TRAP = make_catch(0x7FFFFFF1);
constexpr Term BIF_YIELD = make_catch(0x7FFFFFF2);

enum BifFlag : unsigned {
  BIF_TRAPS_OR_SPECIAL = 1,  // must be called through its export (see loader/prepare.cpp)
  BIF_NIF = 2,               // a NIF: replaces the body of M:F/A when M is loaded
  // Defined in Erlang by its module in the reference (not a BIF there: not
  // in system_info(snifs), is_builtin/3 false); run natively here.
  BIF_ERLANG_DEFINED = 4,
};

struct BifDef {
  const char* module;
  const char* name;
  unsigned arity;
  BifFn fn;
  unsigned flags;
};

// Registers every BIF of bifs.def: creates its export entry with `bif` set.
void bifs_init();

// ---- raising exceptions from BIFs (all return NON_VALUE)
Term raise_error(Process* p, Term reason);
Term raise_exit(Process* p, Term reason);
Term raise_throw(Process* p, Term value);
Term raise_badarg(Process* p);
Term raise_badarith(Process* p);
Term raise_system_limit(Process* p);
// error:{Tag, Value}, e.g. {badkey, K}
Term raise_error_tuple(Process* p, Term tag, Term value);
// error:Reason with an error_info `cause` (the reference's EXF_HAS_EXT_INFO)
Term raise_error_cause(Process* p, Term reason, Term cause);

// Continue by calling `e` with the arguments already in the x registers.
Term bif_trap(Process* p, const Export* e);
// The code erlang:apply/2 traps to: calls the fun in x[p->trap_arity].
const UWord* apply_fun_code();

// ---- common conversions
// Builds a tuple of n elements on p's heap (elements given).
Term make_tuple(Process* p, std::initializer_list<Term> elems);
Term make_cons(Process* p, Term head, Term tail);
// A string (list of byte values) of the given Latin-1 text.
Term make_string(Process* p, std::string_view latin1);
// Integer results: small or bignum.
Term make_integer(Process* p, int64_t v);
Term make_uinteger(Process* p, uint64_t v);
// erts_debug:get_internal_state(persistent_term) (bifs/persistent_term.cpp).
Term persistent_term_debug_info(Process* p);
// erts_debug:get_internal_state(process_info_args) (bifs/erlang_process_info.cpp).
Term process_info_items(Process* p);
// erts_debug:get_internal_state({make_unique_integer, Thr, N}) (bifs/erlang_time.cpp).
Term unique_integer_debug(Process* p, Term thr, Term count);
Term make_float(Process* p, double d);
// Reads an integer that fits int64 (false for bignums beyond it and non-integers).
bool term_to_int64(Term t, int64_t* out);
// max_heap_size option values (bifs/erlang_spawn.cpp): a size or a map.
bool parse_max_heap(Term t, size_t* size, bool* kill, bool* log);
Term max_heap_map(Process* p, size_t size, bool kill, bool log);
// Reads a non-negative integer that fits uint64.
bool term_to_uint64(Term t, uint64_t* out);
// Length of a proper list; -1 if not a proper list.
SWord list_length(Term l);

#define BIF_FN(name) Term name(Process* p, Term* args)

}  // namespace bvm
