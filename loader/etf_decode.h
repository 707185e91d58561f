// The external term format decoder (binary_to_term and .beam literals).
//
// Decoding is two passes over the same walker: the first validates the
// input and computes the exact number of heap words the term needs; the
// second builds the term into memory the caller provides. The caller thus
// allocates once, except for the trie nodes of maps of more than
// MAP_SMALL_LIMIT pairs (their number depends on the keys' hashes): the
// build pass asks for those as it goes (NodeAlloc). The build pass can
// still fail in one way, a map with a duplicate key (telling needs the keys
// built); it then returns NON_VALUE and leaves unreachable words behind,
// which a copying GC simply drops.
//
// Accepted: everything OTP 25's binary_to_term accepts (version 131, every
// current tag, compressed terms), including the old PID_EXT/PORT_EXT/
// REFERENCE_EXT forms and FLOAT_EXT. Not accepted (as in OTP 25): the atom
// cache and distribution header tags, and the removed FUN_EXT.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "vm/binary.h"
#include "vm/term.h"

namespace bvm {

struct EtfOptions {
  bool safe = false;  // refuse to create atoms or export entries
};

enum class EtfError {
  None,
  Truncated,      // the input ends inside a term
  BadVersion,     // does not start with 131
  BadTag,         // unknown or unsupported tag
  BadAtom,        // invalid text, too long, or (safe) unknown atom
  BadValue,       // a field out of range (float, bit count, pid number, ...)
  DuplicateKey,   // a map with the same key twice
  BadCompressed,  // zlib data that does not inflate to the stated size
  TooLarge,       // beyond a limit (bignum size, nesting, memory)
  SystemLimit,    // atom table full
};

const char* etf_error_text(EtfError e);

class EtfDecoder {
 public:
  // `data` must start with the version byte 131.
  EtfDecoder(const uint8_t* data, size_t size, EtfOptions opts = {});

  // Pass 1. Returns false on error (see error(), error_offset()).
  bool prepare();
  UWord heap_words() const { return words_; }
  // Bytes of input the term occupies, version byte included.
  size_t used_bytes() const { return used_; }

  // Pass 2. `hp` must have heap_words() words; refc binaries are linked
  // into `oh`; `more` gives the words of hash map nodes (without it, a term
  // holding a map of more than MAP_SMALL_LIMIT pairs fails). Only valid
  // after prepare() succeeded. NON_VALUE on a duplicate map key.
  using NodeAlloc = std::function<Term*(size_t words)>;
  Term build(Term* hp, OffHeap* oh, NodeAlloc more = {});

  EtfError error() const { return err_; }
  size_t error_offset() const { return err_off_; }

 private:
  template <bool BUILD>
  bool walk(const uint8_t* p, size_t len, Term* hp, OffHeap* oh, Term* result);
  Term finish_hashmap(Term* leaves, UWord n);

  const uint8_t* data_;
  size_t size_;
  EtfOptions opts_;
  std::vector<uint8_t> inflated_;  // for compressed terms
  std::vector<Term> atoms_;        // atoms in input order, found by pass 1
  NodeAlloc more_;                 // pass 2: hash map nodes
  const uint8_t* body_ = nullptr;  // the term after the version (and compression) header
  size_t body_len_ = 0;
  UWord words_ = 0;
  size_t used_ = 0;
  EtfError err_ = EtfError::None;
  size_t err_off_ = 0;
};

}  // namespace bvm
