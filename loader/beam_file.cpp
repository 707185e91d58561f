#include "loader/beam_file.h"

#include <zlib.h>

#include <cstring>
#include <fstream>
#include <iterator>

#include "loader/compact_reader.h"
#include "loader/etf_decode.h"
#include "vm/atom_table.h"
#include "vm/bignum.h"

namespace bvm {

namespace {

inline uint32_t be32(const uint8_t* p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}

// Reads fixed-size fields from a chunk, recording where a read ran short.
struct ChunkReader {
  const uint8_t* base;
  const uint8_t* p;
  const uint8_t* end;
  ChunkReader(std::string_view d)
      : base(reinterpret_cast<const uint8_t*>(d.data())), p(base), end(base + d.size()) {}
  size_t offset() const { return size_t(p - base); }
  size_t left() const { return size_t(end - p); }
  bool u32(uint32_t* v) {
    if (left() < 4) return false;
    *v = be32(p);
    p += 4;
    return true;
  }
  bool u16(uint16_t* v) {
    if (left() < 2) return false;
    *v = uint16_t(p[0] << 8 | p[1]);
    p += 2;
    return true;
  }
  bool u8(uint8_t* v) {
    if (left() < 1) return false;
    *v = *p++;
    return true;
  }
  bool bytes(size_t n, const uint8_t** out) {
    if (left() < n) return false;
    *out = p;
    p += n;
    return true;
  }
};

class Parser {
 public:
  Parser(BeamFile& bf, LoadError* err) : bf_(bf), err_(err) {}

  bool parse_container(const uint8_t* data, size_t size);
  bool parse_chunks();

 private:
  bool fail(const char* chunk, size_t offset, std::string msg) {
    err_->chunk = chunk;
    err_->offset = offset;
    err_->message = std::move(msg);
    return false;
  }
  bool atom_ok(uint32_t index) const { return index >= 1 && index < bf_.atoms.size(); }

  bool parse_atoms(std::string_view d, const char* id);
  bool parse_imports(std::string_view d);
  bool parse_entries(std::string_view d, const char* id, std::vector<BeamFile::Entry>& out);
  bool parse_lambdas(std::string_view d);
  bool parse_literals(std::string_view d);
  bool parse_lines(std::string_view d);
  bool parse_types(std::string_view d);
  bool parse_code(std::string_view d);
  bool decode_operand(CompactReader& r, Operand* out, bool in_list);

  BeamFile& bf_;
  LoadError* err_;
};

bool inflate_gzip(const uint8_t* data, size_t size, std::vector<uint8_t>& out) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return false;
  out.resize(size * 4 + 1024);
  zs.next_in = const_cast<Bytef*>(data);
  zs.avail_in = uInt(size);
  int rc;
  for (;;) {
    zs.next_out = out.data() + zs.total_out;
    zs.avail_out = uInt(out.size() - zs.total_out);
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc == Z_STREAM_END) break;
    if (rc != Z_OK && rc != Z_BUF_ERROR) break;
    if (zs.avail_out == 0) {
      if (out.size() > (size_t(1) << 31)) { rc = Z_MEM_ERROR; break; }
      out.resize(out.size() * 2);
    } else if (rc == Z_BUF_ERROR || zs.avail_in == 0) {
      break;  // input ended before the stream did
    }
  }
  out.resize(zs.total_out);
  inflateEnd(&zs);
  return rc == Z_STREAM_END;
}

bool Parser::parse_container(const uint8_t* data, size_t size) {
  if (size >= 4 && std::memcmp(data, "FOR1", 4) != 0) {
    if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
      if (!inflate_gzip(data, size, bf_.bytes)) return fail("", 0, "corrupt gzip data");
    } else {
      return fail("", 0, "not a BEAM file: no FOR1 header");
    }
  } else {
    bf_.bytes.assign(data, data + size);
  }
  const uint8_t* b = bf_.bytes.data();
  size_t n = bf_.bytes.size();
  if (n < 12) return fail("", n, "truncated file header");
  if (std::memcmp(b, "FOR1", 4) != 0) return fail("", 0, "not a BEAM file: no FOR1 header");
  uint32_t form = be32(b + 4);
  if (form < 4 || size_t(form) > n - 8) return fail("", 4, "form size " + std::to_string(form) + " exceeds the file");
  if (std::memcmp(b + 8, "BEAM", 4) != 0) return fail("", 8, "not a BEAM file: form type is not BEAM");
  size_t pos = 12, end = 8 + size_t(form);
  while (pos < end) {
    if (end - pos < 8) return fail("", pos, "truncated chunk header");
    BeamFile::Chunk c;
    std::memcpy(c.id, b + pos, 4);
    uint32_t len = be32(b + pos + 4);
    if (len > end - pos - 8) return fail(std::string(c.id, 4).c_str(), pos, "chunk size " + std::to_string(len) + " exceeds the file");
    c.data = std::string_view(reinterpret_cast<const char*>(b + pos + 8), len);
    bool dup = false;
    for (const auto& o : bf_.chunks) dup |= std::memcmp(o.id, c.id, 4) == 0;
    if (!dup) bf_.chunks.push_back(c);
    pos += 8 + ((size_t(len) + 3) & ~size_t(3));
  }
  return true;
}

bool Parser::parse_atoms(std::string_view d, const char* id) {
  ChunkReader r(d);
  uint32_t raw;
  if (!r.u32(&raw)) return fail(id, 0, "truncated atom count");
  int64_t count = int32_t(raw);
  bool long_form = count < 0;  // OTP 28: negated count, compact-encoded lengths
  if (long_form) count = -count;
  if (count < 1 || uint64_t(count) > r.left()) return fail(id, 0, "bad atom count " + std::to_string(count));
  bf_.atoms.assign(1, NON_VALUE);
  bf_.atoms.reserve(size_t(count) + 1);
  for (int64_t i = 0; i < count; i++) {
    size_t at = r.offset();
    size_t len;
    if (long_form) {
      CompactReader cr(r.p, r.end);
      CompactValue v;
      if (!cr.read(&v) || v.tag != CTag::U || v.big) return fail(id, at, "bad atom length");
      len = size_t(v.value);
      r.p = cr.pos();
    } else {
      uint8_t l;
      if (!r.u8(&l)) return fail(id, at, "truncated atom table");
      len = l;
    }
    const uint8_t* text;
    if (!r.bytes(len, &text)) return fail(id, at, "truncated atom text");
    Term a = atom_put(std::string_view(reinterpret_cast<const char*>(text), len));
    if (a == NON_VALUE) return fail(id, at, "invalid atom (bad UTF-8, too long, or atom table full)");
    bf_.atoms.push_back(a);
  }
  bf_.module = bf_.atoms[1];
  return true;
}

bool Parser::parse_imports(std::string_view d) {
  ChunkReader r(d);
  uint32_t count;
  if (!r.u32(&count) || count > r.left() / 12) return fail("ImpT", 0, "bad import count");
  for (uint32_t i = 0; i < count; i++) {
    size_t at = r.offset();
    uint32_t m = 0, f = 0, a = 0;
    r.u32(&m);
    r.u32(&f);
    r.u32(&a);
    if (!atom_ok(m) || !atom_ok(f)) return fail("ImpT", at, "atom index out of range");
    if (a > 255) return fail("ImpT", at, "arity out of range");
    bf_.imports.push_back({bf_.atoms[m], bf_.atoms[f], a});
  }
  return true;
}

bool Parser::parse_entries(std::string_view d, const char* id, std::vector<BeamFile::Entry>& out) {
  ChunkReader r(d);
  uint32_t count;
  if (!r.u32(&count) || count > r.left() / 12) return fail(id, 0, "bad entry count");
  for (uint32_t i = 0; i < count; i++) {
    size_t at = r.offset();
    uint32_t f = 0, a = 0, l = 0;
    r.u32(&f);
    r.u32(&a);
    r.u32(&l);
    if (!atom_ok(f)) return fail(id, at, "atom index out of range");
    if (a > 255) return fail(id, at, "arity out of range");
    out.push_back({bf_.atoms[f], a, l});
  }
  return true;
}

bool Parser::parse_lambdas(std::string_view d) {
  ChunkReader r(d);
  uint32_t count;
  if (!r.u32(&count) || count > r.left() / 24) return fail("FunT", 0, "bad fun count");
  for (uint32_t i = 0; i < count; i++) {
    size_t at = r.offset();
    uint32_t v[6] = {0, 0, 0, 0, 0, 0};
    for (auto& x : v) r.u32(&x);
    if (!atom_ok(v[0])) return fail("FunT", at, "atom index out of range");
    if (v[1] > 255 || v[4] > v[1]) return fail("FunT", at, "arity out of range");
    bf_.lambdas.push_back({bf_.atoms[v[0]], v[1], v[2], v[3], v[4], v[5]});
  }
  return true;
}

bool Parser::parse_literals(std::string_view d) {
  ChunkReader r(d);
  uint32_t usize;
  if (!r.u32(&usize)) return fail("LitT", 0, "truncated literal chunk");
  std::vector<uint8_t> buf;
  const uint8_t* tab;
  size_t tab_len;
  if (usize == 0) {  // OTP 28: stored without compression
    tab = r.p;
    tab_len = r.left();
  } else {
    buf.resize(usize);
    uLongf out_len = usize;
    int rc = uncompress(buf.data(), &out_len, r.p, uLong(r.left()));
    if (rc != Z_OK || out_len != usize) return fail("LitT", 4, "corrupt compressed literal table");
    tab = buf.data();
    tab_len = usize;
  }
  ChunkReader t(std::string_view(reinterpret_cast<const char*>(tab), tab_len));
  uint32_t count;
  if (!t.u32(&count) || count > t.left() / 5) return fail("LitT", 0, "bad literal count");
  bf_.literals.reserve(count);
  for (uint32_t i = 0; i < count; i++) {
    size_t at = t.offset();
    uint32_t sz;
    const uint8_t* ext;
    if (!t.u32(&sz) || !t.bytes(sz, &ext)) return fail("LitT", at, "truncated literal " + std::to_string(i));
    EtfDecoder dec(ext, sz);
    if (!dec.prepare() || dec.used_bytes() != sz)
      return fail("LitT", at, "malformed literal " + std::to_string(i) + ": " +
                                  (dec.error() == EtfError::None ? "trailing bytes" : etf_error_text(dec.error())));
    Term* hp = bf_.literal_area->alloc(dec.heap_words());
    LiteralArea* area = bf_.literal_area.get();
    Term lit = dec.build(hp, &area->offheap, [area](size_t n) { return area->alloc(n); });
    if (lit == NON_VALUE) return fail("LitT", at, "malformed literal " + std::to_string(i) + ": duplicate map key");
    bf_.literals.push_back(lit);
  }
  return true;
}

bool Parser::parse_lines(std::string_view d) {
  ChunkReader r(d);
  uint32_t version, flags, instr_count, item_count, name_count;
  if (!r.u32(&version)) return fail("Line", 0, "truncated line chunk");
  if (version != 0) return true;  // unknown version: ignored, as the reference does
  if (!r.u32(&flags) || !r.u32(&instr_count) || !r.u32(&item_count) || !r.u32(&name_count))
    return fail("Line", r.offset(), "truncated line chunk header");
  if (item_count > r.left() || name_count > r.left() / 2) return fail("Line", 8, "bad line item or name count");
  bf_.has_lines = true;
  bf_.line_instr_count = instr_count;
  bf_.line_items.reserve(size_t(item_count) + 1);
  bf_.line_items.push_back({0, 0});
  CompactReader cr(r.p, r.end);
  uint32_t name_index = 0;
  while (bf_.line_items.size() < size_t(item_count) + 1) {
    size_t at = r.offset() + size_t(cr.pos() - r.p);
    CompactValue v;
    if (!cr.read(&v)) return fail("Line", at, "truncated line item");
    if (v.tag == CTag::A) {
      if (v.big || v.value > int64_t(name_count)) return fail("Line", at, "file index out of range");
      name_index = uint32_t(v.value);
    } else if (v.tag == CTag::I) {
      if (v.big || v.value < 0 || v.value > INT32_MAX) return fail("Line", at, "bad line number");
      bf_.line_items.push_back({name_index, uint32_t(v.value)});
    } else {
      return fail("Line", at, "illegal line item tag");
    }
  }
  r.p = cr.pos();
  std::string mod(atom_text(bf_.module));
  bf_.line_names.push_back(mod + ".erl");
  for (uint32_t i = 0; i < name_count; i++) {
    size_t at = r.offset();
    uint16_t len;
    const uint8_t* text;
    if (!r.u16(&len) || !r.bytes(len, &text)) return fail("Line", at, "truncated file name");
    std::string_view name(reinterpret_cast<const char*>(text), len);
    if (utf8_count(name) < 0) return fail("Line", at, "file name is not UTF-8");
    bf_.line_names.push_back(len ? std::string(name) : bf_.line_names[0]);
  }
  return true;
}

bool Parser::parse_types(std::string_view d) {
  ChunkReader r(d);
  uint32_t version, count;
  if (!r.u32(&version)) return fail("Type", 0, "truncated type chunk");
  if (version != 1) return true;  // other versions: types are only hints; ignore
  if (!r.u32(&count) || count > r.left() / 18) return fail("Type", 4, "bad type count");
  for (uint32_t i = 0; i < count; i++) {
    const uint8_t* e = nullptr;
    r.bytes(18, &e);
    TypeEntry t;
    t.bits = uint16_t(e[0] << 8 | e[1]);
    t.min = uint64_t(be32(e + 2)) << 32 | be32(e + 6);
    t.max = uint64_t(be32(e + 10)) << 32 | be32(e + 14);
    bf_.types.push_back(t);
  }
  bf_.has_types = true;
  return true;
}

// Decodes one operand; list and allocation-list items are appended to the
// operand pool after their owner's operands (see parse_code).
bool Parser::decode_operand(CompactReader& r, Operand* out, bool in_list) {
  CompactValue v;
  size_t at = r.offset();
  auto bad = [&](const std::string& m) { return fail("Code", at, m); };
  if (!r.read(&v)) return bad("truncated operand");
  out->sub = OpKind::U;
  out->extra = 0;
  switch (v.tag) {
    case CTag::U:
      // A size too large for a word (bs_test_tail2 of 1 bsl 64 bits, say)
      // saturates: no binary is that long, so such a test simply fails,
      // as in the reference, and an index that large is rejected later.
      out->kind = OpKind::U;
      out->val = v.big ? INT64_MAX : v.value;
      return true;
    case CTag::I:
      if (v.big) {
        // Build the integer as a term in the literal area.
        // big-endian two's complement
        bool neg = v.big_len > 0 && (v.big_ptr[0] & 0x80);
        std::vector<uint8_t> mag(v.big_len);  // little-endian
        for (size_t k = 0; k < v.big_len; k++) mag[k] = v.big_ptr[v.big_len - 1 - k];
        if (neg) {  // two's complement negate
          unsigned carry = 1;
          for (auto& b : mag) {
            unsigned x = unsigned(uint8_t(~b)) + carry;
            b = uint8_t(x);
            carry = x >> 8;
          }
        }
        Term* hp = bf_.literal_area->alloc(integer_words_for_bytes(mag.size()));
        UWord used;
        out->kind = OpKind::BigInt;
        out->val = int64_t(bf_.big_ints.size());
        bf_.big_ints.push_back(make_integer_from_le_bytes(hp, mag.data(), mag.size(), neg, &used));
        return true;
      }
      out->kind = OpKind::I;
      out->val = v.value;
      return true;
    case CTag::A:
      if (v.big || v.value < 0 || uint64_t(v.value) >= bf_.atoms.size()) return bad("atom index out of range");
      if (v.value == 0) {
        out->kind = OpKind::Nil;
        out->val = 0;
      } else {
        out->kind = OpKind::Atom;
        out->val = int64_t(bf_.atoms[size_t(v.value)]);
      }
      return true;
    case CTag::X:
    case CTag::Y:
      if (v.big || v.value < 0 || v.value >= (v.tag == CTag::X ? int64_t(MAX_X_REGISTERS) : int64_t(1) << 24))
        return bad("register number out of range");
      out->kind = v.tag == CTag::X ? OpKind::X : OpKind::Y;
      out->val = v.value;
      return true;
    case CTag::F:
      if (v.big || v.value < 0 || v.value >= int64_t(bf_.label_count)) return bad("label out of range");
      out->kind = OpKind::Label;
      out->val = v.value;
      return true;
    case CTag::H:
      if (v.big) return bad("character operand too large");
      out->kind = OpKind::Char;
      out->val = v.value;
      return true;
    case CTag::Z:
      break;
  }
  if (v.big) return bad("bad extended operand");
  switch (v.value) {
    case 0: {  // inline float (pre-R16)
      const uint8_t* b;
      if (!r.bytes(8, &b)) return bad("truncated float operand");
      uint64_t bits = 0;
      for (int k = 0; k < 8; k++) bits = bits << 8 | b[k];
      out->kind = OpKind::Float;
      out->val = int64_t(bits);
      return true;
    }
    case 1: {  // list
      if (in_list) return bad("nested list operand");
      CompactValue n;
      if (!r.read(&n) || n.tag != CTag::U || n.big) return bad("bad list length");
      if (uint64_t(n.value) > r.left()) return bad("list length exceeds the chunk");
      out->kind = OpKind::List;
      out->extra = uint32_t(n.value);
      out->val = 0;  // filled in by parse_code
      return true;
    }
    case 2: {  // float register
      CompactValue n;
      if (!r.read(&n) || n.tag != CTag::U || n.big || n.value >= 1024) return bad("bad float register");
      out->kind = OpKind::FR;
      out->val = n.value;
      return true;
    }
    case 3: {  // allocation list
      if (in_list) return bad("allocation list inside a list operand");
      CompactValue n;
      if (!r.read(&n) || n.tag != CTag::U || n.big || uint64_t(n.value) > r.left() / 2) return bad("bad allocation list");
      out->kind = OpKind::Alloc;
      out->extra = uint32_t(n.value);
      out->val = 0;
      return true;
    }
    case 4: {  // literal
      CompactValue n;
      if (!r.read(&n) || n.tag != CTag::U || n.big || uint64_t(n.value) >= bf_.literals.size())
        return bad("literal index out of range");
      out->kind = OpKind::Literal;
      out->val = n.value;
      return true;
    }
    case 5: {  // typed register
      CompactValue reg, type;
      if (!r.read(&reg) || (reg.tag != CTag::X && reg.tag != CTag::Y) || reg.big || reg.value < 0 ||
          (reg.tag == CTag::X && reg.value >= int64_t(MAX_X_REGISTERS)))
        return bad("bad typed register");
      if (!r.read(&type) || type.tag != CTag::U || type.big) return bad("bad type index");
      if (bf_.has_types && uint64_t(type.value) >= bf_.types.size()) return bad("type index out of range");
      out->kind = OpKind::TypedReg;
      out->sub = reg.tag == CTag::X ? OpKind::X : OpKind::Y;
      out->extra = uint32_t(type.value);
      out->val = reg.value;
      return true;
    }
    default:
      return bad("unknown extended operand tag " + std::to_string(v.value));
  }
}

bool Parser::parse_code(std::string_view d) {
  ChunkReader r(d);
  uint32_t head, set, max_op, labels, funcs;
  if (!r.u32(&head)) return fail("Code", 0, "truncated code header");
  if (head < 16 || head > r.left()) return fail("Code", 0, "bad code header size");
  r.u32(&set);
  r.u32(&max_op);
  r.u32(&labels);
  r.u32(&funcs);
  if (set != 0) return fail("Code", 4, "unknown instruction set " + std::to_string(set));
  if (max_op > MAX_OPCODE)
    return fail("Code", 8, "uses opcode " + std::to_string(max_op) + "; the highest this VM knows is " +
                              std::to_string(MAX_OPCODE) + " (compiled by a newer OTP?)");
  bf_.code_max_opcode = max_op;
  bf_.label_count = labels;
  bf_.function_count = funcs;
  const uint8_t* code = r.base + 4 + head;
  CompactReader cr(code, r.end, r.base);
  bf_.code.reserve(d.size() / 3);
  bf_.operands.reserve(d.size() / 2);
  bool ended = false;
  while (cr.left() > 0) {
    size_t at = cr.offset();
    uint8_t opc = *cr.pos();
    cr.skip(1);
    const OpcodeInfo& info = opcode_info(opc);
    if (!info.name)
      return fail("Code", at, "unknown opcode " + std::to_string(opc));
    if (opc > max_op)
      return fail("Code", at, "opcode " + std::to_string(opc) + " is above the highest declared in the header");
    GenOp g{opc, info.arity, uint32_t(bf_.operands.size()), uint32_t(at)};
    bf_.operands.resize(bf_.operands.size() + info.arity);
    for (unsigned i = 0; i < info.arity; i++) {
      Operand o;
      if (!decode_operand(cr, &o, false)) return false;
      bf_.operands[g.first + i] = o;
      if (o.kind == OpKind::List || o.kind == OpKind::Alloc) {
        uint32_t n = o.kind == OpKind::List ? o.extra : 2 * o.extra;
        size_t start = bf_.operands.size();
        bf_.operands[g.first + i].val = int64_t(start);
        bf_.operands.resize(start + n);
        for (uint32_t k = 0; k < n; k++) {
          Operand item;
          if (!decode_operand(cr, &item, true)) return false;
          if (o.kind == OpKind::Alloc && (item.kind != OpKind::U || (k % 2 == 0 && item.val > 2)))
            return fail("Code", at, "bad allocation list item");
          bf_.operands[start + k] = item;
        }
      }
    }
    bf_.code.push_back(g);
    if (opc == op::int_code_end) {
      ended = true;
      break;
    }
  }
  if (!ended) return fail("Code", cr.offset(), "code does not end with int_code_end");
  return true;
}

bool Parser::parse_chunks() {
  auto find = [&](const char* id) -> const BeamFile::Chunk* { return bf_.chunk(id); };
  const BeamFile::Chunk* c;
  if ((c = find("AtU8"))) {
    if (!parse_atoms(c->data, "AtU8")) return false;
  } else if (find("Atom")) {
    return fail("Atom", 0, "latin-1 atom chunk (compiled before OTP 20) is not supported");
  } else {
    return fail("AtU8", 0, "missing atom chunk");
  }
  bf_.literal_area = std::make_unique<LiteralArea>();
  if ((c = find("ImpT"))) {
    if (!parse_imports(c->data)) return false;
  } else {
    return fail("ImpT", 0, "missing import chunk");
  }
  if ((c = find("ExpT"))) {
    if (!parse_entries(c->data, "ExpT", bf_.exports)) return false;
  } else {
    return fail("ExpT", 0, "missing export chunk");
  }
  if ((c = find("LocT")) && !parse_entries(c->data, "LocT", bf_.locals)) return false;
  if ((c = find("FunT")) && !parse_lambdas(c->data)) return false;
  if ((c = find("LitT")) && !parse_literals(c->data)) return false;
  if ((c = find("StrT"))) bf_.strings = c->data;
  if ((c = find("Line")) && !parse_lines(c->data)) return false;
  if ((c = find("Type")) && !parse_types(c->data)) return false;
  // Attributes and compile information must be valid external terms (the
  // reference refuses the module otherwise).
  auto valid_etf = [](std::string_view d) {
    if (d.empty()) return true;
    if (uint8_t(d[0]) != 131) return false;
    EtfDecoder dec(reinterpret_cast<const uint8_t*>(d.data()), d.size());
    return dec.prepare();
  };
  if ((c = find("Attr"))) {
    if (!valid_etf(c->data)) return fail("Attr", 0, "bad external term representation of module attributes");
    bf_.attr_chunk = c->data;
  }
  if ((c = find("CInf"))) {
    if (!valid_etf(c->data)) return fail("CInf", 0, "bad external term representation of compilation information");
    bf_.cinf_chunk = c->data;
  }
  if ((c = find("Meta"))) bf_.meta_chunk = c->data;
  if ((c = find("Code"))) {
    if (!parse_code(c->data)) return false;
  } else {
    return fail("Code", 0, "missing code chunk");
  }
  return true;
}

}  // namespace

std::string LoadError::format(std::string_view file) const {
  std::string s(file);
  s += ": ";
  if (!chunk.empty()) s += "chunk '" + chunk + "', ";
  s += "offset " + std::to_string(offset) + ": " + message;
  return s;
}

const BeamFile::Chunk* BeamFile::chunk(const char id[4]) const {
  for (const Chunk& c : chunks)
    if (std::memcmp(c.id, id, 4) == 0) return &c;
  return nullptr;
}

std::unique_ptr<BeamFile> read_beam(const uint8_t* data, size_t size, std::string_view file_name, LoadError* err) {
  auto bf = std::make_unique<BeamFile>();
  bf->file_name = std::string(file_name);
  Parser p(*bf, err);
  if (!p.parse_container(data, size) || !p.parse_chunks()) return nullptr;
  return bf;
}

std::unique_ptr<BeamFile> read_beam_file(const std::string& path, LoadError* err) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    err->chunk.clear();
    err->offset = 0;
    err->message = "cannot open file";
    return nullptr;
  }
  std::vector<uint8_t> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return read_beam(data.data(), data.size(), path, err);
}

}  // namespace bvm
