#include "loader/beam_md5.h"

#include "vm/md5.h"

namespace bvm {

void beam_module_md5(const BeamFile& bf, uint8_t out[16]) {
  Md5Context md5;
  md5_init(&md5);
  auto add = [&](const char* id) {
    if (const BeamFile::Chunk* c = bf.chunk(id))
      md5_update(&md5, reinterpret_cast<const uint8_t*>(c->data.data()), c->data.size());
  };
  add("AtU8");
  add("Code");
  add("StrT");
  add("ImpT");
  add("ExpT");
  if (const BeamFile::Chunk* c = bf.chunk("FunT"); c && c->data.size() >= 4) {
    // Header (lambda count), then 24-byte entries: Function Arity Label
    // Index NumFree OldUniq. OldUniq depends on the compiler's hashing, so
    // the checksum leaves it out (hashes zeros instead).
    const uint8_t* p = reinterpret_cast<const uint8_t*>(c->data.data());
    size_t left = c->data.size();
    md5_update(&md5, p, 4);
    p += 4;
    left -= 4;
    static const uint8_t zero[4] = {0, 0, 0, 0};
    for (; left >= 24; p += 24, left -= 24) {
      md5_update(&md5, p, 20);
      md5_update(&md5, zero, 4);
    }
  }
  add("LitT");
  add("Meta");
  md5_final(&md5, out);
}

}  // namespace bvm
