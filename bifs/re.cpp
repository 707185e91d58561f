// re: version/0, compile/1,2, run/2,3, internal_run/4 and inspect/2, on
// the system's PCRE (8.x, the library the reference bundles).
//
// As in the reference, the BIFs handle bytes only and continue in Erlang
// code of re.erl when that is simpler: re:ucompile/2 and re:urun/3 convert
// Unicode character lists to UTF-8 binaries (and list results back), and
// re:grun/3 does global matching by calling re:internal_run/4 repeatedly.
//
// Compiled patterns are {re_pattern, Groups, Unicode, UseCRLF, Binary}; the
// binary is our own (re_pattern.h). The reference interrupts long matches
// to let other processes run; here a match runs to its end, bounded by
// PCRE's match limit (10,000,000 steps by default, as in the reference),
// and a match that took long ends the process's time slice: the process
// yields before it gets the result.
#include <algorithm>
#include <chrono>
#include <climits>
#include <string>
#include <vector>

#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "bifs/bin_util.h"
#include "bifs/re_pattern.h"
#include "bifs/text.h"
#include "vm/atom_table.h"
#include "vm/binary.h"

namespace bvm {

namespace {

struct ReAtoms {
  Term re = atom_put("re");
  Term re_pattern = atom_put("re_pattern");
  Term match = atom_put("match");
  Term nomatch = atom_put("nomatch");
  Term compile = atom_put("compile");
  Term badopt = atom_put("badopt");
  Term namelist = atom_put("namelist");
  Term internal_error = atom_put("internal_error");
  // options
  Term capture = atom_put("capture");
  Term offset = atom_put("offset");
  Term match_limit = atom_put("match_limit");
  Term match_limit_recursion = atom_put("match_limit_recursion");
  Term newline = atom_put("newline");
  Term cr = atom_put("cr");
  Term crlf = atom_put("crlf");
  Term lf = atom_put("lf");
  Term anycrlf = atom_put("anycrlf");
  Term any = atom_put("any");
  Term anchored = atom_put("anchored");
  Term notempty = atom_put("notempty");
  Term notempty_atstart = atom_put("notempty_atstart");
  Term notbol = atom_put("notbol");
  Term noteol = atom_put("noteol");
  Term no_start_optimize = atom_put("no_start_optimize");
  Term caseless = atom_put("caseless");
  Term dollar_endonly = atom_put("dollar_endonly");
  Term dotall = atom_put("dotall");
  Term extended = atom_put("extended");
  Term firstline = atom_put("firstline");
  Term multiline = atom_put("multiline");
  Term no_auto_capture = atom_put("no_auto_capture");
  Term dupnames = atom_put("dupnames");
  Term ungreedy = atom_put("ungreedy");
  Term ucp = atom_put("ucp");
  Term never_utf = atom_put("never_utf");
  Term report_errors = atom_put("report_errors");
  Term unicode = atom_put("unicode");
  Term global = atom_put("global");
  Term bsr_anycrlf = atom_put("bsr_anycrlf");
  Term bsr_unicode = atom_put("bsr_unicode");
  // capture specifications
  Term index = atom_put("index");
  Term binary = atom_put("binary");
  Term all = atom_put("all");
  Term all_but_first = atom_put("all_but_first");
  Term first = atom_put("first");
  Term all_names = atom_put("all_names");
};

const ReAtoms& atoms() {
  static const ReAtoms a;
  return a;
}

// ---- options

enum ParseFlag : unsigned {
  UNIQUE_COMPILE_OPT = 1,  // only compile may take it
  UNIQUE_EXEC_OPT = 2,     // only run may take it
  UNICODE = 4,
  STARTOFFSET = 8,
  CAPTURE_OPT = 16,
  GLOBAL = 32,
  REPORT_ERRORS = 64,
  MATCH_LIMIT = 128,
  MATCH_LIMIT_RECURSION = 256,
};

struct Options {
  int copt = 0;  // for pcre_compile
  int eopt = 0;  // for pcre_exec
  unsigned flags = 0;
  int offset = 0;
  int match_limit = 0;
  int match_limit_recursion = 0;
  Term cap_values = NON_VALUE;
  Term cap_type = NON_VALUE;
};

// The reference's term_to_int: a small integer 0..INT_MAX.
bool term_to_int(Term t, int* out) {
  if (!is_small(t) || small_val(t) < 0 || small_val(t) > INT_MAX) return false;
  *out = int(small_val(t));
  return true;
}

bool parse_tuple_option(Term item, Options* o) {
  const ReAtoms& a = atoms();
  UWord arity = tuple_arity(item);
  if (arity != 2 || !is_atom(tuple_elem(item, 1))) {
    if (arity != 3 || tuple_elem(item, 1) != a.capture) return false;
    o->cap_values = tuple_elem(item, 2);
    o->cap_type = tuple_elem(item, 3);
    o->flags |= CAPTURE_OPT | UNIQUE_EXEC_OPT;
    return true;
  }
  Term key = tuple_elem(item, 1), val = tuple_elem(item, 2);
  if (key == a.capture) {
    o->cap_values = val;
    o->cap_type = a.index;
    o->flags |= CAPTURE_OPT | UNIQUE_EXEC_OPT;
  } else if (key == a.offset) {
    if (!term_to_int(val, &o->offset)) return false;
    o->flags |= UNIQUE_EXEC_OPT | STARTOFFSET;
  } else if (key == a.match_limit) {
    if (!term_to_int(val, &o->match_limit)) return false;
    o->flags |= UNIQUE_EXEC_OPT | MATCH_LIMIT;
  } else if (key == a.match_limit_recursion) {
    if (!term_to_int(val, &o->match_limit_recursion)) return false;
    o->flags |= UNIQUE_EXEC_OPT | MATCH_LIMIT_RECURSION;
  } else if (key == a.newline) {
    int nl;
    if (val == a.cr) nl = PCRE_NEWLINE_CR;
    else if (val == a.crlf) nl = PCRE_NEWLINE_CRLF;
    else if (val == a.lf) nl = PCRE_NEWLINE_LF;
    else if (val == a.anycrlf) nl = PCRE_NEWLINE_ANYCRLF;
    else if (val == a.any) nl = PCRE_NEWLINE_ANY;
    else return false;
    o->copt |= nl;
    o->eopt |= nl;
  } else {
    return false;
  }
  return true;
}

bool parse_atom_option(Term item, Options* o) {
  const ReAtoms& a = atoms();
  struct Simple {
    Term atom;
    int copt, eopt;
    unsigned flags;
  };
  const Simple simple[] = {
      {a.anchored, PCRE_ANCHORED, PCRE_ANCHORED, 0},
      {a.notempty, 0, PCRE_NOTEMPTY, UNIQUE_EXEC_OPT},
      {a.notempty_atstart, 0, PCRE_NOTEMPTY_ATSTART, UNIQUE_EXEC_OPT},
      {a.notbol, 0, PCRE_NOTBOL, UNIQUE_EXEC_OPT},
      {a.noteol, 0, PCRE_NOTEOL, UNIQUE_EXEC_OPT},
      {a.no_start_optimize, PCRE_NO_START_OPTIMIZE, 0, UNIQUE_COMPILE_OPT},
      {a.caseless, PCRE_CASELESS, 0, UNIQUE_COMPILE_OPT},
      {a.dollar_endonly, PCRE_DOLLAR_ENDONLY, 0, UNIQUE_COMPILE_OPT},
      {a.dotall, PCRE_DOTALL, 0, UNIQUE_COMPILE_OPT},
      {a.extended, PCRE_EXTENDED, 0, UNIQUE_COMPILE_OPT},
      {a.firstline, PCRE_FIRSTLINE, 0, UNIQUE_COMPILE_OPT},
      {a.multiline, PCRE_MULTILINE, 0, UNIQUE_COMPILE_OPT},
      {a.no_auto_capture, PCRE_NO_AUTO_CAPTURE, 0, UNIQUE_COMPILE_OPT},
      {a.dupnames, PCRE_DUPNAMES, 0, UNIQUE_COMPILE_OPT},
      {a.ungreedy, PCRE_UNGREEDY, 0, UNIQUE_COMPILE_OPT},
      {a.ucp, PCRE_UCP, 0, UNIQUE_COMPILE_OPT},
      {a.never_utf, PCRE_NEVER_UTF, 0, UNIQUE_COMPILE_OPT},
      {a.report_errors, 0, 0, UNIQUE_EXEC_OPT | REPORT_ERRORS},
      {a.unicode, PCRE_UTF8, 0, UNIQUE_COMPILE_OPT | UNICODE},
      {a.global, 0, 0, UNIQUE_EXEC_OPT | GLOBAL},
      {a.bsr_anycrlf, PCRE_BSR_ANYCRLF, PCRE_BSR_ANYCRLF, 0},
      {a.bsr_unicode, PCRE_BSR_UNICODE, PCRE_BSR_UNICODE, 0},
  };
  for (const Simple& s : simple) {
    if (s.atom != item) continue;
    o->copt |= s.copt;
    o->eopt |= s.eopt;
    o->flags |= s.flags;
    return true;
  }
  return false;
}

// The option list of compile/2 and run/3 (the reference's parse_options).
bool parse_options(Term list, Options* o) {
  for (; is_list(list); list = cdr(list)) {
    Term item = car(list);
    if (is_tuple(item)) {
      if (!parse_tuple_option(item, o)) return false;
    } else if (!is_atom(item) || !parse_atom_option(item, o)) {
      return false;
    }
  }
  return is_nil(list);
}

Term raise_badopt(Process* p) { return raise_error_cause(p, am::badarg, atoms().badopt); }

// ---- compiled pattern terms

// {re_pattern, Groups, Unicode, UseCRLF, Binary} for a compiled pattern.
Term pattern_tuple(Process* p, std::string_view source, int copt, const re::Compiled& c, bool unicode) {
  unsigned long nl = c.options & (PCRE_NEWLINE_CR | PCRE_NEWLINE_LF | PCRE_NEWLINE_CRLF | PCRE_NEWLINE_ANY |
                                  PCRE_NEWLINE_ANYCRLF);
  bool crlf = nl == PCRE_NEWLINE_ANY || nl == PCRE_NEWLINE_CRLF || nl == PCRE_NEWLINE_ANYCRLF;
  std::string bin = re::encode(source, copt);
  return make_tuple(p, {atoms().re_pattern, make_small(c.capture_count), make_small(unicode ? 1 : 0),
                        make_small(crlf ? 1 : 0),
                        make_binary(p, reinterpret_cast<const uint8_t*>(bin.data()), bin.size())});
}

// {Message, Offset}: a compile error as the reference reports it.
Term compile_error(Process* p, const re::CompileError& err) {
  return make_tuple(p, {make_string(p, err.message), make_small(err.offset)});
}

// The pattern of a well-formed {re_pattern, ...} tuple compiled again;
// null if the tuple is not one.
const re::Compiled* compiled_of(Term t) {
  if (!is_tuple(t) || tuple_arity(t) != 5) return nullptr;
  Term bin = tuple_elem(t, 5);
  if (tuple_elem(t, 1) != atoms().re_pattern || !is_small(tuple_elem(t, 2)) || !is_small(tuple_elem(t, 3)) ||
      !is_small(tuple_elem(t, 4)) || !is_bitstring(bin))
    return nullptr;
  BinaryBytes bytes(bin);
  std::string_view source;
  int copt;
  if (!re::decode(bytes.view(), &source, &copt)) return nullptr;
  re::CompileError err;
  return re::compile(source, copt, &err);
}

// Continues in re:Name/Arity (Erlang code) with `args` as its arguments.
Term trap_to_re(Process* p, Term* x, const char* name, std::initializer_list<Term> args) {
  size_t i = 0;
  for (Term a : args) x[i++] = a;
  return bif_trap(p, export_put(atoms().re, atom_put(name), unsigned(args.size())));
}

// ---- capture specifications and results

struct ReturnInfo {
  enum Type { Index, String, Bin, None } type = Index;
  // 0: all groups, -1: all but the first, > 0: the groups in v. In v, a
  // value -N < -1 stands for a name shared by the N groups that follow.
  int num_spec = 0;
  std::vector<int> v;
};

// Group numbers for `name` (the reference's build_one_capture).
void add_named(const re::Compiled& c, bool dupnames, const char* name, ReturnInfo* ri) {
  if (!dupnames) {
    int n = pcre_get_stringnumber(c.code, name);
    ri->v.push_back(n == PCRE_ERROR_NOSUBSTRING ? -1 : n);
    return;
  }
  char *first, *last;
  int esize = pcre_get_stringtable_entries(c.code, name, &first, &last);
  auto pick = [](const char* entry) { return (int(uint8_t(entry[0])) << 8) | int(uint8_t(entry[1])); };
  if (esize == PCRE_ERROR_NOSUBSTRING || esize <= 0) {
    ri->v.push_back(-1);
  } else if (first == last) {
    ri->v.push_back(pick(first));
  } else {
    int num = int((last - first) / esize) + 1;
    ri->v.push_back(-num);
    for (int i = 0; i < num; i++, first += esize) ri->v.push_back(pick(first));
  }
}

struct NameTable {
  int count = 0, entry_size = 0;
  const unsigned char* table = nullptr;
  bool dupnames = false;
  explicit NameTable(const re::Compiled& c) {
    if (pcre_fullinfo(c.code, nullptr, PCRE_INFO_NAMECOUNT, &count) != 0 || count <= 0) {
      count = 0;
      return;
    }
    pcre_fullinfo(c.code, nullptr, PCRE_INFO_NAMEENTRYSIZE, &entry_size);
    pcre_fullinfo(c.code, nullptr, PCRE_INFO_NAMETABLE, &table);
    dupnames = (c.options & PCRE_DUPNAMES) != 0;
  }
  const char* name(int i) const { return reinterpret_cast<const char*>(table + size_t(i) * size_t(entry_size) + 2); }
  int group(int i) const { return (int(table[size_t(i) * size_t(entry_size)]) << 8) | table[size_t(i) * size_t(entry_size) + 1]; }
  // Whether entry i starts a new name (duplicates are next to each other).
  bool distinct(int i) const { return i == 0 || !dupnames || std::string_view(name(i - 1)) != name(i); }
};

// The reference's build_capture: false for a bad specification.
bool build_capture(Term values, Term type, const re::Compiled& c, ReturnInfo* ri) {
  const ReAtoms& a = atoms();
  if (type == a.index) ri->type = ReturnInfo::Index;
  else if (type == am::list) ri->type = ReturnInfo::String;
  else if (type == a.binary) ri->type = ReturnInfo::Bin;
  else return false;
  if (values == a.all) {
    ri->num_spec = 0;
  } else if (values == am::none || is_nil(values)) {
    ri->num_spec = 0;
    ri->type = ReturnInfo::None;
  } else if (values == a.all_but_first) {
    ri->num_spec = -1;
  } else if (values == a.first) {
    ri->v = {0};
    ri->num_spec = 1;
  } else if (values == a.all_names) {
    NameTable names(c);
    if (names.count == 0) {
      ri->type = ReturnInfo::None;
      return true;
    }
    for (int i = 0; i < names.count; i++) {
      if (!names.distinct(i)) continue;
      if (names.dupnames) add_named(c, true, names.name(i), ri);
      else ri->v.push_back(names.group(i));
    }
    ri->num_spec = int(ri->v.size());
  } else if (is_list(values)) {
    bool dupnames = (c.options & PCRE_DUPNAMES) != 0;
    for (; is_list(values); values = cdr(values)) {
      Term val = car(values);
      int n;
      std::string name;
      if (term_to_int(val, &n)) {
        ri->v.push_back(n);
        continue;
      }
      if (is_atom(val)) name = std::string(atom_text(val));
      else if (!(is_bitstring(val) || is_list(val)) || !iodata_to_bytes(val, &name)) return false;
      add_named(c, dupnames, name.c_str(), ri);
    }
    if (!is_nil(values)) return false;
    ri->num_spec = int(ri->v.size());
  } else {
    return false;
  }
  return true;
}

// The subject being matched: its bytes, and whether they lie in the
// subject binary itself (then captured binaries are sub-binaries of it).
struct Subject {
  Term term;
  const char* data;
  size_t size;
  bool in_binary;
  std::string copy;
};

bool read_subject(Term t, Subject* s) {
  s->term = t;
  s->in_binary = false;
  if (is_bitstring(t)) {
    BitView v = bitstring_view(t);
    if (v.bit_size % 8) return false;
    s->size = v.bit_size / 8;
    if (v.byte_aligned() && s->size > HEAP_BIN_LIMIT) {
      end_writable(t);  // captures may be sub-binaries of it
      v = bitstring_view(t);
      s->data = reinterpret_cast<const char*>(v.base + v.bit_offset / 8);
      s->in_binary = true;
      return true;
    }
    s->copy = std::string(BinaryBytes(t).view());
  } else if (!iodata_to_bytes(t, &s->copy)) {
    return false;
  }
  s->data = s->copy.data();
  s->size = s->copy.size();
  return true;
}

// Captured text as a binary or a list of bytes.
Term capture_text(Process* p, const Subject& s, int start, int end, ReturnInfo::Type type) {
  // Kept inside the subject whatever PCRE says (with \K in a lookahead a
  // match can end before it starts).
  size_t from = start < 0 ? 0 : std::min(size_t(start), s.size);
  size_t len = start < 0 || end < start ? 0 : std::min(size_t(end), s.size) - from;
  if (type == ReturnInfo::String) return latin1_to_list(p, std::string_view(s.data + from, len));
  if (s.in_binary) return make_sub_binary(p, s.term, from * 8, len * 8);
  return make_binary(p, reinterpret_cast<const uint8_t*>(s.data + from), len);
}

// {match, Captured} for a match whose exec result is rc > 0.
Term match_result(Process* p, int rc, const std::vector<int>& ov, const ReturnInfo& ri, const Subject& s) {
  const ReAtoms& a = atoms();
  if (ri.type == ReturnInfo::None) return a.match;
  auto one = [&](int x) -> Term {
    bool set = x >= 0 && x < rc;
    if (ri.type == ReturnInfo::Index) {
      if (!set) return make_tuple(p, {make_small(-1), make_small(0)});
      return make_tuple(p, {make_small(ov[size_t(x) * 2]), make_small(ov[size_t(x) * 2 + 1] - ov[size_t(x) * 2])});
    }
    if (!set) return ri.type == ReturnInfo::Bin ? make_binary(p, reinterpret_cast<const uint8_t*>(""), 0) : NIL;
    return capture_text(p, s, ov[size_t(x) * 2], ov[size_t(x) * 2 + 1], ri.type);
  };
  std::vector<Term> items;
  if (ri.num_spec <= 0) {
    for (int i = -ri.num_spec; i < rc; i++) items.push_back(one(i));
  } else {
    for (int i = 0; i < ri.num_spec; i++) {
      int x = ri.v[size_t(i)];
      if (x < -1) {  // a shared name: the first of its groups that is set
        int n = i - x + 1;
        for (int j = i + 1; j < ri.num_spec && j < n; j++) {
          int g = ri.v[size_t(j)];
          if (g >= 0 && size_t(g) * 2 < ov.size() && ov[size_t(g) * 2] >= 0) {
            x = g;
            break;
          }
        }
        i = n - 1;
      }
      items.push_back(one(x));
    }
  }
  Term list = NIL;
  for (size_t i = items.size(); i-- > 0;) list = make_cons(p, items[i], list);
  return make_tuple(p, {a.match, list});
}

// Subjects known to be valid UTF-8 (on this thread): internal_run/4 with
// FirstCall false skips PCRE's check, as the reference does, but only for
// the large binary re:grun/3 already had checked, never for other data.
struct CheckedUtf8 {
  const char* data = nullptr;
  size_t size = 0;
};
thread_local CheckedUtf8 checked_utf8;

// A match taking longer than this ends the process's time slice.
constexpr std::chrono::microseconds kLongMatch{1000};

Term exec_result(Process* p, int rc, const Options& o, const std::vector<int>& ov, const ReturnInfo& ri,
                 const Subject& s);

Term re_run(Process* p, Term* x, Term subject, Term pattern, Term opts, bool first) {
  const ReAtoms& a = atoms();
  Options o;
  if (!parse_options(opts, &o)) return raise_badopt(p);
  bool list_cap = (o.flags & CAPTURE_OPT) && o.cap_type == am::list;
  bool global = o.flags & GLOBAL;
  const re::Compiled* c;
  int groups;  // the number of groups the match is given room for
  if (!is_tuple(pattern) || tuple_arity(pattern) != 5) {
    if (!is_bitstring(pattern) && !is_list(pattern) && !is_nil(pattern)) return raise_badarg(p);
    if ((o.flags & UNICODE) && (!is_bitstring(pattern) || !is_bitstring(subject) || (list_cap && !global)))
      return trap_to_re(p, x, "urun", {subject, pattern, opts});
    std::string source;
    if (!iodata_to_bytes(pattern, &source)) return raise_badarg(p);
    re::CompileError err;
    c = re::compile(source, o.copt, &err);
    if (!c) {
      if (!(o.flags & REPORT_ERRORS)) return raise_badarg(p);
      return make_tuple(p, {am::error, make_tuple(p, {a.compile, compile_error(p, err)})});
    }
    if (global) {
      Term compiled = pattern_tuple(p, source, o.copt, *c, o.flags & UNICODE);
      Term state = make_tuple(p, {opts, (o.flags & UNIQUE_COMPILE_OPT) ? am::true_ : am::false_, pattern});
      return trap_to_re(p, x, "grun", {subject, compiled, state});
    }
    groups = c->capture_count;
  } else {
    if (o.flags & UNIQUE_COMPILE_OPT) return raise_badarg(p);
    c = compiled_of(pattern);
    if (!c || small_val(tuple_elem(pattern, 2)) < 0) return raise_badarg(p);
    if (small_val(tuple_elem(pattern, 3)) != 0 && (!is_bitstring(subject) || (list_cap && !global)))
      return trap_to_re(p, x, "urun", {subject, pattern, opts});
    if (global) return trap_to_re(p, x, "grun", {subject, pattern, make_tuple(p, {opts, am::false_})});
    groups = int(std::min<SWord>(small_val(tuple_elem(pattern, 2)), c->capture_count));
  }

  ReturnInfo ri;
  if ((o.flags & CAPTURE_OPT) && !build_capture(o.cap_values, o.cap_type, *c, &ri)) return raise_badarg(p);
  Subject s;
  if (!read_subject(subject, &s) || s.size > size_t(INT_MAX)) return raise_badarg(p);
  if (size_t(o.offset) > s.size) return raise_error(p, a.internal_error);

  int eopt = o.eopt;
  bool utf8 = c->options & PCRE_UTF8;
  bool at_char = size_t(o.offset) == s.size || (uint8_t(s.data[o.offset]) & 0xC0) != 0x80;
  if (utf8 && !first && s.in_binary && at_char && checked_utf8.data == s.data && checked_utf8.size == s.size)
    eopt |= PCRE_NO_UTF8_CHECK;
  std::vector<int> ov(size_t(c->capture_count + 1) * 3, -1);
  auto started = std::chrono::steady_clock::now();
  int rc = re::exec(*c, s.data, int(s.size), o.offset, eopt, ov.data(), (groups + 1) * 3,
                    (o.flags & MATCH_LIMIT) ? o.match_limit : -1,
                    (o.flags & MATCH_LIMIT_RECURSION) ? o.match_limit_recursion : -1);
  if (utf8 && s.in_binary && rc != PCRE_ERROR_BADUTF8 && rc != PCRE_ERROR_SHORTUTF8 &&
      rc != PCRE_ERROR_BADUTF8_OFFSET)
    checked_utf8 = {s.data, s.size};
  Term result = exec_result(p, rc, o, ov, ri, s);
  // A long match used up this process's time slice: let others run before
  // it continues with the result.
  if (result != NON_VALUE && std::chrono::steady_clock::now() - started > kLongMatch) {
    p->trap_value = result;
    return BIF_YIELD;
  }
  return result;
}

Term exec_result(Process* p, int rc, const Options& o, const std::vector<int>& ov, const ReturnInfo& ri,
                 const Subject& s) {
  const ReAtoms& a = atoms();
  if (rc > 0) return match_result(p, rc, ov, ri, s);
  switch (rc) {
    case 0:  // more groups than the tuple said: no room for them
    case PCRE_ERROR_NOMATCH:
    case PCRE_ERROR_RECURSELOOP:
      return a.nomatch;
    case PCRE_ERROR_MATCHLIMIT:
      return (o.flags & REPORT_ERRORS) ? make_tuple(p, {am::error, a.match_limit}) : a.nomatch;
    case PCRE_ERROR_RECURSIONLIMIT:
      return (o.flags & REPORT_ERRORS) ? make_tuple(p, {am::error, a.match_limit_recursion}) : a.nomatch;
    case PCRE_ERROR_BADUTF8:
    case PCRE_ERROR_SHORTUTF8:
    case PCRE_ERROR_BADUTF8_OFFSET:
    case PCRE_ERROR_BADMAGIC:
    case PCRE_ERROR_BADENDIANNESS:
      return raise_badarg(p);
    default:
      return raise_error(p, a.internal_error);
  }
}

Term re_compile(Process* p, Term* x, Term pattern, Term opts) {
  Options o;
  if (!parse_options(opts, &o) || (o.flags & UNIQUE_EXEC_OPT)) return raise_badopt(p);
  bool unicode = o.flags & UNICODE;
  if (unicode && !is_bitstring(pattern)) return trap_to_re(p, x, "ucompile", {pattern, opts});
  std::string source;
  if (!iodata_to_bytes(pattern, &source)) return raise_badarg(p);
  re::CompileError err;
  const re::Compiled* c = re::compile(source, o.copt, &err);
  if (!c) return make_tuple(p, {am::error, compile_error(p, err)});
  return make_tuple(p, {am::ok, pattern_tuple(p, source, o.copt, *c, unicode)});
}

}  // namespace

BIF_FN(re_version_0) {
  (void)args;
  std::string_view v = pcre_version();
  return make_binary(p, reinterpret_cast<const uint8_t*>(v.data()), v.size());
}

BIF_FN(re_compile_1) { return re_compile(p, args, args[0], NIL); }
BIF_FN(re_compile_2) { return re_compile(p, args, args[0], args[1]); }
BIF_FN(re_run_2) { return re_run(p, args, args[0], args[1], NIL, true); }
BIF_FN(re_run_3) { return re_run(p, args, args[0], args[1], args[2], true); }

BIF_FN(re_internal_run_4) {
  if (args[3] != am::true_ && args[3] != am::false_) return raise_badarg(p);
  return re_run(p, args, args[0], args[1], args[2], args[3] == am::true_);
}

BIF_FN(re_inspect_2) {
  Term mp = args[0];
  if (!is_tuple(mp) || tuple_arity(mp) != 5 || !is_bitstring(tuple_elem(mp, 5)) ||
      binary_byte_size(tuple_elem(mp, 5)) < 4 || args[1] != atoms().namelist)
    return raise_badarg(p);
  const re::Compiled* c = compiled_of(mp);
  if (!c) return raise_badarg(p);
  NameTable names(*c);
  std::vector<Term> bins;
  for (int i = 0; i < names.count; i++) {
    if (!names.distinct(i)) continue;
    std::string_view n = names.name(i);
    bins.push_back(make_binary(p, reinterpret_cast<const uint8_t*>(n.data()), n.size()));
  }
  Term list = NIL;
  for (size_t i = bins.size(); i-- > 0;) list = make_cons(p, bins[i], list);
  return make_tuple(p, {atoms().namelist, list});
}

}  // namespace bvm
