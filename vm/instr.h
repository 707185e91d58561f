// The interpreter's specific instructions, generated from vm/instrs.def.
#pragma once

#include <cstdint>
#include <span>

#include "vm/term.h"

namespace bvm {

enum Instr : uint16_t {
#define INSTR(name, words) I_##name,
#define VARIANT(name, family, ...) I_##name,
#define FAMILY(name)
#include "vm/instrs.def"
#undef INSTR
#undef VARIANT
#undef FAMILY
  I_COUNT
};

// Families of operand-specialised variants (vm/instrs.def).
enum Family : uint16_t {
#define INSTR(name, words)
#define VARIANT(name, family, ...)
#define FAMILY(name) F_##name,
#include "vm/instrs.def"
#undef INSTR
#undef VARIANT
#undef FAMILY
  F_COUNT
};

// Fixed length in words (handler word included), or 0 for variable length.
unsigned instr_words(Instr i);
const char* instr_name(Instr i);
// A variant's family (F_COUNT for other instructions) and the kinds of its
// operand words, one letter each ("" for other instructions).
Family instr_family(Instr i);
const char* instr_kinds(Instr i);
// A family's variants in the order vm/instrs.def lists them.
std::span<const Instr> family_variants(Family f);

// bs_create_bin segment kinds.
enum class BsSeg : uint8_t { Integer, Float, Binary, String, Utf8, Utf16, Utf32, Append, PrivateAppend };
// bs_match (OTP 26) commands.
enum class BsCmd : uint8_t { EnsureAtLeast, EnsureExactly, Integer, Binary, Skip, GetTail, Equal };

// Source/destination operand encoding (see vm/instrs.def).
inline bool operand_is_reg(UWord w) { return (w & 3) == 0; }
inline bool operand_is_y(UWord w) { return (w & 4) != 0; }
inline UWord operand_reg(UWord w) { return w >> 3; }
// Reads a source operand outside the interpreter loop (E = p->stop).
inline Term operand_fetch(UWord w, const Term* x, const Term* E) {
  if (!operand_is_reg(w)) return Term(w);
  return operand_is_y(w) ? E[operand_reg(w)] : x[operand_reg(w)];
}

}  // namespace bvm
