#include "vm/instr.h"

namespace bvm {

unsigned instr_words(Instr i) {
  static const unsigned words[] = {
#define INSTR(name, words) words,
#include "vm/instrs.def"
#undef INSTR
  };
  return i < I_COUNT ? words[i] : 0;
}

const char* instr_name(Instr i) {
  static const char* const names[] = {
#define INSTR(name, words) #name,
#include "vm/instrs.def"
#undef INSTR
  };
  return i < I_COUNT ? names[i] : "?";
}

}  // namespace bvm
