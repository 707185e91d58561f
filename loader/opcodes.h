// Generic opcodes, generated from loader/opcodes.def.
#pragma once

#include <cstdint>

namespace bvm {

namespace op {
enum Opcode : uint16_t {
#define OP(num, name, arity, since, obsolete, shape, operands) name = num,
#include "loader/opcodes.def"
#undef OP
};
}  // namespace op

constexpr unsigned MAX_OPCODE = 184;  // highest generic opcode we know (OTP 28)

// How beam_disasm renders an instruction (see opcodes.def).
enum DisShape : uint8_t { Atom, Tuple, Test, TestFlat, Bif, GcBif, ArithF, ListMid, Custom, Unknown };

struct OpcodeInfo {
  const char* name;      // nullptr for unused numbers
  uint8_t arity;
  uint8_t since;         // OTP release (0: before OTP 21)
  bool obsolete;         // refused by OTP 25's loader
  DisShape shape;
  const char* operands;  // disassembly operand kinds
};

const OpcodeInfo& opcode_info(unsigned opcode);

// Opcodes OTP 25's loader accepts (not obsolete, not newer than OTP 25).
inline bool loadable_in_otp25(unsigned opcode) {
  const OpcodeInfo& i = opcode_info(opcode);
  return i.name && !i.obsolete && opcode <= 180;
}

}  // namespace bvm
