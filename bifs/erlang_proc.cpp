// erlang: processes, messages, exceptions, apply, the process dictionary,
// and the module information BIFs.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "bifs/text.h"
#include "loader/etf_decode.h"
#include "vm/atom_table.h"
#include "vm/code_table.h"
#include "vm/compare.h"
#include "vm/exception.h"
#include "vm/identity.h"
#include "vm/interp.h"
#include "vm/registry.h"
#include "vm/signals.h"
#include "vm/term_print.h"
#include "vm/trace.h"
#include "vm/vm.h"

namespace bvm {

BIF_FN(erlang_self_0) {
  (void)args;
  return p->id;
}

// Sends to a pid, a registered name, {Name, Node} or an alias; false: badarg.
static bool do_send_untraced(Process* p, Term to, Term msg, bool* delivered) {
  if (is_local_pid(to)) {
    *delivered = send_message(p, to, msg);  // to a dead process: dropped
    return true;
  }
  if (is_atom(to)) {
    Term pid = registry_whereis(to);
    if (pid == NON_VALUE) return false;
    send_message(p, pid, msg);
    return true;
  }
  if (is_tuple(to) && tuple_arity(to) == 2 && is_atom(tuple_elem(to, 1)) && is_atom(tuple_elem(to, 2))) {
    if (tuple_elem(to, 2) == local_node()->name) {
      Term pid = registry_whereis(tuple_elem(to, 1));
      if (pid != NON_VALUE) send_message(p, pid, msg);
    }
    return true;  // another node: not connected, dropped
  }
  if (is_ref(to)) {
    send_alias_message(p, to, msg);
    return true;
  }
  if (is_local_port(to)) {
    signal_send(to, signal_new(SigKind::Message, p->id, msg));  // a closed port: dropped
    return true;
  }
  if (is_pid(to)) return true;  // another node's: not connected, dropped
  return false;
}

static bool do_send(Process* p, Term to, Term msg) {
  bool delivered = true;
  if (trace_flags_of(p) & TF_SEND) {
    // The trace message goes first, as the reference sends it.
    if (is_atom(to) && registry_whereis(to) == NON_VALUE) return false;
    if (is_local_pid(to)) {
      Process* q = process_lookup(to);
      delivered = q && q->state.load(std::memory_order_acquire) != ProcState::Exited;
    }
    trace_send(p, to, msg, delivered);
  }
  return do_send_untraced(p, to, msg, &delivered);
}

BIF_FN(erlang_send_2) {
  if (!do_send(p, args[0], args[1])) return raise_badarg(p);
  return args[1];
}

BIF_FN(erlang_send_3) {
  if (list_length(args[2]) < 0) return raise_badarg(p);
  for (Term l = args[2]; is_list(l); l = cdr(l))
    if (car(l) != atom_put("noconnect") && car(l) != atom_put("nosuspend")) return raise_badarg(p);
  if (!do_send(p, args[0], args[1])) return raise_badarg(p);
  return am::ok;
}

BIF_FN(erlang_exit_1) { return raise_exit(p, args[0]); }
BIF_FN(erlang_throw_1) { return raise_throw(p, args[0]); }
BIF_FN(erlang_error_1) { return raise_error(p, args[0]); }
BIF_FN(erlang_error_2) {
  if (args[1] != am::none) p->exc_args = args[1];
  return raise_error(p, args[0]);
}
BIF_FN(erlang_error_3) {
  // error(Reason, Args, [{error_info, Map}]): the map goes into the trace.
  Term opts = args[2];
  if (list_length(opts) < 0) return raise_badarg(p);
  for (Term l = opts; is_list(l); l = cdr(l)) {
    Term o = car(l);
    if (is_tuple(o) && tuple_arity(o) == 2 && tuple_elem(o, 1) == atom_put("error_info") && is_map(tuple_elem(o, 2)))
      p->exc_error_info = tuple_elem(o, 2);
  }
  if (args[1] != am::none) p->exc_args = args[1];
  return raise_error(p, args[0]);
}

BIF_FN(erlang_raise_3) {
  ExcClass c;
  if (!exc_class_from_atom(args[0], &c) || !exc_valid_stacktrace(args[2])) return raise_badarg(p);
  p->exc_class = c;
  p->exc_reason = args[1];
  p->exc_stacktrace = exc_user_trace(p, c, args[2]);
  p->exc_keep_trace = true;
  return NON_VALUE;
}

BIF_FN(erlang_nif_error_1) { return raise_error(p, args[0]); }
BIF_FN(erlang_nif_error_2) { return raise_error(p, args[0]); }

// apply(Fun, Args): the arguments go to x0.., the fun after them, and the
// interpreter's apply_fun code calls it.
BIF_FN(erlang_apply_2) {
  Term fun = args[0], list = args[1];
  SWord n = list_length(list);
  if (n < 0 || n >= SWord(MAX_REG) - 1) return raise_badarg(p);
  if (!is_fun(fun)) {
    return raise_error(p, make_tuple(p, {am::badfun, fun}));
  }
  unsigned i = 0;
  for (Term l = list; is_list(l); l = cdr(l)) args[i++] = car(l);
  args[n] = fun;
  p->trap_arity = unsigned(n);
  p->trap_addr = apply_fun_code();
  return BIF_TRAP;
}

BIF_FN(erlang_apply_3) {
  Term m = args[0], f = args[1], list = args[2];
  SWord n = list_length(list);
  if (!is_atom(m) || !is_atom(f) || n < 0 || n >= SWord(MAX_REG)) return raise_badarg(p);
  unsigned i = 0;
  for (Term l = list; is_list(l); l = cdr(l)) args[i++] = car(l);
  p->trap_arity = unsigned(n);
  p->trap_addr = export_put(m, f, unsigned(n))->address.load(std::memory_order_acquire);
  return BIF_TRAP;
}

static Term do_halt(Process* p, Term status) {
  if (is_small(status) && small_val(status) >= 0) vm_halt(int(small_val(status) & 0xFF));
  if (status == atom_put("abort")) {
    std::fflush(stdout);
    std::abort();
  }
  std::string slogan;
  if (list_to_latin1(status, slogan) || status == NIL) {
    std::fflush(stdout);
    std::fprintf(stderr, "%s\n", slogan.c_str());
    vm_halt(1);
  }
  return raise_badarg(p);
}

BIF_FN(erlang_halt_0) {
  (void)args;
  return do_halt(p, make_small(0));
}
BIF_FN(erlang_halt_1) { return do_halt(p, args[0]); }
BIF_FN(erlang_halt_2) {
  // Options: a proper list of {flush, boolean()}.
  if (list_length(args[1]) < 0) return raise_badarg(p);
  for (Term l = args[1]; is_list(l); l = cdr(l)) {
    Term o = car(l);
    if (!is_tuple(o) || tuple_arity(o) != 2 || tuple_elem(o, 1) != atom_put("flush") ||
        (tuple_elem(o, 2) != am::true_ && tuple_elem(o, 2) != am::false_))
      return raise_badarg(p);
  }
  return do_halt(p, args[0]);
}

BIF_FN(erlang_make_ref_0) {
  (void)args;
  return make_ref_term(p, new_ref_numbers());
}

// ---- process dictionary: pairs K, V in p->dict
static SWord dict_find(Process* p, Term key) {
  for (size_t i = 0; i < p->dict.size(); i += 2)
    if (term_eq_exact(p->dict[i], key)) return SWord(i);
  return -1;
}

BIF_FN(erlang_put_2) {
  SWord i = dict_find(p, args[0]);
  if (i >= 0) {
    Term old = p->dict[size_t(i) + 1];
    p->dict[size_t(i) + 1] = args[1];
    return old;
  }
  p->dict.push_back(args[0]);
  p->dict.push_back(args[1]);
  return am::undefined;
}

BIF_FN(erlang_get_1) {
  SWord i = dict_find(p, args[0]);
  return i >= 0 ? p->dict[size_t(i) + 1] : am::undefined;
}

BIF_FN(erlang_get_0) {
  (void)args;
  Term l = NIL;
  for (size_t i = p->dict.size(); i >= 2; i -= 2) l = make_cons(p, make_tuple(p, {p->dict[i - 2], p->dict[i - 1]}), l);
  return l;
}

BIF_FN(erlang_get_keys_0) {
  (void)args;
  Term l = NIL;
  for (size_t i = p->dict.size(); i >= 2; i -= 2) l = make_cons(p, p->dict[i - 2], l);
  return l;
}

BIF_FN(erlang_get_keys_1) {
  Term l = NIL;
  for (size_t i = p->dict.size(); i >= 2; i -= 2)
    if (term_eq_exact(p->dict[i - 1], args[0])) l = make_cons(p, p->dict[i - 2], l);
  return l;
}

BIF_FN(erlang_erase_1) {
  SWord i = dict_find(p, args[0]);
  if (i < 0) return am::undefined;
  Term old = p->dict[size_t(i) + 1];
  p->dict.erase(p->dict.begin() + i, p->dict.begin() + i + 2);
  return old;
}

BIF_FN(erlang_erase_0) {
  Term all = erlang_get_0(p, args);
  p->dict.clear();
  return all;
}

BIF_FN(erlang_display_1) {
  (void)p;
  std::string s = term_to_display_text(args[0]);
  s += "\r\n";  // the reference's erts_printf writes CR LF here
  std::fwrite(s.data(), 1, s.size(), stdout);
  std::fflush(stdout);
  return am::true_;
}

// display_string(Chars): a flat list of code points, to standard error
// in UTF-8 (the logger's last resort when it has no handler).
BIF_FN(erlang_display_string_1) {
  std::string out;
  Term l = args[0];
  for (; is_list(l); l = cdr(l)) {
    Term c = car(l);
    if (!is_small(c) || small_val(c) < 0 || small_val(c) > 0x10FFFF ||
        (small_val(c) >= 0xD800 && small_val(c) <= 0xDFFF))
      return raise_badarg(p);
    append_utf8(out, uint32_t(small_val(c)));
  }
  if (!is_nil(l)) return raise_badarg(p);
  std::fwrite(out.data(), 1, out.size(), stderr);
  return am::true_;
}

BIF_FN(erlang_display_nl_0) {
  (void)p;
  (void)args;
  std::fputc('\n', stderr);
  return am::true_;
}

BIF_FN(erlang_node_0) {
  (void)args;
  (void)p;
  return local_node()->name;
}

BIF_FN(erlang_node_1) {
  Term t = args[0];
  if (!is_pid(t) && !is_port(t) && !is_ref(t)) return raise_badarg(p);
  return identity_node(t)->name;
}

// ---- module information
static Term decode_chunk_term(Process* p, const std::string& etf) {
  if (etf.empty()) return NIL;
  EtfDecoder d(reinterpret_cast<const uint8_t*>(etf.data()), etf.size());
  if (!d.prepare()) return NIL;
  Term t = d.build(p->halloc(d.heap_words()), &p->off_heap, [p](size_t n) { return p->halloc(n); });
  return t == NON_VALUE ? NIL : t;
}

static Term module_info_item(Process* p, const ModuleVersion* v, Term item) {
  if (item == atom_put("module")) return v->name;
  if (item == atom_put("exports") || item == atom_put("functions")) {
    bool exports = item == atom_put("exports");
    Term l = NIL;
    if (exports) {
      // Newest export entry first, like the reference's walk of its table.
      std::vector<Export*> ex(v->exports.begin(), v->exports.end());
      std::sort(ex.begin(), ex.end(), [](const Export* a, const Export* b) { return a->seq < b->seq; });
      for (Export* e : ex) l = make_cons(p, make_tuple(p, {e->function(), make_small(e->arity)}), l);
    } else {
      for (size_t i = v->functions.size(); i-- > 0;)
        l = make_cons(p, make_tuple(p, {v->functions[i].mfa[1], v->functions[i].mfa[2]}), l);
    }
    return l;
  }
  if (item == atom_put("attributes")) return decode_chunk_term(p, v->attributes_etf);
  if (item == atom_put("compile")) return decode_chunk_term(p, v->compile_info_etf);
  if (item == atom_put("md5")) return make_binary(p, v->md5, 16);
  if (item == atom_put("nifs")) return NIL;
  if (item == atom_put("native")) return am::false_;
  return NON_VALUE;
}

// erlang:load_nif(Path, LoadInfo) from a module's on_load function. Our
// NIFs are built in (BIF_NIF entries of bifs.def), bound when the module is
// loaded; this succeeds for a module that has some.
BIF_FN(erlang_load_nif_2) {
  (void)args;
  ModuleVersion* v = p->i ? version_at(p->i) : nullptr;
  if (v) {
    for (const FunctionInfo& f : v->functions) {
      Export* e = export_get(f.mfa[0], f.mfa[1], uint32_t(small_val(f.mfa[2])));
      if (e && e->nif) return am::ok;
    }
  }
  std::string text = "no built-in NIFs for module ";
  text += v ? std::string(atom_text(v->name)) : std::string("?");
  Term reason = make_tuple(p, {atom_put("load_failed"), make_string(p, text)});
  return make_tuple(p, {am::error, reason});
}

BIF_FN(erlang_get_module_info_1) {
  Module* m = is_atom(args[0]) ? module_get(args[0]) : nullptr;
  ModuleVersion* v = m ? m->current.load() : nullptr;
  if (!v) return raise_badarg(p);
  const char* items[] = {"md5", "compile", "attributes", "exports", "module"};
  Term l = NIL;
  for (const char* it : items) {
    Term key = atom_put(it);
    l = make_cons(p, make_tuple(p, {key, module_info_item(p, v, key)}), l);
  }
  return l;
}

BIF_FN(erlang_get_module_info_2) {
  Module* m = is_atom(args[0]) ? module_get(args[0]) : nullptr;
  ModuleVersion* v = m ? m->current.load() : nullptr;
  if (!v) return raise_badarg(p);
  Term r = module_info_item(p, v, args[1]);
  return r == NON_VALUE ? raise_badarg(p) : r;
}

BIF_FN(erlang_module_loaded_1) {
  if (!is_atom(args[0])) return raise_badarg(p);
  Module* m = module_get(args[0]);
  return m && m->current.load() ? am::true_ : am::false_;
}

BIF_FN(erlang_function_exported_3) {
  if (!is_atom(args[0]) || !is_atom(args[1]) || !is_small(args[2]) || small_val(args[2]) < 0) return raise_badarg(p);
  Export* e = export_get(args[0], args[1], unsigned(small_val(args[2])));
  if (!e) return am::false_;
  if (e->bif) return am::true_;
  return e->address.load() != e->stub ? am::true_ : am::false_;
}

}  // namespace bvm
