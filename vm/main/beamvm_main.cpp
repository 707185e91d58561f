// beamvm: the VM executable, a drop-in for `erl`.
//
//   beamvm [-root DIR] [-pa DIR...] [-pz DIR...] [-noshell] [-noinput]
//          [+S N[:M]] [+P N]
//          [-s M [F [A...]]] [-run M [F [A...]]] [-eval Expr] [-extra ...]
//
// Until the VM boots OTP's init (the boot issue), it runs in direct mode:
// the first process runs the -s/-run/-eval commands itself
// (stdlib-erl/beamvm_direct.erl). Modules load from the -pa directories,
// the VM's own stdlib-erl, the OTP root's lib/*/ebin, then -pz.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "bifs/bif.h"
#include "loader/literal_area.h"
#include "vm/atom_table.h"
#include "vm/code_loading.h"
#include "vm/gc.h"
#include "vm/interp.h"
#include "vm/vm.h"

#ifndef BEAMVM_DEFAULT_ROOT
#define BEAMVM_DEFAULT_ROOT "/usr/lib/erlang"
#endif

namespace {

using namespace bvm;

struct Command {
  enum Kind { S, Run, Eval } kind;
  std::vector<std::string> words;
};

bool is_flag(const char* a) { return a[0] == '-' || a[0] == '+'; }

std::string exe_dir() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(".") : p.parent_path().string();
}

// Builds terms for the first process's arguments in a literal area.
struct Builder {
  LiteralArea area;
  Term list(const std::vector<Term>& items) {
    Term l = NIL;
    for (size_t i = items.size(); i-- > 0;) {
      Term* hp = area.alloc(2);
      hp[0] = items[i];
      hp[1] = l;
      l = make_list(hp);
    }
    return l;
  }
  Term string(const std::string& s) {
    std::vector<Term> cs;
    for (unsigned char c : s) cs.push_back(make_small(c));  // bytes, as erl passes them
    return list(cs);
  }
  Term tuple(std::initializer_list<Term> es) {
    Term* hp = area.alloc(1 + es.size());
    hp[0] = make_header(es.size(), Sub::Tuple);
    size_t i = 1;
    for (Term t : es) hp[i++] = t;
    return make_boxed(hp);
  }
};

}  // namespace

int main(int argc, char** argv) {
  std::string root = BEAMVM_DEFAULT_ROOT;
  std::vector<std::string> pa, pz;
  std::vector<Command> commands;
  VmConfig config;
  for (int i = 1; i < argc; i++) {
    const char* a = argv[i];
    auto take = [&](std::vector<std::string>& out) {
      while (i + 1 < argc && !is_flag(argv[i + 1])) out.push_back(argv[++i]);
    };
    if (std::strcmp(a, "-root") == 0 && i + 1 < argc) {
      root = argv[++i];
    } else if (std::strcmp(a, "-pa") == 0) {
      take(pa);
    } else if (std::strcmp(a, "-pz") == 0) {
      take(pz);
    } else if (std::strcmp(a, "-s") == 0 || std::strcmp(a, "-run") == 0) {
      Command c{a[1] == 's' ? Command::S : Command::Run, {}};
      take(c.words);
      if (c.words.empty()) {
        std::fprintf(stderr, "beamvm: %s needs a module name\n", a);
        return 1;
      }
      commands.push_back(c);
    } else if (std::strcmp(a, "-eval") == 0) {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "beamvm: -eval needs an expression\n");
        return 1;
      }
      commands.push_back({Command::Eval, {argv[++i]}});
    } else if (std::strcmp(a, "+S") == 0 && i + 1 < argc) {
      // +S Schedulers[:Online]; we run the online ones.
      unsigned total = 0, online = 0;
      int n = std::sscanf(argv[++i], "%u:%u", &total, &online);
      if (n < 1 || total < 1 || total > 1024 || (n == 2 && (online < 1 || online > total))) {
        std::fprintf(stderr, "beamvm: bad number of schedulers %s\n", argv[i]);
        return 1;
      }
      config.schedulers = n == 2 ? online : total;
    } else if (std::strcmp(a, "+P") == 0 && i + 1 < argc) {
      char* end = nullptr;
      unsigned long long n = std::strtoull(argv[++i], &end, 10);
      if (*end || n < 1024 || n > 134217727) {
        std::fprintf(stderr, "beamvm: bad number of processes %s\n", argv[i]);
        return 1;
      }
      config.process_limit = size_t(n);
    } else if (std::strcmp(a, "-extra") == 0) {
      break;  // plain arguments follow (init:get_plain_arguments/0: boot issue)
    } else {
      // -noshell, -noinput and flags not yet supported take their values and are ignored.
      std::vector<std::string> ignored;
      take(ignored);
    }
  }

  if (!std::filesystem::is_directory(root + "/lib")) {
    std::fprintf(stderr, "beamvm: %s is not an Erlang/OTP root (no lib directory)\n", root.c_str());
    return 1;
  }
  std::vector<std::string>& path = code_path();
  for (auto& d : pa) path.push_back(d);
  path.push_back(".");  // like erl: the current directory after -pa
  path.push_back(exe_dir() + "/../stdlib-erl");
  std::vector<std::string> libs;
  for (const auto& entry : std::filesystem::directory_iterator(root + "/lib")) {
    std::string ebin = entry.path().string() + "/ebin";
    if (std::filesystem::is_directory(ebin)) libs.push_back(ebin);
  }
  std::sort(libs.begin(), libs.end());
  for (auto& d : libs) path.push_back(d);
  for (auto& d : pz) path.push_back(d);

  // GC stress mode: collect at every allocation point (a stale term pointer
  // then fails fast). BEAMVM_GC_STRESS=1 turns it on; so does the CMake
  // option BEAMVM_GC_STRESS for a whole build.
#ifdef BEAMVM_GC_STRESS_DEFAULT
  gc_stress = true;
#endif
  if (const char* s = std::getenv("BEAMVM_GC_STRESS")) gc_stress = s[0] == '1';

  interp_init();
  bifs_init();
  vm_init(config);

  Builder b;
  std::vector<Term> cmds;
  for (const Command& c : commands) {
    if (c.kind == Command::Eval) {
      cmds.push_back(b.tuple({atom_put("eval"), b.string(c.words[0])}));
      continue;
    }
    std::vector<Term> words;
    for (size_t k = 0; k < c.words.size(); k++) {
      bool atom = k < 2 || c.kind == Command::S;
      words.push_back(atom ? atom_put(c.words[k]) : b.string(c.words[k]));
    }
    if (c.kind == Command::Run && words.size() > 2) {
      // -run M F A1 A2: M:F(["A1", "A2"])
      std::vector<Term> args(words.begin() + 2, words.end());
      words.resize(2);
      words.push_back(b.list(args));
      cmds.push_back(b.tuple({atom_put("s"), b.list({words[0], words[1]})}));
      // represented as {s, [M, F | Args]}
      Term* hp = b.area.alloc(2);
      hp[0] = words[1];
      hp[1] = words[2];
      Term tail = make_list(hp);
      Term* hp2 = b.area.alloc(2);
      hp2[0] = words[0];
      hp2[1] = tail;
      cmds.back() = b.tuple({atom_put("s"), make_list(hp2)});
      continue;
    }
    if (c.kind == Command::S && words.size() > 2) {
      // -s M F A1 A2: M:F([A1, A2])
      std::vector<Term> args(words.begin() + 2, words.end());
      Term* hp = b.area.alloc(2);
      hp[0] = words[1];
      hp[1] = b.list({b.list(args)});
      Term* hp2 = b.area.alloc(2);
      hp2[0] = words[0];
      hp2[1] = make_list(hp);
      cmds.push_back(b.tuple({atom_put("s"), make_list(hp2)}));
      continue;
    }
    cmds.push_back(b.tuple({atom_put("s"), b.list(words)}));
  }
  Term args = b.list({b.list(cmds)});
  if (!process_spawn(nullptr, atom_put("beamvm_direct"), atom_put("start"), args)) {
    std::fprintf(stderr, "beamvm: cannot start the first process\n");
    return 1;
  }
  int status = vm_run();
  vm_halt(status);
}
