// beamvm: the VM executable. (The interpreter arrives with issue 3; until
// then it only checks that it can read the .beam files it is given.)
#include <cstdio>
#include <cstring>

#include "loader/beam_file.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "beamvm: no interpreter yet; usage: beamvm -check FILE.beam...\n");
    return 2;
  }
  int status = 0;
  for (int i = 1; i < argc; i++) {
    if (std::strcmp(argv[i], "-check") == 0) continue;
    bvm::LoadError err;
    if (!bvm::read_beam_file(argv[i], &err)) {
      std::fprintf(stderr, "beamvm: {error,badfile}: %s\n", err.format(argv[i]).c_str());
      status = 1;
    }
  }
  return status;
}
