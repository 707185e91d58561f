// Checksums of iodata: erlang:md5/1, md5_init/0, md5_update/2, md5_final/1,
// crc32/1,2, crc32_combine/3, adler32/1,2, adler32_combine/3.
#include <zlib.h>

#include <cstring>
#include <string>
#include <vector>

#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "vm/md5.h"
#include "bifs/text.h"
#include "vm/binary.h"
#include "vm/bits.h"

namespace bvm {

namespace {

// Feeds `sink(bytes, n)` with the bytes of iodata (a binary, or a possibly
// deep list of bytes and binaries whose tails may be binaries), in order,
// piece by piece: each run of bytes within one list level, and each binary.
// False if `t` is not iodata (the pieces before the fault have been fed).
template <class Sink>
bool for_each_iodata_piece(Term t, Sink&& sink) {
  std::string bytes;    // the current run of list bytes
  std::string aligned;  // a copy of a binary that does not start on a byte
  auto binary = [&](Term bin) {
    BitView v = bitstring_view(bin);
    if (v.bit_size % 8 != 0) return false;
    if (v.byte_aligned()) {
      sink(v.base + v.bit_offset / 8, size_t(v.bit_size / 8));
    } else {
      aligned.resize(v.bit_size / 8);
      copy_bits(v.base, v.bit_offset, reinterpret_cast<uint8_t*>(aligned.data()), 0, v.bit_size);
      sink(reinterpret_cast<const uint8_t*>(aligned.data()), aligned.size());
    }
    return true;
  };
  auto flush_run = [&] {
    if (!bytes.empty()) sink(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    bytes.clear();
  };
  if (is_bitstring(t)) return binary(t);
  std::vector<Term> rest;  // tails of the enclosing list levels
  rest.push_back(t);
  while (!rest.empty()) {
    Term l = rest.back();
    rest.pop_back();
    while (is_list(l)) {
      Term h = car(l);
      if (is_small(h) && small_val(h) >= 0 && small_val(h) <= 255) {
        bytes.push_back(char(small_val(h)));
        l = cdr(l);
        continue;
      }
      flush_run();
      if (is_list(h)) {  // descend; this level resumes at the tail
        rest.push_back(cdr(l));
        l = h;
        continue;
      }
      if (is_bitstring(h)) {
        if (!binary(h)) return false;
      } else if (!is_nil(h)) {
        return false;
      }
      l = cdr(l);
    }
    flush_run();
    if (is_bitstring(l)) {
      if (!binary(l)) return false;
    } else if (!is_nil(l)) {
      return false;
    }
  }
  return true;
}

// A 32-bit checksum argument: an integer 0..2^32-1.
bool checksum_arg(Term t, uLong* out) {
  int64_t v;
  if (!term_to_int64(t, &v) || v < 0 || v > int64_t(UINT32_MAX)) return false;
  *out = uLong(v);
  return true;
}

Term crc32_of(Process* p, uLong crc, Term data) {
  bool ok = for_each_iodata_piece(data, [&](const uint8_t* b, size_t n) { crc = crc32_z(crc, b, n); });
  if (!ok) return raise_badarg(p);
  return make_uinteger(p, crc);
}

Term adler32_of(Process* p, uLong sum, Term data) {
  bool ok = for_each_iodata_piece(data, [&](const uint8_t* b, size_t n) { sum = adler32_z(sum, b, n); });
  if (!ok) return raise_badarg(p);
  return make_uinteger(p, sum);
}

bool md5_feed(Md5Context* ctx, Term data) {
  return for_each_iodata_piece(data, [&](const uint8_t* b, size_t n) { md5_update(ctx, b, n); });
}

// An MD5 context binary (exactly the context's size).
bool md5_context_arg(Term t, Md5Context* ctx) {
  if (!is_bitstring(t) || bitstring_bits(t) != sizeof(Md5Context) * 8) return false;
  std::string bytes = binary_bytes(t);
  std::memcpy(ctx, bytes.data(), sizeof *ctx);
  return true;
}

Term context_binary(Process* p, const Md5Context& ctx) {
  return make_binary(p, reinterpret_cast<const uint8_t*>(&ctx), sizeof ctx);
}

Term digest_binary(Process* p, Md5Context* ctx) {
  uint8_t digest[16];
  md5_final(ctx, digest);
  return make_binary(p, digest, sizeof digest);
}

}  // namespace

BIF_FN(erlang_md5_1) {
  Md5Context ctx;
  md5_init(&ctx);
  if (!md5_feed(&ctx, args[0])) return raise_badarg(p);
  return digest_binary(p, &ctx);
}

BIF_FN(erlang_md5_init_0) {
  (void)args;
  Md5Context ctx;
  md5_init(&ctx);
  return context_binary(p, ctx);
}

BIF_FN(erlang_md5_update_2) {
  Md5Context ctx;
  if (!md5_context_arg(args[0], &ctx) || !md5_feed(&ctx, args[1])) return raise_badarg(p);
  return context_binary(p, ctx);
}

BIF_FN(erlang_md5_final_1) {
  Md5Context ctx;
  if (!md5_context_arg(args[0], &ctx)) return raise_badarg(p);
  return digest_binary(p, &ctx);
}

BIF_FN(erlang_crc32_1) { return crc32_of(p, crc32_z(0, nullptr, 0), args[0]); }

BIF_FN(erlang_crc32_2) {
  uLong crc;
  if (!checksum_arg(args[0], &crc)) return raise_badarg(p);
  return crc32_of(p, crc, args[1]);
}

BIF_FN(erlang_crc32_combine_3) {
  uLong crc1, crc2, len2;
  if (!checksum_arg(args[0], &crc1) || !checksum_arg(args[1], &crc2) || !checksum_arg(args[2], &len2))
    return raise_badarg(p);
  return make_uinteger(p, crc32_combine(crc1, crc2, z_off_t(len2)));
}

BIF_FN(erlang_adler32_1) { return adler32_of(p, adler32_z(0, nullptr, 0), args[0]); }

BIF_FN(erlang_adler32_2) {
  uLong sum;
  if (!checksum_arg(args[0], &sum)) return raise_badarg(p);
  return adler32_of(p, sum, args[1]);
}

BIF_FN(erlang_adler32_combine_3) {
  uLong sum1, sum2, len2;
  if (!checksum_arg(args[0], &sum1) || !checksum_arg(args[1], &sum2) || !checksum_arg(args[2], &len2))
    return raise_badarg(p);
  // zlib's combine misbehaves for an empty second part: the sum is the first.
  if (len2 == 0) return make_uinteger(p, sum1);
  return make_uinteger(p, adler32_combine(sum1, sum2, z_off_t(len2)));
}

}  // namespace bvm
