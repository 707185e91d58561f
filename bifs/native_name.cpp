#include "bifs/native_name.h"

#include <langinfo.h>
#include <locale.h>

#include <cstring>
#include <mutex>
#include <vector>

#include "bifs/text.h"

namespace bvm {

namespace {

struct NameConfig {
  NameEncoding enc = NameEncoding::Latin1;
  NameWarning warning = NameWarning::Warning;
  bool user_set = false;
  NameEncoding user_enc = NameEncoding::Latin1;
};

NameConfig& config() {
  static NameConfig c;
  return c;
}

std::once_flag config_once;

void detect() {
  NameConfig& c = config();
  if (c.user_set) {
    c.enc = c.user_enc;
    return;
  }
  // The locale the environment asks for, without changing the process's own.
  c.enc = NameEncoding::Latin1;
  if (locale_t l = newlocale(LC_CTYPE_MASK, "", locale_t(0))) {
    if (std::strcmp(nl_langinfo_l(CODESET, l), "UTF-8") == 0) c.enc = NameEncoding::Utf8;
    freelocale(l);
  }
}

const NameConfig& configured() {
  std::call_once(config_once, detect);
  return config();
}

int utf8_seq_len(uint8_t b) {
  if (b < 0x80) return 1;
  if ((b & 0xE0) == 0xC0) return 2;
  if ((b & 0xF0) == 0xE0) return 3;
  if ((b & 0xF8) == 0xF0) return 4;
  return 0;
}

}  // namespace

NameEncoding native_name_encoding() { return configured().enc; }
NameWarning native_name_warning() { return configured().warning; }

void set_user_filename_encoding(bool detect_from_locale, NameEncoding enc, NameWarning warning) {
  NameConfig& c = config();
  c.user_set = !detect_from_locale;
  c.user_enc = enc;
  c.warning = warning;
}

bool valid_utf8(std::string_view bytes, size_t* chars) {
  const auto* s = reinterpret_cast<const uint8_t*>(bytes.data());
  size_t n = bytes.size(), count = 0;
  for (size_t i = 0; i < n; count++) {
    int len = utf8_seq_len(s[i]);
    if (len == 0 || n - i < size_t(len)) return false;
    uint32_t cp = len == 1 ? s[i] : len == 2 ? (s[i] & 0x1Fu) : len == 3 ? (s[i] & 0x0Fu) : (s[i] & 0x07u);
    for (int k = 1; k < len; k++) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      cp = cp << 6 | (s[i + k] & 0x3Fu);
    }
    static const uint32_t min_for_len[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_for_len[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += size_t(len);
  }
  if (chars) *chars = count;
  return true;
}

bool chars_to_native(Term name, std::string& out) {
  bool utf8 = native_name_encoding() == NameEncoding::Utf8;
  std::vector<Term> rest;  // tails of enclosing lists
  Term l = name;
  for (;;) {
    if (is_nil(l)) {
      if (rest.empty()) return true;
      l = rest.back();
      rest.pop_back();
      continue;
    }
    if (!is_list(l)) return false;
    Term h = car(l);
    l = cdr(l);
    if (is_small(h)) {
      SWord c = small_val(h);
      if (c <= 0) return false;  // NUL, and negative numbers are no characters
      if (!utf8) {
        if (c > 255) return false;
        out.push_back(char(c));
      } else {
        if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return false;
        append_utf8(out, uint32_t(c));
      }
    } else if (is_list(h) || is_nil(h)) {
      rest.push_back(l);
      l = h;
    } else {
      return false;
    }
  }
}

Term native_to_chars(Process* p, std::string_view bytes) {
  if (native_name_encoding() == NameEncoding::Utf8 && valid_utf8(bytes)) return utf8_to_list(p, bytes);
  return latin1_to_list(p, bytes);
}

}  // namespace bvm
