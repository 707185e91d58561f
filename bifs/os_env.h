// The VM's copy of the OS environment (bifs/os.cpp), for whatever starts
// programs (ports): its variables as native name/value bytes.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace bvm {

std::vector<std::pair<std::string, std::string>> os_env_entries();

}  // namespace bvm
