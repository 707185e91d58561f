// lists: the BIFs of module lists.
#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "vm/atom_table.h"
#include "vm/compare.h"

namespace bvm {

BIF_FN(lists_reverse_2) {
  Term l = args[0], acc = args[1];
  SWord n = list_length(l);
  if (n < 0) return raise_badarg(p);
  Term* hp = p->halloc(2 * UWord(n));
  for (; is_list(l); l = cdr(l)) {
    hp[0] = car(l);
    hp[1] = acc;
    acc = make_list(hp);
    hp += 2;
  }
  return acc;
}

BIF_FN(lists_member_2) {
  Term e = args[0], l = args[1];
  for (; is_list(l); l = cdr(l))
    if (car(l) == e || (!is_immed(e) && term_eq_exact(car(l), e))) return am::true_;
  if (!is_nil(l)) return raise_badarg(p);
  return am::false_;
}

// The first tuple in List whose N-th element == Key, or NON_VALUE (none) / 0 (bad).
static Term keyfind(Term key, Term n_t, Term list, bool* bad) {
  *bad = false;
  if (!is_small(n_t) || small_val(n_t) < 1) {
    *bad = true;
    return NON_VALUE;
  }
  UWord n = UWord(small_val(n_t));
  Term l = list;
  for (; is_list(l); l = cdr(l)) {
    Term t = car(l);
    if (is_tuple(t) && tuple_arity(t) >= n) {
      Term e = tuple_elem(t, n);
      if (e == key || term_eq(e, key)) return t;
    }
  }
  if (!is_nil(l)) *bad = true;
  return NON_VALUE;
}

BIF_FN(lists_keyfind_3) {
  bool bad;
  Term t = keyfind(args[0], args[1], args[2], &bad);
  if (bad) return raise_badarg(p);
  return t == NON_VALUE ? am::false_ : t;
}

BIF_FN(lists_keymember_3) {
  bool bad;
  Term t = keyfind(args[0], args[1], args[2], &bad);
  if (bad) return raise_badarg(p);
  return t == NON_VALUE ? am::false_ : am::true_;
}

BIF_FN(lists_keysearch_3) {
  bool bad;
  Term t = keyfind(args[0], args[1], args[2], &bad);
  if (bad) return raise_badarg(p);
  return t == NON_VALUE ? am::false_ : make_tuple(p, {atom_put("value"), t});
}

}  // namespace bvm
