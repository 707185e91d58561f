// The compact term encoding of the Code and Line chunks (and OTP 28 atom
// lengths). One value: a lead byte B whose low three bits are the tag;
//   B & 0x08 == 0      value = B >> 4                      (0..15)
//   B & 0x10 == 0      value = (B >> 5) << 8 | next byte   (0..2047)
//   otherwise          n = B >> 5; n + 2 bytes follow (n < 7), or a nested
//                      unsigned value + 9 bytes (n == 7); big-endian,
//                      two's complement for the integer tag `i`.
// Tag z's value selects an extended operand (list, float register, ...),
// which the caller decodes (loader/beam_file.cpp).
#pragma once

#include <cstddef>
#include <cstdint>

namespace bvm {

enum class CTag : uint8_t { U = 0, I = 1, A = 2, X = 3, Y = 4, F = 5, H = 6, Z = 7 };

struct CompactValue {
  CTag tag;
  bool big;                 // did not fit: see big_ptr/big_len
  int64_t value;            // when !big
  const uint8_t* big_ptr;   // raw big-endian bytes when big
  size_t big_len;
};

class CompactReader {
 public:
  CompactReader(const uint8_t* p, const uint8_t* end, const uint8_t* base = nullptr)
      : p_(p), end_(end), base_(base ? base : p) {}

  bool read(CompactValue* v) {
    if (p_ >= end_) return false;
    uint8_t b = *p_++;
    v->tag = CTag(b & 7);
    v->big = false;
    if ((b & 0x08) == 0) {
      v->value = b >> 4;
      return true;
    }
    if ((b & 0x10) == 0) {
      if (p_ >= end_) return false;
      v->value = int64_t((b >> 5) << 8 | *p_++);
      return true;
    }
    size_t count = b >> 5;
    if (count < 7) {
      count += 2;
    } else {
      CompactValue len;
      if (!read(&len) || len.tag != CTag::U || len.big || len.value > (int64_t(1) << 30)) return false;
      count = size_t(len.value) + 9;
    }
    if (size_t(end_ - p_) < count) return false;
    const uint8_t* bytes = p_;
    p_ += count;
    bool neg = v->tag == CTag::I && (bytes[0] & 0x80);
    // Skip leading sign-extension bytes to see whether the value fits 64 bits.
    size_t skip = 0;
    uint8_t ext = neg ? 0xFF : 0x00;
    while (count - skip > 8 && bytes[skip] == ext) skip++;
    if (count - skip <= 8) {
      uint64_t u = neg ? ~uint64_t(0) : 0;
      for (size_t i = skip; i < count; i++) u = u << 8 | bytes[i];
      if (v->tag == CTag::I) {
        bool top = (u >> 63) & 1;
        // A positive value with the top bit set, or a negative one without it, needs more bits.
        if (top == neg || count - skip < 8) {
          v->value = int64_t(u);
          return true;
        }
      } else if ((u >> 63) == 0) {
        v->value = int64_t(u);
        return true;
      }
    }
    v->big = true;
    v->big_ptr = bytes;
    v->big_len = count;
    return true;
  }

  bool bytes(size_t n, const uint8_t** out) {
    if (size_t(end_ - p_) < n) return false;
    *out = p_;
    p_ += n;
    return true;
  }
  void skip(size_t n) { p_ += n; }
  const uint8_t* pos() const { return p_; }
  size_t left() const { return size_t(end_ - p_); }
  size_t offset() const { return size_t(p_ - base_); }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
  const uint8_t* base_;
};

}  // namespace bvm
