// Printing terms as Erlang text.
//
// Consult style: what `~w` prints, made re-readable by file:consult/1 where
// the term has a syntax (atoms always quoted when needed, non-ASCII and
// control characters as \x{..} escapes, floats in shortest round-trip form).
// Pids, ports, references and local funs print as `~w` shows them.
#pragma once

#include <string>
#include <string_view>

#include "vm/term.h"

namespace bvm {

void print_term(std::string& out, Term t);
std::string term_to_text(Term t);
// erlang:display/1's format: floats as %.6e, printable lists as strings,
// printable binaries as <<"...">>, maps as #{k=>v}, Latin-1 atom rules.
std::string term_to_display_text(Term t);

void print_atom(std::string& out, Term atom);
// Prints UTF-8 text as an atom, quoted if needed.
void print_atom_text(std::string& out, std::string_view text);
void print_float(std::string& out, double d);

}  // namespace bvm
