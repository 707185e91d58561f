// libFuzzer target for the .beam reader and the disassembler (clang,
// -DBEAMVM_FUZZ=ON). Seed it with real .beam files.
#include <cstddef>
#include <cstdint>
#include <string>

#include "loader/beam_file.h"
#include "loader/disasm.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  bvm::LoadError err;
  auto bf = bvm::read_beam(data, size, "fuzz", &err);
  if (bf) {
    std::string text, why;
    bvm::disassemble(*bf, text, &why);
  }
  return 0;
}
