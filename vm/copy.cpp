#include "vm/copy.h"

#include <cstring>
#include <unordered_map>
#include <unordered_set>
#include <vector>

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

namespace {

const Term* object_ptr(Term t) { return is_list(t) ? list_val(t) : boxed_val(t); }

UWord object_copy_words(Term t) {
  if (is_list(t)) return 2;
  Term h = boxed_header(t);
  return header_sub(h) == Sub::MatchState ? SUB_BIN_WORDS : 1 + header_arity(h);
}

}  // namespace

UWord SharedCopy::size(Term t) const {
  UWord words = 0;
  std::unordered_set<const Term*> seen;
  std::vector<Term> todo{t};
  while (!todo.empty()) {
    Term x = todo.back();
    todo.pop_back();
    if (!is_list(x) && !is_boxed(x)) continue;
    const Term* ptr = object_ptr(x);
    if (!shared(ptr)) {
      if (copy_others) words += copy_size(x);
      continue;
    }
    if (!seen.insert(ptr).second) continue;
    words += object_copy_words(x);
    if (is_list(x)) {
      todo.push_back(ptr[0]);
      todo.push_back(ptr[1]);
    } else if (header_sub(ptr[0]) == Sub::MatchState) {
      todo.push_back(ptr[1]);
    } else {
      UWord first, count;
      object_term_fields(ptr[0], &first, &count);
      for (UWord i = 0; i < count; i++) todo.push_back(ptr[first + i]);
    }
  }
  return words;
}

Term SharedCopy::copy(Term t, Term** hpp, OffHeap* oh) const {
  if (!is_list(t) && !is_boxed(t)) return t;
  Term* start = *hpp;
  Term* hp = start;
  std::unordered_map<const Term*, Term> moved;
  // The copy of object x (made now if it is not made yet), or x itself.
  auto copy_one = [&](Term x) -> Term {
    const Term* ptr = object_ptr(x);
    if (!shared(ptr)) return copy_others ? copy_term(x, &hp, oh) : x;
    auto it = moved.find(ptr);
    if (it != moved.end()) return it->second;
    Term* n = hp;
    Term r;
    if (is_list(x)) {
      n[0] = ptr[0];
      n[1] = ptr[1];
      hp += 2;
      r = make_list(n);
    } else if (header_sub(ptr[0]) == Sub::MatchState) {
      hp += SUB_BIN_WORDS;
      r = make_sub_bin(n, ptr[1], ptr[2], ptr[3] - ptr[2]);
    } else {
      UWord w = 1 + header_arity(ptr[0]);
      std::memcpy(n, ptr, w * sizeof(Term));
      hp += w;
      if (header_sub(ptr[0]) == Sub::RefcBin) {
        reinterpret_cast<BinData*>(n[3])->ref();
        n[2] = reinterpret_cast<Term>(oh->first);
        oh->first = n;
        oh->bin_bytes += n[1];
      }
      r = make_boxed(n);
    }
    moved.emplace(ptr, r);
    return r;
  };
  // Flat copies are complete: the scan jumps over them (start -> end).
  std::unordered_map<const Term*, Term*> flat;
  auto fix = [&](Term* slot) {
    Term x = *slot;
    if (!is_list(x) && !is_boxed(x)) return;
    Term* before = hp;
    *slot = copy_one(x);
    if (hp != before && !shared(object_ptr(x))) flat.emplace(before, hp);
  };
  Term result = t;
  fix(&result);
  for (Term* scan = start; scan < hp;) {
    if (!flat.empty()) {
      auto it = flat.find(scan);
      if (it != flat.end()) {
        scan = it->second;
        continue;
      }
    }
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
