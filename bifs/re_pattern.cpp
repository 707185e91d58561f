// PCRE patterns for the re BIFs: compiling through a per-thread cache, the
// opaque pattern binary, the ISO-8859-1 character tables and stack-safe
// matching. See re_pattern.h.
#include "bifs/re_pattern.h"

#include <pthread.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <unordered_map>
#include <utility>
#include <vector>

namespace bvm::re {

namespace {

// ---- character tables
//
// PCRE's table layout (pcre_internal.h): lower-casing table, case-flipping
// table, ten 32-byte class bitmaps, then a byte of type bits per character.
// The reference builds PCRE with tables for ISO-8859-1, so the letters
// 0xC0..0xFF (and the feminine/masculine ordinals and the micro sign) are
// letters, with case folding between 0xC0..0xDE and 0xE0..0xFE.
constexpr size_t kLcc = 0, kFcc = 256, kCbits = 512, kCtypes = 832, kTablesLength = 1088;
enum CbitMap { kSpace = 0, kXdigit = 32, kDigit = 64, kUpper = 96, kLower = 128, kWord = 160,
               kGraph = 192, kPrint = 224, kPunct = 256, kCntrl = 288 };
enum CtypeBit { kTypeSpace = 0x01, kTypeLetter = 0x02, kTypeDigit = 0x04, kTypeXdigit = 0x08,
                kTypeWord = 0x10, kTypeMeta = 0x80 };

bool l1_upper(int c) { return (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7); }
bool l1_lower(int c) {
  return (c >= 'a' && c <= 'z') || c == 0xAA || c == 0xB5 || c == 0xBA || (c >= 0xDF && c != 0xF7);
}
bool l1_alpha(int c) { return l1_upper(c) || l1_lower(c); }
bool l1_digit(int c) { return c >= '0' && c <= '9'; }
bool l1_xdigit(int c) { return l1_digit(c) || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f'); }
bool l1_space(int c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
bool l1_cntrl(int c) { return c < 0x20 || (c >= 0x7F && c < 0xA0); }
bool l1_print(int c) { return !l1_cntrl(c); }
bool l1_graph(int c) { return l1_print(c) && c != ' '; }
bool l1_alnum(int c) { return l1_alpha(c) || l1_digit(c); }
bool l1_punct(int c) { return l1_graph(c) && !l1_alnum(c); }
// Upper-case letters with a lower-case partner 0x20 above, and back.
bool has_lower(int c) { return l1_upper(c); }
bool has_upper(int c) { return (c >= 'a' && c <= 'z') || (c >= 0xE0 && c <= 0xFE && c != 0xF7); }

std::array<unsigned char, kTablesLength> make_tables() {
  std::array<unsigned char, kTablesLength> t{};
  auto set_bit = [&t](size_t map, int c) { t[kCbits + map + size_t(c) / 8] |= uint8_t(1u << (c % 8)); };
  for (int c = 0; c < 256; c++) {
    t[kLcc + size_t(c)] = uint8_t(has_lower(c) ? c + 0x20 : c);
    t[kFcc + size_t(c)] = uint8_t(has_lower(c) ? c + 0x20 : has_upper(c) ? c - 0x20 : c);
    if (l1_space(c)) set_bit(kSpace, c);
    if (l1_xdigit(c)) set_bit(kXdigit, c);
    if (l1_digit(c)) set_bit(kDigit, c);
    if (l1_upper(c)) set_bit(kUpper, c);
    if (l1_lower(c)) set_bit(kLower, c);
    if (l1_alnum(c) || c == '_') set_bit(kWord, c);
    if (l1_graph(c)) set_bit(kGraph, c);
    if (l1_print(c)) set_bit(kPrint, c);
    if (l1_punct(c)) set_bit(kPunct, c);
    if (l1_cntrl(c)) set_bit(kCntrl, c);
    unsigned type = 0;
    if (l1_space(c)) type |= kTypeSpace;
    if (l1_alpha(c)) type |= kTypeLetter;
    if (l1_digit(c)) type |= kTypeDigit;
    if (l1_xdigit(c)) type |= kTypeXdigit;
    if (l1_alnum(c) || c == '_') type |= kTypeWord;
    if (c == 0 || std::strchr("\\*+?{^.$|()[", c)) type |= kTypeMeta;
    t[kCtypes + size_t(c)] = uint8_t(type);
  }
  return t;
}

// ---- the pattern binary: magic, options (32 bits, little-endian), source
constexpr char kMagic[4] = {'b', 'v', 'R', 'E'};
constexpr size_t kHeader = 8;

// Every option the BIFs' option parser can give pcre_compile. Anything else
// in a binary (PCRE_NO_UTF8_CHECK above all) is refused.
constexpr int kCompileOptions = PCRE_ANCHORED | PCRE_CASELESS | PCRE_DOLLAR_ENDONLY | PCRE_DOTALL |
                                PCRE_EXTENDED | PCRE_FIRSTLINE | PCRE_MULTILINE | PCRE_NO_AUTO_CAPTURE |
                                PCRE_DUPNAMES | PCRE_UNGREEDY | PCRE_UCP | PCRE_NEVER_UTF | PCRE_UTF8 |
                                PCRE_NO_START_OPTIMIZE | PCRE_BSR_ANYCRLF | PCRE_BSR_UNICODE |
                                PCRE_NEWLINE_CR | PCRE_NEWLINE_LF | PCRE_NEWLINE_CRLF | PCRE_NEWLINE_ANY |
                                PCRE_NEWLINE_ANYCRLF;

std::string_view cut_at_nul(std::string_view s) { return s.substr(0, std::min(s.find('\0'), s.size())); }

// ---- bugs of PCRE 8.39 that the reference's PCRE (8.44) has fixed
//
// Before 8.40, start-of-match optimizations went wrong for patterns whose
// first item is a lookahead: (?=.*X)X$ wanted two Xs, and
// (?=.*[A-Z])(?!.*\s) matched only at the start of a line. Before 8.42, a
// backreference repeated zero or more times first in a pattern, after an
// assertion, gave a wrong first character ((?<=(a))\1?b). These bugs only
// apply with the optimizations on, so patterns starting with an assertion
// are compiled with PCRE_NO_START_OPTIMIZE.
bool starts_with_assertion(std::string_view s) {
  auto starts = [&s](std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; };
  // Start-of-pattern settings: (*UTF8), (*CRLF), (*LIMIT_MATCH=n), ...
  while (starts("(*")) {
    size_t end = s.find(')');
    if (end == std::string_view::npos) return false;
    s.remove_prefix(end + 1);
  }
  for (;;) {
    if (starts("(?=") || starts("(?!") || starts("(?<=") || starts("(?<!")) return true;
    // A conditional group whose condition is an assertion.
    if (starts("(?(?=") || starts("(?(?!") || starts("(?(?<=") || starts("(?(?<!")) return true;
    if (starts("(?:") || starts("(?|") || starts("(?>")) {
      s.remove_prefix(3);
    } else if (starts("(?<") || starts("(?P<") || starts("(?'")) {
      size_t name = starts("(?P<") ? 4 : 3;
      if (s.size() <= name || s[name] == '=' || s[name] == '!') return false;  // a lookbehind
      size_t end = s.find_first_of(">'", name);
      if (end == std::string_view::npos) return false;
      s.remove_prefix(end + 1);
    } else if (starts("(?")) {  // option settings such as (?i) or (?s-m)
      size_t i = 2;
      while (i < s.size() && (std::isalpha(uint8_t(s[i])) || s[i] == '-')) i++;
      if (i == 2 || i >= s.size() || s[i] != ')') return false;
      s.remove_prefix(i + 1);
    } else if (starts("(") && !starts("(*")) {
      s.remove_prefix(1);
    } else {
      return false;
    }
  }
}

// Before 8.43, a pattern starting with a subroutine call repeated zero or
// more times could get a wrong "first character" (fixed in the reference's
// PCRE). Patterns with subroutine calls get no start optimizations either.
bool has_subroutine_call(std::string_view s) {
  for (size_t i = 0; i + 2 < s.size(); i++) {
    if (s[i] == '\\' && s[i + 1] == 'g' && (s[i + 2] == '<' || s[i + 2] == '\'')) return true;
    if (s[i] != '(' || s[i + 1] != '?') continue;
    char c = s[i + 2];
    if (c == '&' || c == 'R' || std::isdigit(uint8_t(c))) return true;
    if ((c == '+' || c == '-') && i + 3 < s.size() && std::isdigit(uint8_t(s[i + 3]))) return true;
    if (c == 'P' && i + 3 < s.size() && s[i + 3] == '>') return true;
  }
  return false;
}

// Before 8.41, a (?#...) comment between a quantifier and a following + or
// ? was an error ("nothing to repeat"); since then it is ignored. Such
// comments are taken out; `removed` gets (position in the result, length)
// of each, to give compile errors their position in the original.
std::string drop_comments_after_quantifiers(std::string_view s, std::vector<std::pair<int, int>>* removed) {
  std::string out;
  bool in_class = false, quoted = false, after_quantifier = false;
  for (size_t i = 0; i < s.size();) {
    char c = s[i];
    if (quoted) {  // \Q...\E
      if (c == '\\' && i + 1 < s.size() && s[i + 1] == 'E') quoted = false;
    } else if (c == '\\' && i + 1 < s.size()) {
      if (s[i + 1] == 'Q') quoted = true;
      out.append(s.substr(i, 2));
      i += 2;
      after_quantifier = false;
      continue;
    } else if (in_class) {
      if (c == ']') in_class = false;
    } else if (c == '[') {
      in_class = true;
      if (i + 1 < s.size() && s[i + 1] == '^') out.push_back(s[i++]);
      if (i + 1 < s.size() && s[i + 1] == ']') out.push_back(s[i++]);  // a leading ] is a member
    } else if (after_quantifier && s.substr(i, 3) == "(?#") {
      size_t end = s.find(')', i);
      if (end != std::string_view::npos && end + 1 < s.size() && (s[end + 1] == '+' || s[end + 1] == '?')) {
        removed->emplace_back(int(out.size()), int(end + 1 - i));
        i = end + 1;
        continue;
      }
    } else if (c == '(' && i + 1 < s.size() && s[i + 1] == '?') {
      out.append("(?");
      i += 2;
      after_quantifier = false;
      continue;
    }
    after_quantifier = !quoted && !in_class && (c == '*' || c == '+' || c == '?' || c == '}');
    out.push_back(c);
    i++;
  }
  return out;
}

// ---- the per-thread cache of compiled patterns, keyed by encode()
class Cache {
 public:
  ~Cache() {
    for (auto& [key, e] : map_) pcre_free(e.compiled.code);
  }
  const Compiled* find(const std::string& key) {
    auto it = map_.find(key);
    if (it == map_.end()) return nullptr;
    it->second.used = ++clock_;
    return &it->second.compiled;
  }
  const Compiled* insert(const std::string& key, const Compiled& c) {
    if (map_.size() >= kCapacity) evict_oldest();
    Entry& e = map_[key];
    e.compiled = c;
    e.used = ++clock_;
    return &e.compiled;
  }

 private:
  static constexpr size_t kCapacity = 64;
  struct Entry {
    Compiled compiled;
    uint64_t used;
  };
  void evict_oldest() {
    auto oldest = std::min_element(map_.begin(), map_.end(),
                                   [](const auto& a, const auto& b) { return a.second.used < b.second.used; });
    pcre_free(oldest->second.compiled.code);
    map_.erase(oldest);
  }
  std::unordered_map<std::string, Entry> map_;
  uint64_t clock_ = 0;
};

thread_local Cache cache;

// ---- stack depth

// Bytes of stack one level of PCRE's match() recursion takes (pcre_exec's
// documented query), with some slack.
size_t frame_size() {
  static const size_t size = [] {
    int r = pcre_exec(nullptr, nullptr, nullptr, -999, -999, 0, nullptr, 0);
    size_t s = r < 0 ? size_t(-r) : 1024;
    return s + s / 4;
  }();
  return size;
}

// Stack bytes left below the caller on this thread, less a safety margin.
size_t stack_left() {
  constexpr size_t kMargin = 256 * 1024;
  thread_local const char* low = [] {
    pthread_attr_t attr;
    void* addr = nullptr;
    size_t size = 0;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
      if (pthread_attr_getstack(&attr, &addr, &size) != 0) addr = nullptr;
      pthread_attr_destroy(&attr);
    }
    return static_cast<const char*>(addr);
  }();
  const char* here = static_cast<const char*>(__builtin_frame_address(0));
  if (!low || here <= low) return 0;
  size_t left = size_t(here - low);
  return left > kMargin ? left - kMargin : 0;
}

long default_recursion_limit() {
  static const long limit = [] {
    unsigned long v = 0;
    if (pcre_config(PCRE_CONFIG_MATCH_LIMIT_RECURSION, &v) != 0 || v == 0) v = 10000000;
    return long(v);
  }();
  return limit;
}

struct ExecCall {
  const Compiled* c;
  pcre_extra* extra;
  const char* subject;
  int length, offset, options;
  int* ovector;
  int ovsize;
  int result;
};

void run_exec(ExecCall* call) {
  call->result = pcre_exec(call->c->code, call->extra, call->subject, call->length, call->offset,
                           call->options, call->ovector, call->ovsize);
}

void* exec_thread_main(void* arg) {
  run_exec(static_cast<ExecCall*>(arg));
  return nullptr;
}

// Runs the match on a new thread with `stack` bytes of stack; false if the
// thread could not be made.
bool exec_on_thread(ExecCall* call, size_t stack) {
  pthread_attr_t attr;
  if (pthread_attr_init(&attr) != 0) return false;
  pthread_t thread;
  bool ok = pthread_attr_setstacksize(&attr, stack) == 0 &&
            pthread_create(&thread, &attr, exec_thread_main, call) == 0;
  pthread_attr_destroy(&attr);
  if (ok) pthread_join(thread, nullptr);
  return ok;
}

}  // namespace

const unsigned char* latin1_tables() {
  static const std::array<unsigned char, kTablesLength> tables = make_tables();
  return tables.data();
}

std::string encode(std::string_view source, int options) {
  source = cut_at_nul(source);
  std::string b(kMagic, sizeof kMagic);
  uint32_t o = uint32_t(options);
  for (int i = 0; i < 4; i++) b.push_back(char((o >> (8 * i)) & 0xFF));
  b.append(source);
  return b;
}

bool decode(std::string_view bin, std::string_view* source, int* options) {
  if (bin.size() < kHeader || std::memcmp(bin.data(), kMagic, sizeof kMagic) != 0) return false;
  uint32_t o = 0;
  for (int i = 0; i < 4; i++) o |= uint32_t(uint8_t(bin[4 + size_t(i)])) << (8 * i);
  if (o & ~uint32_t(kCompileOptions)) return false;
  *options = int(o);
  *source = bin.substr(kHeader);
  return source->find('\0') == std::string_view::npos;
}

const Compiled* compile(std::string_view source, int options, CompileError* err) {
  source = cut_at_nul(source);
  std::string key = encode(source, options);
  if (const Compiled* c = cache.find(key)) return c;
  std::vector<std::pair<int, int>> removed;
  std::string text = source.find("(?#") == std::string_view::npos ? std::string(source)
                                                                   : drop_comments_after_quantifiers(source, &removed);
  int code = 0;
  const char* message = "";
  int offset = 0;
  int pcre_options = options;
  if (starts_with_assertion(source) || has_subroutine_call(source)) pcre_options |= PCRE_NO_START_OPTIMIZE;
  pcre* re = pcre_compile2(text.c_str(), pcre_options, &code, &message, &offset, latin1_tables());
  if (!re) {
    err->message = message;
    err->offset = offset;
    for (auto [at, length] : removed)
      if (at <= offset) err->offset += length;
    return nullptr;
  }
  Compiled c{re, 0, 0, false};
  pcre_fullinfo(re, nullptr, PCRE_INFO_CAPTURECOUNT, &c.capture_count);
  pcre_fullinfo(re, nullptr, PCRE_INFO_OPTIONS, &c.options);
  c.single_byte_hazard = (c.options & PCRE_UTF8) && source.find("\\C") != std::string_view::npos &&
                         source.find('[') != std::string_view::npos;
  return cache.insert(key, c);
}

int exec(const Compiled& c, const char* subject, int length, int offset, int options, int* ovector, int ovsize,
         long match_limit, long recursion_limit) {
  pcre_extra extra;
  std::memset(&extra, 0, sizeof extra);
  if (match_limit >= 0) {
    extra.flags |= PCRE_EXTRA_MATCH_LIMIT;
    extra.match_limit = static_cast<unsigned long>(match_limit);
  }
  long wanted = recursion_limit >= 0 ? recursion_limit : default_recursion_limit();
  long here = long(stack_left() / frame_size());
  extra.flags |= PCRE_EXTRA_MATCH_LIMIT_RECURSION;
  extra.match_limit_recursion = static_cast<unsigned long>(std::min(wanted, here));
  if (c.single_byte_hazard &&
      std::any_of(subject, subject + length, [](char ch) { return uint8_t(ch) >= 0x80; }))
    return PCRE_ERROR_NOMATCH;
  ExecCall call{&c, &extra, subject, length, offset, options, ovector, ovsize, 0};
  run_exec(&call);
  if (call.result != PCRE_ERROR_RECURSIONLIMIT || wanted <= here) return call.result;
  // Deeper than this stack allows: again on a thread with a stack for it.
  constexpr size_t kSlack = 1 << 20, kMaxStack = size_t(1) << 30;
  size_t stack = std::min(size_t(wanted) * frame_size() + kSlack, kMaxStack);
  extra.match_limit_recursion = static_cast<unsigned long>((stack - kSlack) / frame_size());
  if (!exec_on_thread(&call, stack)) return PCRE_ERROR_RECURSIONLIMIT;
  return call.result;
}

}  // namespace bvm::re
