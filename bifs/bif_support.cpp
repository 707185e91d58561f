#include <cmath>
#include <cstring>

#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "vm/atom_table.h"
#include "vm/bignum.h"

namespace bvm {

void bifs_init() {
  static const BifDef table[] = {
#define BIF(module, name, arity, fn, flags) {#module, name, arity, fn, flags},
#include "bifs/bifs.def"
#undef BIF
  };
  for (const BifDef& d : table) {
    Export* e = export_put(atom_put(d.module), atom_put(d.name), d.arity);
    if (d.flags & BIF_NIF) {
      e->nif = d.fn;  // the module's own code will call it
      continue;
    }
    e->bif = d.fn;
    e->bif_flags = d.flags;
    export_reset_to_stub(e);  // its stub now calls the BIF
  }
}

Term raise_error(Process* p, Term reason) {
  p->exc_class = ExcClass::Error;
  p->exc_reason = reason;
  return NON_VALUE;
}
Term raise_exit(Process* p, Term reason) {
  p->exc_class = ExcClass::Exit;
  p->exc_reason = reason;
  return NON_VALUE;
}
Term raise_throw(Process* p, Term value) {
  p->exc_class = ExcClass::Throw;
  p->exc_reason = value;
  return NON_VALUE;
}
Term raise_badarg(Process* p) { return raise_error(p, am::badarg); }
Term raise_badarith(Process* p) { return raise_error(p, am::badarith); }
Term raise_system_limit(Process* p) { return raise_error(p, am::system_limit); }
Term raise_error_tuple(Process* p, Term tag, Term value) { return raise_error(p, make_tuple(p, {tag, value})); }
Term raise_error_cause(Process* p, Term reason, Term cause) {
  p->exc_error_info = cause;
  return raise_error(p, reason);
}

Term bif_trap(Process* p, const Export* e) {
  p->trap_addr = e->address.load(std::memory_order_acquire);
  p->trap_arity = e->arity;
  return BIF_TRAP;
}

Term make_string(Process* p, std::string_view s) {
  Term l = NIL;
  for (size_t i = s.size(); i-- > 0;) l = make_cons(p, make_small(static_cast<unsigned char>(s[i])), l);
  return l;
}

Term make_tuple(Process* p, std::initializer_list<Term> elems) {
  Term* hp = p->halloc(1 + elems.size());
  hp[0] = make_header(elems.size(), Sub::Tuple);
  size_t i = 1;
  for (Term t : elems) hp[i++] = t;
  return make_boxed(hp);
}

Term make_cons(Process* p, Term head, Term tail) {
  Term* hp = p->halloc(2);
  hp[0] = head;
  hp[1] = tail;
  return make_list(hp);
}

Term make_integer(Process* p, int64_t v) {
  if (fits_small(v)) return make_small(v);
  UWord used;
  return make_integer_i64(p->halloc(2), v, &used);
}

Term make_uinteger(Process* p, uint64_t v) {
  if (v <= uint64_t(MAX_SMALL)) return make_small(SWord(v));
  UWord used;
  return make_integer_u64(p->halloc(2), v, &used);
}

Term make_float(Process* p, double d) { return make_float_at(p->halloc(FLOAT_WORDS), d); }

bool term_to_int64(Term t, int64_t* out) {
  if (is_small(t)) {
    *out = small_val(t);
    return true;
  }
  if (!is_big(t) || big_size(t) != 1) return false;
  UWord mag = big_digits(t)[0];
  if (big_negative(t)) {
    if (mag > UWord(INT64_MAX) + 1) return false;
    *out = int64_t(UWord(0) - mag);
  } else {
    if (mag > UWord(INT64_MAX)) return false;
    *out = int64_t(mag);
  }
  return true;
}

bool term_to_uint64(Term t, uint64_t* out) {
  if (is_small(t)) {
    if (small_val(t) < 0) return false;
    *out = uint64_t(small_val(t));
    return true;
  }
  if (!is_big(t) || big_size(t) != 1 || big_negative(t)) return false;
  *out = big_digits(t)[0];
  return true;
}

SWord list_length(Term l) {
  SWord n = 0;
  while (is_list(l)) {
    n++;
    l = cdr(l);
  }
  return is_nil(l) ? n : -1;
}

}  // namespace bvm
