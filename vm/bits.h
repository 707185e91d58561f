// Bit syntax: building and matching bitstrings.
//
// Match context: [hdr(3, MatchState)] [original] [position] [end]
//   `original` is a HeapBin or RefcBin; position and end are bit offsets
//   from its first byte. A context is only ever in the registers or stack
//   of the process that made it.
//
// Writable binaries (the append optimisation for `<<Acc/binary, ...>>`):
//   a RefcBin whose flags word has BIN_WRITABLE owns spare capacity past its
//   size; appending to the most recent SubBin over it writes in place when
//   nothing else shares the data. Copying a handle (a message) shares the
//   data (refc > 1), after which appends copy instead.
#pragma once

#include <cstddef>
#include <cstdint>

#include "vm/instr.h"
#include "vm/process.h"
#include "vm/term.h"

namespace bvm {

constexpr UWord MATCH_STATE_WORDS = 4;

inline Term ms_original(Term ms) { return boxed_val(ms)[1]; }
inline UWord& ms_position(Term ms) { return boxed_val(ms)[2]; }
inline UWord& ms_end(Term ms) { return boxed_val(ms)[3]; }
// The bytes of a heap or refc binary.
inline const uint8_t* bin_base(Term b) {
  const Term* p = boxed_val(b);
  return header_sub(p[0]) == Sub::HeapBin ? reinterpret_cast<const uint8_t*>(p + 2)
                                           : reinterpret_cast<const uint8_t*>(p[4]);
}
// Segment flags of the bit syntax instructions (native is little here).
constexpr unsigned BSF_LITTLE = 2, BSF_SIGNED = 4;

// ---- low-level bit copying
// Copies n bits from (src, src_off) to (dst, dst_off); offsets in bits,
// most significant bit first.
void copy_bits(const uint8_t* src, UWord src_off, uint8_t* dst, UWord dst_off, UWord n);

// ---- matching
// Creates a match context over a bitstring at hp (MATCH_STATE_WORDS words).
Term ms_create(Term bits, Term* hp);
// Each returns false when the data does not match (the instruction fails).
// `out` results that need heap take it from p->halloc (BIFs' rule: the
// interpreter reserved it, so no fragment is made).
bool ms_get_integer(Process* p, Term ms, UWord bits, unsigned flags, Term* out);
bool ms_get_float(Process* p, Term ms, UWord bits, unsigned flags, Term* out);
bool ms_get_binary(Process* p, Term ms, UWord bits, Term* out);
bool ms_get_utf(Term ms, unsigned kind, unsigned flags, bool skip, Term* out);
bool ms_match_string(Term ms, const uint8_t* bytes, UWord bits);
Term ms_tail(Process* p, Term ms);
// Heap words a bs_get_integer of `bits` bits may need.
UWord integer_result_words(UWord bits);

// ---- construction
// Segment as prepared by the loader for bs_create_bin, operands resolved.
struct BsSegment {
  BsSeg kind;
  UWord unit;
  unsigned segment;  // 1-based, for error_info
  unsigned flags;
  Term src;          // for String: pointer to bytes
  Term size;         // for String: byte count (small)
};

// Total size in bits, or false with the exception set in p (error_info
// naming the segment, as the reference's format_bs_fail expects).
bool bs_size(Process* p, const BsSegment* segs, unsigned n, UWord* bits_out);
// Heap words the result of bs_create_bin needs (not counting `append`).
UWord bs_result_words(UWord bits);
// Builds the binary; heap space must be reserved. NON_VALUE with the
// exception set when a segment's value does not fit its type.
Term bs_build(Process* p, const BsSegment* segs, unsigned n, UWord bits);

// Old-style construction (OTP 24 and older code): the binary under
// construction and the bit offset live in the process.
Term bs_init(Process* p, UWord bits);  // heap reserved by the caller
bool bs_put_integer(Process* p, Term value, UWord bits, unsigned flags);
bool bs_put_float(Process* p, Term value, UWord bits, unsigned flags);
bool bs_put_binary(Process* p, Term value, UWord bits_or_all, bool all, UWord unit);
void bs_put_bytes(Process* p, const uint8_t* bytes, UWord len);
bool bs_put_utf(Process* p, Term value, unsigned kind, unsigned flags);
// Appending to a (possibly writable) binary: `<<Bin/binary, ...>>`. Sets the
// construction state to continue after Bin. NON_VALUE on error, with `why`
// the reason (type, unit) for error_info.
Term bs_append(Process* p, Term bin, UWord extra_bits, UWord unit, Term* why);
// Bytes the UTF-8/16 encoding of c takes; false if c is not a code point.
bool utf_size(unsigned kind, Term c, UWord* bytes);

}  // namespace bvm
