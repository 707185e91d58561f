#include "vm/exception.h"

#include <vector>

#include "bifs/bif.h"
#include "vm/atom_table.h"
#include "vm/code_table.h"
#include "vm/interp.h"
#include "vm/map.h"
#include "vm/trace.h"

namespace bvm {

int backtrace_depth = 8;

namespace {

Term am_raw_trace_tag() {
  static const Term a = atom_put("$raw_trace");
  return a;
}

inline Term ptr_term(const void* p) { return make_small(SWord(reinterpret_cast<UWord>(p))); }
template <typename T>
inline const T* term_ptr(Term t) { return reinterpret_cast<const T*>(UWord(small_val(t))); }

// Raw trace tuple fields (1-based).
enum { RT_TAG = 1, RT_CLASS, RT_CURRENT, RT_PC, RT_ARGS, RT_ERROR_INFO, RT_FIRST_CP };

Term make_list_from(Process* p, const Term* elems, UWord n) {
  Term* hp = p->halloc(2 * n);
  Term l = NIL;
  for (UWord i = n; i-- > 0;) {
    hp[2 * i] = elems[i];
    hp[2 * i + 1] = l;
    l = make_list(hp + 2 * i);
  }
  return l;
}

// Builds [{file, F}, {line, L} | Tail] for a code address, or Tail.
Term location_list(Process* p, const ModuleVersion* mv, const UWord* pc, Term tail) {
  Term file;
  uint32_t line;
  if (!mv || !mv->location_at(pc, &file, &line)) return tail;
  if (line >= (1u << 24)) return tail;  // the reference keeps no location for such lines
  Term* hp = p->halloc(3 + 2 + 3 + 2);
  Term line_t = make_boxed(hp);
  hp[0] = make_header(2, Sub::Tuple);
  hp[1] = atom_put("line");
  hp[2] = make_small(line);
  Term l = make_list(hp + 3);
  hp[3] = line_t;
  hp[4] = tail;
  Term file_t = make_boxed(hp + 5);
  hp[5] = make_header(2, Sub::Tuple);
  hp[6] = atom_put("file");
  hp[7] = file;
  hp[8] = file_t;
  hp[9] = l;
  return make_list(hp + 8);
}

// The call sites of the return addresses on p's stack, innermost first,
// each moved back one word into its call instruction (so its line is the
// call's), consecutive repeats and the one after `prev` collapsed, at most
// `depth` of them (decremented for each).
template <typename F>
void for_each_call_site(Process* p, const UWord* prev, int& depth, F fn) {
  for (Term* s = p->stop; s < p->hend && depth > 0; s++) {
    if (!is_return_address(*s)) continue;
    const UWord* ra = reinterpret_cast<const UWord*>(*s);
    if (ra == normal_exit_code() || is_trace_frame_code(ra)) continue;
    if (ra - 1 != prev) {
      prev = ra - 1;
      fn(ra - 1);
      depth--;
    }
  }
}

Term frame(Process* p, const Term* mfa, Term args_or_arity, Term loc) {
  return make_tuple(p, {mfa[0], mfa[1], args_or_arity, loc});
}

}  // namespace

Term exc_class_atom(ExcClass c) {
  switch (c) {
    case ExcClass::Error: return am::error;
    case ExcClass::Exit: return am::exit;
    case ExcClass::Throw: return am::throw_;
  }
  return am::error;
}

bool exc_class_from_atom(Term a, ExcClass* out) {
  if (a == am::error) *out = ExcClass::Error;
  else if (a == am::exit) *out = ExcClass::Exit;
  else if (a == am::throw_) *out = ExcClass::Throw;
  else return false;
  return true;
}

bool exc_is_raw_trace(Term t) {
  return is_tuple(t) && tuple_arity(t) >= RT_ERROR_INFO && tuple_elem(t, RT_TAG) == am_raw_trace_tag();
}

void exc_save_trace(Process* p, const UWord* pc, const Term* x, const Term* func_mfa) {
  if (p->exc_keep_trace) {  // erlang:raise/3 supplied the trace
    p->exc_keep_trace = false;
    return;
  }
  struct ClearArgs {
    Process* p;
    ~ClearArgs() { p->exc_args = NON_VALUE; }
  } clear_args{p};
  int depth = backtrace_depth;
  std::vector<Term> cps;
  Term current = make_small(0);
  Term args = NIL;
  Term error_info = NIL;
  const UWord* prev = pc;
  bool bif_frame = false;
  const Export* bif = p->exc_bif;
  if (bif && bif->module() == am::erlang) {
    // error/1,2,3, exit/1 and throw/1 are not shown as frames of their own.
    Term f = bif->function();
    if ((f == am::error && bif->arity <= 3) || ((f == am::exit || f == am::throw_) && bif->arity == 1)) bif = nullptr;
  }
  if (depth > 0) depth--;  // the current function is always there
  if (bif) {
    bif_frame = true;
    current = ptr_term(bif->mfa);
    args = p->exc_bif_args;
    // A NIF runs as the body of its own function: pc is inside that
    // function, which the NIF's frame already stands for.
    if (depth > 0 && pc && !bif->nif) {
      cps.push_back(ptr_term(pc));
      depth--;
    }
    // error_info with the module that formats the BIF's errors.
    static const Term erts = atom_put("erl_erts_errors");
    static const Term kernel = atom_put("erl_kernel_errors");
    static const Term stdlib = atom_put("erl_stdlib_errors");
    std::string_view m = atom_text(bif->module());
    Term format_module = NON_VALUE;
    if (m == "erlang" || m == "atomics" || m == "counters" || m == "erts_internal" || m == "persistent_term")
      format_module = erts;
    else if (m == "os")
      format_module = kernel;
    else if (m == "binary" || m == "ets" || m == "lists" || m == "maps" || m == "math" || m == "re" ||
             m == "unicode")
      format_module = stdlib;
    if (p->exc_no_error_info) format_module = NON_VALUE;
    p->exc_no_error_info = false;
    if (format_module != NON_VALUE) {
      Term keys[2], vals[2];
      UWord n = 0;
      if (p->exc_error_info != NON_VALUE) {
        keys[n] = atom_put("cause");
        vals[n++] = p->exc_error_info;
      }
      keys[n] = atom_put("module");
      vals[n++] = format_module;
      Term* hp = p->halloc(flatmap_words(n));
      Term map = map_from_pairs(hp, keys, vals, n);
      error_info = make_cons(p, make_tuple(p, {atom_put("error_info"), map}), NIL);
    }
  } else {
    if (func_mfa) {  // function_clause: arguments from the registers, located at the head
      current = ptr_term(func_mfa);
      UWord arity = UWord(small_val(func_mfa[2]));
      args = make_list_from(p, x, arity);
    } else if (p->exc_args != NON_VALUE) {  // error/2,3: the given arguments
      current = make_small(0);
      args = p->exc_args;
    } else {
      current = make_small(0);
      args = make_small(0);
    }
    if (p->exc_error_info != NON_VALUE && is_map(p->exc_error_info))
      error_info = make_cons(p, make_tuple(p, {atom_put("error_info"), p->exc_error_info}), NIL);
  }
  if (!cps.empty()) prev = term_ptr<UWord>(cps.back());
  for_each_call_site(p, prev, depth, [&](const UWord* at) { cps.push_back(ptr_term(at)); });
  Term* hp = p->halloc(1 + RT_ERROR_INFO + cps.size());
  hp[0] = make_header(RT_ERROR_INFO + cps.size(), Sub::Tuple);
  hp[RT_TAG] = am_raw_trace_tag();
  hp[RT_CLASS] = exc_class_atom(p->exc_class);
  hp[RT_CURRENT] = current;
  // A BIF (or undefined function) frame is located by `current`; the
  // caller's pc is then the first return address instead.
  hp[RT_PC] = (pc && !bif_frame) ? ptr_term(pc) : make_small(0);
  hp[RT_ARGS] = args;
  hp[RT_ERROR_INFO] = error_info;
  for (size_t i = 0; i < cps.size(); i++) hp[RT_FIRST_CP + i] = cps[i];
  p->exc_stacktrace = make_boxed(hp);
}

namespace {
Term am_user_trace_tag() {
  static const Term a = atom_put("$user_trace");
  return a;
}
bool is_user_trace(Term t) { return is_tuple(t) && tuple_arity(t) == 3 && tuple_elem(t, 1) == am_user_trace_tag(); }
}  // namespace

Term exc_user_trace(Process* p, ExcClass c, Term list) {
  return make_tuple(p, {am_user_trace_tag(), exc_class_atom(c), list});
}

bool exc_trace_class(Term trace, ExcClass* out) {
  if (exc_is_raw_trace(trace) || is_user_trace(trace)) return exc_class_from_atom(tuple_elem(trace, 2), out);
  return false;
}

Term exc_build_stacktrace(Process* p, Term trace) {
  if (is_user_trace(trace)) return tuple_elem(trace, 3);
  if (!exc_is_raw_trace(trace)) return trace;
  Term current_t = tuple_elem(trace, RT_CURRENT);
  Term pc_t = tuple_elem(trace, RT_PC);
  Term args = tuple_elem(trace, RT_ARGS);
  Term error_info = tuple_elem(trace, RT_ERROR_INFO);
  UWord n = tuple_arity(trace) - RT_ERROR_INFO;
  std::vector<Term> frames;
  // The first frame.
  const UWord* pc = pc_t == make_small(0) ? nullptr : term_ptr<UWord>(pc_t);
  if (pc) {
    ModuleVersion* mv = version_at(pc);
    const FunctionInfo* fi = mv ? mv->function_at(pc) : nullptr;
    if (fi) {
      Term loc = location_list(p, mv, pc, error_info);
      frames.push_back(frame(p, fi->mfa, is_list(args) || is_nil(args) ? args : fi->mfa[2], loc));
    } else if (n == 0 && p->initial_mfa[0] != NON_VALUE) {
      frames.push_back(frame(p, p->initial_mfa, p->initial_mfa[2], NIL));
    }
  } else if (current_t != make_small(0)) {
    const Term* mfa = term_ptr<Term>(current_t);
    // function_clause: located at the function's func_info.
    Term loc = error_info;
    if (args != make_small(0) && (is_list(args) || is_nil(args))) {
      ModuleVersion* mv = version_at(mfa);
      if (mv) {
        for (const FunctionInfo& f : mv->functions)
          if (f.mfa == mfa) loc = location_list(p, mv, f.start, error_info);
      }
    }
    frames.push_back(frame(p, mfa, is_list(args) || is_nil(args) ? args : mfa[2], loc));
  } else if (n == 0 && p->initial_mfa[0] != NON_VALUE) {
    frames.push_back(frame(p, p->initial_mfa, p->initial_mfa[2], NIL));
  }
  for (UWord i = 0; i < n; i++) {
    const UWord* cp = term_ptr<UWord>(tuple_elem(trace, RT_FIRST_CP + i));
    ModuleVersion* mv = version_at(cp);
    const FunctionInfo* fi = mv ? mv->function_at(cp) : nullptr;
    if (!fi) continue;
    frames.push_back(frame(p, fi->mfa, fi->mfa[2], location_list(p, mv, cp, NIL)));
  }
  return make_list_from(p, frames.data(), frames.size());
}

const Term* code_mfa_at(const UWord* pc) {
  ModuleVersion* mv = pc ? version_at(pc) : nullptr;
  const FunctionInfo* fi = mv ? mv->function_at(pc) : nullptr;
  return fi ? fi->mfa : nullptr;
}

Term exc_current_stacktrace(Process* p, const UWord* pc) {
  std::vector<Term> frames;
  int depth = backtrace_depth;
  auto add = [&](const UWord* at) {
    ModuleVersion* mv = version_at(at);
    const FunctionInfo* fi = mv ? mv->function_at(at) : nullptr;
    if (!fi) return;
    frames.push_back(frame(p, fi->mfa, fi->mfa[2], location_list(p, mv, at, NIL)));
  };
  if (pc && depth > 0) {
    add(pc);
    depth--;
  }
  for_each_call_site(p, pc, depth, add);
  return make_list_from(p, frames.data(), frames.size());
}

const UWord* exc_find_handler(Process* p) {
  Term* frame_top = p->stop;
  bool passed_return_to = false;
  for (Term* s = p->stop; s < p->hend; s++) {
    Term w = *s;
    if (is_return_address(w)) {
      frame_top = s;
      if (__builtin_expect(is_trace_frame_code(reinterpret_cast<const UWord*>(w)), 0)) {
        trace_frame_exception(p, s);
        if (reinterpret_cast<const UWord*>(w) == trace_return_to_code()) passed_return_to = true;
      }
    } else if (is_catch(w)) {
      // The catching function's CP slot still holds where the call that
      // raised would have returned to: it is stale now.
      if (is_return_address(*frame_top)) *frame_top = NIL;
      p->stop = frame_top;
      const UWord* handler = reinterpret_cast<const UWord*>(catch_val(w) << 3);
      if (passed_return_to) trace_return_to_handler(p, handler);
      return handler;
    }
  }
  return nullptr;
}

Term exc_exit_reason(Process* p) {
  switch (p->exc_class) {
    case ExcClass::Exit:
      return p->exc_reason;
    case ExcClass::Error:
      return make_tuple(p, {p->exc_reason, exc_build_stacktrace(p, p->exc_stacktrace)});
    case ExcClass::Throw:
      return make_tuple(p, {make_tuple(p, {atom_put("nocatch"), p->exc_reason}),
                            exc_build_stacktrace(p, p->exc_stacktrace)});
  }
  return p->exc_reason;
}

Term exc_catch_value(Process* p) {
  static const Term am_EXIT = atom_put("EXIT");
  switch (p->exc_class) {
    case ExcClass::Throw:
      return p->exc_reason;
    case ExcClass::Exit:
      return make_tuple(p, {am_EXIT, p->exc_reason});
    case ExcClass::Error:
      return make_tuple(p, {am_EXIT, make_tuple(p, {p->exc_reason, exc_build_stacktrace(p, p->exc_stacktrace)})});
  }
  return NIL;
}

bool exc_valid_stacktrace(Term t) {
  // Each element: {M, F, ArityOrArgs, Location} or {Fun, ArityOrArgs, Location}.
  while (is_list(t)) {
    Term e = car(t);
    if (!is_tuple(e)) return false;
    UWord a = tuple_arity(e);
    if (a == 4) {
      if (!is_atom(tuple_elem(e, 1)) || !is_atom(tuple_elem(e, 2))) return false;
      Term aa = tuple_elem(e, 3);
      if (!(is_small(aa) && small_val(aa) >= 0) && !is_list(aa) && !is_nil(aa)) return false;
      if (!is_list(tuple_elem(e, 4)) && !is_nil(tuple_elem(e, 4))) return false;
    } else if (a == 3) {
      if (!is_fun(tuple_elem(e, 1))) return false;
    } else {
      return false;
    }
    t = cdr(t);
  }
  return is_nil(t);
}

}  // namespace bvm
