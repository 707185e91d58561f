#include "bifs/text.h"

#include <gmp.h>

#include <cstring>
#include <vector>

#include "bifs/bif.h"
#include "vm/bignum.h"
#include "vm/binary.h"

namespace bvm {

void append_utf8(std::string& out, uint32_t c) {
  if (c < 0x80) {
    out.push_back(char(c));
  } else if (c < 0x800) {
    out.push_back(char(0xC0 | (c >> 6)));
    out.push_back(char(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(char(0xE0 | (c >> 12)));
    out.push_back(char(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(char(0x80 | (c & 0x3F)));
  } else {
    out.push_back(char(0xF0 | (c >> 18)));
    out.push_back(char(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(char(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(char(0x80 | (c & 0x3F)));
  }
}

static std::vector<uint32_t> decode_utf8(std::string_view s) {
  std::vector<uint32_t> cps;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
    uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t k = 1; k < n && i + k < s.size(); k++) cp = cp << 6 | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    cps.push_back(cp);
    i += n;
  }
  return cps;
}

Term utf8_to_list(Process* p, std::string_view s) {
  std::vector<uint32_t> cps = decode_utf8(s);
  Term* hp = p->halloc(2 * cps.size());
  Term l = NIL;
  for (size_t i = cps.size(); i-- > 0;) {
    hp[2 * i] = make_small(cps[i]);
    hp[2 * i + 1] = l;
    l = make_list(hp + 2 * i);
  }
  return l;
}

Term latin1_to_list(Process* p, std::string_view s) {
  Term* hp = p->halloc(2 * s.size());
  Term l = NIL;
  for (size_t i = s.size(); i-- > 0;) {
    hp[2 * i] = make_small(static_cast<unsigned char>(s[i]));
    hp[2 * i + 1] = l;
    l = make_list(hp + 2 * i);
  }
  return l;
}

bool utf8_to_latin1(std::string_view s, std::string& out) {
  for (uint32_t c : decode_utf8(s)) {
    if (c > 255) return false;
    out.push_back(char(c));
  }
  return true;
}

bool list_to_latin1(Term l, std::string& out) {
  for (; is_list(l); l = cdr(l)) {
    Term c = car(l);
    if (!is_small(c) || small_val(c) < 0 || small_val(c) > 255) return false;
    out.push_back(char(small_val(c)));
  }
  return is_nil(l);
}

Term make_binary(Process* p, const uint8_t* data, size_t size) {
  if (size <= HEAP_BIN_LIMIT) return make_heap_bin(p->halloc(heap_bin_words(size)), data, size);
  BinData* bd = BinData::create(size);
  if (size) std::memcpy(bd->bytes, data, size);
  return make_refc_bin(p->halloc(REFC_BIN_WORDS), bd, &p->off_heap);
}

std::string binary_bytes(Term bin) {
  BitView v = bitstring_view(bin);
  std::string s(v.bit_size / 8, '\0');
  if (v.byte_aligned()) {
    std::memcpy(s.data(), v.base + v.bit_offset / 8, s.size());
  } else {
    for (size_t i = 0; i < s.size(); i++) {
      UWord bit = v.bit_offset + 8 * i;
      unsigned hi = v.base[bit / 8], lo = v.base[bit / 8 + 1];
      s[i] = char(((hi << 8 | lo) >> (8 - bit % 8)) & 0xFF);
    }
  }
  return s;
}

Term parse_integer(Process* p, const std::string& s, int base) {
  size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    neg = s[i] == '-';
    i++;
  }
  if (i == s.size()) return NON_VALUE;
  std::string digits;
  for (; i < s.size(); i++) {
    char c = s[i];
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'z' ? c - 'a' + 10 : c >= 'A' && c <= 'Z' ? c - 'A' + 10 : 99;
    if (d >= base) return NON_VALUE;
    digits.push_back(c);
  }
  if (digits.size() <= 12) {  // fits an int64 in any base up to 36
    int64_t v = std::stoll(digits, nullptr, base);
    return make_integer(p, neg ? -v : v);
  }
  mpz_t z;
  mpz_init(z);
  mpz_set_str(z, digits.c_str(), base);
  if (neg) mpz_neg(z, z);
  size_t n = mpz_size(z);
  Term r;
  if (n > MAX_BIG_LIMBS) {
    r = NON_VALUE;
  } else {
    Term* hp = p->halloc(1 + n);
    for (size_t k = 0; k < n; k++) hp[1 + k] = mpz_getlimbn(z, mp_size_t(k));
    UWord used;
    r = make_integer_from_limbs(hp, hp + 1, n, neg, &used);
  }
  mpz_clear(z);
  return r;
}

}  // namespace bvm
