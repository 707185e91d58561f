// Starting the VM: the command line, and the two ways to start.
//   boot (the default): OTP's own erl_init and init run the boot script,
//     like erl (start_boot.cpp);
//   direct (-direct): the VM's beamvm_direct runs -s/-run/-eval itself
//     without booting OTP (start_direct.cpp).
#pragma once

#include <string>
#include <vector>

#include "loader/literal_area.h"
#include "vm/term.h"
#include "vm/vm.h"

namespace bvm {

struct StartCommand {
  enum Kind { S, Run, Eval } kind;
  std::vector<std::string> words;
};

struct StartArgs {
  std::string root;
  VmConfig config;
  bool direct = true;  // TODO(boot issue): boot by default once init boots fully
  std::vector<std::string> pa, pz;
  std::vector<StartCommand> commands;  // direct mode
  std::vector<std::string> init_args;  // boot mode: everything for init, as given
};

// Builds the first process's arguments in a literal area.
struct ArgBuilder {
  LiteralArea area;
  Term list(const std::vector<Term>& items);
  Term string(const std::string& s);  // a list of bytes
  Term binary(const std::string& s);
  Term tuple(std::initializer_list<Term> es);
};

// The directory of the beamvm executable.
std::string exe_dir();
// Fills the code path: -pa dirs, then `extra` ones, the OTP root's
// lib/*/ebin, then -pz dirs.
void setup_code_path(const StartArgs& a, const std::vector<std::string>& extra);

// Both spawn the first process; they return false (after saying why) if
// the VM cannot start.
bool start_direct(const StartArgs& a);
bool start_boot(const StartArgs& a);

}  // namespace bvm
