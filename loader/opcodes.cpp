#include "loader/opcodes.h"

#include <string>

namespace bvm {

namespace {
struct OpcodeTable {
  OpcodeInfo entries[MAX_OPCODE + 1] = {};
  std::string names[MAX_OPCODE + 1];
  OpcodeTable() {
#define OP(num, name, arity, since, obsolete, shape, operands) \
  static_assert(num <= MAX_OPCODE);                            \
  set(num, #name, arity, since, obsolete != 0, shape, operands);
#include "loader/opcodes.def"
#undef OP
  }
  void set(unsigned n, std::string name, uint8_t arity, uint8_t since, bool obsolete, DisShape shape,
           const char* operands) {
    if (name.back() == '_') name.pop_back();  // return_, catch_, try_
    names[n] = name;
    entries[n] = {names[n].c_str(), arity, since, obsolete, shape, operands};
  }
};
}  // namespace

const OpcodeInfo& opcode_info(unsigned opcode) {
  static const OpcodeTable table;
  static const OpcodeInfo none{nullptr, 0, 0, true, Unknown, ""};
  return opcode <= MAX_OPCODE ? table.entries[opcode] : none;
}

}  // namespace bvm
