// Preparing a decoded module for execution: generic instructions become the
// interpreter's specific instructions (vm/instrs.def) with resolved labels,
// imports, literals and pre-decoded operands.
#pragma once

#include <memory>
#include <string>

#include "loader/beam_file.h"
#include "vm/code_table.h"

namespace bvm {

// Translates `bf` (which gives up its literal area) into a new, uncommitted
// module version. On failure returns nullptr with a message naming the
// function and the instruction.
std::unique_ptr<ModuleVersion> prepare_module(BeamFile& bf, std::string* error);

}  // namespace bvm
