// A mutation fuzzer for the .beam reader, for builds without libFuzzer.
//   fuzz_loader_mutate ITERATIONS SEED FILE.beam...
// Each iteration takes one of the seed files, applies 1-8 random mutations
// (bit flips, byte sets, interesting 32-bit values, truncation, chunk-size
// edits, block duplication) and reads the result. A crash or sanitizer
// report fails; an error result is the expected outcome for most inputs.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "loader/beam_file.h"
#include "loader/disasm.h"

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: fuzz_loader_mutate ITERATIONS SEED FILE.beam...\n");
    return 2;
  }
  long iterations = std::atol(argv[1]);
  std::mt19937_64 rng(std::strtoull(argv[2], nullptr, 10));
  std::vector<std::vector<uint8_t>> seeds;
  for (int i = 3; i < argc; i++) {
    std::ifstream in(argv[i], std::ios::binary);
    seeds.emplace_back((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  static const uint32_t interesting[] = {0, 1, 2, 3, 4, 7, 8, 15, 16, 255, 256, 0x7FFF, 0x8000, 0xFFFF,
                                         0x7FFFFFFF, 0x80000000u, 0xFFFFFFFFu, 0xFFFFFFFEu};
  long accepted = 0;
  for (long it = 0; it < iterations; it++) {
    std::vector<uint8_t> d = seeds[rng() % seeds.size()];
    int muts = 1 + int(rng() % 8);
    for (int m = 0; m < muts && !d.empty(); m++) {
      size_t pos = rng() % d.size();
      switch (rng() % 7) {
        case 0: d[pos] ^= uint8_t(1u << (rng() % 8)); break;
        case 1: d[pos] = uint8_t(rng()); break;
        case 2: {
          uint32_t v = interesting[rng() % (sizeof interesting / sizeof interesting[0])];
          for (int k = 0; k < 4 && pos + k < d.size(); k++) d[pos + k] = uint8_t(v >> (24 - 8 * k));
          break;
        }
        case 3: d.resize(pos); break;
        case 4: {  // edit a chunk size field: find a chunk header near pos
          for (size_t k = pos & ~size_t(3); k + 8 <= d.size() && k < pos + 64; k += 4) {
            if (std::isalpha(d[k]) && std::isalnum(d[k + 1]) && std::isalnum(d[k + 2]) && std::isalnum(d[k + 3])) {
              uint32_t v = interesting[rng() % (sizeof interesting / sizeof interesting[0])];
              for (int b = 0; b < 4; b++) d[k + 4 + b] = uint8_t(v >> (24 - 8 * b));
              break;
            }
          }
          break;
        }
        case 5: {  // duplicate a block
          size_t len = 1 + rng() % 32;
          if (pos + len <= d.size()) d.insert(d.begin() + long(pos), d.begin() + long(pos), d.begin() + long(pos + len));
          break;
        }
        case 6: d[pos] = uint8_t(d[pos] + 1 + rng() % 4); break;
      }
    }
    bvm::LoadError err;
    auto bf = bvm::read_beam(d.data(), d.size(), "fuzz", &err);
    if (bf) {
      accepted++;
      std::string text, why;
      bvm::disassemble(*bf, text, &why);
    }
  }
  std::printf("%ld inputs, %ld accepted, no crash\n", iterations, accepted);
  return 0;
}
