// The module checksum: module_info(md5), and the `uniq` field of the
// module's fun entries (NEW_FUN_EXT).
#pragma once

#include <cstdint>

#include "loader/beam_file.h"

namespace bvm {

// MD5 over the chunks that define the module's behaviour, as the reference
// computes it: AtU8, Code, StrT, ImpT, ExpT, FunT (with every OldUniq field
// taken as zero), LitT and Meta, in that order; absent chunks count as empty.
void beam_module_md5(const BeamFile& bf, uint8_t out[16]);

}  // namespace bvm
