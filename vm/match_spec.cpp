#include "vm/match_spec.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>

#include "bifs/bif.h"
#include "vm/atom_table.h"
#include "vm/code_index.h"
#include "vm/compare.h"
#include "vm/copy.h"
#include "vm/ets_object.h"
#include "vm/hashmap.h"
#include "vm/map.h"
#include "vm/map_ops.h"
#include "vm/term_print.h"

namespace bvm {

// ---------------------------------------------------------------- markers

namespace {

struct MsAtoms {
  Term dollar_underscore = atom_put("$_");
  Term dollar_dollar = atom_put("$$");
  Term underscore = atom_put("_");
  Term const_ = atom_put("const");
  Term exit = atom_put("EXIT");
  Term element = atom_put("element");
};
const MsAtoms& atoms() {
  static const MsAtoms a;
  return a;
}

}  // namespace

// In a compiled head, variables and '_' are catch immediates (which never
// occur in data): '$N' becomes the marker of its slot, '_' SKIP_MARK.
namespace {

constexpr UWord MARK_BASE = 0x7E000000;
constexpr UWord SKIP_INDEX = 0x7DFFFFFF;
constexpr UWord MAX_VARS = 0x1000000;
inline Term var_mark(UWord slot) { return make_catch(MARK_BASE + slot); }
constexpr Term SKIP_MARK = make_catch(SKIP_INDEX);

}  // namespace

bool ms_is_wildcard(Term t) {
  if (!is_catch(t)) return false;
  UWord v = catch_val(t);
  return v == SKIP_INDEX || (v >= MARK_BASE && v < MARK_BASE + MAX_VARS);
}

long ms_variable_number(Term t) {
  if (!is_atom(t)) return -1;
  std::string_view s = atom_text(t);
  if (s.size() < 2 || s[0] != '$') return -1;
  if (s[1] == '0') return s.size() == 2 ? 0 : -1;
  long n = 0;
  for (size_t i = 1; i < s.size(); i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    n = n * 10 + (s[i] - '0');
    if (n > 1000000000L) n = 1000000000L;  // the reference's int overflows; keep it a variable
  }
  return n;
}

namespace {


// ---------------------------------------------------------------- scratch

// Thread-local memory for tuples and lists built while running a spec;
// reset at the start of every run.
class Scratch {
 public:
  Term* alloc(size_t n) {
    if (size_t(end_ - top_) < n) grow(n);
    Term* p = top_;
    top_ += n;
    return p;
  }
  void reset() {
    cur_ = 0;
    if (blocks_.empty()) {
      top_ = end_ = nullptr;
    } else {
      top_ = blocks_[0].mem.get();
      end_ = top_ + blocks_[0].size;
    }
  }

 private:
  struct Block {
    std::unique_ptr<Term[]> mem;
    size_t size;
  };
  void grow(size_t n) {
    while (++cur_ < blocks_.size() || blocks_.empty()) {
      if (blocks_.empty()) break;
      if (blocks_[cur_].size >= n) {
        top_ = blocks_[cur_].mem.get();
        end_ = top_ + blocks_[cur_].size;
        return;
      }
    }
    size_t size = std::max<size_t>(n, 4096);
    blocks_.push_back({std::make_unique<Term[]>(size), size});
    cur_ = blocks_.size() - 1;
    top_ = blocks_.back().mem.get();
    end_ = top_ + size;
  }
  std::vector<Block> blocks_;
  size_t cur_ = 0;
  Term* top_ = nullptr;
  Term* end_ = nullptr;
};

thread_local Scratch t_scratch;

// ---------------------------------------------------------------- programs

enum class Op : uint8_t {
  Const, Var, Whole, AllVars, Tuple, List, Map, Call, TypeTest, Cmp, And, Or, AndAlso, OrElse, Self,
  // trace dialect
  Message, ReturnTrace, ExceptionTrace, Undefined, Caller, True, False, Nil, Display, GetTcw, SetTcw, NotSup,
};

enum class Type : uint8_t { Atom, Float, Integer, List, Number, Pid, Port, Reference, Tuple, Map, Binary, Function };
enum class Cmp : uint8_t { Gt, Ge, Lt, Le, Eq, ExEq, Neq, ExNeq };

struct Node {
  Op op;
  uint8_t sub = 0;       // Type or Cmp
  uint32_t slot = 0;     // Var
  uint32_t first = 0;    // children: kids[first .. first + count)
  uint32_t count = 0;
  Term value = NON_VALUE;  // Const
  BifFn fn = nullptr;      // Call
};

struct Clause {
  Term head;            // compiled (variables are markers)
  bool args_head;       // trace: the head is matched against the arguments as a tuple
  uint32_t nvars;       // slots; slot i is the i-th smallest variable number
  uint32_t guards_first, guards_count;  // roots
  uint32_t body_first, body_count;
};

// Guard functions: name/arity, and how they run.
struct GuardFn {
  const char* name;
  unsigned arity;
  Op op;
  uint8_t sub;
  bool trace_only;
};

const GuardFn GUARD_FNS[] = {
    {"is_atom", 1, Op::TypeTest, uint8_t(Type::Atom), false},
    {"is_float", 1, Op::TypeTest, uint8_t(Type::Float), false},
    {"is_integer", 1, Op::TypeTest, uint8_t(Type::Integer), false},
    {"is_list", 1, Op::TypeTest, uint8_t(Type::List), false},
    {"is_number", 1, Op::TypeTest, uint8_t(Type::Number), false},
    {"is_pid", 1, Op::TypeTest, uint8_t(Type::Pid), false},
    {"is_port", 1, Op::TypeTest, uint8_t(Type::Port), false},
    {"is_reference", 1, Op::TypeTest, uint8_t(Type::Reference), false},
    {"is_tuple", 1, Op::TypeTest, uint8_t(Type::Tuple), false},
    {"is_map", 1, Op::TypeTest, uint8_t(Type::Map), false},
    {"is_binary", 1, Op::TypeTest, uint8_t(Type::Binary), false},
    {"is_function", 1, Op::TypeTest, uint8_t(Type::Function), false},
    {">", 2, Op::Cmp, uint8_t(Cmp::Gt), false},
    {">=", 2, Op::Cmp, uint8_t(Cmp::Ge), false},
    {"<", 2, Op::Cmp, uint8_t(Cmp::Lt), false},
    {"=<", 2, Op::Cmp, uint8_t(Cmp::Le), false},
    {"==", 2, Op::Cmp, uint8_t(Cmp::Eq), false},
    {"=:=", 2, Op::Cmp, uint8_t(Cmp::ExEq), false},
    {"/=", 2, Op::Cmp, uint8_t(Cmp::Neq), false},
    {"=/=", 2, Op::Cmp, uint8_t(Cmp::ExNeq), false},
    {"is_record", 3, Op::Call, 0, false},
    {"abs", 1, Op::Call, 0, false},
    {"element", 2, Op::Call, 0, false},
    {"hd", 1, Op::Call, 0, false},
    {"length", 1, Op::Call, 0, false},
    {"node", 1, Op::Call, 0, false},
    {"node", 0, Op::Call, 0, false},
    {"round", 1, Op::Call, 0, false},
    {"size", 1, Op::Call, 0, false},
    {"map_size", 1, Op::Call, 0, false},
    {"map_get", 2, Op::Call, 0, false},
    {"is_map_key", 2, Op::Call, 0, false},
    {"bit_size", 1, Op::Call, 0, false},
    {"byte_size", 1, Op::Call, 0, false},
    {"binary_part", 2, Op::Call, 0, false},
    {"binary_part", 3, Op::Call, 0, false},
    {"tl", 1, Op::Call, 0, false},
    {"trunc", 1, Op::Call, 0, false},
    {"float", 1, Op::Call, 0, false},
    {"+", 1, Op::Call, 0, false},
    {"-", 1, Op::Call, 0, false},
    {"+", 2, Op::Call, 0, false},
    {"-", 2, Op::Call, 0, false},
    {"*", 2, Op::Call, 0, false},
    {"/", 2, Op::Call, 0, false},
    {"div", 2, Op::Call, 0, false},
    {"rem", 2, Op::Call, 0, false},
    {"band", 2, Op::Call, 0, false},
    {"bor", 2, Op::Call, 0, false},
    {"bxor", 2, Op::Call, 0, false},
    {"bnot", 1, Op::Call, 0, false},
    {"bsl", 2, Op::Call, 0, false},
    {"bsr", 2, Op::Call, 0, false},
    {"not", 1, Op::Call, 0, false},
    {"xor", 2, Op::Call, 0, false},
    {"get_tcw", 0, Op::GetTcw, 0, true},
    {"set_tcw", 1, Op::SetTcw, 0, true},
};

const GuardFn* find_guard_fn(Term name, unsigned arity) {
  std::string_view s = atom_text(name);
  for (const GuardFn& g : GUARD_FNS)
    if (g.arity == arity && s == g.name) return &g;
  return nullptr;
}

// The trace control word (erlang:system_flag(trace_control_word, _)); the
// match_spec_test/3 dialect only reads it (set_tcw is faked there).
std::atomic<uint32_t> g_trace_control_word{0};

constexpr unsigned MAX_DEPTH = 3000;

}  // namespace

thread_local Term g_ms_caller = NON_VALUE;

namespace {

// Memory for a compiled spec's terms: a few exactly sized blocks (specs
// are compiled for every select, so no big arena).
class SpecMemory {
 public:
  SpecMemory() = default;
  SpecMemory(const SpecMemory&) = delete;
  SpecMemory& operator=(const SpecMemory&) = delete;
  ~SpecMemory() { offheap.release_all(); }
  Term* alloc(size_t words) {
    blocks_.push_back(std::make_unique_for_overwrite<Term[]>(words ? words : 1));
    return blocks_.back().get();
  }
  OffHeap offheap;

 private:
  std::vector<std::unique_ptr<Term[]>> blocks_;
};

}  // namespace

struct MatchSpec::Impl {
  MsDialect dialect = MsDialect::Table;
  SpecMemory area;  // the spec's terms, heads rewritten
  std::vector<Clause> clauses;
  std::vector<Node> nodes;
  std::vector<uint32_t> kids;   // children and clause roots
  uint32_t max_vars = 0;

  Term eval(uint32_t n, struct RunState& st) const;
  bool match_head(const Clause& c, Term subject, Term* vars) const;
};

// ---------------------------------------------------------------- compiling

namespace {

struct Compiler {
  Compiler(MatchSpec::Impl& m, std::vector<MsMessage>* msgs) : ms(m), messages(msgs) {}
  MatchSpec::Impl& ms;
  std::vector<MsMessage>* messages;
  bool error_added = false;
  bool system_limit = false;
  bool in_guard = false;
  unsigned depth = 0;
  // The variables of the current clause's head: number -> slot.
  std::vector<long> var_numbers;  // sorted; slot = index

  bool table() const { return ms.dialect == MsDialect::Table; }

  // An error: in lint mode it is recorded and compilation goes on (with a
  // placeholder node); otherwise compilation stops (-1).
  long error(std::string text) {
    if (text.size() > 99) text.resize(99);  // the reference's message buffer
    if (!messages) return -1;
    messages->push_back({true, std::move(text)});
    error_added = true;
    return constant(am::false_);
  }
  long term_error(const char* before, Term t, const char* after) {
    return error(std::string(before) + term_to_display_text(t) + after);
  }

  uint32_t add(Node n) {
    ms.nodes.push_back(n);
    return uint32_t(ms.nodes.size() - 1);
  }
  long constant(Term t) {
    Node n{Op::Const};
    n.value = t;
    return add(n);
  }
  bool is_const(long n) const { return ms.nodes[size_t(n)].op == Op::Const; }
  // A node over children (kept in kids).
  long with_kids(Node n, const std::vector<uint32_t>& kids) {
    n.first = uint32_t(ms.kids.size());
    n.count = uint32_t(kids.size());
    ms.kids.insert(ms.kids.end(), kids.begin(), kids.end());
    return add(n);
  }

  // Compiles expressions args[from..to) into `out`; false to stop.
  bool exprs(const Term* args, UWord count, std::vector<uint32_t>& out) {
    // The reference compiles arguments last to first; errors come in that order.
    out.assign(count, 0);
    for (UWord i = count; i-- > 0;) {
      long n = expr(args[i]);
      if (n < 0) return false;
      out[i] = uint32_t(n);
    }
    return true;
  }
  bool all_const(const std::vector<uint32_t>& v) const {
    return std::all_of(v.begin(), v.end(), [&](uint32_t n) { return is_const(n); });
  }

  long expr(Term t) {
    struct Depth {
      unsigned& d;
      explicit Depth(unsigned& x) : d(x) { d++; }
      ~Depth() { d--; }
    } guard(depth);
    if (depth > MAX_DEPTH) {
      system_limit = true;
      return term_error("Excessive nesting; system limit reached near: ", t, "");
    }
    if (is_list(t)) return list(t);
    if (is_boxed(t)) {
      if (is_map(t)) return map(t);
      if (!is_tuple(t)) return constant(t);
      UWord a = tuple_arity(t);
      if (a == 1 && is_tuple(tuple_elem(t, 1))) {
        Term inner = tuple_elem(t, 1);
        std::vector<uint32_t> elems;
        if (!exprs(tuple_val(inner) + 1, tuple_arity(inner), elems)) return -1;
        if (all_const(elems)) return constant(inner);
        return with_kids(Node{Op::Tuple}, elems);
      }
      if (a >= 1 && is_atom(tuple_elem(t, 1)) && ms_variable_number(tuple_elem(t, 1)) < 0) return fun(t);
      return term_error("", t, " is neither a function call, nor a tuple (tuples are written {{ ... }}).");
    }
    if (long v = ms_variable_number(t); v >= 0) {
      auto it = std::lower_bound(var_numbers.begin(), var_numbers.end(), v);
      if (it == var_numbers.end() || *it != v) return error("Variable $" + std::to_string(v) + " is unbound.");
      Node n{Op::Var};
      n.slot = uint32_t(it - var_numbers.begin());
      return add(n);
    }
    if (t == atoms().dollar_underscore) return add(Node{Op::Whole});
    if (t == atoms().dollar_dollar) return add(Node{Op::AllVars});
    return constant(t);
  }

  long list(Term t) {
    std::vector<uint32_t> elems;
    Term l = t;
    for (; is_list(l); l = cdr(l)) {
      long n = expr(car(l));
      if (n < 0) return -1;
      elems.push_back(uint32_t(n));
    }
    long tail = expr(l);
    if (tail < 0) return -1;
    elems.push_back(uint32_t(tail));
    if (all_const(elems)) return constant(t);
    return with_kids(Node{Op::List}, elems);
  }

  long map(Term t) {
    std::vector<std::pair<Term, Term>> pairs;
    map_pairs(t, pairs);
    std::vector<Term> flat;
    for (auto& [k, v] : pairs) {
      flat.push_back(k);
      flat.push_back(v);
    }
    std::vector<uint32_t> kids;
    if (!exprs(flat.data(), flat.size(), kids)) return -1;
    if (all_const(kids)) return constant(t);
    return with_kids(Node{Op::Map}, kids);
  }

  // A special form or guard function call {Name, Args...}.
  long fun(Term t) {
    Term name = tuple_elem(t, 1);
    UWord a = tuple_arity(t);
    const Term* args = tuple_val(t) + 2;
    UWord nargs = a - 1;
    std::string_view s = atom_text(name);
    std::string q = "Special form '" + std::string(s) + "' ";
    auto call_with = [&](Op op) -> long {
      std::vector<uint32_t> kids;
      if (!exprs(args, nargs, kids)) return -1;
      return with_kids(Node{op}, kids);
    };
    // The trace-only forms: dialect, then guard context, then arity.
    auto trace_form = [&](const char* shown, bool guard_ok, bool arity_ok, const char* arity_msg, Op op) -> long {
      if (table()) return error(std::string("Special form '") + shown + "' used in wrong dialect.");
      if (in_guard && !guard_ok) return error(std::string("Special form '") + shown + "' called in guard context.");
      if (!arity_ok) return term_error((q + arity_msg).c_str(), t, ".");
      return call_with(op);
    };
    if (s == "const") {
      if (a != 2) return term_error((q + "called with more than one argument in ").c_str(), t, ".");
      return constant(args[0]);
    }
    if (s == "and" || s == "or") {
      if (a < 2) return term_error((q + "called without arguments in ").c_str(), t, ".");
      return call_with(s == "and" ? Op::And : Op::Or);
    }
    if (s == "andalso" || s == "andthen" || s == "orelse") {
      bool orelse = s == "orelse";
      if (a < 2)
        return term_error(orelse ? "Special form 'orelse' called without arguments in "
                                 : "Special form 'andalso' called without arguments in ",
                          t, ".");
      // Left to right, like the reference.
      std::vector<uint32_t> kids;
      for (UWord i = 0; i < nargs; i++) {
        long n = expr(args[i]);
        if (n < 0) return -1;
        kids.push_back(uint32_t(n));
      }
      return with_kids(Node{orelse ? Op::OrElse : Op::AndAlso}, kids);
    }
    if (s == "self") {
      if (a != 1) return term_error((q + "called with arguments in ").c_str(), t, ".");
      return add(Node{Op::Self});
    }
    if (s == "message") return trace_form("message", false, a == 2, "called with wrong number of arguments in ", Op::Message);
    if (s == "return_trace") return trace_form("return_trace", false, a == 1, "called with arguments in ", Op::ReturnTrace);
    if (s == "exception_trace")
      return trace_form("exception_trace", false, a == 1, "called with arguments in ", Op::ExceptionTrace);
    if (s == "display") return trace_form("display", false, a == 2, "called with wrong number of arguments in ", Op::Display);
    if (s == "is_seq_trace") return trace_form("is_seq_trace", true, a == 1, "called with arguments in ", Op::False);
    if (s == "set_seq_token")
      return trace_form("set_seq_trace", false, a == 3, "called with wrong number of arguments in ", Op::NotSup);
    if (s == "get_seq_token") return trace_form("get_seq_token", false, a == 1, "called with arguments in ", Op::Nil);
    if (s == "process_dump") return trace_form("process_dump", false, a == 1, "called with arguments in ", Op::NotSup);
    if (s == "enable_trace" || s == "disable_trace")
      return trace_form(s == "enable_trace" ? "enable_trace" : "disable_trace", false, a == 2 || a == 3,
                        "called with wrong number of arguments in ", Op::True);
    if (s == "trace") return trace_form("trace", false, a == 3 || a == 4, "called with wrong number of arguments in ", Op::True);
    if (s == "caller") return trace_form("caller", false, a == 1, "called with arguments in ", Op::Caller);
    if (s == "caller_line") return trace_form("caller_line", false, a == 1, "called with arguments in ", Op::Undefined);
    if (s == "silent") return trace_form("silent", false, a == 2, "called with wrong number of arguments in ", Op::True);

    const GuardFn* g = find_guard_fn(name, unsigned(nargs));
    std::string fa = "/" + std::to_string(nargs);
    if (!g) return term_error("Function ", name, (fa + " does_not_exist.").c_str());
    if (g->trace_only && (table() || (in_guard && g->op == Op::SetTcw)))
      return term_error("Function ", name, (fa + " cannot be called in this context.").c_str());
    std::vector<uint32_t> kids;
    if (!exprs(args, nargs, kids)) return -1;
    Node n{g->op};
    n.sub = g->sub;
    if (g->op == Op::Call) {
      const Export* e = export_get(am::erlang, name, uint32_t(nargs));
      if (!e || !e->bif) return error("Function " + std::string(s) + fa + " is not implemented.");
      n.fn = e->bif;
    }
    return with_kids(n, kids);
  }

  // guards or body: a list of expressions; the roots go to kids.
  bool expr_list(Term l, uint32_t* first, uint32_t* count) {
    std::vector<uint32_t> roots;
    if (!is_nil(l)) {
      if (!is_list(l)) {
        if (error("Match expression is not a list.") < 0) return false;
      } else {
        for (; is_list(l); l = cdr(l)) {
          long n = expr(car(l));
          if (n < 0) return false;
          roots.push_back(uint32_t(n));
        }
        if (!is_nil(l) && error("Match expression is not a proper list.") < 0) return false;
      }
    }
    *first = uint32_t(ms.kids.size());
    *count = uint32_t(roots.size());
    ms.kids.insert(ms.kids.end(), roots.begin(), roots.end());
    return true;
  }

  // Rewrites the head (our copy) in place: variables become markers.
  // False on a variable or '_' as a map key.
  bool rewrite_head(Term* head) {
    // Pass 1: the variable numbers, for slots in number order.
    var_numbers.clear();
    bool ok = true;
    walk_head(head, [&](Term* slot) {
      long v = ms_variable_number(*slot);
      if (v >= 0) var_numbers.push_back(v);
    }, ok);
    if (!ok) return false;
    std::sort(var_numbers.begin(), var_numbers.end());
    var_numbers.erase(std::unique(var_numbers.begin(), var_numbers.end()), var_numbers.end());
    walk_head(head, [&](Term* slot) {
      if (*slot == atoms().underscore) {
        *slot = SKIP_MARK;
      } else if (long v = ms_variable_number(*slot); v >= 0) {
        auto it = std::lower_bound(var_numbers.begin(), var_numbers.end(), v);
        *slot = var_mark(UWord(it - var_numbers.begin()));
      }
    }, ok);
    return ok;
  }

  // Calls fn on every slot of the head that holds an atom (not map keys).
  template <typename F>
  void walk_head(Term* root, F&& fn, bool& ok) {
    std::vector<Term*> stack{root};
    while (!stack.empty() && ok) {
      Term* slot = stack.back();
      stack.pop_back();
      Term t = *slot;
      if (is_atom(t)) {
        fn(slot);
      } else if (is_list(t)) {
        stack.push_back(&cdr(t));
        stack.push_back(&car(t));
      } else if (is_tuple(t)) {
        for (UWord i = tuple_arity(t); i > 0; i--) stack.push_back(&tuple_elem(t, i));
      } else if (is_map(t)) {
        auto check_key = [&](Term k) {
          if (ms_variable_number(k) >= 0) {
            if (messages) messages->push_back({true, "Variable found in map key."});
            ok = false;
          } else if (k == atoms().underscore) {
            if (messages) messages->push_back({true, "Underscore found in map key."});
            ok = false;
          }
        };
        if (is_flatmap(t)) {
          Term keys = flatmap_keys(t);
          for (UWord i = 0; i < flatmap_size(t) && ok; i++) {
            check_key(tuple_elem(keys, i + 1));
            stack.push_back(flatmap_values(t) + i);
          }
        } else {
          hashmap_for_each_leaf(t, [&](Term leaf) {
            check_key(car(leaf));
            stack.push_back(&cdr(leaf));
          });
        }
      }
    }
  }
};

}  // namespace

std::unique_ptr<MatchSpec> MatchSpec::compile(Term spec, MsDialect dialect, std::vector<MsMessage>* messages,
                                              bool* system_limit) {
  if (system_limit) *system_limit = false;
  auto fail = [&](const char* text) -> std::unique_ptr<MatchSpec> {
    if (messages && text) messages->push_back({true, text});
    return nullptr;
  };
  if (!is_list(spec)) return fail("Match programs are not in a list.");
  if (list_length(spec) < 0) return fail("Match programs are not in a proper list.");
  for (Term l = spec; is_list(l); l = cdr(l)) {
    Term c = car(l);
    if (!is_tuple(c) || tuple_arity(c) != 3) return fail("Match program part is not a tuple of arity 3.");
    if (dialect == MsDialect::Trace && is_list(tuple_elem(c, 1)) && list_length(tuple_elem(c, 1)) < 0) {
      if (messages)
        messages->push_back({true, "Match expression part " + term_to_display_text(tuple_elem(c, 1)) + " is not a proper list."});
      return nullptr;
    }
  }
  std::unique_ptr<MatchSpec> ms(new MatchSpec());
  ms->impl_ = std::make_unique<Impl>();
  Impl& m = *ms->impl_;
  m.dialect = dialect;
  Term* hp = m.area.alloc(copy_size(spec));
  Term copy = copy_term(spec, &hp, &m.area.offheap);
  Compiler cc(m, messages);
  for (Term l = copy; is_list(l); l = cdr(l)) {
    Term c = car(l);
    Clause cl{};
    Term head = tuple_elem(c, 1);
    cl.args_head = false;
    if (dialect == MsDialect::Trace && (is_list(head) || is_nil(head))) {
      // The arguments are matched as a tuple.
      UWord n = UWord(list_length(head));
      Term* tp = m.area.alloc(1 + n);
      tp[0] = make_header(n, Sub::Tuple);
      UWord i = 1;
      for (Term a = head; is_list(a); a = cdr(a)) tp[i++] = car(a);
      head = make_boxed(tp);
      cl.args_head = true;
    } else if (dialect == MsDialect::Trace) {
      bool special = head == atoms().underscore || ms_variable_number(head) >= 0;
      if (!special && !is_tuple(head)) {
        if (messages) messages->push_back({true, "Match head is invalid in this context."});
        return nullptr;
      }
      cl.args_head = !special;
    }
    if (!cc.rewrite_head(&head)) return nullptr;
    cl.head = head;
    cl.nvars = uint32_t(cc.var_numbers.size());
    m.max_vars = std::max(m.max_vars, cl.nvars);
    cc.in_guard = true;
    if (!cc.expr_list(tuple_elem(c, 2), &cl.guards_first, &cl.guards_count)) {
      if (system_limit) *system_limit = cc.system_limit;
      return nullptr;
    }
    cc.in_guard = false;
    Term body = tuple_elem(c, 3);
    if (dialect == MsDialect::Table && !is_list(body)) {
      if (messages) messages->push_back({true, "Body clause does not return anything."});
      return nullptr;
    }
    if (!cc.expr_list(body, &cl.body_first, &cl.body_count) || cc.error_added) {
      if (system_limit) *system_limit = cc.system_limit;
      return nullptr;
    }
    m.clauses.push_back(cl);
  }
  return ms;
}

MatchSpec::~MatchSpec() = default;

size_t MatchSpec::clause_count() const { return impl_->clauses.size(); }

bool MatchSpec::bodies_are_true() const {
  for (const Clause& c : impl_->clauses) {
    if (c.body_count != 1) return false;
    const Node& n = impl_->nodes[impl_->kids[c.body_first]];
    if (n.op != Op::Const || n.value != am::true_) return false;
  }
  return true;
}

MatchSpec::KeyKind MatchSpec::head_key(size_t clause, UWord keypos, Term* key) const {
  Term head = impl_->clauses[clause].head;
  if (ms_is_wildcard(head)) return KeyKind::Unbound;
  if (!is_tuple(head) || tuple_arity(head) < keypos) return KeyKind::Impossible;
  *key = tuple_elem(head, keypos);
  if (ms_is_wildcard(*key)) return KeyKind::Unbound;
  // Bound unless a marker occurs inside.
  std::vector<Term> stack{*key};
  while (!stack.empty()) {
    Term t = stack.back();
    stack.pop_back();
    if (ms_is_wildcard(t)) return KeyKind::Partial;
    if (is_list(t)) {
      stack.push_back(car(t));
      stack.push_back(cdr(t));
    } else if (is_tuple(t)) {
      for (UWord i = 1; i <= tuple_arity(t); i++) stack.push_back(tuple_elem(t, i));
    } else if (is_map(t)) {
      std::vector<std::pair<Term, Term>> pairs;
      map_pairs(t, pairs);
      for (auto& kv : pairs) stack.push_back(kv.second);
    }
  }
  return KeyKind::Bound;
}

// ---------------------------------------------------------------- running

namespace {

inline bool float_bits_equal(Term a, Term b) {
  return is_float(b) && std::memcmp(boxed_val(a) + 1, boxed_val(b) + 1, sizeof(double)) == 0;
}

}  // namespace

bool MatchSpec::Impl::match_head(const Clause& c, Term subject, Term* vars) const {
  struct Pair {
    Term p, t;
  };
  Pair inline_stack[32];
  std::vector<Pair> more;
  unsigned n = 0;
  auto push = [&](Term p, Term t) {
    if (n < 32) {
      inline_stack[n++] = {p, t};
    } else {
      more.push_back({p, t});
    }
  };
  auto pop = [&](Pair* out) {
    if (!more.empty()) {
      *out = more.back();
      more.pop_back();
      return true;
    }
    if (n == 0) return false;
    *out = inline_stack[--n];
    return true;
  };
  for (uint32_t i = 0; i < c.nvars; i++) vars[i] = NON_VALUE;
  push(c.head, subject);
  Pair cur;
  while (pop(&cur)) {
    Term p = cur.p, t = cur.t;
    if (is_catch(p)) {
      UWord v = catch_val(p);
      if (v == SKIP_INDEX) continue;
      Term& var = vars[v - MARK_BASE];
      if (var == NON_VALUE) {
        var = t;
      } else if (!term_eq_exact(var, t)) {
        return false;
      }
      continue;
    }
    if (p == t) continue;
    if (is_immed(p)) return false;
    if (is_list(p)) {
      if (!is_list(t)) return false;
      push(cdr(p), cdr(t));
      push(car(p), car(t));
      continue;
    }
    switch (header_sub(boxed_header(p))) {
      case Sub::Tuple: {
        if (!is_tuple(t) || tuple_arity(t) != tuple_arity(p)) return false;
        for (UWord i = tuple_arity(p); i > 0; i--) push(tuple_elem(p, i), tuple_elem(t, i));
        break;
      }
      case Sub::Float:
        if (!float_bits_equal(p, t)) return false;
        break;
      case Sub::Map: {
        if (!is_map(t) || map_size(t) < map_size(p)) return false;
        bool ok = true;
        auto one = [&](Term k, Term v) {
          Term tv = map_get(t, k);
          if (tv == NON_VALUE) {
            ok = false;
          } else {
            push(v, tv);
          }
        };
        if (is_flatmap(p)) {
          Term keys = flatmap_keys(p);
          for (UWord i = 0; i < flatmap_size(p) && ok; i++) one(tuple_elem(keys, i + 1), flatmap_values(p)[i]);
        } else {
          hashmap_for_each_leaf(p, [&](Term leaf) {
            if (ok) one(car(leaf), cdr(leaf));
          });
        }
        if (!ok) return false;
        break;
      }
      default:
        if (!term_eq_exact(p, t)) return false;
    }
  }
  return true;
}

struct RunState {
  Process* p;
  Term subject;  // the object, or the argument list (trace)
  const Term* vars;
  uint32_t nvars;
  bool body;       // failures evaluate to 'EXIT'
  bool failed;     // a guard failed
  bool notsup;     // the spec used something not implemented
  Term message;    // trace: {message, M}
  unsigned flags;  // trace: MsTraceFlags
};

namespace {

bool type_test(Type t, Term v) {
  switch (t) {
    case Type::Atom: return is_atom(v);
    case Type::Float: return is_float(v);
    case Type::Integer: return is_integer(v);
    case Type::List: return is_list(v) || is_nil(v);
    case Type::Number: return is_number(v);
    case Type::Pid: return is_pid(v);
    case Type::Port: return is_port(v);
    case Type::Reference: return is_ref(v);
    case Type::Tuple: return is_tuple(v);
    case Type::Map: return is_map(v);
    case Type::Binary: return is_bitstring(v) && bitstring_bits(v) % 8 == 0;
    case Type::Function: return is_fun(v);
  }
  return false;
}

bool compare(Cmp c, Term a, Term b) {
  switch (c) {
    case Cmp::Gt: return term_compare(a, b) > 0;
    case Cmp::Ge: return term_compare(a, b) >= 0;
    case Cmp::Lt: return term_compare(a, b) < 0;
    case Cmp::Le: return term_compare(a, b) <= 0;
    case Cmp::Eq: return term_eq(a, b);
    case Cmp::ExEq: return term_eq_exact(a, b);
    case Cmp::Neq: return !term_eq(a, b);
    case Cmp::ExNeq: return !term_eq_exact(a, b);
  }
  return false;
}

inline Term boolean(bool b) { return b ? am::true_ : am::false_; }

}  // namespace

// The value of node n, or NON_VALUE when it fails in a guard.
Term MatchSpec::Impl::eval(uint32_t n, RunState& st) const {
  const Node& node = nodes[n];
  const uint32_t* k = kids.data() + node.first;
  // A failure: 'EXIT' in a body, otherwise the clause fails.
  auto failure = [&]() -> Term {
    if (st.body) return atoms().exit;
    st.failed = true;
    return NON_VALUE;
  };
#define EVAL_KID(var, i)               \
  Term var = eval(k[i], st);           \
  if (var == NON_VALUE) return NON_VALUE
  switch (node.op) {
    case Op::Const: return node.value;
    case Op::Var: return st.vars[node.slot];
    case Op::Whole: return st.subject;
    case Op::AllVars: {
      Term l = NIL;
      Term* hp = t_scratch.alloc(2 * st.nvars);
      for (uint32_t i = st.nvars; i-- > 0;) {
        hp[0] = st.vars[i];
        hp[1] = l;
        l = make_list(hp);
        hp += 2;
      }
      return l;
    }
    case Op::Tuple: {
      Term elems[8];
      std::vector<Term> big;
      Term* e = elems;
      if (node.count > 8) {
        big.resize(node.count);
        e = big.data();
      }
      for (uint32_t i = 0; i < node.count; i++) {
        e[i] = eval(k[i], st);
        if (e[i] == NON_VALUE) return NON_VALUE;
      }
      Term* hp = t_scratch.alloc(1 + node.count);
      hp[0] = make_header(node.count, Sub::Tuple);
      std::memcpy(hp + 1, e, node.count * sizeof(Term));
      return make_boxed(hp);
    }
    case Op::List: {
      std::vector<Term> e(node.count);
      for (uint32_t i = 0; i < node.count; i++) {
        e[i] = eval(k[i], st);
        if (e[i] == NON_VALUE) return NON_VALUE;
      }
      Term l = e[node.count - 1];
      Term* hp = t_scratch.alloc(2 * (node.count - 1));
      for (uint32_t i = node.count - 1; i-- > 0;) {
        hp[0] = e[i];
        hp[1] = l;
        l = make_list(hp);
        hp += 2;
      }
      return l;
    }
    case Op::Map: {
      // Built on the process heap (with its own copies of keys and values).
      uint32_t pairs = node.count / 2;
      std::vector<Term> keys(pairs), values(pairs);
      for (uint32_t i = 0; i < pairs; i++) {
        Term key = eval(k[2 * i], st);
        if (key == NON_VALUE) return NON_VALUE;
        Term value = eval(k[2 * i + 1], st);
        if (value == NON_VALUE) return NON_VALUE;
        keys[i] = copy_to_heap(st.p, key);
        values[i] = copy_to_heap(st.p, value);
      }
      return map_from_list_pairs(st.p, keys.data(), values.data(), pairs);
    }
    case Op::Call: {
      Term args[3];
      for (uint32_t i = 0; i < node.count; i++) {
        args[i] = eval(k[i], st);
        if (args[i] == NON_VALUE) return NON_VALUE;
      }
      Term r = node.fn(st.p, args);
      if (r == NON_VALUE || r == BIF_TRAP || r == BIF_YIELD) {
        st.p->exc_error_info = NON_VALUE;  // the guard function's failure goes no further
        return failure();
      }
      return r;
    }
    case Op::TypeTest: {
      EVAL_KID(v, 0);
      return boolean(type_test(Type(node.sub), v));
    }
    case Op::Cmp: {
      EVAL_KID(a, 0);
      EVAL_KID(b, 1);
      return boolean(compare(Cmp(node.sub), a, b));
    }
    case Op::And:
    case Op::Or: {
      bool is_and = node.op == Op::And;
      bool result = is_and;
      for (uint32_t i = node.count; i-- > 0;) {
        EVAL_KID(v, i);
        if (v == am::true_) {
          if (!is_and) result = true;
        } else if (v == am::false_) {
          if (is_and) result = false;
        } else {
          return failure();
        }
      }
      return boolean(result);
    }
    case Op::AndAlso:
    case Op::OrElse: {
      Term stop = node.op == Op::AndAlso ? am::false_ : am::true_;
      Term go_on = node.op == Op::AndAlso ? am::true_ : am::false_;
      for (uint32_t i = 0; i + 1 < node.count; i++) {
        EVAL_KID(v, i);
        if (v == stop) return stop;
        if (v != go_on) return failure();
      }
      return eval(k[node.count - 1], st);  // the last one's value, whatever it is
    }
    case Op::Self: return st.p->id;
    case Op::Message: {
      EVAL_KID(v, 0);
      st.message = v;
      return am::true_;
    }
    case Op::ReturnTrace:
      st.flags |= MS_RETURN_TRACE;
      return am::true_;
    case Op::ExceptionTrace:
      st.flags |= MS_EXCEPTION_TRACE;
      return am::true_;
    case Op::Undefined: return am::undefined;
    case Op::Caller: return g_ms_caller != NON_VALUE ? g_ms_caller : am::undefined;
    case Op::True:
    case Op::False:
      for (uint32_t i = 0; i < node.count; i++) {
        EVAL_KID(v, i);
        (void)v;
      }
      return boolean(node.op == Op::True);
    case Op::Nil: return NIL;
    case Op::Display: {
      EVAL_KID(v, 0);
      std::string text = term_to_display_text(v) + "\n";
      std::fwrite(text.data(), 1, text.size(), stdout);
      std::fflush(stdout);
      return am::true_;
    }
    case Op::GetTcw: return make_small(g_trace_control_word.load());
    case Op::SetTcw: {  // faked in this dialect: the old value, nothing set
      EVAL_KID(v, 0);
      int64_t w;
      if (!term_to_int64(v, &w) || w < 0 || w > 0xFFFFFFFFLL) return failure();
      return make_small(g_trace_control_word.load());
    }
    case Op::NotSup:
      st.notsup = true;
      return failure();
  }
#undef EVAL_KID
  return NON_VALUE;
}

Term MatchSpec::run(Process* p, Term subject, unsigned* flags) const {
  const Impl& m = *impl_;
  t_scratch.reset();
  Term vars_inline[16];
  std::vector<Term> vars_big;
  Term* vars = vars_inline;
  if (m.max_vars > 16) {
    vars_big.resize(m.max_vars);
    vars = vars_big.data();
  }
  // Trace: the arguments as a tuple for argument heads.
  Term args_tuple = NON_VALUE;
  if (m.dialect == MsDialect::Trace) {
    SWord n = list_length(subject);
    Term* tp = t_scratch.alloc(1 + UWord(n < 0 ? 0 : n));
    tp[0] = make_header(UWord(n < 0 ? 0 : n), Sub::Tuple);
    UWord i = 1;
    for (Term a = subject; is_list(a); a = cdr(a)) tp[i++] = car(a);
    args_tuple = make_boxed(tp);
  }
  RunState st{p, subject, vars, 0, false, false, false, NON_VALUE, 0};
  for (const Clause& c : m.clauses) {
    if (!m.match_head(c, c.args_head ? args_tuple : subject, vars)) continue;
    st.nvars = c.nvars;
    st.body = false;
    st.failed = false;
    bool ok = true;
    for (uint32_t i = 0; i < c.guards_count && ok; i++) {
      Term v = m.eval(m.kids[c.guards_first + i], st);
      ok = v == am::true_;
    }
    if (st.notsup) {
      if (flags) *flags = MS_NOTSUP;
      return NON_VALUE;
    }
    if (!ok) continue;
    st.body = true;
    st.message = NON_VALUE;
    st.flags = 0;
    Term result = am::true_;
    for (uint32_t i = 0; i < c.body_count; i++) result = m.eval(m.kids[c.body_first + i], st);
    if (flags) *flags = st.flags | (st.notsup ? unsigned(MS_NOTSUP) : 0u);
    if (m.dialect == MsDialect::Trace) return st.message != NON_VALUE ? st.message : am::true_;
    return result;
  }
  if (flags) *flags = 0;
  return NON_VALUE;
}

Term MatchSpec::run_copy(Process* p, Term subject, unsigned* flags) const {
  Term r = run(p, subject, flags);
  return r == NON_VALUE ? r : copy_to_heap(p, r);
}

// ---------------------------------------------------------------- select_replace

namespace {

// The reference's db_match_eq_body: does body term b always build what
// head term a matched?
bool eq_body(Term a, Term b, bool const_mode) {
  struct Item {
    Term a, b;
    bool const_mode;
  };
  std::vector<Item> stack{{a, b, const_mode}};
  while (!stack.empty()) {
    Item it = stack.back();
    stack.pop_back();
    a = it.a;
    b = it.b;
    const_mode = it.const_mode;
    if (is_list(b)) {
      if (!is_list(a)) return false;
      stack.push_back({cdr(a), cdr(b), const_mode});
      stack.push_back({car(a), car(b), const_mode});
    } else if (is_boxed(b)) {
      if (is_tuple(b)) {
        if (!const_mode) {
          if (tuple_arity(b) == 1 && is_tuple(tuple_elem(b, 1))) {
            b = tuple_elem(b, 1);
          } else if (tuple_arity(b) == 2 && tuple_elem(b, 1) == atoms().const_) {
            stack.push_back({a, tuple_elem(b, 2), true});
            continue;
          } else {
            return false;
          }
        }
        if (!is_tuple(a) || tuple_arity(a) != tuple_arity(b)) return false;
        for (UWord i = tuple_arity(a); i > 0; i--) stack.push_back({tuple_elem(a, i), tuple_elem(b, i), const_mode});
      } else if (is_map(b)) {
        return false;
      } else if (!term_eq_exact(a, b)) {
        return false;
      }
    } else {
      if (a != b || a == atoms().underscore || a == atoms().dollar_dollar || a == atoms().dollar_underscore ||
          (const_mode && ms_variable_number(a) >= 0))
        return false;
    }
  }
  return true;
}

Term key_of(UWord keypos, Term t) { return is_tuple(t) && tuple_arity(t) >= keypos ? tuple_elem(t, keypos) : NON_VALUE; }

bool clause_keeps_key(UWord keypos, Term head, Term body) {
  if (!is_list(body) || !is_nil(cdr(body))) return false;
  Term single = car(body);
  if (single == atoms().dollar_underscore) return true;
  if (!is_tuple(single)) return false;
  Term head_key = key_of(keypos, head);
  if (head_key == NON_VALUE) return false;
  Term sub;
  bool const_mode;
  if (tuple_arity(single) == 2 && tuple_elem(single, 1) == atoms().const_) {
    sub = tuple_elem(single, 2);
    const_mode = true;
  } else if (tuple_arity(single) == 1) {
    sub = tuple_elem(single, 1);
    const_mode = false;
  } else {
    return false;
  }
  Term body_key = key_of(keypos, sub);
  if (body_key == NON_VALUE) return false;
  if (eq_body(head_key, body_key, const_mode)) return true;
  if (const_mode || !is_tuple(body_key)) return false;
  // {element, KeyPos, '$_'}
  return tuple_arity(body_key) == 3 && tuple_elem(body_key, 1) == atoms().element &&
         tuple_elem(body_key, 3) == atoms().dollar_underscore && tuple_elem(body_key, 2) == make_small(SWord(keypos));
}

}  // namespace

bool ms_keeps_key(Term spec, UWord keypos) {
  for (Term l = spec; is_list(l); l = cdr(l)) {
    Term c = car(l);
    if (!is_tuple(c) || tuple_arity(c) != 3) return false;
    if (!clause_keeps_key(keypos, tuple_elem(c, 1), tuple_elem(c, 3))) return false;
  }
  return is_nil(spec) || is_list(spec);
}

}  // namespace bvm
