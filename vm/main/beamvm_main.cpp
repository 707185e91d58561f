// beamvm: the VM executable, a drop-in for `erl`.
//
//   beamvm [emulator flags] [init flags and arguments, as for erl]
//
// Emulator flags (the VM's own, like erl's +flags): +S N[:M] schedulers,
// +P N process limit, -root DIR (default: the installed OTP's root),
// -direct (run -s/-run/-eval without booting OTP; see start.h). Other
// + flags are accepted and ignored. Everything else goes to OTP's init,
// which boots the system and runs -s/-run/-eval (init flags).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "bifs/bif.h"
#include "vm/atom_table.h"
#include "vm/binary.h"
#include "vm/code_loading.h"
#include "vm/gc.h"
#include "vm/interp.h"
#include "vm/literal_release.h"
#include "vm/main/start.h"
#include "vm/vm.h"

#ifndef BEAMVM_DEFAULT_ROOT
#define BEAMVM_DEFAULT_ROOT "/usr/lib/erlang"
#endif

namespace bvm {

Term ArgBuilder::list(const std::vector<Term>& items) {
  Term l = NIL;
  for (size_t i = items.size(); i-- > 0;) {
    Term* hp = area.alloc(2);
    hp[0] = items[i];
    hp[1] = l;
    l = make_list(hp);
  }
  return l;
}

Term ArgBuilder::string(const std::string& s) {
  std::vector<Term> cs;
  for (unsigned char c : s) cs.push_back(make_small(c));  // bytes, as erl passes them
  return list(cs);
}

Term ArgBuilder::binary(const std::string& s) {
  const auto* d = reinterpret_cast<const uint8_t*>(s.data());
  if (s.size() <= HEAP_BIN_LIMIT) return make_heap_bin(area.alloc(heap_bin_words(s.size())), d, s.size());
  BinData* b = BinData::create(s.size());
  std::memcpy(b->bytes, d, s.size());
  return make_refc_bin(area.alloc(REFC_BIN_WORDS), b, &area.offheap);
}

Term ArgBuilder::tuple(std::initializer_list<Term> es) {
  Term* hp = area.alloc(1 + es.size());
  hp[0] = make_header(es.size(), Sub::Tuple);
  size_t i = 1;
  for (Term t : es) hp[i++] = t;
  return make_boxed(hp);
}

std::string exe_dir() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(".") : p.parent_path().string();
}

void setup_code_path(const StartArgs& a, const std::vector<std::string>& extra) {
  std::vector<std::string>& path = code_path();
  for (auto& d : a.pa) path.push_back(d);
  for (auto& d : extra) path.push_back(d);
  std::vector<std::string> libs;
  for (const auto& entry : std::filesystem::directory_iterator(a.root + "/lib")) {
    std::string ebin = entry.path().string() + "/ebin";
    if (std::filesystem::is_directory(ebin)) libs.push_back(ebin);
  }
  std::sort(libs.begin(), libs.end());
  for (auto& d : libs) path.push_back(d);
  for (auto& d : a.pz) path.push_back(d);
}

bool spawn_system_processes() {
  for (const char* m : {"erts_code_purger", "erts_literal_area_collector", "erts_dirty_process_signal_handler"}) {
    SpawnOpts o;
    o.prio = PRIO_MAX;
    o.system_process = true;
    Process* sp = process_spawn(nullptr, atom_put(m), atom_put("start"), NIL, o);
    if (!sp) return false;
    if (std::string_view(m) == "erts_literal_area_collector") literal_collector_set(sp->id);
  }
  return true;
}

}  // namespace bvm

namespace {

using namespace bvm;

bool is_flag(const char* a) { return a[0] == '-' || a[0] == '+'; }

// Parses the command line; false (after saying why) if it is unusable.
bool parse(int argc, char** argv, StartArgs* a) {
  bool extra = false;
  for (int i = 1; i < argc; i++) {
    const char* arg = argv[i];
    auto take = [&](std::vector<std::string>& out) {
      while (i + 1 < argc && !is_flag(argv[i + 1])) out.push_back(argv[++i]);
    };
    if (extra) {
      a->init_args.push_back(arg);
      continue;
    }
    if (std::strcmp(arg, "-root") == 0 && i + 1 < argc) {
      a->root = argv[++i];
    } else if (std::strcmp(arg, "-env") == 0 && i + 2 < argc) {
      // As erlexec: set in the VM's environment, not passed on to init.
      setenv(argv[i + 1], argv[i + 2], 1);
      i += 2;
    } else if (std::strcmp(arg, "-direct") == 0) {
      a->direct = true;
    } else if (std::strcmp(arg, "+S") == 0 && i + 1 < argc) {
      // +S Schedulers[:Online]; we run the online ones.
      unsigned total = 0, online = 0;
      int n = std::sscanf(argv[++i], "%u:%u", &total, &online);
      if (n < 1 || total < 1 || total > 1024 || (n == 2 && (online < 1 || online > total))) {
        std::fprintf(stderr, "beamvm: bad number of schedulers %s\n", argv[i]);
        return false;
      }
      a->config.schedulers = n == 2 ? online : total;
    } else if (std::strcmp(arg, "+P") == 0 && i + 1 < argc) {
      char* end = nullptr;
      unsigned long long n = std::strtoull(argv[++i], &end, 10);
      if (*end || n < 1024 || n > 134217727) {
        std::fprintf(stderr, "beamvm: bad number of processes %s\n", argv[i]);
        return false;
      }
      a->config.process_limit = size_t(n);
    } else if (arg[0] == '+') {
      // Other emulator flags: accepted, not acted on; a value follows most.
      std::vector<std::string> ignored;
      take(ignored);
    } else {
      // For init (boot mode); direct mode understands a few itself.
      a->init_args.push_back(arg);
      if (std::strcmp(arg, "-extra") == 0) {
        extra = true;
        continue;
      }
      std::vector<std::string> values;
      if (std::strcmp(arg, "-eval") == 0) {
        if (i + 1 < argc) values.push_back(argv[++i]);
      } else {
        take(values);
      }
      for (auto& v : values) a->init_args.push_back(v);
      if (std::strcmp(arg, "-pa") == 0) {
        a->pa.insert(a->pa.end(), values.begin(), values.end());
      } else if (std::strcmp(arg, "-pz") == 0) {
        a->pz.insert(a->pz.end(), values.begin(), values.end());
      } else if (std::strcmp(arg, "-s") == 0 || std::strcmp(arg, "-run") == 0) {
        a->commands.push_back({arg[1] == 's' ? StartCommand::S : StartCommand::Run, values});
      } else if (std::strcmp(arg, "-eval") == 0 && !values.empty()) {
        a->commands.push_back({StartCommand::Eval, values});
      }
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  StartArgs a;
  a.root = BEAMVM_DEFAULT_ROOT;
  if (!parse(argc, argv, &a)) return 1;
  if (!std::filesystem::is_directory(a.root + "/lib")) {
    std::fprintf(stderr, "beamvm: %s is not an Erlang/OTP root (no lib directory)\n", a.root.c_str());
    return 1;
  }
  // GC stress mode: collect at every allocation point (a stale term pointer
  // then fails fast). BEAMVM_GC_STRESS=1 turns it on; so does the CMake
  // option BEAMVM_GC_STRESS for a whole build.
#ifdef BEAMVM_GC_STRESS_DEFAULT
  gc_stress = true;
#endif
  if (const char* s = std::getenv("BEAMVM_GC_STRESS")) gc_stress = s[0] == '1';

  interp_init();
  bifs_init();
  vm_init(a.config);
  if (!(a.direct ? start_direct(a) : start_boot(a))) return 1;
  vm_halt(vm_run());
}
