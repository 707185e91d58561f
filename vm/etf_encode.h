// The external term format encoder (term_to_binary, term_to_iovec,
// external_size), producing the reference's bytes exactly.
//
// With the default options (OTP 25's minor_version 1):
//   integers   SMALL_INTEGER_EXT (0..255), INTEGER_EXT (32-bit signed),
//              SMALL_BIG_EXT / LARGE_BIG_EXT
//   floats     NEW_FLOAT_EXT (minor_version 0: FLOAT_EXT, "%.20e" text)
//   atoms      ATOM_EXT when Latin-1, else SMALL_ATOM_UTF8_EXT / ATOM_UTF8_EXT
//              (minor_version 2: always the UTF-8 forms)
//   lists      STRING_EXT for proper lists of at most 65535 bytes, else LIST_EXT
//   pids, ports, references
//              NEW_PID_EXT, NEW_PORT_EXT / V4_PORT_EXT, NEWER_REFERENCE_EXT;
//              local ones carry this node's name and creation
//   funs       NEW_FUN_EXT (closures), EXPORT_EXT (fun M:F/A)
//   maps       MAP_EXT, pairs in the reference's iteration order
//              (vm/hashmap.h), or in key order with `deterministic`
//
// The encoder does not recurse on the C stack.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "vm/term.h"

namespace bvm {

struct EtfEncodeOptions {
  bool new_floats = true;      // NEW_FLOAT_EXT; false: FLOAT_EXT (minor_version 0)
  bool utf8_atoms = false;     // every atom in a UTF-8 form (minor_version 2)
  bool deterministic = false;  // large maps in key order
};

// The size external_size/1,2 reports: the encoding's size in bytes, version
// byte included. It is exact, except that a closure counts 5 bytes for each
// of its old index and old uniq fields, which may encode in 2.
// Returns false when the term cannot be encoded (a binary of 4 GB or more):
// the reference's system_limit.
bool etf_external_size(Term t, const EtfEncodeOptions& opts, UWord* size);

// For term_to_iovec: a large binary left out of the encoded bytes, to be
// inserted at offset `at`. `data`/`size` are a range of the off-heap
// binary `refc` (a RefcBin).
struct EtfBinaryRef {
  size_t at;
  Term refc;
  const uint8_t* data;
  size_t size;
};

// Appends the encoding of t (version byte first) to `out`. When `refs` is
// given, binaries the reference would not copy either (more than 64 bytes,
// off-heap, starting on a byte boundary) are listed there instead of being
// copied. Returns false where etf_external_size does.
bool etf_encode(Term t, const EtfEncodeOptions& opts, std::vector<uint8_t>& out,
                std::vector<EtfBinaryRef>* refs = nullptr);

// The `compressed` form of an encoding (`plain` starts with the version
// byte): version, COMPRESSED, the uncompressed size, then zlib data at
// `level` (0..9, or -1 for zlib's default). Returns false, leaving `out`
// unspecified, when compression would not make it smaller; the reference
// then returns the plain encoding.
bool etf_compress(const uint8_t* plain, size_t size, int level, std::vector<uint8_t>& out);

}  // namespace bvm
