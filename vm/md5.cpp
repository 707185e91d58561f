#include "vm/md5.h"

#include <cmath>
#include <cstring>

namespace bvm {

namespace {

// Per-step left rotations, four per round.
constexpr unsigned ROTATE[4][4] = {{7, 12, 17, 22}, {5, 9, 14, 20}, {4, 11, 16, 23}, {6, 10, 15, 21}};

// The additive constants: floor(|sin(i + 1)| * 2^32).
struct SineTable {
  uint32_t k[64];
  SineTable() {
    for (int i = 0; i < 64; i++) k[i] = uint32_t(std::floor(std::fabs(std::sin(double(i + 1))) * 4294967296.0));
  }
};
const SineTable sine;

inline uint32_t rotl(uint32_t x, unsigned n) { return (x << n) | (x >> (32 - n)); }

inline uint32_t load_le32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

inline void store_le32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = uint8_t(v >> (8 * i));
}

void transform(uint32_t state[4], const uint8_t block[64]) {
  uint32_t m[16];
  for (int i = 0; i < 16; i++) m[i] = load_le32(block + 4 * i);
  uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
  for (int i = 0; i < 64; i++) {
    int round = i / 16;
    uint32_t f;
    int g;
    switch (round) {
      case 0: f = (b & c) | (~b & d); g = i; break;
      case 1: f = (d & b) | (~d & c); g = (5 * i + 1) % 16; break;
      case 2: f = b ^ c ^ d; g = (3 * i + 5) % 16; break;
      default: f = c ^ (b | ~d); g = (7 * i) % 16; break;
    }
    uint32_t next = b + rotl(a + f + sine.k[i] + m[g], ROTATE[round][i % 4]);
    a = d;
    d = c;
    c = b;
    b = next;
  }
  state[0] += a;
  state[1] += b;
  state[2] += c;
  state[3] += d;
}

}  // namespace

void md5_init(Md5Context* ctx) {
  std::memset(ctx, 0, sizeof *ctx);
  ctx->state[0] = 0x67452301;
  ctx->state[1] = 0xefcdab89;
  ctx->state[2] = 0x98badcfe;
  ctx->state[3] = 0x10325476;
}

void md5_update(Md5Context* ctx, const uint8_t* data, size_t len) {
  size_t index = (ctx->count[0] >> 3) & 63;
  uint64_t bits = (uint64_t(ctx->count[1]) << 32 | ctx->count[0]) + uint64_t(len) * 8;
  ctx->count[0] = uint32_t(bits);
  ctx->count[1] = uint32_t(bits >> 32);
  // Complete the buffered block, then hash whole blocks straight from `data`;
  // the tail is buffered (over the start of the old buffer contents).
  size_t i = 0;
  size_t room = 64 - index;
  if (len >= room) {
    std::memcpy(ctx->buffer + index, data, room);
    transform(ctx->state, ctx->buffer);
    for (i = room; i + 64 <= len; i += 64) transform(ctx->state, data + i);
    index = 0;
  }
  std::memcpy(ctx->buffer + index, data + i, len - i);
}

void md5_final(Md5Context* ctx, uint8_t digest[16]) {
  uint8_t length[8];
  store_le32(length, ctx->count[0]);
  store_le32(length + 4, ctx->count[1]);
  static const uint8_t padding[64] = {0x80};
  size_t index = (ctx->count[0] >> 3) & 63;
  md5_update(ctx, padding, index < 56 ? 56 - index : 120 - index);
  md5_update(ctx, length, 8);
  for (int i = 0; i < 4; i++) store_le32(digest + 4 * i, ctx->state[i]);
  std::memset(ctx, 0, sizeof *ctx);
}

}  // namespace bvm
