#include "vm/atom_table.h"

#include <cstdlib>
#include <new>

namespace bvm {

uint32_t hash_bytes(const void* data, size_t len) {
  // FNV-1a, 32 bit.
  const unsigned char* p = static_cast<const unsigned char*>(data);
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < len; i++) {
    h ^= p[i];
    h *= 16777619u;
  }
  return h;
}

long utf8_count(std::string_view s) {
  long n = 0;
  size_t i = 0;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  while (i < s.size()) {
    unsigned c = p[i];
    size_t extra;
    uint32_t cp;
    if (c < 0x80) { extra = 0; cp = c; }
    else if ((c & 0xE0) == 0xC0) { extra = 1; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { extra = 2; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { extra = 3; cp = c & 0x07; }
    else return -1;
    if (i + extra >= s.size()) return -1;  // truncated sequence
    for (size_t k = 1; k <= extra; k++) {
      unsigned d = p[i + k];
      if ((d & 0xC0) != 0x80) return -1;
      cp = (cp << 6) | (d & 0x3F);
    }
    // Reject overlong forms, surrogates and values above U+10FFFF.
    if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
      return -1;
    i += extra + 1;
    n++;
  }
  return n;
}

AtomTable& AtomTable::global() {
  static AtomTable* table = new AtomTable();  // never destroyed: atoms outlive everything
  return *table;
}

AtomTable::AtomTable() {
  for (auto& c : chunks_) c.store(nullptr, std::memory_order_relaxed);
  Index* ix = new Index;
  ix->mask = 4095;
  ix->slots = new std::atomic<uint32_t>[ix->mask + 1];
  for (size_t i = 0; i <= ix->mask; i++) ix->slots[i].store(0, std::memory_order_relaxed);
  index_.store(ix, std::memory_order_release);
  static const char* const predefined[] = {
#define ATOM(id, text) text,
#include "vm/atoms.def"
#undef ATOM
  };
  for (unsigned i = 0; i < AI_PREDEFINED_COUNT; i++) {
    Term t = put(predefined[i]);
    if (t != make_atom(i)) std::abort();  // duplicate in atoms.def
  }
}

Term AtomTable::find_in(const Index* ix, std::string_view s, uint32_t hash) const {
  for (size_t pos = hash & ix->mask;; pos = (pos + 1) & ix->mask) {
    uint32_t v = ix->slots[pos].load(std::memory_order_acquire);
    if (v == 0) return NON_VALUE;
    const AtomEntry& e = entry(make_atom(v - 1));
    if (e.hash == hash && e.view() == s) return make_atom(v - 1);
  }
}

Term AtomTable::find(std::string_view s) const {
  return find_in(index_.load(std::memory_order_acquire), s, hash_bytes(s.data(), s.size()));
}

void AtomTable::insert_in(Index* ix, uint32_t atom, uint32_t hash) {
  size_t pos = hash & ix->mask;
  while (ix->slots[pos].load(std::memory_order_relaxed) != 0) pos = (pos + 1) & ix->mask;
  ix->slots[pos].store(atom + 1, std::memory_order_release);
}

const char* AtomTable::store_text(std::string_view s) {
  if (s.size() > text_left_) {
    size_t sz = 64 * 1024;
    text_arena_ = static_cast<char*>(std::malloc(sz));
    if (!text_arena_) throw std::bad_alloc();
    text_left_ = sz;
  }
  char* p = text_arena_;
  std::memcpy(p, s.data(), s.size());
  text_arena_ += s.size();
  text_left_ -= s.size();
  return p;
}

Term AtomTable::put(std::string_view s) {
  uint32_t hash = hash_bytes(s.data(), s.size());
  Term found = find_in(index_.load(std::memory_order_acquire), s, hash);
  if (found != NON_VALUE) return found;
  long chars = utf8_count(s);
  if (chars < 0 || size_t(chars) > MAX_ATOM_CHARACTERS) return NON_VALUE;

  std::lock_guard<std::mutex> lock(write_mutex_);
  Index* ix = index_.load(std::memory_order_relaxed);
  found = find_in(ix, s, hash);
  if (found != NON_VALUE) return found;
  size_t n = count_.load(std::memory_order_relaxed);
  if (n >= limit_ || n >= CHUNK_SIZE * MAX_CHUNKS) return NON_VALUE;

  AtomEntry* chunk = chunks_[n >> CHUNK_BITS].load(std::memory_order_relaxed);
  if (!chunk) {
    chunk = new AtomEntry[CHUNK_SIZE];
    chunks_[n >> CHUNK_BITS].store(chunk, std::memory_order_release);
  }
  AtomEntry& e = chunk[n & (CHUNK_SIZE - 1)];
  e.text = store_text(s);
  e.len = uint32_t(s.size());
  e.chars = uint32_t(chars);
  e.hash = hash;
  e.latin1 = true;
  for (size_t i = 0; i < s.size(); i++) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0xC4) { e.latin1 = false; break; }  // lead bytes C2/C3 encode U+0080..U+00FF
  }

  if ((n + 1) * 2 > ix->mask + 1) {
    // Grow: build a new index, then publish it. Readers of the old one still
    // find every atom published before; the old index is kept alive.
    Index* nix = new Index;
    nix->prev = ix;  // (kept: a reader may still be looking in it)
    nix->mask = (ix->mask + 1) * 2 - 1;
    nix->slots = new std::atomic<uint32_t>[nix->mask + 1];
    for (size_t i = 0; i <= nix->mask; i++) nix->slots[i].store(0, std::memory_order_relaxed);
    for (size_t a = 0; a < n; a++) insert_in(nix, uint32_t(a), entry(make_atom(a)).hash);
    index_.store(nix, std::memory_order_release);
    ix = nix;
  }
  count_.store(n + 1, std::memory_order_release);
  insert_in(ix, uint32_t(n), hash);
  return make_atom(n);
}

Term AtomTable::put_latin1(std::string_view s) {
  std::string utf8;
  utf8.reserve(s.size() * 2);
  for (unsigned char c : s) {
    if (c < 0x80) {
      utf8.push_back(char(c));
    } else {
      utf8.push_back(char(0xC0 | (c >> 6)));
      utf8.push_back(char(0x80 | (c & 0x3F)));
    }
  }
  return put(utf8);
}

}  // namespace bvm
