// erlang: pids, ports, references and funs to and from text; fun
// introspection (fun_info/2, fun_info_mfa/1), make_fun/3, is_builtin/3.
//
// The text forms are the reference's: <C.N.S>, #Port<C.N>, #Ref<C.N2.N1.N0>,
// #Fun<Module.OldIndex.OldUniq> and fun M:F/A, where C is 0 for this node.
// No other node is connected, so list_to_pid/port/ref accept channel 0 only.
#include <cstdint>
#include <cstdio>
#include <string>
#include <thread>

#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "vm/scheduler.h"
#include "bifs/text.h"
#include "vm/atom_table.h"
#include "vm/code_index.h"
#include "vm/code_table.h"
#include "vm/identity.h"

namespace bvm {

namespace {

// The reference's limits for local identifiers.
constexpr uint64_t MAX_PID_NUMBER = (1u << 15) - 1;
constexpr uint64_t MAX_PID_SERIAL = (1u << 13) - 1;
constexpr uint64_t MAX_PORT_NUMBER = (1u << 28) - 1;
constexpr uint64_t MAX_REF_FIRST = 1u << 18;   // the last number printed is below this
constexpr uint32_t REF_THREAD_MASK = (1u << 16) - 1;  // scheduler id bits of the middle number

uint64_t channel(Term t) {
  Node* n = identity_node(t);
  return n == local_node() ? 0 : n->index;
}

std::string pid_text(Term t) {
  return "<" + std::to_string(channel(t)) + "." + std::to_string(pid_number(t)) + "." +
         std::to_string(pid_serial(t)) + ">";
}

std::string port_text(Term t) {
  return "#Port<" + std::to_string(channel(t)) + "." + std::to_string(port_number(t)) + ">";
}

std::string ref_text(Term t) {
  uint32_t nums[MAX_REF_NUMBERS];
  unsigned n = ref_numbers(t, nums);
  std::string s = "#Ref<" + std::to_string(channel(t));
  for (unsigned i = n; i-- > 0;) s += "." + std::to_string(nums[i]);
  return s + ">";
}

bool is_latin1_lower(unsigned c) { return (c >= 'a' && c <= 'z') || (c >= 223 && c <= 255 && c != 247); }
bool is_latin1_upper(unsigned c) { return (c >= 'A' && c <= 'Z') || (c >= 192 && c <= 222 && c != 215); }
bool is_latin1_alnum(unsigned c) { return (c >= '0' && c <= '9') || is_latin1_lower(c) || is_latin1_upper(c); }

// The code point a UTF-8 sequence starts with, as far as quoting needs:
// continuation bytes count as letters, three- and four-byte sequences as
// something that needs quotes.
unsigned quoting_char(const std::string_view& s, size_t i) {
  unsigned c = uint8_t(s[i]);
  if (c < 0x80) return c;
  if ((c & 0xE0) == 0xC0) return (c & 0x1F) << 6 | (i + 1 < s.size() ? uint8_t(s[i + 1]) & 0x3F : 0);
  if ((c & 0xC0) == 0x80) return 'a';
  return 0;
}

// An atom as the reference's term printer writes it (UTF-8 bytes): quoted
// unless it starts with a lower-case Latin-1 letter and goes on with
// Latin-1 letters, digits and '_' (reserved words are not quoted).
void append_atom(std::string& out, Term atom) {
  std::string_view s = atom_text(atom);
  if (s.empty()) {
    out += "''";
    return;
  }
  bool quote = !is_latin1_lower(quoting_char(s, 0));
  for (size_t i = 1; !quote && i < s.size(); i++) {
    unsigned c = quoting_char(s, i);
    if (!is_latin1_alnum(c) && c != '_') quote = true;
  }
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
        } else if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) < 0xA0) {
          char buf[8];  // U+0080..U+009F: control characters
          std::snprintf(buf, sizeof buf, "\\%03o", static_cast<unsigned char>(s[++i]));
          out += buf;
        } else {
          out.push_back(char(c));
        }
    }
  }
  if (quote) out.push_back('\'');
}

std::string fun_text(Term fun) {
  if (header_sub(boxed_header(fun)) == Sub::Export) {
    const Export* e = export_fun_entry(fun);
    std::string s = "fun ";
    append_atom(s, e->module());
    s.push_back(':');
    append_atom(s, e->function());
    return s + "/" + std::to_string(e->arity);
  }
  const FunEntry* fe = fun_entry(fun);
  return "#Fun<" + std::string(atom_text(fe->module)) + "." + std::to_string(fe->old_index) + "." +
         std::to_string(fe->old_uniq) + ">";
}

// A list of byte values as text (the reference's intlist_to_buf); false if
// it is something else or longer than `max`.
bool list_to_text(Term list, size_t max, std::string& out) {
  Term l = list;
  for (; is_list(l); l = cdr(l)) {
    Term c = car(l);
    if (!is_small(c) || small_val(c) < 0 || small_val(c) > 255 || out.size() == max) return false;
    out.push_back(char(small_val(c)));
  }
  return is_nil(l);
}

// Reads decimal digits at s[*i] (at least one) into a wrapping counter of
// type T, as the reference does.
template <typename T>
bool read_number(const std::string& s, size_t* i, T* out) {
  if (*i >= s.size() || s[*i] < '0' || s[*i] > '9') return false;
  T v = 0;
  while (*i < s.size() && s[*i] >= '0' && s[*i] <= '9') v = T(v * 10 + T(s[(*i)++] - '0'));
  *out = v;
  return true;
}

bool expect(const std::string& s, size_t* i, char c) {
  if (*i >= s.size() || s[*i] != c) return false;
  ++*i;
  return true;
}

// The fun's code: its module version and function, if loaded.
const FunctionInfo* fun_function(const FunEntry* fe, const ModuleVersion** version) {
  const void* addr = fe->address.load(std::memory_order_acquire);
  if (!addr) return nullptr;
  const ModuleVersion* v = version_at(addr);
  if (!v) return nullptr;
  *version = v;
  return v->function_at(static_cast<const UWord*>(addr));
}

Term fun_name(Term fun) {
  if (header_sub(boxed_header(fun)) == Sub::Export) return export_fun_entry(fun)->function();
  const ModuleVersion* v;
  const FunctionInfo* f = fun_function(fun_entry(fun), &v);
  return f ? f->mfa[1] : NIL;  // [] once the code is gone, as in the reference
}

}  // namespace

BIF_FN(erlang_pid_to_list_1) {
  if (!is_pid(args[0])) return raise_badarg(p);
  return latin1_to_list(p, pid_text(args[0]));
}

BIF_FN(erlang_port_to_list_1) {
  if (!is_port(args[0])) return raise_badarg(p);
  return latin1_to_list(p, port_text(args[0]));
}

BIF_FN(erlang_ref_to_list_1) {
  if (!is_ref(args[0])) return raise_badarg(p);
  return latin1_to_list(p, ref_text(args[0]));
}

BIF_FN(erlang_fun_to_list_1) {
  if (!is_fun(args[0])) return raise_badarg(p);
  return latin1_to_list(p, fun_text(args[0]));
}

// "<C.N.S>"
BIF_FN(erlang_list_to_pid_1) {
  std::string s;
  size_t i = 0;
  uint64_t node, number, serial;
  if (!list_to_text(args[0], 64, s) || !expect(s, &i, '<') || !read_number(s, &i, &node) || !expect(s, &i, '.') ||
      !read_number(s, &i, &number) || !expect(s, &i, '.') || !read_number(s, &i, &serial) ||
      !expect(s, &i, '>') || i != s.size())
    return raise_badarg(p);
  if (node != 0 || number > MAX_PID_NUMBER || serial > MAX_PID_SERIAL) return raise_badarg(p);
  return make_local_pid_ns(uint32_t(number), uint32_t(serial));
}

// "#Port<C.N>"
BIF_FN(erlang_list_to_port_1) {
  std::string s;
  size_t i = 6;
  uint32_t node;
  uint64_t number;
  if (!list_to_text(args[0], 38, s) || s.compare(0, 6, "#Port<") != 0 || !read_number(s, &i, &node) ||
      !expect(s, &i, '.') || !read_number(s, &i, &number) || !expect(s, &i, '>') || i != s.size())
    return raise_badarg(p);
  if (node != 0 || number > MAX_PORT_NUMBER) return raise_badarg(p);
  return make_local_port(number);
}

// "#Ref<C.N2.N1.N0>": a local reference has three numbers; the last is
// below 2^18 and the middle one names an existing scheduler.
BIF_FN(erlang_list_to_ref_1) {
  std::string s;
  size_t i = 5;
  if (!list_to_text(args[0], 71, s) || s.compare(0, 5, "#Ref<") != 0) return raise_badarg(p);
  uint64_t ints[1 + MAX_REF_NUMBERS];
  unsigned n = 0;
  while (n < 1 + MAX_REF_NUMBERS) {
    if (!read_number(s, &i, &ints[n]) || ints[n] > UINT32_MAX) return raise_badarg(p);
    n++;
    if (i < s.size() && s[i] == '>') break;
    if (!expect(s, &i, '.')) return raise_badarg(p);
  }
  if (!expect(s, &i, '>') || i != s.size() || n < 2) return raise_badarg(p);
  uint32_t nums[MAX_REF_NUMBERS];
  unsigned count = 0;
  for (unsigned k = n - 1; k > 0; k--) nums[count++] = uint32_t(ints[k]);
  if (ints[0] != 0 || count != 3 || nums[0] >= MAX_REF_FIRST) return raise_badarg(p);
  if ((nums[1] & REF_THREAD_MASK) > scheduler_count()) return raise_badarg(p);
  return make_ref_at(p->halloc(LOCAL_REF_WORDS), Sub::Ref, nullptr, nums, count);
}

BIF_FN(erlang_fun_info_2) {
  Term fun = args[0], what = args[1];
  if (!is_fun(fun)) return raise_badarg(p);
  bool local = header_sub(boxed_header(fun)) == Sub::Fun;
  const FunEntry* fe = local ? fun_entry(fun) : nullptr;
  Term val;
  if (what == atom_put("type")) {
    val = atom_put(local ? "local" : "external");
  } else if (what == am::pid) {
    val = local ? fun_creator(fun) : am::undefined;
  } else if (what == atom_put("module")) {
    val = local ? fe->module : export_fun_entry(fun)->module();
  } else if (what == atom_put("new_index")) {
    val = local ? make_small(fe->index) : am::undefined;
  } else if (what == atom_put("new_uniq")) {
    if (local) {
      // The md5 of the module the fun was loaded from.
      const ModuleVersion* v = nullptr;
      fun_function(fe, &v);
      val = make_binary(p, v ? v->md5 : fe->uniq, 16);
    } else {
      val = am::undefined;
    }
  } else if (what == atom_put("index")) {
    val = local ? make_small(fe->old_index) : am::undefined;
  } else if (what == atom_put("uniq")) {
    val = local ? make_small(fe->old_uniq) : am::undefined;
  } else if (what == atom_put("env")) {
    val = NIL;
    if (local) {
      for (UWord i = fun_num_free(fun); i-- > 0;) val = make_cons(p, fun_env(fun)[i], val);
    }
  } else if (what == atom_put("arity")) {
    val = make_small(SWord(fun_arity(fun)));
  } else if (what == atom_put("name")) {
    val = fun_name(fun);
  } else {
    return raise_badarg(p);
  }
  return make_tuple(p, {what, val});
}

BIF_FN(erlang_fun_info_mfa_1) {
  Term fun = args[0];
  if (!is_fun(fun)) return raise_badarg(p);
  Term module = header_sub(boxed_header(fun)) == Sub::Export ? export_fun_entry(fun)->module() : fun_entry(fun)->module;
  return make_tuple(p, {module, fun_name(fun), make_small(SWord(fun_arity(fun)))});
}

BIF_FN(erlang_make_fun_3) {
  Term m = args[0], f = args[1], a = args[2];
  if (!is_atom(m) || !is_atom(f) || !is_small(a) || small_val(a) < 0 || small_val(a) > 255) return raise_badarg(p);
  Export* e = export_put(m, f, uint32_t(small_val(a)));
  return make_export_fun_at(p->halloc(EXPORT_FUN_WORDS), e);
}

BIF_FN(erlang_is_builtin_3) {
  Term m = args[0], f = args[1], a = args[2];
  if (!is_atom(m) || !is_atom(f) || !is_small(a)) return raise_badarg(p);
  SWord arity = small_val(a);
  if (m == am::erlang && ((f == atom_put("apply") && (arity == 2 || arity == 3)) || (f == atom_put("yield") && arity == 0)))
    return am::true_;
  if (arity < 0 || arity > SWord(UINT32_MAX)) return am::false_;
  const Export* e = export_get(m, f, uint32_t(arity));
  return e && e->bif && !(e->bif_flags & BIF_ERLANG_DEFINED) ? am::true_ : am::false_;
}

}  // namespace bvm
