#include "loader/prepare.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <unordered_map>

#include "bifs/bif.h"
#include "vm/atom_table.h"
#include "vm/bignum.h"
#include "vm/compare.h"
#include "vm/map.h"
#include "vm/instr.h"
#include "vm/interp.h"

namespace bvm {

namespace {

// Bit syntax flags (as in the compiler's field_flags).
constexpr unsigned BSF_LITTLE = 2, BSF_SIGNED = 4, BSF_NATIVE = 16;

class Translator {
 public:
  Translator(BeamFile& bf, ModuleVersion& mv) : bf_(bf), mv_(mv), dispatch_(interp_dispatch_table()) {}
  bool run(std::string* error);

 private:
  // ---- emission
  void op(Instr i) {
    check_length();
    cur_start_ = code_.size();
    cur_instr_ = i;
    code_.push_back(dispatch_[i]);
  }
  void w(UWord v) { code_.push_back(v); }
  void label(const Operand& o) {
    if (o.kind != OpKind::Label && o.kind != OpKind::Atom) return fail_op("expected a label");
    uint32_t l = o.kind == OpKind::Label ? uint32_t(o.val) : 0;  // atoms: no_fail / resume
    if (l == 0) {
      w(0);
    } else {
      fixups_.push_back({code_.size(), l});
      w(0);
    }
  }
  void label_num(uint32_t l) {
    fixups_.push_back({code_.size(), l});
    w(0);
  }
  void check_length() {
    if (cur_instr_ != Instr(-1)) {
      unsigned want = instr_words(cur_instr_);
      if (want && code_.size() - cur_start_ != want)
        fail_op(std::string("internal: ") + instr_name(cur_instr_) + " emitted " +
                std::to_string(code_.size() - cur_start_) + " words, vm/instrs.def says " + std::to_string(want));
    }
  }

  // ---- operands
  Term constant(const Operand& o);
  UWord src(const Operand& o);
  UWord dst(const Operand& o);
  bool is_x(const Operand& o) const { return o.kind == OpKind::X || (o.kind == OpKind::TypedReg && o.sub == OpKind::X); }
  bool is_y(const Operand& o) const { return o.kind == OpKind::Y || (o.kind == OpKind::TypedReg && o.sub == OpKind::Y); }
  bool is_const(const Operand& o) const {
    switch (o.kind) {
      case OpKind::I: case OpKind::BigInt: case OpKind::Atom: case OpKind::Nil: case OpKind::Float:
      case OpKind::Literal: case OpKind::Char: return true;
      default: return false;
    }
  }
  UWord reg_num(const Operand& o) const { return UWord(o.val); }
  UWord u(const Operand& o) {
    if (o.kind != OpKind::U) fail_op("expected an unsigned operand");
    return UWord(o.val);
  }
  // Heap words an allocation operand (integer or allocation list) asks for.
  UWord heap_need(const Operand& o);
  Export* import(const Operand& o) {
    if (o.kind != OpKind::U || uint64_t(o.val) >= imports_.size()) {
      fail_op("import index out of range");
      return imports_.empty() ? nullptr : imports_[0];
    }
    return imports_[size_t(o.val)];
  }
  const Operand& list_item(const Operand& list, uint32_t i) const { return bf_.operands[size_t(list.val) + i]; }

  void fail_op(const std::string& m) {
    if (error_.empty()) error_ = m;
  }

  // ---- operand-specialised families (vm/instrs.def)
  // An operand of a family instruction: a generic operand (register,
  // constant or label), a raw word (kind u) or a constant computed here.
  struct Arg {
    enum Kind : uint8_t { Opnd, Word, Const } kind;
    const Operand* o = nullptr;
    UWord w = 0;
    Arg(const Operand& op) : kind(Opnd), o(&op) {}
    Arg(Kind k, UWord v) : kind(k), w(v) {}
    static Arg word(UWord v) { return Arg(Word, v); }
    static Arg term(Term t) { return Arg(Const, t); }
  };
  bool accepts(char kind, const Arg& a) const;
  void put(char kind, const Arg& a);
  // Emits the first variant of f whose kinds accept args; false (nothing
  // emitted) when none does.
  bool emit(Family f, std::initializer_list<Arg> args);
  void emit_any(Family f, std::initializer_list<Arg> args) {
    if (!emit(f, args)) fail_op("internal: no variant of a family takes these operands");
  }

  // ---- translation
  // The generic instruction after the current one (skipping a line
  // instruction; *line gets its item), or null at the end.
  const GenOp* peek(int64_t* line);
  // The same after the instruction at index `at` (peek() is after cur_).
  const GenOp* peek_after(size_t at, int64_t* line);
  // The current instruction and the one peek returned are emitted as one.
  void consume_peeked(int64_t line) {
    consumed_ = peeked_at_ - cur_;
    if (line >= 0) pending_line_ = line;
  }
  bool fuse_move(const GenOp& g);
  void translate(const GenOp& g);
  void emit_bif(const GenOp& g, bool gc);
  void emit_call_fun(UWord arity);
  void emit_select_val(const Operand& s, const Operand& fail, const Operand& list);
  void emit_bs_create_bin(const GenOp& g);
  void emit_put_map(const GenOp& g);
  void emit_bs_get(const GenOp& g, Instr which);
  void emit_bs_match(const GenOp& g);
  const char* bs_string(int64_t offset, int64_t len);

  BeamFile& bf_;
  ModuleVersion& mv_;
  const UWord* dispatch_;
  std::vector<UWord> code_;
  std::vector<std::pair<size_t, uint32_t>> fixups_;  // code index -> label
  std::vector<int64_t> labels_;                      // label -> code index
  std::vector<Export*> imports_;
  std::vector<std::pair<size_t, size_t>> func_ranges_;  // code index of func_info, end
  std::vector<std::pair<Term, Term>> func_names_;
  std::vector<uint32_t> func_arities_;
  int64_t pending_line_ = -1;   // line item waiting for the next instruction
  size_t cur_ = 0;              // index of the generic instruction being translated
  size_t peeked_at_ = 0;        // index of the one peek() returned
  size_t consumed_ = 0;         // generic instructions after cur_ it also translated
  size_t cur_start_ = 0;
  Instr cur_instr_ = Instr(-1);
  int64_t on_load_offset_ = -1;
  std::string error_;
};

Term Translator::constant(const Operand& o) {
  LiteralArea& area = *mv_.literals;
  switch (o.kind) {
    case OpKind::I: {
      if (fits_small(o.val)) return make_small(o.val);
      Term* hp = area.alloc(2);
      UWord used;
      return make_integer_i64(hp, o.val, &used);
    }
    case OpKind::BigInt: return bf_.big_ints[size_t(o.val)];
    case OpKind::Atom: return Term(o.val);
    case OpKind::Nil: return NIL;
    case OpKind::Char: return make_small(o.val);
    case OpKind::Literal: return bf_.literals[size_t(o.val)];
    case OpKind::Float: {
      double d;
      uint64_t bits = uint64_t(o.val);
      std::memcpy(&d, &bits, sizeof d);
      return make_float_at(area.alloc(FLOAT_WORDS), d);
    }
    case OpKind::U: return make_small(o.val);
    default:
      fail_op("expected a constant operand");
      return NIL;
  }
}

UWord Translator::src(const Operand& o) {
  if (is_x(o)) return reg_num(o) << 3;
  if (is_y(o)) return ((reg_num(o) + 1) << 3) | 4;
  return constant(o);
}

UWord Translator::dst(const Operand& o) {
  if (is_x(o)) return reg_num(o) << 3;
  if (is_y(o)) return ((reg_num(o) + 1) << 3) | 4;
  fail_op("expected a register operand");
  return 0;
}

UWord Translator::heap_need(const Operand& o) {
  if (o.kind == OpKind::U) return UWord(o.val);
  if (o.kind != OpKind::Alloc) {
    fail_op("bad heap need operand");
    return 0;
  }
  UWord words = 0;
  for (uint32_t i = 0; i < o.extra; i++) {
    const Operand& k = bf_.operands[size_t(o.val) + 2 * i];
    const Operand& v = bf_.operands[size_t(o.val) + 2 * i + 1];
    if (k.val == 0) words += UWord(v.val);
    else if (k.val == 1) words += UWord(v.val) * FLOAT_WORDS;
    else words += UWord(v.val) * (FUN_HEADER_WORDS);  // funs: closure header words
  }
  return words;
}

bool Translator::accepts(char kind, const Arg& a) const {
  if (a.kind == Arg::Word) return kind == 'u';
  if (a.kind == Arg::Const) {
    Term t = Term(a.w);
    return kind == 'c' || kind == 'S' || (kind == 'i' && is_small(t)) || (kind == 'a' && is_immed(t));
  }
  const Operand& o = *a.o;
  switch (kind) {
    case 'x': return is_x(o);
    case 'y': return is_y(o);
    case 'c': return is_const(o);
    case 'i': return (o.kind == OpKind::I && fits_small(o.val)) || o.kind == OpKind::Char;
    case 'a':
      return (o.kind == OpKind::I && fits_small(o.val)) || o.kind == OpKind::Char || o.kind == OpKind::Atom ||
             o.kind == OpKind::Nil || (o.kind == OpKind::Literal && is_immed(bf_.literals[size_t(o.val)]));
    case 'S': return is_x(o) || is_y(o) || is_const(o);
    case 'D': return is_x(o) || is_y(o);
    case 'f': return o.kind == OpKind::Label || o.kind == OpKind::Atom;
    default: return false;
  }
}

void Translator::put(char kind, const Arg& a) {
  if (a.kind != Arg::Opnd) return w(a.w);
  const Operand& o = *a.o;
  switch (kind) {
    case 'x': return w(reg_num(o));
    case 'y': return w(reg_num(o) + 1);
    case 'c': case 'i': case 'a': return w(constant(o));
    case 'S': return w(src(o));
    case 'D': return w(dst(o));
    case 'f': return label(o);
    default: return fail_op("internal: bad operand kind");
  }
}

bool Translator::emit(Family f, std::initializer_list<Arg> args) {
  for (Instr v : family_variants(f)) {
    const char* kinds = instr_kinds(v);
    if (std::strlen(kinds) != args.size()) {
      fail_op(std::string("internal: ") + instr_name(v) + " takes " + std::to_string(std::strlen(kinds)) +
              " operands");
      return true;
    }
    size_t i = 0;
    bool ok = true;
    for (const Arg& a : args) ok = ok && accepts(kinds[i++], a);
    if (!ok) continue;
    op(v);
    i = 0;
    for (const Arg& a : args) put(kinds[i++], a);
    return true;
  }
  return false;
}

const GenOp* Translator::peek(int64_t* line) { return peek_after(cur_, line); }

const GenOp* Translator::peek_after(size_t at, int64_t* line) {
  *line = -1;
  size_t k = at + 1;
  if (k < bf_.code.size() && bf_.code[k].op == op::line) {
    const Operand& item = bf_.opnd(bf_.code[k], 0);
    if (item.kind != OpKind::U) return nullptr;
    *line = item.val;
    k++;
  }
  if (k >= bf_.code.size()) return nullptr;
  peeked_at_ = k;
  return &bf_.code[k];
}

const char* Translator::bs_string(int64_t offset, int64_t len) {
  if (len < 0 || offset < 0 || uint64_t(offset) > bf_.strings.size() ||
      uint64_t(len) > bf_.strings.size() - uint64_t(offset)) {
    fail_op("string operand out of range");
    return "";
  }
  // Copy into the literal area so the code owns it.
  Term* mem = mv_.literals->alloc((size_t(len) + 7) / 8 + 1);
  std::memcpy(mem, bf_.strings.data() + offset, size_t(len));
  return reinterpret_cast<const char*>(mem);
}

void Translator::emit_bif(const GenOp& g, bool gc) {
  auto opnd = [&](unsigned i) -> const Operand& { return bf_.opnd(g, i); };
  // bif0: Bif Dst | bif1/2: Fail Bif Args Dst | gc_bifN: Fail Live Bif Args Dst
  unsigned nargs = g.op == op::bif0 ? 0 : g.op == op::bif1 ? 1 : g.op == op::bif2 ? 2
                 : g.op == op::gc_bif1 ? 1 : g.op == op::gc_bif2 ? 2 : 3;
  unsigned bif_at = g.op == op::bif0 ? 0 : gc ? 2 : 1;
  Export* e = import(opnd(bif_at));
  if (!e) return;
  if (!e->bif) {
    fail_op("guard BIF " + std::string(atom_text(e->module())) + ":" + std::string(atom_text(e->function())) + "/" +
            std::to_string(e->arity) + " is not implemented");
    return;
  }
  const Operand* args = &opnd(bif_at + 1);
  const Operand& d = opnd(g.nops - 1);
  if (g.op == op::bif0) {
    op(I_bif0);
    w(reinterpret_cast<UWord>(e->bif));
    w(reinterpret_cast<UWord>(e));
    w(dst(d));
    return;
  }
  if (gc && nargs == 2 && atom_text(e->module()) == "erlang" && e->arity == 2) {
    std::string_view fn = atom_text(e->function());
    bool plus = fn == "+", minus = fn == "-";
    // S + small constant, small constant + S, S - small constant: increment.
    const Operand *var = nullptr;
    SWord k = 0;
    if ((plus || minus) && args[1].kind == OpKind::I && fits_small(args[1].val) && !is_const(args[0])) {
      var = &args[0];
      k = plus ? args[1].val : -args[1].val;
    } else if (plus && args[0].kind == OpKind::I && fits_small(args[0].val) && !is_const(args[1])) {
      var = &args[1];
      k = args[0].val;
    }
    if (var && fits_small(k)) return emit_any(F_increment, {opnd(0), Arg::word(u(opnd(1))), *var, Arg::term(make_small(k)), d});
    // Families with a small-integer fast path, laid out as gc_bif2.
    static const std::pair<std::string_view, Family> fast[] = {
        {"+", F_plus}, {"-", F_minus}, {"*", F_times}, {"div", F_int_div}, {"rem", F_int_rem},
        {"band", F_band}, {"bor", F_bor}, {"bxor", F_bxor}, {"bsl", F_bsl}, {"bsr", F_bsr}};
    for (auto [name, fam] : fast) {
      if (fn != name) continue;
      return emit_any(fam, {Arg::word(reinterpret_cast<UWord>(e->bif)), Arg::word(reinterpret_cast<UWord>(e)), opnd(0),
                            Arg::word(u(opnd(1))), args[0], args[1], d});
    }
  }
  static const Instr plain[] = {I_bif0, I_bif1, I_bif2};
  static const Instr gcs[] = {I_bif0, I_gc_bif1, I_gc_bif2, I_gc_bif3};
  Instr ins = gc ? gcs[nargs] : plain[nargs];
  if (e->module() == am::erlang) {
    // Inline forms with the same layout (vm/instrs.def).
    std::string_view fn = atom_text(e->function());
    if (ins == I_bif0 && fn == "self") ins = I_bif0_self;
    else if (ins == I_bif1 && fn == "hd") ins = I_bif1_hd;
    else if (ins == I_bif1 && fn == "tl") ins = I_bif1_tl;
    else if (ins == I_bif2 && fn == "element") ins = I_bif2_element;
    else if (ins == I_bif2 && fn == "map_get") ins = I_bif2_map_get;
    else if (ins == I_bif2 && fn == "is_map_key") ins = I_bif2_is_map_key;
    else if (ins == I_gc_bif1 && fn == "length") ins = I_gc_bif1_length;
    else if (ins == I_gc_bif1 && fn == "tuple_size") ins = I_gc_bif1_tuple_size;
    else if (ins == I_gc_bif1 && fn == "map_size") ins = I_gc_bif1_map_size;
    else if (ins == I_gc_bif1 && fn == "byte_size") ins = I_gc_bif1_byte_size;
  }
  op(ins);
  w(reinterpret_cast<UWord>(e->bif));
  w(reinterpret_cast<UWord>(e));
  label(opnd(0));
  if (gc) w(u(opnd(1)));
  for (unsigned i = 0; i < nargs; i++) w(src(args[i]));
  w(dst(d));
}

void Translator::emit_select_val(const Operand& s, const Operand& fail, const Operand& list) {
  uint32_t n = list.extra / 2;
  std::vector<std::pair<Term, uint32_t>> cases;
  bool all_small = true, all_immed = true;
  for (uint32_t i = 0; i < n; i++) {
    Term v = constant(list_item(list, 2 * i));
    const Operand& l = list_item(list, 2 * i + 1);
    if (l.kind != OpKind::Label) return fail_op("select_val: expected a label");
    cases.push_back({v, uint32_t(l.val)});
    all_small = all_small && is_small(v);
    all_immed = all_immed && is_immed(v);
  }
  if (all_small && n > 0) {
    SWord lo = small_val(cases[0].first), hi = lo;
    for (auto& c : cases) {
      lo = std::min(lo, small_val(c.first));
      hi = std::max(hi, small_val(c.first));
    }
    UWord range = UWord(hi - lo) + 1;
    if (range <= 2 * UWord(n) + 8) {
      op(I_select_val_jump);
      w(src(s));
      label(fail);
      w(make_small(lo));
      w(range);
      std::vector<uint32_t> targets(range, 0);
      for (auto& c : cases) targets[UWord(small_val(c.first) - lo)] = c.second;
      for (UWord i = 0; i < range; i++) {
        if (targets[i]) label_num(targets[i]);
        else label(fail);
      }
      return;
    }
  }
  if (all_immed) {
    std::sort(cases.begin(), cases.end(), [](auto& a, auto& b) { return a.first < b.first; });
    op(I_select_val_bsearch);
  } else {
    op(I_select_val_linear);
  }
  w(src(s));
  label(fail);
  w(n);
  for (auto& c : cases) w(c.first);
  for (auto& c : cases) label_num(c.second);
}

// bs_create_bin Fail Alloc Live Unit Dst {list, [Type, Seg, Unit, Flags, Src, Size]*}
void Translator::emit_bs_create_bin(const GenOp& g) {
  auto opnd = [&](unsigned i) -> const Operand& { return bf_.opnd(g, i); };
  const Operand& list = opnd(5);
  if (list.kind != OpKind::List || list.extra % 6 != 0) return fail_op("bs_create_bin: bad segment list");
  uint32_t n = list.extra / 6;
  op(I_bs_create_bin);
  label(opnd(0));
  w(heap_need(opnd(1)));
  w(u(opnd(2)));
  w(dst(opnd(4)));
  w(n);
  for (uint32_t i = 0; i < n; i++) {
    const Operand& type = list_item(list, 6 * i);
    const Operand& seg = list_item(list, 6 * i + 1);
    const Operand& unit = list_item(list, 6 * i + 2);
    const Operand& flags_op = list_item(list, 6 * i + 3);
    const Operand& source = list_item(list, 6 * i + 4);
    const Operand& size = list_item(list, 6 * i + 5);
    if (type.kind != OpKind::Atom) return fail_op("bs_create_bin: segment type is not an atom");
    std::string_view t = atom_text(Term(type.val));
    BsSeg kind;
    if (t == "integer") kind = BsSeg::Integer;
    else if (t == "float") kind = BsSeg::Float;
    else if (t == "binary") kind = BsSeg::Binary;
    else if (t == "string") kind = BsSeg::String;
    else if (t == "utf8") kind = BsSeg::Utf8;
    else if (t == "utf16") kind = BsSeg::Utf16;
    else if (t == "utf32") kind = BsSeg::Utf32;
    else if (t == "append") kind = BsSeg::Append;
    else if (t == "private_append") kind = BsSeg::PrivateAppend;
    else return fail_op("bs_create_bin: unknown segment type");
    unsigned flags = 0;
    if (flags_op.kind == OpKind::Literal) {
      for (Term l = bf_.literals[size_t(flags_op.val)]; is_list(l); l = cdr(l)) {
        std::string_view f = atom_text(car(l));
        if (f == "little") flags |= BSF_LITTLE;
        else if (f == "native") flags |= BSF_NATIVE;
        else if (f == "signed") flags |= BSF_SIGNED;
      }
    }
    if (flags & BSF_NATIVE) flags = (flags & ~BSF_NATIVE) | BSF_LITTLE;  // x86-64 and arm64 are little-endian
    w(UWord(kind));
    w(u(unit));
    w((u(seg) << 8) | flags);
    if (kind == BsSeg::String) {
      // Src is the string table offset, Size its length in bytes.
      int64_t len = size.kind == OpKind::I ? size.val : -1;
      w(reinterpret_cast<UWord>(bs_string(source.kind == OpKind::U ? source.val : -1, len)));
      w(make_small(len));
    } else {
      w(src(source));
      w(size.kind == OpKind::Atom ? Term(size.val) : src(size));  // 'all' or 'undefined' stay atoms
    }
  }
}

// bs_get_integer2/float2/binary2: Fail Ctx Live Size Unit Flags Dst
void Translator::emit_bs_get(const GenOp& g, Instr which) {
  auto opnd = [&](unsigned i) -> const Operand& { return bf_.opnd(g, i); };
  op(which);
  label(opnd(0));
  w(src(opnd(1)));
  w(u(opnd(2)));
  const Operand& size = opnd(3);
  w(size.kind == OpKind::Atom ? Term(size.val) : src(size));
  w(u(opnd(4)));
  unsigned flags = unsigned(u(opnd(5)));
  if (flags & BSF_NATIVE) flags = (flags & ~BSF_NATIVE) | BSF_LITTLE;
  w(flags);
  w(dst(opnd(6)));
}

// OTP 26: bs_match Fail Ctx {commands...}. Commands are encoded as words:
// [cmd, args...] with cmd a BsCmd; operands converted like everywhere else.
void Translator::emit_bs_match(const GenOp& g) {
  auto opnd = [&](unsigned i) -> const Operand& { return bf_.opnd(g, i); };
  const Operand& list = opnd(2);
  if (list.kind != OpKind::List) return fail_op("bs_match: expected a command list");
  op(I_bs_match);
  label(opnd(0));
  w(src(opnd(1)));
  size_t count_at = code_.size();
  w(0);
  uint32_t i = 0;
  auto item = [&]() -> const Operand& {
    static const Operand none{OpKind::Nil, OpKind::U, 0, 0, 0};
    if (i >= list.extra) {
      fail_op("bs_match: truncated command");
      return none;
    }
    return list_item(list, i++);
  };
  while (i < list.extra) {
    const Operand& cmd = item();
    if (cmd.kind != OpKind::Atom) return fail_op("bs_match: command is not an atom");
    std::string_view c = atom_text(Term(cmd.val));
    if (c == "ensure_at_least") {
      w(UWord(BsCmd::EnsureAtLeast));
      w(u(item()));
      w(u(item()));
    } else if (c == "ensure_exactly") {
      w(UWord(BsCmd::EnsureExactly));
      w(u(item()));
    } else if (c == "integer" || c == "binary") {
      w(UWord(c == "integer" ? BsCmd::Integer : BsCmd::Binary));
      w(u(item()));  // live
      const Operand& flags_op = item();
      unsigned flags = 0;
      if (flags_op.kind == OpKind::Literal) {
        for (Term l = bf_.literals[size_t(flags_op.val)]; is_list(l); l = cdr(l)) {
          std::string_view f = atom_text(car(l));
          if (f == "little" || f == "native") flags |= BSF_LITTLE;
          else if (f == "signed") flags |= BSF_SIGNED;
        }
      }
      w(flags);
      w(u(item()));  // size
      w(u(item()));  // unit
      w(dst(item()));
    } else if (c == "skip") {
      w(UWord(BsCmd::Skip));
      w(u(item()));
    } else if (c == "get_tail") {
      w(UWord(BsCmd::GetTail));
      w(u(item()));  // live
      w(u(item()));  // unit
      w(dst(item()));
    } else if (c == "=:=") {
      w(UWord(BsCmd::Equal));
      item();        // live (unused)
      w(u(item()));  // bits
      w(src(item()));
    } else {
      return fail_op("bs_match: unknown command");
    }
  }
  code_[count_at] = code_.size() - count_at - 1;  // command words
}

// put_map_assoc/put_map_exact Fail Map Dst Live {list, [Key, Value]...}.
// Constant keys are sorted here (as the reference's loader does, so an
// exact update reports the first missing key in key order); a map built
// from #{} with them is a copy of a keys tuple made here and the values.
void Translator::emit_put_map(const GenOp& g) {
  auto opnd = [&](unsigned i) -> const Operand& { return bf_.opnd(g, i); };
  const Operand& list = opnd(4);
  uint32_t n = list.extra / 2;
  std::vector<std::pair<Term, uint32_t>> keys;  // constant key, pair index
  for (uint32_t i = 0; i < n && keys.size() == i; i++)
    if (is_const(list_item(list, 2 * i))) keys.push_back({constant(list_item(list, 2 * i)), i});
  bool sorted = n > 0 && keys.size() == n;
  if (sorted) {
    std::sort(keys.begin(), keys.end(),
              [](const auto& a, const auto& b) { return term_compare_exact(a.first, b.first) < 0; });
    for (uint32_t i = 1; i < n && sorted; i++) sorted = term_compare_exact(keys[i - 1].first, keys[i].first) < 0;
  }
  const Operand& map = opnd(1);
  bool from_empty = map.kind == OpKind::Literal && is_map(bf_.literals[size_t(map.val)]) &&
                    map_size(bf_.literals[size_t(map.val)]) == 0;
  if (sorted && g.op == op::put_map_assoc && from_empty && n <= MAP_SMALL_LIMIT) {
    Term* kt = mv_.literals->alloc(1 + n);
    kt[0] = make_header(n, Sub::Tuple);
    for (uint32_t i = 0; i < n; i++) kt[1 + i] = keys[i].first;
    op(I_new_map_lit);
    w(dst(opnd(2)));
    w(u(opnd(3)));
    w(make_boxed(kt));
    w(n);
    for (uint32_t i = 0; i < n; i++) w(src(list_item(list, 2 * keys[i].second + 1)));
    return;
  }
  bool assoc = g.op == op::put_map_assoc;
  op(sorted ? (assoc ? I_put_map_assoc_sorted : I_put_map_exact_sorted) : (assoc ? I_put_map_assoc : I_put_map_exact));
  label(opnd(0));
  w(src(map));
  w(dst(opnd(2)));
  w(u(opnd(3)));
  w(n);
  for (uint32_t i = 0; i < n; i++) {
    uint32_t k = sorted ? keys[i].second : i;
    w(src(list_item(list, 2 * k)));
    w(src(list_item(list, 2 * k + 1)));
  }
}

// A move and what follows it as one instruction: two moves, or a move and
// a local call.
bool Translator::fuse_move(const GenOp& g) {
  const Operand& s = bf_.opnd(g, 0);
  const Operand& d = bf_.opnd(g, 1);
  int64_t line;
  const GenOp* next = peek(&line);
  if (!next) return false;
  bool done = false;
  if (next->op == op::move && line < 0) {
    // Two moves and a local call.
    size_t second = peeked_at_;
    int64_t call_line;
    const GenOp* call = peek_after(second, &call_line);
    if (call && call->op == op::call &&
        emit(F_move2_call, {s, d, bf_.opnd(*next, 0), bf_.opnd(*next, 1), bf_.opnd(*call, 1)})) {
      consume_peeked(call_line);
      return true;
    }
    peeked_at_ = second;
    done = emit(F_move2, {s, d, bf_.opnd(*next, 0), bf_.opnd(*next, 1)});
  } else if (next->op == op::call) {
    done = emit(F_move_call, {s, d, bf_.opnd(*next, 1)});
  } else if (next->op == op::call_only) {
    done = emit(F_move_call_only, {s, d, bf_.opnd(*next, 1)});
  } else if (next->op == op::call_last) {
    done = emit(F_move_call_last, {s, d, bf_.opnd(*next, 1), Arg::word(u(bf_.opnd(*next, 2)) + 1)});
  }
  if (done) consume_peeked(line);
  return done;
}

// A fun call; followed by deallocate and return it is a tail call, as in
// the reference (the compiler has no tail form of call_fun): the frame goes
// before the call, so a loop through funs runs in constant stack and what
// only the frame held can be collected.
void Translator::emit_call_fun(UWord arity) {
  int64_t line, ret_line;
  const GenOp* dealloc = peek(&line);
  if (dealloc && dealloc->op == op::deallocate && line < 0) {
    UWord frame = u(bf_.opnd(*dealloc, 0)) + 1;
    const GenOp* ret = peek_after(peeked_at_, &ret_line);
    if (ret && ret->op == op::return_ && ret_line < 0) {
      consume_peeked(ret_line);
      op(I_call_fun_last);
      w(arity);
      w(frame);
      return;
    }
  }
  op(I_call_fun);
  w(arity);
}

void Translator::translate(const GenOp& g) {
  auto opnd = [&](unsigned i) -> const Operand& { return bf_.opnd(g, i); };
  switch (g.op) {
    case op::label: {
      uint32_t l = uint32_t(u(opnd(0)));
      if (l >= labels_.size()) return fail_op("label out of range");
      labels_[l] = int64_t(code_.size());
      return;
    }
    case op::line:
      pending_line_ = int64_t(u(opnd(0)));
      return;
    case op::executable_line:
      if (opnd(0).kind == OpKind::U) pending_line_ = opnd(0).val;
      return;
    case op::debug_line:
      return;
    case op::int_code_end:
      return;
    case op::on_load:
      on_load_offset_ = int64_t(code_.size());  // the entry of the function it opens
      return;
    case op::nif_start:
    case op::recv_mark:
    case op::recv_set:
      return;
    case op::func_info: {
      if (opnd(0).kind != OpKind::Atom || opnd(1).kind != OpKind::Atom) return fail_op("bad func_info");
      if (!func_ranges_.empty()) func_ranges_.back().second = code_.size();
      func_ranges_.push_back({code_.size(), 0});
      func_names_.push_back({Term(opnd(0).val), Term(opnd(1).val)});
      func_arities_.push_back(uint32_t(u(opnd(2))));
      op(I_func_info);
      w(0);  // patched with the MFA triple's address
      return;
    }
    case op::call:
      op(I_call);
      label(opnd(1));
      return;
    case op::call_last:
      op(I_call_last);
      label(opnd(1));
      w(u(opnd(2)) + 1);
      return;
    case op::call_only:
      op(I_call_only);
      label(opnd(1));
      return;
    case op::call_ext:
    case op::call_ext_last:
    case op::call_ext_only: {
      Export* e = import(opnd(1));
      if (!e) return;
      bool bif = e->bif && !(e->bif_flags & BIF_TRAPS_OR_SPECIAL);
      if (g.op == op::call_ext) {
        op(bif ? I_call_bif : I_call_ext);
        if (bif) w(reinterpret_cast<UWord>(e->bif));
        w(reinterpret_cast<UWord>(e));
      } else if (g.op == op::call_ext_last) {
        op(bif ? I_call_bif_last : I_call_ext_last);
        if (bif) w(reinterpret_cast<UWord>(e->bif));
        w(reinterpret_cast<UWord>(e));
        w(u(opnd(2)) + 1);
      } else {
        op(bif ? I_call_bif_only : I_call_ext_only);
        if (bif) w(reinterpret_cast<UWord>(e->bif));
        w(reinterpret_cast<UWord>(e));
      }
      return;
    }
    case op::bif0: case op::bif1: case op::bif2:
      return emit_bif(g, false);
    case op::gc_bif1: case op::gc_bif2: case op::gc_bif3:
      return emit_bif(g, true);
    case op::allocate:
    case op::allocate_zero:
      if (g.op == op::allocate) {
        // With the move that saves an argument in the new frame: one instruction.
        int64_t line;
        const GenOp* next = peek(&line);
        if (next && next->op == op::move && line < 0 &&
            emit(F_allocate_move, {Arg::word(u(opnd(0)) + 1), Arg::word(u(opnd(1))), bf_.opnd(*next, 0),
                                   bf_.opnd(*next, 1)})) {
          consume_peeked(line);
          return;
        }
      }
      op(g.op == op::allocate ? I_allocate : I_allocate_zero);
      w(u(opnd(0)) + 1);
      w(u(opnd(1)));
      return;
    case op::allocate_heap:
    case op::allocate_heap_zero:
      op(g.op == op::allocate_heap ? I_allocate_heap : I_allocate_heap_zero);
      w(u(opnd(0)) + 1);
      w(heap_need(opnd(1)));
      w(u(opnd(2)));
      return;
    case op::test_heap: {
      // With the put_list it makes room for: one instruction.
      int64_t line;
      const GenOp* next = peek(&line);
      if (next && next->op == op::put_list && line < 0 &&
          emit(F_test_heap_put_list, {Arg::word(heap_need(opnd(0))), Arg::word(u(opnd(1))), bf_.opnd(*next, 0),
                                      bf_.opnd(*next, 1), bf_.opnd(*next, 2)})) {
        consume_peeked(line);
        return;
      }
      op(I_test_heap);
      w(heap_need(opnd(0)));
      w(u(opnd(1)));
      return;
    }
    case op::init:
      op(I_init_y);
      if (!is_y(opnd(0))) return fail_op("init: expected a y register");
      w(reg_num(opnd(0)) + 1);
      return;
    case op::init_yregs: {
      const Operand& list = opnd(0);
      op(I_init_yregs);
      w(list.extra);
      for (uint32_t i = 0; i < list.extra; i++) {
        if (!is_y(list_item(list, i))) return fail_op("init_yregs: expected y registers");
        w(reg_num(list_item(list, i)) + 1);
      }
      return;
    }
    case op::deallocate: {
      int64_t line;
      const GenOp* next = peek(&line);
      if (next && next->op == op::return_) {
        consume_peeked(line);
        op(I_deallocate_return);
      } else {
        op(I_deallocate);
      }
      w(u(opnd(0)) + 1);
      return;
    }
    case op::trim:
      op(I_trim);
      w(u(opnd(0)));
      return;
    case op::return_:
      op(I_return);
      return;
    case op::send:
      op(I_send);
      return;
    case op::remove_message:
      op(I_remove_message);
      return;
    case op::timeout:
      op(I_timeout);
      return;
    case op::loop_rec:
      op(I_loop_rec);
      label(opnd(0));
      w(dst(opnd(1)));
      return;
    case op::loop_rec_end:
      op(I_loop_rec_end);
      label(opnd(0));
      return;
    case op::wait:
      op(I_wait);
      label(opnd(0));
      return;
    case op::wait_timeout:
      op(I_wait_timeout);
      label(opnd(0));
      w(src(opnd(1)));
      return;
    case op::recv_marker_bind:
      op(I_recv_marker_bind);
      w(src(opnd(0)));
      w(src(opnd(1)));
      return;
    case op::recv_marker_clear:
      op(I_recv_marker_clear);
      w(src(opnd(0)));
      return;
    case op::recv_marker_reserve:
      op(I_recv_marker_reserve);
      w(dst(opnd(0)));
      return;
    case op::recv_marker_use:
      op(I_recv_marker_use);
      w(src(opnd(0)));
      return;
    case op::is_lt: case op::is_ge: case op::is_eq: case op::is_ne: {
      Family f = g.op == op::is_lt ? F_is_lt : g.op == op::is_ge ? F_is_ge : g.op == op::is_eq ? F_is_eq : F_is_ne;
      return emit_any(f, {opnd(0), opnd(1), opnd(2)});
    }
    case op::is_eq_exact: case op::is_ne_exact: {
      // Symmetric: the constant (if any) second.
      const Operand* a = &opnd(1);
      const Operand* b = &opnd(2);
      if (is_const(*a) && !is_const(*b)) std::swap(a, b);
      return emit_any(g.op == op::is_eq_exact ? F_is_eq_exact : F_is_ne_exact, {opnd(0), *a, *b});
    }
    case op::is_nonempty_list: {
      // is_nonempty_list then get_list of the same x register: one instruction.
      int64_t line;
      const GenOp* next = peek(&line);
      if (next && next->op == op::get_list && line < 0 && is_x(opnd(1))) {
        const Operand& l = bf_.opnd(*next, 0);
        if (is_x(l) && reg_num(l) == reg_num(opnd(1)) &&
            emit(F_is_nonempty_list_get_list, {opnd(0), opnd(1), bf_.opnd(*next, 1), bf_.opnd(*next, 2)})) {
          consume_peeked(line);
          return;
        }
      }
      return emit_any(F_is_nonempty_list, {opnd(0), opnd(1)});
    }
    case op::is_integer: case op::is_float: case op::is_number: case op::is_atom: case op::is_pid:
    case op::is_reference: case op::is_port: case op::is_nil: case op::is_binary: case op::is_list:
    case op::is_tuple: case op::is_boolean: case op::is_function: case op::is_bitstr: case op::is_map: {
      Family f;
      switch (g.op) {
        case op::is_integer: f = F_is_integer; break;
        case op::is_float: f = F_is_float; break;
        case op::is_number: f = F_is_number; break;
        case op::is_atom: f = F_is_atom; break;
        case op::is_pid: f = F_is_pid; break;
        case op::is_reference: f = F_is_reference; break;
        case op::is_port: f = F_is_port; break;
        case op::is_nil: f = F_is_nil; break;
        case op::is_binary: f = F_is_binary; break;
        case op::is_list: f = F_is_list; break;
        case op::is_tuple: f = F_is_tuple; break;
        case op::is_boolean: f = F_is_boolean; break;
        case op::is_function: f = F_is_function; break;
        case op::is_bitstr: f = F_is_bitstr; break;
        default: f = F_is_map; break;
      }
      return emit_any(f, {opnd(0), opnd(1)});
    }
    case op::is_function2:
      op(I_is_function2);
      label(opnd(0));
      w(src(opnd(1)));
      w(src(opnd(2)));
      return;
    case op::test_arity:
      return emit_any(F_test_arity, {opnd(0), opnd(1), Arg::word(make_header(u(opnd(2)), Sub::Tuple))});
    case op::is_tagged_tuple:
      if (!accepts('a', opnd(3))) return fail_op("is_tagged_tuple: the tag is not an atom");
      return emit_any(F_is_tagged_tuple, {opnd(0), opnd(1), Arg::word(make_header(u(opnd(2)), Sub::Tuple)), opnd(3)});
    case op::select_val:
      return emit_select_val(opnd(0), opnd(1), opnd(2));
    case op::select_tuple_arity: {
      const Operand& list = opnd(2);
      uint32_t n = list.extra / 2;
      op(I_select_tuple_arity);
      w(src(opnd(0)));
      label(opnd(1));
      w(n);
      for (uint32_t i = 0; i < n; i++) {
        const Operand& a = list_item(list, 2 * i);
        w(make_header(UWord(a.val), Sub::Tuple));
      }
      for (uint32_t i = 0; i < n; i++) label(list_item(list, 2 * i + 1));
      return;
    }
    case op::jump:
      op(I_jump);
      label(opnd(0));
      return;
    case op::catch_:
    case op::try_:
      if (!is_y(opnd(0))) return fail_op("catch/try: expected a y register");
      op(g.op == op::catch_ ? I_catch : I_try);
      w(reg_num(opnd(0)) + 1);
      label(opnd(1));
      return;
    case op::catch_end:
    case op::try_end:
    case op::try_case:
      if (!is_y(opnd(0))) return fail_op("expected a y register");
      op(g.op == op::catch_end ? I_catch_end : g.op == op::try_end ? I_try_end : I_try_case);
      w(reg_num(opnd(0)) + 1);
      return;
    case op::move:
      if (fuse_move(g)) return;
      if (!is_x(opnd(1)) && !is_y(opnd(1))) return fail_op("move: bad destination");
      return emit_any(F_move, {opnd(0), opnd(1)});
    case op::swap:
      op(I_swap);
      w(dst(opnd(0)));
      w(dst(opnd(1)));
      return;
    case op::get_list:
      return emit_any(F_get_list, {opnd(0), opnd(1), opnd(2)});
    case op::get_hd:
      return emit_any(F_get_hd, {opnd(0), opnd(1)});
    case op::get_tl:
      return emit_any(F_get_tl, {opnd(0), opnd(1)});
    case op::get_tuple_element: {
      const Operand& t = opnd(0);
      const Operand& d = opnd(2);
      UWord index = u(opnd(1)) + 1;
      // Two elements of the same tuple in a row (the first not overwriting it).
      int64_t line;
      const GenOp* next = peek(&line);
      if (next && next->op == op::get_tuple_element && line < 0 && is_x(t) &&
          !(is_x(d) && reg_num(d) == reg_num(t))) {
        const Operand& t2 = bf_.opnd(*next, 0);
        if (is_x(t2) && reg_num(t2) == reg_num(t) &&
            emit(F_get_two_tuple_elements, {t, Arg::word(index), d, Arg::word(u(bf_.opnd(*next, 1)) + 1),
                                            bf_.opnd(*next, 2)})) {
          consume_peeked(line);
          return;
        }
      }
      return emit_any(F_get_tuple_element, {t, Arg::word(index), d});
    }
    case op::set_tuple_element:
      op(I_set_tuple_element);
      w(src(opnd(0)));
      w(dst(opnd(1)));
      w(u(opnd(2)) + 1);
      return;
    case op::put_list:
      return emit_any(F_put_list, {opnd(0), opnd(1), opnd(2)});
    case op::put_tuple2: {
      const Operand& list = opnd(1);
      op(I_put_tuple2);
      w(dst(opnd(0)));
      w(list.extra);
      for (uint32_t i = 0; i < list.extra; i++) w(src(list_item(list, i)));
      return;
    }
    case op::update_record: {
      // update_record Hint Size Src Dst {list, [Index, Value]...}
      const Operand& list = opnd(4);
      op(I_update_record);
      w(opnd(0).kind == OpKind::Atom ? Term(opnd(0).val) : NIL);
      w(u(opnd(1)));
      w(src(opnd(2)));
      w(dst(opnd(3)));
      w(list.extra / 2);
      for (uint32_t i = 0; i + 1 < list.extra; i += 2) {
        w(u(list_item(list, i)));
        w(src(list_item(list, i + 1)));
      }
      return;
    }
    case op::badmatch: op(I_badmatch); w(src(opnd(0))); return;
    case op::case_end: op(I_case_end); w(src(opnd(0))); return;
    case op::try_case_end: op(I_try_case_end); w(src(opnd(0))); return;
    case op::badrecord: op(I_badrecord); w(src(opnd(0))); return;
    case op::if_end: op(I_if_end); return;
    case op::raise:
      op(I_raise);
      w(src(opnd(0)));
      w(src(opnd(1)));
      return;
    case op::build_stacktrace: op(I_build_stacktrace); return;
    case op::raw_raise: op(I_raw_raise); return;
    case op::call_fun:
      emit_call_fun(u(opnd(0)));
      return;
    case op::call_fun2: {
      // call_fun2 Tag Arity Func: the fun must end up in x(Arity).
      UWord arity = u(opnd(1));
      const Operand& f = opnd(2);
      if (!(is_x(f) && reg_num(f) == arity)) {
        Operand xa{OpKind::X, OpKind::X, 0, 0, int64_t(arity)};
        emit_any(F_move, {f, xa});
      }
      emit_call_fun(arity);
      return;
    }
    case op::apply:
      op(I_apply);
      w(u(opnd(0)));
      return;
    case op::apply_last:
      op(I_apply_last);
      w(u(opnd(0)));
      w(u(opnd(1)) + 1);
      return;
    case op::make_fun2:
    case op::make_fun3: {
      UWord idx = u(opnd(0));
      if (idx >= mv_.lambdas.size()) return fail_op("fun index out of range");
      FunEntry* fe = mv_.lambdas[idx];
      op(I_make_fun);
      w(reinterpret_cast<UWord>(fe));
      if (g.op == op::make_fun2) {
        w(0);  // x0
        w(fe->num_free);
        for (uint32_t i = 0; i < fe->num_free; i++) w(UWord(i) << 3);
      } else {
        const Operand& env = opnd(2);
        w(dst(opnd(1)));
        w(env.extra);
        for (uint32_t i = 0; i < env.extra; i++) w(src(list_item(env, i)));
      }
      return;
    }
    case op::fclearerror: op(I_fclearerror); return;
    case op::fcheckerror: op(I_fcheckerror); label(opnd(0)); return;
    case op::fmove: {
      const Operand& s = opnd(0);
      const Operand& d = opnd(1);
      if (d.kind == OpKind::FR) {
        op(I_fmove_to_fr);
        w(src(s));
        w(UWord(d.val));
      } else if (s.kind == OpKind::FR) {
        op(I_fmove_from_fr);
        w(UWord(s.val));
        w(dst(d));
      } else {
        return fail_op("fmove: no float register");
      }
      return;
    }
    case op::fconv:
      if (opnd(1).kind != OpKind::FR) return fail_op("fconv: expected a float register");
      op(I_fconv);
      w(src(opnd(0)));
      w(UWord(opnd(1).val));
      return;
    case op::fadd: case op::fsub: case op::fmul: case op::fdiv: {
      Instr i = g.op == op::fadd ? I_fadd : g.op == op::fsub ? I_fsub : g.op == op::fmul ? I_fmul : I_fdiv;
      op(i);
      w(UWord(opnd(1).val));
      w(UWord(opnd(2).val));
      w(UWord(opnd(3).val));
      return;
    }
    case op::fnegate:
      op(I_fnegate);
      w(UWord(opnd(1).val));
      w(UWord(opnd(2).val));
      return;
    case op::put_map_assoc:
    case op::put_map_exact:
      return emit_put_map(g);
    case op::has_map_fields: {
      const Operand& list = opnd(2);
      op(I_has_map_fields);
      label(opnd(0));
      w(src(opnd(1)));
      w(list.extra);
      for (uint32_t i = 0; i < list.extra; i++) w(src(list_item(list, i)));
      return;
    }
    case op::get_map_elements: {
      const Operand& list = opnd(2);
      op(I_get_map_elements);
      label(opnd(0));
      w(src(opnd(1)));
      w(list.extra / 2);
      for (uint32_t i = 0; i + 1 < list.extra; i += 2) {
        w(src(list_item(list, i)));
        w(dst(list_item(list, i + 1)));
      }
      return;
    }
    // ---- binary construction
    case op::bs_create_bin:
      return emit_bs_create_bin(g);
    case op::bs_init2:
    case op::bs_init_bits: {
      // bs_init2 Fail Size Words Regs Flags Dst (size in bytes; bits for bs_init_bits)
      op(I_bs_init);
      label(opnd(0));
      w(opnd(1).kind == OpKind::I || opnd(1).kind == OpKind::U ? make_small(opnd(1).val) : src(opnd(1)));
      w(heap_need(opnd(2)));
      w(u(opnd(3)));
      w(g.op == op::bs_init_bits ? 1 : 0);
      w(dst(opnd(5)));
      return;
    }
    case op::bs_put_integer:
    case op::bs_put_binary:
    case op::bs_put_float: {
      // bs_put_* Fail Size Unit Flags Src
      unsigned kind = g.op == op::bs_put_integer ? 0 : g.op == op::bs_put_binary ? 1 : 2;
      unsigned flags = unsigned(u(opnd(3)));
      if (flags & BSF_NATIVE) flags = (flags & ~BSF_NATIVE) | BSF_LITTLE;
      op(I_bs_put);
      label(opnd(0));
      w(opnd(1).kind == OpKind::Atom ? Term(opnd(1).val) : src(opnd(1)));
      w(u(opnd(2)));
      w((kind << 8) | flags);
      w(src(opnd(4)));
      return;
    }
    case op::bs_put_string: {
      UWord len = u(opnd(0));
      op(I_bs_put_string);
      w(len);
      w(reinterpret_cast<UWord>(bs_string(opnd(1).val, int64_t(len))));
      return;
    }
    case op::bs_put_utf8: case op::bs_put_utf16: case op::bs_put_utf32: {
      op(I_bs_put_utf);
      label(opnd(0));
      w(g.op == op::bs_put_utf8 ? 8 : g.op == op::bs_put_utf16 ? 16 : 32);
      w(u(opnd(1)));
      w(src(opnd(2)));
      return;
    }
    case op::bs_utf8_size: case op::bs_utf16_size:
      op(I_bs_utf_size);
      label(opnd(0));
      w(g.op == op::bs_utf8_size ? 8 : 16);
      w(src(opnd(1)));
      w(dst(opnd(2)));
      return;
    case op::bs_add:
      // bs_add Fail Src1 Src2 Unit Dst
      op(I_bs_add);
      label(opnd(0));
      w(src(opnd(1)));
      w(src(opnd(2)));
      w(u(opnd(3)));
      w(dst(opnd(4)));
      return;
    case op::bs_append:
      // bs_append Fail Size Extra Live Unit Bin Flags Dst
      op(I_bs_append);
      label(opnd(0));
      w(src(opnd(1)));
      w(heap_need(opnd(2)));
      w(u(opnd(3)));
      w(u(opnd(4)));
      w(src(opnd(5)));
      w(u(opnd(6)));
      w(dst(opnd(7)));
      return;
    case op::bs_private_append:
      // bs_private_append Fail Size Unit Bin Flags Dst
      op(I_bs_private_append);
      label(opnd(0));
      w(src(opnd(1)));
      w(u(opnd(2)));
      w(src(opnd(3)));
      w(u(opnd(4)));
      w(dst(opnd(5)));
      return;
    case op::bs_init_writable:
      op(I_bs_init_writable);
      return;
    // ---- binary matching
    case op::bs_start_match3:
    case op::bs_start_match4: {
      // bs_start_match3 Fail Bin Live Dst | bs_start_match4 Fail Live Bin Dst
      bool four = g.op == op::bs_start_match4;
      op(I_bs_start_match);
      label(opnd(0));
      w(src(opnd(four ? 2 : 1)));
      w(u(opnd(four ? 1 : 2)));
      w(dst(opnd(3)));
      return;
    }
    case op::bs_get_position:
      op(I_bs_get_position);
      w(src(opnd(0)));
      w(dst(opnd(1)));
      return;
    case op::bs_set_position:
      op(I_bs_set_position);
      w(src(opnd(0)));
      w(src(opnd(1)));
      return;
    case op::bs_get_tail:
      op(I_bs_get_tail);
      w(src(opnd(0)));
      w(dst(opnd(1)));
      w(u(opnd(2)));
      return;
    case op::bs_test_tail2:
      op(I_bs_test_tail);
      label(opnd(0));
      w(src(opnd(1)));
      w(u(opnd(2)));
      return;
    case op::bs_test_unit:
      op(I_bs_test_unit);
      label(opnd(0));
      w(src(opnd(1)));
      w(u(opnd(2)));
      return;
    case op::bs_match_string: {
      UWord bits = u(opnd(2));
      op(I_bs_match_string);
      label(opnd(0));
      w(src(opnd(1)));
      w(bits);
      w(reinterpret_cast<UWord>(bs_string(opnd(3).val, int64_t((bits + 7) / 8))));
      return;
    }
    case op::bs_get_integer2: return emit_bs_get(g, I_bs_get_integer);
    case op::bs_get_float2: return emit_bs_get(g, I_bs_get_float);
    case op::bs_get_binary2: return emit_bs_get(g, I_bs_get_binary);
    case op::bs_skip_bits2: {
      // bs_skip_bits2 Fail Ctx Size Unit Flags
      op(I_bs_skip_bits);
      label(opnd(0));
      w(src(opnd(1)));
      w(opnd(2).kind == OpKind::Atom ? Term(opnd(2).val) : src(opnd(2)));
      w(u(opnd(3)));
      w(u(opnd(4)));
      return;
    }
    case op::bs_get_utf8: case op::bs_get_utf16: case op::bs_get_utf32: {
      // bs_get_utf8 Fail Ctx Live Flags Dst
      unsigned flags = unsigned(u(opnd(3)));
      if (flags & BSF_NATIVE) flags = (flags & ~BSF_NATIVE) | BSF_LITTLE;
      op(I_bs_get_utf);
      label(opnd(0));
      w(src(opnd(1)));
      w(g.op == op::bs_get_utf8 ? 8 : g.op == op::bs_get_utf16 ? 16 : 32);
      w(flags);
      w(dst(opnd(4)));
      return;
    }
    case op::bs_skip_utf8: case op::bs_skip_utf16: case op::bs_skip_utf32: {
      unsigned flags = unsigned(u(opnd(3)));
      if (flags & BSF_NATIVE) flags = (flags & ~BSF_NATIVE) | BSF_LITTLE;
      op(I_bs_skip_utf);
      label(opnd(0));
      w(src(opnd(1)));
      w(g.op == op::bs_skip_utf8 ? 8 : g.op == op::bs_skip_utf16 ? 16 : 32);
      w(flags);
      return;
    }
    case op::bs_match:
      return emit_bs_match(g);
    default: {
      const OpcodeInfo& info = opcode_info(g.op);
      fail_op(std::string("opcode ") + (info.name ? info.name : "?") + " is not supported" +
              (info.obsolete ? " (obsolete; recompile the module)" : ""));
      return;
    }
  }
}

bool Translator::run(std::string* error) {
  mv_.name = bf_.module;
  mv_.literals = std::move(bf_.literal_area);
  labels_.assign(bf_.label_count, -1);
  for (const auto& im : bf_.imports) imports_.push_back(export_put(im.module, im.function, im.arity));
  for (const auto& l : bf_.lambdas) {
    FunEntry* fe = fun_entry_put(bf_.module, l.index, l.old_uniq);
    fe->arity = l.arity - l.num_free;
    fe->num_free = l.num_free;
    fe->index = l.index;
    mv_.lambdas.push_back(fe);
  }
  // Line records: code index -> line item, resolved to file/line below.
  std::vector<std::pair<size_t, int64_t>> line_at;
  code_.reserve(bf_.code.size() * 3);
  for (size_t k = 0; k < bf_.code.size(); k++) {
    const GenOp& g = bf_.code[k];
    size_t before = code_.size();
    cur_ = k;
    consumed_ = 0;
    translate(g);
    if (!error_.empty()) {
      const char* name = opcode_info(g.op).name;
      *error = std::string(name ? name : "?") + " at code offset " + std::to_string(g.offset) + ": " + error_;
      return false;
    }
    // The line item before an instruction (or before the second part of
    // a fused pair) is recorded at the start of its code.
    if (code_.size() > before && g.op != op::line && pending_line_ >= 0) {
      line_at.push_back({before, pending_line_});
      pending_line_ = -1;
    }
    k += consumed_;
  }
  check_length();
  if (!func_ranges_.empty()) func_ranges_.back().second = code_.size();

  // Fixed code block; patch labels.
  mv_.code_words = code_.size();
  mv_.code.reset(new UWord[code_.size() + 1]);
  UWord* base = mv_.code.get();
  std::memcpy(base, code_.data(), code_.size() * sizeof(UWord));
  for (auto [at, l] : fixups_) {
    if (l >= labels_.size() || labels_[l] < 0) {
      *error = "reference to undefined label " + std::to_string(l);
      return false;
    }
    base[at] = reinterpret_cast<UWord>(base + labels_[l]);
  }

  // Functions, with their MFA triples.
  for (size_t i = 0; i < func_ranges_.size(); i++) {
    FunctionInfo fi;
    fi.start = base + func_ranges_[i].first;
    fi.end = base + func_ranges_[i].second;
    fi.mfa[0] = func_names_[i].first;
    fi.mfa[1] = func_names_[i].second;
    fi.mfa[2] = make_small(func_arities_[i]);
    mv_.functions.push_back(fi);
  }
  for (size_t i = 0; i < mv_.functions.size(); i++)
    base[func_ranges_[i].first + 1] = reinterpret_cast<UWord>(mv_.functions[i].mfa);

  // NIFs and BIFs: a function with native code gets a body that calls it
  // and returns, so that local calls reach it too (as in the reference,
  // where the loader does the same for every BIF of the module).
  for (size_t i = 0; i < mv_.functions.size(); i++) {
    const Term* mfa = mv_.functions[i].mfa;
    Export* e = export_get(mfa[0], mfa[1], uint32_t(small_val(mfa[2])));
    if (!e) continue;
    BifFn native = e->nif;
    if (!native && e->bif && !(e->bif_flags & BIF_TRAPS_OR_SPECIAL)) native = e->bif;
    if (!native) continue;
    size_t body = func_ranges_[i].first + 2;  // after func_info
    if (func_ranges_[i].second < body + 3) {
      if (!e->nif) continue;  // a BIF's body is kept (its calls go through the export)
      *error = "NIF function " + std::string(atom_text(mfa[1])) + " has too short a body to replace";
      return false;
    }
    base[body] = dispatch_[I_call_bif_only];
    base[body + 1] = reinterpret_cast<UWord>(native);
    base[body + 2] = reinterpret_cast<UWord>(e);
  }

  // Line records.
  if (bf_.has_lines) {
    for (const std::string& name : bf_.line_names) {
      // The file name as a string (a list of code points) in the literal area.
      std::vector<uint32_t> cps;
      for (size_t i = 0; i < name.size();) {
        unsigned char c = static_cast<unsigned char>(name[i]);
        uint32_t cp;
        size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
        cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
        for (size_t k = 1; k < n && i + k < name.size(); k++) cp = cp << 6 | (name[i + k] & 0x3F);
        cps.push_back(cp);
        i += n;
      }
      Term* hp = mv_.literals->alloc(2 * cps.size() + 1);
      Term l = NIL;
      for (size_t i = cps.size(); i-- > 0;) {
        hp[2 * i] = make_small(cps[i]);
        hp[2 * i + 1] = l;
        l = make_list(hp + 2 * i);
      }
      mv_.files.push_back(l);
    }
    for (auto [at, item] : line_at) {
      if (item <= 0 || size_t(item) >= bf_.line_items.size()) continue;
      const LineItem& li = bf_.line_items[size_t(item)];
      mv_.lines.push_back({uint32_t(at), li.name_index, li.line});
    }
  }

  // Exports. New export entries are made from the last to the first, as
  // the reference's loader does (module_info(exports) shows that order).
  for (size_t k = bf_.exports.size(); k-- > 0;) {
    const auto& e = bf_.exports[k];
    if (e.label >= labels_.size() || labels_[e.label] < 0) {
      *error = "export of undefined label " + std::to_string(e.label);
      return false;
    }
    Export* ex = export_put(bf_.module, e.function, e.arity);
    mv_.exports.push_back(ex);
    mv_.export_entries.push_back(base + labels_[e.label]);
  }
  // Lambdas' code addresses (set on commit).
  for (size_t i = 0; i < bf_.lambdas.size(); i++) {
    uint32_t l = bf_.lambdas[i].label;
    if (l >= labels_.size() || labels_[l] < 0) {
      *error = "fun of undefined label " + std::to_string(l);
      return false;
    }
    mv_.lambda_entries.push_back(base + labels_[l]);
  }
  if (on_load_offset_ >= 0) {
    mv_.on_load = base + on_load_offset_;
    mv_.on_load_pending = true;
  }
  mv_.attributes_etf = std::string(bf_.attr_chunk);
  mv_.compile_info_etf = std::string(bf_.cinf_chunk);
  return true;
}

}  // namespace

std::unique_ptr<ModuleVersion> prepare_module(BeamFile& bf, std::string* error) {
  auto mv = std::make_unique<ModuleVersion>();
  Translator t(bf, *mv);
  if (!t.run(error)) return nullptr;
  return mv;
}

}  // namespace bvm
