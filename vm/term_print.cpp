#include "vm/term_print.h"

#include <charconv>
#include <cstdio>
#include <vector>

#include "vm/atom_table.h"
#include "vm/binary.h"
#include "vm/bignum.h"
#include "vm/code_index.h"
#include "vm/identity.h"
#include "vm/hashmap.h"
#include "vm/map.h"

namespace bvm {

namespace {

bool is_reserved_word(std::string_view s) {
  static const char* const words[] = {"after", "and", "andalso", "band", "begin", "bnot", "bor",
                                      "bsl",   "bsr", "bxor",    "case", "catch", "cond", "div",
                                      "end",   "fun", "if",      "let",  "not",   "of",   "or",
                                      "orelse", "receive", "rem", "try", "when",  "xor", "maybe",
                                      "else"};
  for (const char* w : words)
    if (s == w) return true;
  return false;
}

bool atom_needs_quotes(std::string_view s) {
  if (s.empty()) return true;
  unsigned char c0 = static_cast<unsigned char>(s[0]);
  if (!(c0 >= 'a' && c0 <= 'z')) return true;
  for (unsigned char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '@'))
      return true;
  return is_reserved_word(s);
}

// Appends UTF-8 text as the inside of a quoted atom or string.
void print_quoted_chars(std::string& out, std::string_view s, char quote) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    uint32_t cp;
    size_t n;
    if (c < 0x80) { cp = c; n = 1; }
    else if ((c & 0xE0) == 0xC0) { cp = c & 0x1F; n = 2; }
    else if ((c & 0xF0) == 0xE0) { cp = c & 0x0F; n = 3; }
    else { cp = c & 0x07; n = 4; }
    for (size_t k = 1; k < n && i + k < s.size(); k++) cp = cp << 6 | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    i += n;
    if (cp == uint32_t(quote) || cp == '\\') {
      out.push_back('\\');
      out.push_back(char(cp));
    } else if (cp >= 0x20 && cp < 0x7F) {
      out.push_back(char(cp));
    } else {
      char buf[16];
      std::snprintf(buf, sizeof buf, "\\x{%X}", cp);
      out += buf;
    }
  }
}

void print_bitstring(std::string& out, Term t) {
  BitView v = bitstring_view(t);
  out += "<<";
  UWord whole = v.bit_size / 8, rest = v.bit_size % 8;
  auto bits_at = [&](UWord bit, unsigned n) {
    unsigned x = 0;
    for (unsigned k = 0; k < n; k++) {
      UWord b = v.bit_offset + bit + k;
      x = x << 1 | ((v.base[b / 8] >> (7 - b % 8)) & 1);
    }
    return x;
  };
  for (UWord i = 0; i < whole; i++) {
    if (i) out.push_back(',');
    out += std::to_string(bits_at(i * 8, 8));
  }
  if (rest) {
    if (whole) out.push_back(',');
    out += std::to_string(bits_at(whole * 8, unsigned(rest)));
    out.push_back(':');
    out += std::to_string(rest);
  }
  out += ">>";
}

// <<"text">> when every byte is printable ASCII (display style).
bool print_ascii_binary(std::string& out, Term t) {
  BitView v = bitstring_view(t);
  if (v.bit_size % 8 || v.bit_size == 0 || !v.byte_aligned()) return false;
  const uint8_t* b = v.base + v.bit_offset / 8;
  for (UWord i = 0; i < v.bit_size / 8; i++)
    if (b[i] < ' ' || b[i] >= 127) return false;
  out += "<<\"";
  for (UWord i = 0; i < v.bit_size / 8; i++) {
    if (b[i] == '"') out.push_back('\\');  // the reference escapes only the quote
    out.push_back(char(b[i]));
  }
  out += "\">>";
  return true;
}

// Work items for the non-recursive printer: a term, or literal text.
struct Item {
  Term term;
  const char* text;  // non-null: emit this text instead
};

}  // namespace

void print_atom(std::string& out, Term atom) { print_atom_text(out, atom_text(atom)); }

void print_atom_text(std::string& out, std::string_view s) {
  if (!atom_needs_quotes(s)) {
    out += s;
    return;
  }
  out.push_back('\'');
  print_quoted_chars(out, s, '\'');
  out.push_back('\'');
}

void print_float(std::string& out, double d) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d);
  std::string s(buf, res.ptr);
  size_t e = s.find('e');
  std::string mant = e == std::string::npos ? s : s.substr(0, e);
  std::string exp = e == std::string::npos ? "" : s.substr(e + 1);
  if (mant.find('.') == std::string::npos) mant += ".0";
  out += mant;
  if (!exp.empty()) {
    out.push_back('e');
    if (exp[0] == '+') exp.erase(0, 1);
    out += exp;
  }
}

namespace {

bool display_is_lower(unsigned c) { return (c >= 'a' && c <= 'z') || (c >= 223 && c <= 255 && c != 247); }
bool display_is_upper(unsigned c) { return (c >= 'A' && c <= 'Z') || (c >= 192 && c <= 222 && c != 215); }
bool display_is_alnum(unsigned c) { return (c >= '0' && c <= '9') || display_is_lower(c) || display_is_upper(c); }

void display_atom(std::string& out, std::string_view s) {
  if (s.empty()) {
    out += "''";
    return;
  }
  // Decode to code points for the quoting decision (Latin-1 rules).
  std::vector<uint32_t> cps;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
    uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t k = 1; k < n && i + k < s.size(); k++) cp = cp << 6 | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    cps.push_back(cp);
    i += n;
  }
  bool quote = !display_is_lower(cps[0]);
  for (size_t i = 1; i < cps.size() && !quote; i++)
    if (!display_is_alnum(cps[i]) && cps[i] != '_') quote = true;
  if (quote) out.push_back('\'');
  for (size_t i = 0; i < s.size(); i++) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '\'': out += "\\'"; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '\b': out += "\\b"; break;
      case '\v': out += "\\v"; break;
      default:
        if (c < ' ') {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\%03o", c);
          out += buf;
        } else {
          out.push_back(char(c));
        }
    }
  }
  if (quote) out.push_back('\'');
}

bool display_printable_list(Term l) {
  bool any = false;
  for (; is_list(l); l = cdr(l)) {
    Term h = car(l);
    if (!is_small(h) || small_val(h) < 0 || small_val(h) > 255) return false;
    SWord c = small_val(h);
    bool cntrl = c < ' ' || c == 127 || (c >= 128 && c < 160);
    bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (cntrl && !space) return false;
    any = true;
  }
  return any && is_nil(l);
}

}  // namespace

static void print_any(std::string& out, Term t0, bool display);

void print_term(std::string& out, Term t0) { print_any(out, t0, false); }

static void print_any(std::string& out, Term t0, bool display) {
  std::vector<Item> stack;
  stack.push_back({t0, nullptr});
  std::vector<std::pair<Term, Term>> pairs;
  while (!stack.empty()) {
    Item it = stack.back();
    stack.pop_back();
    if (it.text) {
      out += it.text;
      continue;
    }
    Term t = it.term;
    if (is_small(t) || is_big(t)) {
      out += integer_to_string(t);
    } else if (is_atom(t)) {
      if (display) display_atom(out, atom_text(t));
      else print_atom(out, t);
    } else if (is_nil(t)) {
      out += "[]";
    } else if (display && is_list(t) && display_printable_list(t)) {
      out.push_back('"');
      for (Term l = t; is_list(l); l = cdr(l)) {
        SWord c = small_val(car(l));
        if (c == '\n') {
          out += "\\n";
        } else {
          if (c == '"') out.push_back('\\');
          out.push_back(char(c));
        }
      }
      out.push_back('"');
    } else if (is_list(t)) {
      // [E1,E2|Tail]: push in reverse.
      std::vector<Item> items;
      items.push_back({NON_VALUE, "["});
      Term l = t;
      bool first = true;
      while (is_list(l)) {
        if (!first) items.push_back({NON_VALUE, ","});
        items.push_back({car(l), nullptr});
        first = false;
        l = cdr(l);
      }
      if (!is_nil(l)) {
        items.push_back({NON_VALUE, "|"});
        items.push_back({l, nullptr});
      }
      items.push_back({NON_VALUE, "]"});
      for (size_t i = items.size(); i-- > 0;) stack.push_back(items[i]);
    } else if (is_local_pid(t)) {
      out += "<0." + std::to_string(local_pid_number(t)) + "." + std::to_string(local_pid_serial(t)) + ">";
    } else if (is_local_port(t)) {
      out += "#Port<0." + std::to_string(local_port_data(t)) + ">";
    } else if (is_boxed(t)) {
      switch (header_sub(boxed_header(t))) {
        case Sub::Tuple: {
          UWord n = tuple_arity(t);
          stack.push_back({NON_VALUE, "}"});
          for (UWord i = n; i >= 1; i--) {
            stack.push_back({tuple_elem(t, i), nullptr});
            if (i > 1) stack.push_back({NON_VALUE, ","});
          }
          stack.push_back({NON_VALUE, "{"});
          break;
        }
        case Sub::Float:
          if (display) {
            char buf[64];
            std::snprintf(buf, sizeof buf, "%.6e", float_val(t));
            out += buf;
          } else {
            print_float(out, float_val(t));
          }
          break;
        case Sub::Map: {
          if (display && !is_flatmap(t)) {
            // erlang:display shows a hash map's trie as the reference
            // does: #<bitmap>{...} for the head, <bitmap>{...} for a node,
            // leaves as [K|V].
            char buf[32];
            if (map_kind(t) == MAP_COLLISION) std::snprintf(buf, sizeof buf, "<collision>{");
            else std::snprintf(buf, sizeof buf, "%s<%x>{", map_kind(t) == MAP_HEAD ? "#" : "", hashmap_bitmap(t));
            out += buf;
            UWord n;
            const Term* c = hashmap_children(t, &n);
            stack.push_back({NON_VALUE, "}"});
            for (UWord i = n; i-- > 0;) {
              stack.push_back({c[i], nullptr});
              if (i > 0) stack.push_back({NON_VALUE, ","});
            }
            break;
          }
          map_pairs_iteration_order(t, pairs);
          stack.push_back({NON_VALUE, "}"});
          for (size_t i = pairs.size(); i-- > 0;) {
            stack.push_back({pairs[i].second, nullptr});
            stack.push_back({NON_VALUE, display ? "=>" : " => "});
            stack.push_back({pairs[i].first, nullptr});
            if (i > 0) stack.push_back({NON_VALUE, ","});
          }
          stack.push_back({NON_VALUE, "#{"});
          break;
        }
        case Sub::Export: {
          const Export* e = export_fun_entry(t);
          out += "fun ";
          print_atom(out, e->module());
          out.push_back(':');
          print_atom(out, e->function());
          out += "/" + std::to_string(e->arity);
          break;
        }
        case Sub::Fun: {
          const FunEntry* fe = fun_entry(t);
          out += "#Fun<";
          out += atom_text(fe->module);
          out += "." + std::to_string(fe->old_index) + "." + std::to_string(fe->old_uniq) + ">";
          break;
        }
        case Sub::Ref:
        case Sub::ExternalRef: {
          uint32_t nums[MAX_REF_NUMBERS];
          unsigned n = ref_numbers(t, nums);
          out += "#Ref<" + std::to_string(identity_node(t)->index);
          for (unsigned i = n; i-- > 0;) out += "." + std::to_string(nums[i]);
          out += ">";
          break;
        }
        case Sub::ExternalPid:
          out += "<" + std::to_string(identity_node(t)->index) + "." + std::to_string(pid_number(t)) + "." +
                 std::to_string(pid_serial(t)) + ">";
          break;
        case Sub::ExternalPort:
          out += "#Port<" + std::to_string(identity_node(t)->index) + "." + std::to_string(port_number(t)) + ">";
          break;
        case Sub::RefcBin:
        case Sub::HeapBin:
        case Sub::SubBin:
          if (display && print_ascii_binary(out, t)) break;
          print_bitstring(out, t);
          break;
        default:
          out += "#<unknown term>";
          break;
      }
    } else {
      out += "#<unknown term>";
    }
  }
}

std::string term_to_display_text(Term t) {
  std::string s;
  print_any(s, t, true);
  return s;
}

std::string term_to_text(Term t) {
  std::string s;
  print_term(s, t);
  return s;
}

}  // namespace bvm
