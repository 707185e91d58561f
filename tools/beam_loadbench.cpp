// beam_loadbench [--prepare] DIR...
// Reads and decodes every .beam under the given directories (recursively)
// in one process and reports the time taken: the loader's throughput.
// With --prepare it also translates each module into executable code (not
// committed) and reports every module the translation refuses.
// Not a test: a benchmark (run it from tools/bench-loader.sh).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "bifs/bif.h"
#include "loader/beam_file.h"
#include "loader/prepare.h"
#include "vm/interp.h"

using namespace bvm;

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  bool prepare = false;
  int first = 1;
  if (argc > 1 && std::string(argv[1]) == "--prepare") {
    prepare = true;
    first = 2;
    interp_init();
    bvm::bifs_init();
  }
  for (int i = first; i < argc; i++) {
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(argv[i], ec); it != fs::recursive_directory_iterator(); ++it)
      if (it->is_regular_file() && it->path().extension() == ".beam") files.push_back(it->path().string());
  }
  std::sort(files.begin(), files.end());
  // Read the bytes first so the measurement is the decoding, not the disk.
  std::vector<std::vector<uint8_t>> images;
  size_t bytes = 0;
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    images.emplace_back((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    bytes += images.back().size();
  }
  auto t0 = std::chrono::steady_clock::now();
  size_t ok = 0, instrs = 0;
  for (size_t i = 0; i < files.size(); i++) {
    bvm::LoadError err;
    auto bf = bvm::read_beam(images[i].data(), images[i].size(), files[i], &err);
    if (bf && prepare) {
      std::string why;
      if (!bvm::prepare_module(*bf, &why)) {
        std::fprintf(stderr, "%s: %s\n", files[i].c_str(), why.c_str());
        continue;
      }
    }
    if (bf) {
      ok++;
      instrs += bf->code.size();
    } else {
      std::fprintf(stderr, "%s\n", err.format(files[i]).c_str());
    }
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("decoded %zu of %zu modules (%zu instructions, %.1f MB) in %.3f s\n", ok, files.size(), instrs,
              bytes / 1e6, secs);
  return ok == files.size() ? 0 : 1;
}
