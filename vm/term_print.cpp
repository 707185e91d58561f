#include "vm/term_print.h"

#include <charconv>
#include <cstdio>
#include <vector>

#include "vm/atom_table.h"
#include "vm/binary.h"
#include "vm/bignum.h"
#include "vm/code_index.h"
#include "vm/identity.h"
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

void print_term(std::string& out, Term t0) {
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
      print_atom(out, t);
    } else if (is_nil(t)) {
      out += "[]";
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
          print_float(out, float_val(t));
          break;
        case Sub::Map: {
          map_pairs(t, pairs);
          stack.push_back({NON_VALUE, "}"});
          for (size_t i = pairs.size(); i-- > 0;) {
            stack.push_back({pairs[i].second, nullptr});
            stack.push_back({NON_VALUE, " => "});
            stack.push_back({pairs[i].first, nullptr});
            if (i > 0) stack.push_back({NON_VALUE, ","});
          }
          stack.push_back({NON_VALUE, "#{"});
          break;
        }
        case Sub::Export: {
          const Export* e = export_fun_entry(t);
          out += "fun ";
          print_atom(out, e->module);
          out.push_back(':');
          print_atom(out, e->function);
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

std::string term_to_text(Term t) {
  std::string s;
  print_term(s, t);
  return s;
}

}  // namespace bvm
