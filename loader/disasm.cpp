// Renders a decoded module as beam_disasm:file/1's code list: one
// `{function, Name, Arity, Entry, Instructions}.` per function.
#include "loader/disasm.h"

#include <cstring>
#include <map>

#include "vm/atom_table.h"
#include "vm/term_print.h"

namespace bvm {

namespace {

// The Type chunk's union of base types, as beam_types:decode_ext/1 builds it.
// Each bit adds one base type; types in the same union slot join within it.
}  // namespace

std::string type_entry_text(const TypeEntry& t) {
  enum { ATOM = 1, BITSTRING = 2, BS_CONTEXT = 4, CONS = 8, FLOAT = 16, FUN = 32, INTEGER = 64,
         MAP = 128, NIL = 256, PID = 512, PORT = 1024, REFERENCE = 2048, TUPLE = 4096 };
  unsigned b = t.bits;
  std::string atom = (b & ATOM) ? "{t_atom,any}" : "";
  std::string list;
  if ((b & CONS) && (b & NIL)) list = "{t_list,any,any}";
  else if (b & CONS) list = "{t_cons,any,any}";
  else if (b & NIL) list = "nil";
  std::string number;
  if ((b & FLOAT) && (b & INTEGER)) number = "number";
  else if (b & FLOAT) number = "{t_float,any}";
  else if (b & INTEGER) number = "{t_integer,any}";
  std::string tuple = (b & TUPLE) ? "{t_tuple,0,false,#{}}" : "";
  // The "other" slot holds one type; bitstring and match context join to
  // bs_matchable, any other pair joins to any (and so does the whole union).
  unsigned others = b & (BITSTRING | BS_CONTEXT | FUN | MAP | PID | PORT | REFERENCE);
  std::string other;
  bool any = false;
  switch (others) {
    case 0: break;
    case BITSTRING: other = "{t_bitstring,1}"; break;
    case BS_CONTEXT: other = "{t_bs_context,1}"; break;
    case BITSTRING | BS_CONTEXT: other = "{t_bs_matchable,1}"; break;
    case FUN: other = "{t_fun,any,any,any}"; break;
    case MAP: other = "{t_map,any,any}"; break;
    case PID: other = "pid"; break;
    case PORT: other = "port"; break;
    case REFERENCE: other = "reference"; break;
    default: any = true; break;
  }
  std::string type;
  int slots = !atom.empty() + !list.empty() + !number.empty() + !tuple.empty() + !other.empty();
  if (any) {
    type = "any";
  } else if (slots == 0) {
    type = "none";
  } else if (slots == 1) {
    type = atom + list + number + tuple + other;
  } else {
    auto slot = [](const std::string& s) { return s.empty() ? std::string("none") : s; };
    type = "{t_union," + slot(atom) + "," + slot(list) + "," + slot(number) + "," + slot(tuple) + "," +
           slot(other) + "}";
  }
  return "{" + type + "," + std::to_string(t.min) + "," + std::to_string(t.max) + "}";
}

namespace {

class Disassembler {
 public:
  Disassembler(const BeamFile& bf, std::string& out) : bf_(bf), out_(out) {}
  bool run(std::string* err);

 private:
  bool fail(const std::string& m) {
    error_ = m;
    return false;
  }
  void raw(const Operand& o);
  void resolved(const Operand& o);
  bool operand(char kind, const Operand& o);
  void list_items(const Operand& list, bool resolve);
  bool instruction(const GenOp& g);
  bool custom(const GenOp& g);
  // Is [off, off + len) inside the string table? (len <= 0: empty string)
  bool string_in_range(int64_t off, int64_t len) const {
    if (len <= 0) return true;
    uint64_t size = bf_.strings.size();
    return off >= 0 && uint64_t(off) <= size && uint64_t(len) <= size - uint64_t(off);
  }
  void mfa(Term f, uint32_t arity) {
    out_ += "{";
    print_atom(out_, bf_.module);
    out_ += ",";
    print_atom(out_, f);
    out_ += "," + std::to_string(arity) + "}";
  }

  const BeamFile& bf_;
  std::string& out_;
  std::map<uint32_t, std::pair<Term, uint32_t>> local_labels_;  // label -> {F, A}
  std::string error_;
};

void Disassembler::raw(const Operand& o) {
  switch (o.kind) {
    case OpKind::U: out_ += "{u," + std::to_string(o.val) + "}"; break;
    case OpKind::I: out_ += "{i," + std::to_string(o.val) + "}"; break;
    case OpKind::BigInt:
      out_ += "{i,";
      print_term(out_, bf_.big_ints[size_t(o.val)]);
      out_ += "}";
      break;
    case OpKind::Atom:
      out_ += "{atom,";
      print_atom(out_, Term(o.val));
      out_ += "}";
      break;
    case OpKind::Nil: out_ += "nil"; break;
    case OpKind::X: out_ += "{x," + std::to_string(o.val) + "}"; break;
    case OpKind::Y: out_ += "{y," + std::to_string(o.val) + "}"; break;
    case OpKind::Label: out_ += "{f," + std::to_string(o.val) + "}"; break;
    case OpKind::Char: out_ += "{h," + std::to_string(o.val) + "}"; break;
    case OpKind::FR: out_ += "{fr," + std::to_string(o.val) + "}"; break;
    case OpKind::Float: {
      double d;
      uint64_t bits = uint64_t(o.val);
      std::memcpy(&d, &bits, sizeof d);
      out_ += "{float,";
      print_float(out_, d);
      out_ += "}";
      break;
    }
    case OpKind::Literal: {
      Term lit = bf_.literals[size_t(o.val)];
      out_ += is_float(lit) ? "{float," : "{literal,";
      print_term(out_, lit);
      out_ += "}";
      break;
    }
    case OpKind::TypedReg:
      out_ += "{tr,{";
      out_ += o.sub == OpKind::X ? "x," : "y,";
      out_ += std::to_string(o.val) + "},";
      out_ += bf_.has_types ? type_entry_text(bf_.types[o.extra]) : "any";
      out_ += "}";
      break;
    case OpKind::Alloc: {
      out_ += "{u,";
      const char* names[] = {"words", "floats", "funs"};
      out_ += "{alloc,[";
      for (uint32_t i = 0; i < o.extra; i++) {
        const Operand& k = bf_.operands[size_t(o.val) + 2 * i];
        const Operand& v = bf_.operands[size_t(o.val) + 2 * i + 1];
        if (i) out_ += ",";
        out_ += std::string("{") + names[k.val] + "," + std::to_string(v.val) + "}";
      }
      out_ += "]}}";
      break;
    }
    case OpKind::List:
      out_ += "{z,1}";
      break;
  }
}

void Disassembler::resolved(const Operand& o) {
  switch (o.kind) {
    case OpKind::U: out_ += std::to_string(o.val); break;
    case OpKind::I: out_ += "{integer," + std::to_string(o.val) + "}"; break;
    case OpKind::BigInt:
      out_ += "{integer,";
      print_term(out_, bf_.big_ints[size_t(o.val)]);
      out_ += "}";
      break;
    case OpKind::Alloc: {
      // {u,{alloc,...}} resolves to {alloc,...}
      std::string save;
      save.swap(out_);
      raw(o);
      std::string r;
      r.swap(out_);
      out_.swap(save);
      out_ += r.substr(3, r.size() - 4);
      break;
    }
    default: raw(o); break;
  }
}

void Disassembler::list_items(const Operand& list, bool resolve) {
  out_ += "[";
  for (uint32_t i = 0; i < list.extra; i++) {
    if (i) out_ += ",";
    const Operand& item = bf_.operands[size_t(list.val) + i];
    if (resolve) resolved(item);
    else raw(item);
  }
  out_ += "]";
}

bool Disassembler::operand(char kind, const Operand& o) {
  switch (kind) {
    case 'r': raw(o); return true;
    case 'v': resolved(o); return true;
    case 'n':
      if (o.kind == OpKind::U || o.kind == OpKind::Alloc) resolved(o);
      else raw(o);
      return true;
    case 'l': {
      auto it = local_labels_.find(uint32_t(o.val));
      if (o.kind != OpKind::Label || it == local_labels_.end())
        return fail("call to label " + std::to_string(o.val) + ", which is not a function entry");
      mfa(it->second.first, it->second.second);
      return true;
    }
    case 'e':
    case 'b': {
      if (o.kind != OpKind::U || uint64_t(o.val) >= bf_.imports.size()) return fail("import index out of range");
      const BeamFile::Import& im = bf_.imports[size_t(o.val)];
      if (kind == 'b') {
        print_atom(out_, im.function);
      } else {
        out_ += "{extfunc,";
        print_atom(out_, im.module);
        out_ += ",";
        print_atom(out_, im.function);
        out_ += "," + std::to_string(im.arity) + "}";
      }
      return true;
    }
    case 'F': out_ += "{field_flags," + std::to_string(o.val) + "}"; return true;
    case 'L':
      if (o.kind != OpKind::List) return fail("expected a list operand");
      out_ += "{list,";
      list_items(o, true);
      out_ += "}";
      return true;
  }
  return fail("bad operand kind in the opcode table");
}

bool Disassembler::custom(const GenOp& g) {
  auto opnd = [&](unsigned i) -> const Operand& { return bf_.opnd(g, i); };
  switch (g.op) {
    case op::bs_put_string: {
      int64_t len = opnd(0).val, off = opnd(1).val;
      if (!string_in_range(off, len)) return fail("string out of range");
      out_ += "{bs_put_string," + std::to_string(len) + ",{string,[";
      for (int64_t i = 0; i < len; i++) {
        if (i) out_ += ",";
        out_ += std::to_string(static_cast<unsigned char>(bf_.strings[size_t(off + i)]));
      }
      out_ += "]}}";
      return true;
    }
    case op::bs_match_string: {
      int64_t bits = opnd(2).val, off = opnd(3).val;
      int64_t len = int64_t((uint64_t(bits) + 7) / 8);
      if (bits < 0 || !string_in_range(off, len)) return fail("string out of range");
      out_ += "{test,bs_match_string,";
      raw(opnd(0));
      out_ += ",[";
      raw(opnd(1));
      out_ += "," + std::to_string(bits) + ",<<";
      for (int64_t i = 0; i < len; i++) {
        if (i) out_ += ",";
        out_ += std::to_string(static_cast<unsigned char>(bf_.strings[size_t(off + i)]));
      }
      out_ += ">>]}";
      return true;
    }
    case op::raise:
      out_ += "{raise,{f,0},[";
      raw(opnd(0));
      out_ += ",";
      raw(opnd(1));
      out_ += "],{x,0}}";
      return true;
    case op::make_fun2:
    case op::make_fun3: {
      const Operand& idx = opnd(0);
      if (idx.kind != OpKind::U || uint64_t(idx.val) >= bf_.lambdas.size()) return fail("fun index out of range");
      const BeamFile::Lambda& l = bf_.lambdas[size_t(idx.val)];
      out_ += g.op == op::make_fun2 ? "{make_fun2," : "{make_fun3,";
      mfa(l.function, l.arity);
      out_ += "," + std::to_string(idx.val) + "," + std::to_string(l.old_uniq) + ",";
      if (g.op == op::make_fun2) {
        out_ += std::to_string(l.num_free) + "}";
      } else {
        raw(opnd(1));
        out_ += ",{list,";
        list_items(opnd(2), true);
        out_ += "}}";
      }
      return true;
    }
    case op::bs_create_bin: {
      out_ += "{bs_create_bin,[{";
      for (unsigned i = 0; i < 5; i++) {
        raw(opnd(i));
        out_ += ",";
      }
      const Operand& list = opnd(5);
      out_ += "{z,1},{u," + std::to_string(list.extra) + "},";
      list_items(list, false);
      out_ += "}]}";
      return true;
    }
  }
  return fail("no custom rendering");
}

bool Disassembler::instruction(const GenOp& g) {
  const OpcodeInfo& info = opcode_info(g.op);
  const char* kinds = info.operands;
  auto opnd = [&](unsigned i) -> const Operand& { return bf_.opnd(g, i); };
  auto ops = [&](unsigned from, unsigned to) {  // comma-separated operands [from, to)
    for (unsigned i = from; i < to; i++) {
      if (i > from) out_ += ",";
      if (!operand(kinds[i], opnd(i))) return false;
    }
    return true;
  };
  switch (info.shape) {
    case Atom:
      print_atom_text(out_, info.name);
      return true;
    case Tuple:
      out_ += "{";
      print_atom_text(out_, info.name);
      if (g.nops) out_ += ",";
      if (!ops(0, g.nops)) return false;
      out_ += "}";
      return true;
    case Test:
      out_ += "{test,";
      print_atom_text(out_, info.name);
      out_ += ",";
      if (!ops(0, 1)) return false;
      out_ += ",[";
      if (!ops(1, g.nops)) return false;
      out_ += "]}";
      return true;
    case TestFlat:
      out_ += "{test,";
      print_atom_text(out_, info.name);
      out_ += ",";
      if (!ops(0, g.nops)) return false;
      out_ += "}";
      return true;
    case Bif: {  // bif0: [Bif, Dst]; bif1/2: [Fail, Bif, Args..., Dst]
      unsigned bif = g.op == op::bif0 ? 0 : 1;
      out_ += "{bif,";
      if (!operand('b', opnd(bif))) return false;
      out_ += ",";
      if (bif == 0) out_ += "nofail";
      else if (!ops(0, 1)) return false;
      out_ += ",[";
      if (!ops(bif + 1, g.nops - 1)) return false;
      out_ += "],";
      if (!ops(g.nops - 1, g.nops)) return false;
      out_ += "}";
      return true;
    }
    case GcBif:  // [Fail, Live, Bif, Args..., Dst]
      out_ += "{gc_bif,";
      if (!operand('b', opnd(2))) return false;
      out_ += ",";
      if (!ops(0, 2)) return false;
      out_ += ",[";
      if (!ops(3, g.nops - 1)) return false;
      out_ += "],";
      if (!ops(g.nops - 1, g.nops)) return false;
      out_ += "}";
      return true;
    case ArithF:  // [Fail, Args..., Dst]
      out_ += "{arithfbif,";
      print_atom_text(out_, info.name);
      out_ += ",";
      if (!ops(0, 1)) return false;
      out_ += ",[";
      if (!ops(1, g.nops - 1)) return false;
      out_ += "],";
      if (!ops(g.nops - 1, g.nops)) return false;
      out_ += "}";
      return true;
    case ListMid:
      out_ += "{";
      print_atom_text(out_, info.name);
      out_ += ",";
      if (!ops(0, 1)) return false;
      out_ += ",[";
      if (!ops(1, g.nops - 1)) return false;
      out_ += "],";
      if (!ops(g.nops - 1, g.nops)) return false;
      out_ += "}";
      return true;
    case Custom:
      return custom(g);
    case Unknown:
      break;
  }
  return fail(std::string("beam_disasm cannot render ") + info.name);
}

bool Disassembler::run(std::string* err) {
  const std::vector<GenOp>& code = bf_.code;
  auto is_label_or_line = [&](size_t i) { return code[i].op == op::label || code[i].op == op::line; };
  // Split into functions as beam_disasm does: a function is the run of
  // label/line instructions before its func_info, the func_info, and the
  // body up to the label/line run that precedes the next func_info.
  struct Func { size_t begin, info, end; };
  std::vector<Func> funcs;
  size_t n = code.size();
  if (n && code[n - 1].op == op::int_code_end) n--;
  size_t start = 0;
  while (start < n && is_label_or_line(start)) start++;
  if (start >= n) {
    if (n == 0) { *err = "empty code segment"; return false; }
    *err = "no func_info in code segment";
    return false;
  }
  size_t begin = 0;
  size_t i = start;
  while (i < n) {
    if (code[i].op != op::func_info) {
      *err = "expected func_info";
      return false;
    }
    size_t j = i + 1;
    while (j < n && code[j].op != op::func_info) j++;
    size_t end = j;
    if (j < n)
      while (end > i + 1 && is_label_or_line(end - 1)) end--;
    funcs.push_back({begin, i, end});
    begin = end;
    i = j;
  }
  // Entry labels: the labels right after each func_info.
  for (const Func& f : funcs) {
    const GenOp& fi = code[f.info];
    if (bf_.opnd(fi, 0).kind != OpKind::Atom || bf_.opnd(fi, 1).kind != OpKind::Atom ||
        bf_.opnd(fi, 2).kind != OpKind::U) {
      *err = "func_info operands are not {atom, atom, arity}";
      return false;
    }
    Term name = Term(bf_.opnd(fi, 1).val);
    uint32_t arity = uint32_t(bf_.opnd(fi, 2).val);
    for (size_t k = f.info + 1; k < f.end && code[k].op == op::label; k++)
      local_labels_[uint32_t(bf_.opnd(code[k], 0).val)] = {name, arity};
  }
  for (const Func& f : funcs) {
    const GenOp& fi = code[f.info];
    if (f.info + 1 >= f.end || code[f.info + 1].op != op::label) {
      *err = "function without an entry label";
      return false;
    }
    out_ += "{function,";
    print_atom(out_, Term(bf_.opnd(fi, 1).val));
    out_ += "," + std::to_string(bf_.opnd(fi, 2).val) + "," + std::to_string(bf_.opnd(code[f.info + 1], 0).val) + ",\n [";
    // beam_disasm quirk: every function but the first gets the label/line
    // run before its func_info in reverse order.
    bool reverse_head = &f != &funcs[0];
    for (size_t k = f.begin; k < f.end; k++) {
      size_t at = (reverse_head && k < f.info) ? f.begin + (f.info - 1 - k) : k;
      if (k > f.begin) out_ += ",\n  ";
      if (!instruction(code[at])) {
        *err = error_ + " (code offset " + std::to_string(code[at].offset) + ")";
        return false;
      }
    }
    out_ += "]}.\n";
  }
  return true;
}

}  // namespace

bool disassemble(const BeamFile& bf, std::string& out, std::string* err) {
  Disassembler d(bf, out);
  return d.run(err);
}

}  // namespace bvm
