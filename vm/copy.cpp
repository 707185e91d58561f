#include "vm/copy.h"

#include <cstring>

#include "vm/heap_layout.h"
#include "vm/small_stack.h"

namespace bvm {

UWord copy_size(Term t0) {
  if (!is_list(t0) && !is_boxed(t0)) return 0;
  UWord words = 0;
  SmallStack<Term, 32> stack;  // messages are mostly shallow: no allocation
  stack.push_back(t0);
  while (!stack.empty()) {
    Term t = stack.back();
    stack.pop_back();
    while (true) {
      if (is_list(t)) {
        words += 2;
        stack.push_back(car(t));
        t = cdr(t);
        continue;
      }
      if (!is_boxed(t)) break;
      const Term* o = boxed_val(t);
      Term h = o[0];
      if (header_sub(h) == Sub::MatchState) {
        // Copied as a sub-binary of its original.
        words += SUB_BIN_WORDS;
        t = o[1];
        continue;
      }
      words += 1 + header_arity(h);
      UWord first, count;
      object_term_fields(h, &first, &count);
      for (UWord i = 0; i < count; i++) stack.push_back(o[first + i]);
      break;
    }
  }
  return words;
}

Term copy_term(Term t, Term** hpp, OffHeap* oh) {
  if (!is_list(t) && !is_boxed(t)) return t;
  Term* start = *hpp;
  Term* hp = start;
  // Copy one object shallowly to hp, returning the new term.
  auto shallow = [&](Term s) -> Term {
    if (is_list(s)) {
      Term* n = hp;
      n[0] = car(s);
      n[1] = cdr(s);
      hp += 2;
      return make_list(n);
    }
    const Term* o = boxed_val(s);
    Term h = o[0];
    if (header_sub(h) == Sub::MatchState) {
      // A match context becomes the sub-binary it still has to match.
      Term* n = hp;
      hp += SUB_BIN_WORDS;
      return make_sub_bin(n, o[1], o[2], o[3] - o[2]);
    }
    UWord words = 1 + header_arity(h);
    Term* n = hp;
    std::memcpy(n, o, words * sizeof(Term));
    hp += words;
    if (header_sub(h) == Sub::RefcBin) {
      reinterpret_cast<BinData*>(n[3])->ref();
      n[2] = reinterpret_cast<Term>(oh->first);
      oh->first = n;
      oh->bin_bytes += n[1];
    }
    return make_boxed(n);
  };
  auto in_copy = [&](Term s) {
    const Term* ptr = is_list(s) ? list_val(s) : boxed_val(s);
    return ptr >= start && ptr < hp;
  };
  auto fix = [&](Term* slot) {
    Term s = *slot;
    if ((is_list(s) || is_boxed(s)) && !in_copy(s)) *slot = shallow(s);
  };
  Term result = shallow(t);
  // Scan the copy, copying what it still refers to in the source.
  Term* scan = start;
  while (scan < hp) {
    Term w = *scan;
    if (is_header(w)) {
      UWord first, count;
      object_term_fields(w, &first, &count);
      for (UWord i = 0; i < count; i++) fix(scan + first + i);
      scan += 1 + header_arity(w);
    } else {
      fix(scan);
      scan++;
    }
  }
  *hpp = hp;
  return result;
}

}  // namespace bvm
