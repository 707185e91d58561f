// beamdis FILE.beam...
// Prints each module's code as beam_disasm:file/1 lists it: one
// `{function, Name, Arity, Entry, Instructions}.` per function.
// With -o DIR, writes DIR/<basename>.dis per input instead of stdout.
// Exit status: 0 if every file was read and rendered, 1 otherwise.
// beamdis --type-table prints `{Bits, Type}.` for every Type-chunk bit
// pattern (a check of the type rendering against beam_types).
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

#include "loader/beam_file.h"
#include "loader/disasm.h"

int main(int argc, char** argv) {
  std::string outdir;
  int status = 0;
  int first = 1;
  if (argc == 2 && std::strcmp(argv[1], "--type-table") == 0) {
    for (unsigned bits = 0; bits < 8192; bits++) {
      bvm::TypeEntry t{uint16_t(bits), 0, ~uint64_t(0)};
      std::printf("{%u,%s}.\n", bits, bvm::type_entry_text(t).c_str());
    }
    return 0;
  }
  if (argc > 2 && std::strcmp(argv[1], "-o") == 0) {
    outdir = argv[2];
    first = 3;
  }
  if (first >= argc) {
    std::fprintf(stderr, "usage: beamdis [-o DIR] FILE.beam...\n");
    return 2;
  }
  for (int i = first; i < argc; i++) {
    bvm::LoadError err;
    auto bf = bvm::read_beam_file(argv[i], &err);
    if (!bf) {
      std::fprintf(stderr, "beamdis: %s\n", err.format(argv[i]).c_str());
      status = 1;
      continue;
    }
    std::string text, why;
    if (!bvm::disassemble(*bf, text, &why)) {
      std::fprintf(stderr, "beamdis: %s: cannot disassemble: %s\n", argv[i], why.c_str());
      status = 1;
      continue;
    }
    if (outdir.empty()) {
      std::fwrite(text.data(), 1, text.size(), stdout);
    } else {
      std::string base = argv[i];
      size_t slash = base.rfind('/');
      if (slash != std::string::npos) base = base.substr(slash + 1);
      std::ofstream out(outdir + "/" + base + ".dis", std::ios::binary);
      out << text;
      if (!out) {
        std::fprintf(stderr, "beamdis: cannot write %s/%s.dis\n", outdir.c_str(), base.c_str());
        status = 1;
      }
    }
  }
  return status;
}
