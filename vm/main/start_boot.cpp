// Boot mode: start the way erl does (research: the boot sequence). The
// preloaded modules come from the OTP root's erts ebin; the first process
// runs erl_init:start(init, BootArgs) with the arguments erlexec gives
// beam.smp after "--"; the system processes start next to it.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "vm/atom_table.h"
#include "vm/code_loading.h"
#include "vm/code_table.h"
#include "vm/main/start.h"
#include "vm/vm.h"

namespace bvm {

namespace {

// The erts-<version> directory in `dir` (erts-13.1.5 for OTP 25.2.3).
std::string erts_dir(const std::string& root) {
  std::string best;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(root, ec)) {
    std::string name = e.path().filename().string();
    if (name.rfind("erts-", 0) == 0 && e.is_directory() && name > best) best = name;
  }
  return best.empty() ? "" : root + "/" + best;
}

bool load_file(const std::string& path, Term module) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::vector<uint8_t> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Term reason;
  std::string message;
  if (!code_load_image(module, data.data(), data.size(), path, &reason, &message)) {
    std::fprintf(stderr, "beamvm: cannot load preloaded module %s\n", message.c_str());
    return false;
  }
  return true;
}

}  // namespace

bool start_boot(const StartArgs& a) {
  std::string erts = erts_dir(a.root);            // ROOT/erts-V: bin
  std::string erts_lib = erts_dir(a.root + "/lib");  // ROOT/lib/erts-V: ebin
  std::string preloaded = erts_lib.empty() ? "" : erts_lib + "/ebin";
  if (erts.empty() || !std::filesystem::is_directory(preloaded)) {
    std::fprintf(stderr, "beamvm: %s has no erts-* directories with the preloaded modules\n", a.root.c_str());
    return false;
  }
  setup_code_path(a, {});
  // The built-in modules, less socket support (its NIFs are not built in;
  // erl_init only starts it when prim_socket is loaded).
  for (Term m : code_preloaded_modules()) {
    std::string name(atom_text(m));
    if (name == "prim_socket" || name == "prim_net" || name == "socket_registry") continue;
    if (!load_file(preloaded + "/" + name + ".beam", m)) return false;
  }
  code_use_error_handler = true;

  const char* home = std::getenv("HOME");
  std::vector<std::string> boot_args = {"-root", a.root, "-bindir", erts + "/bin", "-progname", "erl", "--",
                                        "-home", home ? home : "/", "--"};
  for (const std::string& s : a.init_args) boot_args.push_back(s);
  static ArgBuilder* b = new ArgBuilder();  // the first process's literals live on
  std::vector<Term> bins;
  for (const std::string& s : boot_args) bins.push_back(b->binary(s));
  Term args = b->list({atom_put("init"), b->list(bins)});
  Process* init = process_spawn(nullptr, atom_put("erl_init"), atom_put("start"), args);
  if (!init) {
    std::fprintf(stderr, "beamvm: cannot start the first process\n");
    return false;
  }
  vm_set_vital_process(init->id);
  // The system processes the emulator starts next to init.
  for (const char* m : {"erts_code_purger", "erts_literal_area_collector", "erts_dirty_process_signal_handler"}) {
    SpawnOpts o;
    o.prio = PRIO_MAX;
    if (!process_spawn(nullptr, atom_put(m), atom_put("start"), NIL, o)) return false;
  }
  return true;
}

}  // namespace bvm
