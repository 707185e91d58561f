// Disassembly in the form of beam_disasm:file/1's code list (element 6 of
// its #beam_file{} record), so that file:consult/1 of the text is =:= to it.
#pragma once

#include <string>

#include "loader/beam_file.h"

namespace bvm {

// Appends `{function, Name, Arity, Entry, Instructions}.` for each function.
// Returns false (with a reason) for code beam_disasm itself cannot render.
bool disassemble(const BeamFile& bf, std::string& out, std::string* err);

// A Type chunk entry as beam_types:decode_ext/1 returns it: {Type, Min, Max}.
std::string type_entry_text(const TypeEntry& t);

}  // namespace bvm
