// Helpers for BIFs that take binaries apart or build them: contiguous byte
// access, slices made the way the reference makes them, fresh binaries, and
// the reference's "fits a machine word" integer arguments.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "vm/process.h"
#include "vm/term.h"

namespace bvm {

// The whole bytes of a bitstring as one contiguous array (a trailing partial
// byte is not included). Points into the binary when it starts on a byte
// boundary, else holds an aligned copy. Valid while the binary is.
class BinaryBytes {
 public:
  explicit BinaryBytes(Term bitstring);
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  std::string_view view() const { return {reinterpret_cast<const char*>(data_), size_}; }

 private:
  std::string copy_;
  const uint8_t* data_;
  size_t size_;
};

// Byte size of a bitstring, rounded down (the reference's binary_size()).
size_t binary_byte_size(Term bitstring);

// A slice of `bitstring`, `bit_offset` and `bit_size` counted from its start.
// Like the reference: whole bytes up to 64 of them become a new heap binary
// (a copy); anything else a sub-binary of the underlying binary.
Term extract_sub_binary(Process* p, Term bitstring, UWord bit_offset, UWord bit_size);

// Always a sub-binary of the underlying binary, whatever the size.
Term make_sub_binary(Process* p, Term bitstring, UWord bit_offset, UWord bit_size);

// A new binary of `size` bytes (heap binary up to 64 bytes, else off-heap);
// `*data` receives where to write its bytes.
Term alloc_binary(Process* p, size_t size, uint8_t** data);

// The bytes of iodata (a binary, or a possibly deep list of bytes and
// binaries with a binary or [] tail); false if it is not iodata.
bool iodata_to_bytes(Term t, std::string* out);

// The reference's term_to_Uint / term_to_Sint: an integer that fits 64 bits
// (unsigned: non-negative), small or bignum.
bool term_to_uint64(Term t, uint64_t* out);

}  // namespace bvm
