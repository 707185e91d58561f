// The atom table: shared by all schedulers.
//
// Invariants:
// - An atom's index never changes and its entry is never freed or moved, so
//   reading an atom's text (atom_text) needs no lock.
// - Looking an atom up by name (find) is lock-free too: the hash index is an
//   array of atomic slots; a writer publishes a slot only after the entry it
//   names is complete, and a grown index is published with one atomic store.
// - Creating atoms (put) takes the writer mutex.
// - Limits are the reference's: 1,048,576 atoms by default (`+t`), and 255
//   characters per atom. Callers turn a failed put into system_limit.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "vm/term.h"

namespace bvm {

enum AtomIndex : unsigned {
#define ATOM(id, text) AI_##id,
#include "vm/atoms.def"
#undef ATOM
  AI_PREDEFINED_COUNT
};

namespace am {
#define ATOM(id, text) constexpr Term id = make_atom(AI_##id);
#include "vm/atoms.def"
#undef ATOM
}  // namespace am

struct AtomEntry {
  const char* text;   // UTF-8, not NUL-terminated
  uint32_t len;       // bytes
  uint32_t chars;     // code points
  uint32_t hash;
  bool latin1;        // every code point < 256
  std::string_view view() const { return {text, len}; }
};

constexpr size_t MAX_ATOM_CHARACTERS = 255;
constexpr size_t DEFAULT_ATOM_LIMIT = 1048576;

class AtomTable {
 public:
  static AtomTable& global();

  // Finds or creates the atom. Returns NON_VALUE if the text is not valid
  // UTF-8, is longer than 255 characters, or the table is full.
  Term put(std::string_view utf8);
  // Same for Latin-1 text (each byte one code point).
  Term put_latin1(std::string_view latin1);
  // Lock-free lookup; NON_VALUE if there is no such atom.
  Term find(std::string_view utf8) const;

  const AtomEntry& entry(Term atom) const {
    UWord i = atom_index(atom);
    return chunks_[i >> CHUNK_BITS].load(std::memory_order_acquire)[i & (CHUNK_SIZE - 1)];
  }
  size_t count() const { return count_.load(std::memory_order_acquire); }
  size_t limit() const { return limit_; }
  void set_limit(size_t n) { limit_ = n; }

 private:
  AtomTable();
  static constexpr unsigned CHUNK_BITS = 14;
  static constexpr size_t CHUNK_SIZE = size_t(1) << CHUNK_BITS;
  static constexpr size_t MAX_CHUNKS = size_t(1) << 17;  // 2^31 atoms

  struct Index {
    size_t mask;
    std::atomic<uint32_t>* slots;  // atom index + 1; 0 = empty
    Index* prev = nullptr;         // the index it replaced, kept for readers still in it
  };

  Term find_in(const Index* ix, std::string_view s, uint32_t hash) const;
  void insert_in(Index* ix, uint32_t atom, uint32_t hash);
  const char* store_text(std::string_view s);

  std::atomic<AtomEntry*> chunks_[MAX_CHUNKS];
  std::atomic<size_t> count_{0};
  std::atomic<Index*> index_{nullptr};
  size_t limit_ = DEFAULT_ATOM_LIMIT;
  std::mutex write_mutex_;
  char* text_arena_ = nullptr;
  size_t text_left_ = 0;
};

inline const AtomEntry& atom_entry(Term atom) { return AtomTable::global().entry(atom); }
inline std::string_view atom_text(Term atom) { return atom_entry(atom).view(); }
inline Term atom_put(std::string_view utf8) { return AtomTable::global().put(utf8); }

// UTF-8 helpers shared by the atom table and the loaders.
// Returns the number of code points, or -1 if `s` is not valid UTF-8.
long utf8_count(std::string_view s);
uint32_t hash_bytes(const void* data, size_t len);

}  // namespace bvm
