// Direct mode: stdlib-erl/beamvm_direct.erl runs the commands itself.
#include <cstdio>

#include "vm/atom_table.h"
#include "vm/main/start.h"
#include "vm/vm.h"

namespace bvm {

bool start_direct(const StartArgs& a) {
  setup_code_path(a, {".", exe_dir() + "/../stdlib-erl"});
  static ArgBuilder* b = new ArgBuilder();  // the first process's literals live on
  std::vector<Term> cmds;
  for (const StartCommand& c : a.commands) {
    if (c.kind == StartCommand::Eval) {
      cmds.push_back(b->tuple({atom_put("eval"), b->string(c.words[0])}));
      continue;
    }
    std::vector<Term> words;
    for (size_t k = 0; k < c.words.size(); k++) {
      bool atom = k < 2 || c.kind == StartCommand::S;
      words.push_back(atom ? atom_put(c.words[k]) : b->string(c.words[k]));
    }
    // {s, [M, F | Args]}: -s M F A1 A2 calls M:F([A1, A2]) (atoms), -run
    // the same with strings.
    if (words.size() > 2) {
      std::vector<Term> args(words.begin() + 2, words.end());
      cmds.push_back(b->tuple({atom_put("s"), b->list({words[0], words[1], b->list(args)})}));
      continue;
    }
    cmds.push_back(b->tuple({atom_put("s"), b->list(words)}));
  }
  Term args = b->list({b->list(cmds)});
  if (!process_spawn(nullptr, atom_put("beamvm_direct"), atom_put("start"), args)) {
    std::fprintf(stderr, "beamvm: cannot start the first process\n");
    return false;
  }
  return true;
}

}  // namespace bvm
