// MD5 (RFC 1321) with the reference's context layout: the binaries passed
// between erlang:md5_init/0, md5_update/2 and md5_final/1 hold the same
// state, bit count and buffered bytes as the reference's (the rest of the
// buffer is stale; the reference leaves it uninitialised after md5_init).
#pragma once

#include <cstddef>
#include <cstdint>

namespace bvm {

struct Md5Context {
  uint32_t state[4];   // A, B, C, D
  uint32_t count[2];   // message length in bits, low word first
  uint8_t buffer[64];  // the current partial block (bytes after it are stale)
};
static_assert(sizeof(Md5Context) == 88, "the reference's MD5 context is 88 bytes");

void md5_init(Md5Context* ctx);
void md5_update(Md5Context* ctx, const uint8_t* data, size_t len);
// Writes the digest; `ctx` is left unusable.
void md5_final(Md5Context* ctx, uint8_t digest[16]);

}  // namespace bvm
