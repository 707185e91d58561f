// Every opcode OTP 25 loads (and OTP 26-28's update_record, bs_match,
// executable_line, debug_line) must be translated by the loader into
// interpreter instructions. For each such opcode this test assembles a tiny
// module around one valid instance of it and prepares it. An opcode
// without an example here, or one the loader refuses, fails the test.
#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "bifs/bif.h"
#include "loader/beam_file.h"
#include "loader/opcodes.h"
#include "loader/prepare.h"
#include "vm/interp.h"

using namespace bvm;

namespace {

void put32(std::vector<uint8_t>& v, uint32_t x) {
  for (int i = 3; i >= 0; i--) v.push_back(uint8_t(x >> (8 * i)));
}

// Compact encoding of a value with a tag (values below 2048 suffice here).
void enc(std::vector<uint8_t>& out, unsigned tag, uint32_t v) {
  if (v < 16) {
    out.push_back(uint8_t(v << 4 | tag));
  } else {
    out.push_back(uint8_t(((v >> 8) << 5) | 0x08 | tag));
    out.push_back(uint8_t(v & 0xFF));
  }
}

// Operand tokens: x0 y1 f2 u3 i-4 a5 nil h9 fr0 lit0 and lists
// L(...) / A(words,floats) written with spaces inside.
void operand(std::vector<uint8_t>& out, const std::string& tok) {
  if (tok == "nil") return enc(out, 2, 0);
  if (tok.rfind("L(", 0) == 0) {  // list operand: L(a b c)
    std::string inner = tok.substr(2, tok.size() - 3);
    std::vector<std::string> items;
    std::istringstream is(inner);
    for (std::string t; is >> t;) items.push_back(t);
    out.push_back(0x17);  // z 1
    enc(out, 0, uint32_t(items.size()));
    for (auto& t : items) operand(out, t);
    return;
  }
  if (tok.rfind("A(", 0) == 0) {  // allocation list: A(words floats)
    unsigned w = 0, f = 0;
    std::sscanf(tok.c_str(), "A(%u %u)", &w, &f);
    out.push_back(0x37);  // z 3
    enc(out, 0, 2);
    enc(out, 0, 0);
    enc(out, 0, w);
    enc(out, 0, 1);
    enc(out, 0, f);
    return;
  }
  if (tok.rfind("fr", 0) == 0) {
    out.push_back(0x27);  // z 2
    enc(out, 0, uint32_t(std::stoul(tok.substr(2))));
    return;
  }
  if (tok.rfind("lit", 0) == 0) {
    out.push_back(0x47);  // z 4
    enc(out, 0, uint32_t(std::stoul(tok.substr(3))));
    return;
  }
  if (tok.rfind("tx", 0) == 0) {  // typed x register (type index 0)
    out.push_back(0x57);  // z 5
    enc(out, 3, uint32_t(std::stoul(tok.substr(2))));
    enc(out, 0, 0);
    return;
  }
  char t = tok[0];
  if (t == 'i') {
    long v = std::stol(tok.substr(1));
    if (v >= 0) return enc(out, 1, uint32_t(v));
    out.push_back(0x19);  // i, 2 bytes follow
    out.push_back(uint8_t((v >> 8) & 0xFF));
    out.push_back(uint8_t(v & 0xFF));
    return;
  }
  unsigned tag = t == 'u' ? 0 : t == 'a' ? 2 : t == 'x' ? 3 : t == 'y' ? 4 : t == 'f' ? 5 : t == 'h' ? 6 : 99;
  ASSERT_NE(tag, 99u) << tok;
  enc(out, tag, uint32_t(std::stoul(tok.substr(1))));
}

// Valid instances, one per opcode. Context: atoms 1 m, 2 f, 3 erlang, 4 '+',
// 5 length, 6 integer, 7 all, 8 binary, 9 no_fail, 10 tag, 11 string,
// 12 ensure_at_least, 13 skip; imports 0 erlang:'+'/2, 1 erlang:length/1;
// one fun (f/0 at label 2); literal 0 = [], literal 1 = #{}; labels 1..3;
// a y frame of 2 words is allocated before the instance.
const std::map<std::string, std::string> examples = {
    {"allocate", "u1 u0"}, {"allocate_heap", "u1 u2 u0"}, {"allocate_zero", "u1 u0"},
    {"allocate_heap_zero", "u1 A(2 1) u0"}, {"test_heap", "u2 u1"}, {"init", "y0"},
    {"deallocate", "u2"}, {"return", ""}, {"send", ""}, {"remove_message", ""}, {"timeout", ""},
    {"loop_rec", "f3 x0"}, {"loop_rec_end", "f2"}, {"wait", "f2"}, {"wait_timeout", "f2 i100"},
    {"call", "u0 f2"}, {"call_last", "u0 f2 u2"}, {"call_only", "u0 f2"},
    {"call_ext", "u2 u0"}, {"call_ext_last", "u2 u0 u2"}, {"call_ext_only", "u2 u0"},
    {"bif0", "u1 x1"}, {"bif1", "f3 u1 x0 x1"}, {"bif2", "f3 u0 x0 x1 x2"},
    {"gc_bif1", "f3 u1 u1 x0 x1"}, {"gc_bif2", "f3 u2 u0 x0 x1 x2"}, {"gc_bif3", "f3 u2 u0 x0 x1 x2 x3"},
    {"is_lt", "f3 x0 x1"}, {"is_ge", "f3 x0 i5"}, {"is_eq", "f3 x0 x1"}, {"is_ne", "f3 x0 x1"},
    {"is_eq_exact", "f3 x0 a1"}, {"is_ne_exact", "f3 x0 y1"},
    {"is_integer", "f3 x0"}, {"is_float", "f3 x0"}, {"is_number", "f3 x0"}, {"is_atom", "f3 x0"},
    {"is_pid", "f3 x0"}, {"is_reference", "f3 x0"}, {"is_port", "f3 x0"}, {"is_nil", "f3 x0"},
    {"is_binary", "f3 x0"}, {"is_list", "f3 x0"}, {"is_nonempty_list", "f3 y0"}, {"is_tuple", "f3 x0"},
    {"test_arity", "f3 x0 u2"}, {"is_boolean", "f3 x0"}, {"is_function", "f3 x0"}, {"is_function2", "f3 x0 i1"},
    {"is_bitstr", "f3 x0"}, {"is_map", "f3 x0"}, {"is_tagged_tuple", "f3 x0 u2 a1"},
    {"select_val", "x0 f3 L(i1 f2 i2 f3)"}, {"select_tuple_arity", "x0 f3 L(u1 f2 u2 f3)"},
    {"jump", "f3"}, {"catch", "y0 f3"}, {"catch_end", "y0"}, {"try", "y0 f3"}, {"try_end", "y0"},
    {"try_case", "y0"}, {"try_case_end", "x0"}, {"raise", "x2 x1"}, {"build_stacktrace", ""},
    {"raw_raise", ""}, {"move", "x0 y1"}, {"get_list", "x0 x1 x2"}, {"get_hd", "x0 x1"}, {"get_tl", "x0 x1"},
    {"get_tuple_element", "x0 u1 x1"}, {"set_tuple_element", "x1 x0 u0"}, {"put_list", "x0 nil x0"},
    {"put_tuple2", "x0 L(x1 a1)"}, {"badmatch", "x0"}, {"if_end", ""}, {"case_end", "x0"},
    {"badrecord", "x0"}, {"call_fun", "u1"}, {"call_fun2", "a10 u1 x1"}, {"make_fun2", "u0"},
    {"make_fun3", "u0 x0 L(x1)"}, {"apply", "u1"}, {"apply_last", "u1 u2"},
    {"bs_put_integer", "f3 i8 u1 u0 x0"}, {"bs_put_binary", "f3 a7 u8 u0 x0"}, {"bs_put_float", "f3 i64 u1 u0 x0"},
    {"bs_put_string", "u0 u0"}, {"bs_init2", "f3 i4 u0 u1 u0 x0"}, {"bs_init_bits", "f3 i12 u0 u1 u0 x0"},
    {"bs_add", "f3 x0 x1 u8 x2"}, {"bs_append", "f3 i8 u0 u1 u8 x0 u0 x1"},
    {"bs_private_append", "f3 i8 u8 x0 u0 x1"}, {"bs_init_writable", ""},
    {"bs_put_utf8", "f3 u0 x0"}, {"bs_put_utf16", "f3 u0 x0"}, {"bs_put_utf32", "f3 u0 x0"},
    {"bs_utf8_size", "f3 x0 x1"}, {"bs_utf16_size", "f3 x0 x1"},
    {"bs_start_match3", "f3 x0 u1 x1"}, {"bs_start_match4", "a9 u1 x0 x1"}, {"bs_get_position", "x0 x1 u2"},
    {"bs_set_position", "x0 x1"}, {"bs_get_tail", "x0 x1 u2"}, {"bs_get_integer2", "f3 x0 u1 i8 u1 u0 x1"},
    {"bs_get_float2", "f3 x0 u1 i64 u1 u0 x1"}, {"bs_get_binary2", "f3 x0 u1 a7 u8 u0 x1"},
    {"bs_skip_bits2", "f3 x0 i8 u1 u0"}, {"bs_test_tail2", "f3 x0 u0"}, {"bs_test_unit", "f3 x0 u8"},
    {"bs_match_string", "f3 x0 u8 u0"}, {"bs_get_utf8", "f3 x0 u1 u0 x1"}, {"bs_skip_utf8", "f3 x0 u1 u0"},
    {"bs_get_utf16", "f3 x0 u1 u0 x1"}, {"bs_skip_utf16", "f3 x0 u1 u0"}, {"bs_get_utf32", "f3 x0 u1 u0 x1"},
    {"bs_skip_utf32", "f3 x0 u1 u0"},
    {"bs_create_bin", "f3 u0 u1 u1 x0 L(a6 u1 u1 nil x0 i8 a11 u2 u8 nil u0 i1)"},
    {"fclearerror", ""}, {"fcheckerror", "f3"}, {"fmove", "x0 fr0"}, {"fconv", "x0 fr1"},
    {"fadd", "f0 fr0 fr1 fr2"}, {"fsub", "f0 fr0 fr1 fr2"}, {"fmul", "f0 fr0 fr1 fr2"}, {"fdiv", "f0 fr0 fr1 fr2"},
    {"fnegate", "f0 fr0 fr1"}, {"on_load", ""}, {"recv_mark", "f3"}, {"recv_set", "f3"},
    {"line", "u0"}, {"put_map_assoc", "f0 lit1 x0 u1 L(a1 x1)"}, {"put_map_exact", "f3 x0 x0 u1 L(a1 x1)"},
    {"has_map_fields", "f3 x0 L(a1)"}, {"get_map_elements", "f3 x0 L(a1 x1)"},
    {"swap", "x0 y1"}, {"init_yregs", "L(y0 y1)"}, {"recv_marker_bind", "x0 x1"},
    {"recv_marker_clear", "x0"}, {"recv_marker_reserve", "x0"}, {"recv_marker_use", "x0"},
    {"nif_start", ""}, {"trim", "u1 u1"}, {"label", "u3"}, {"func_info", "a1 a2 u0"}, {"int_code_end", ""},
    {"update_record", "a10 u3 x0 x0 L(u2 x1)"},
    {"bs_match", "f3 x0 L(a12 u8 u1 a6 u1 nil u8 u1 x1 a13 u8)"},
    {"executable_line", "u0 u1"}, {"debug_line", "u0 u1 u0 u0"},
};

std::vector<uint8_t> assemble(unsigned opcode, const std::string& ops) {
  // Atoms.
  const char* atoms[] = {"m", "f", "erlang", "+", "length", "integer", "all", "binary", "no_fail", "tag",
                         "string", "ensure_at_least", "skip"};
  std::vector<uint8_t> atu8;
  put32(atu8, sizeof atoms / sizeof atoms[0]);
  for (const char* a : atoms) {
    atu8.push_back(uint8_t(std::strlen(a)));
    atu8.insert(atu8.end(), a, a + std::strlen(a));
  }
  // Code: label 1; func_info m f 0; label 2; allocate 2 0; <instance>; label 3; return; int_code_end
  std::vector<uint8_t> body;
  auto emit = [&](unsigned opc, std::vector<std::string> toks) {
    body.push_back(uint8_t(opc));
    for (auto& t : toks) operand(body, t);
  };
  emit(op::label, {"u1"});
  emit(op::func_info, {"a1", "a2", "u0"});
  emit(op::label, {"u2"});
  emit(op::allocate, {"u2", "u0"});
  std::vector<std::string> toks;
  for (size_t i = 0; i < ops.size();) {  // split, keeping L(...) and A(...) whole
    while (i < ops.size() && ops[i] == ' ') i++;
    if (i >= ops.size()) break;
    size_t j = i;
    int depth = 0;
    while (j < ops.size() && (ops[j] != ' ' || depth > 0)) {
      if (ops[j] == '(') depth++;
      if (ops[j] == ')') depth--;
      j++;
    }
    toks.push_back(ops.substr(i, j - i));
    i = j;
  }
  emit(opcode, toks);
  emit(op::label, {"u3"});
  emit(op::return_, {});
  emit(op::int_code_end, {});
  std::vector<uint8_t> code;
  put32(code, 16);
  put32(code, 0);
  put32(code, MAX_OPCODE);
  put32(code, 4);
  put32(code, 1);
  code.insert(code.end(), body.begin(), body.end());
  std::vector<uint8_t> imp;
  put32(imp, 2);
  for (uint32_t v : {3u, 4u, 2u, 3u, 5u, 1u}) put32(imp, v);
  std::vector<uint8_t> exp;
  put32(exp, 1);
  for (uint32_t v : {2u, 0u, 2u}) put32(exp, v);
  std::vector<uint8_t> funt;
  put32(funt, 1);
  for (uint32_t v : {2u, 0u, 2u, 0u, 0u, 0u}) put32(funt, v);
  std::vector<uint8_t> lit;  // raw (OTP 28 form): [] and #{}
  put32(lit, 0);
  put32(lit, 2);
  put32(lit, 2);
  lit.push_back(131);
  lit.push_back(106);
  put32(lit, 6);
  for (uint8_t b : {131, 116, 0, 0, 0, 0}) lit.push_back(b);
  std::vector<uint8_t> type;  // one type entry: any
  put32(type, 1);
  put32(type, 1);
  type.push_back(0x1F);
  type.push_back(0xFF);
  for (int i = 0; i < 16; i++) type.push_back(0);
  std::vector<uint8_t> strt = {'a', 'b', 'c', 'd'};
  std::vector<std::pair<std::string, std::vector<uint8_t>>> chunks = {
      {"AtU8", atu8}, {"Code", code}, {"ImpT", imp}, {"ExpT", exp}, {"FunT", funt},
      {"LitT", lit},  {"Type", type}, {"StrT", strt}};
  std::vector<uint8_t> img = {'B', 'E', 'A', 'M'};
  for (auto& [id, data] : chunks) {
    img.insert(img.end(), id.begin(), id.end());
    put32(img, uint32_t(data.size()));
    img.insert(img.end(), data.begin(), data.end());
    while (img.size() % 4) img.push_back(0);
  }
  std::vector<uint8_t> out = {'F', 'O', 'R', '1'};
  put32(out, uint32_t(img.size()));
  out.insert(out.end(), img.begin(), img.end());
  return out;
}

}  // namespace

TEST(OpcodeCoverage, EveryLoadableOpcodeIsTranslated) {
  interp_init();
  bifs_init();
  unsigned checked = 0;
  for (unsigned opc = 1; opc <= MAX_OPCODE; opc++) {
    bool required = loadable_in_otp25(opc) || opc >= 181;
    if (!required) continue;
    const OpcodeInfo& info = opcode_info(opc);
    auto it = examples.find(info.name);
    ASSERT_NE(it, examples.end()) << "no example instance for loadable opcode " << info.name;
    std::vector<uint8_t> img = assemble(opc, it->second);
    LoadError err;
    auto bf = read_beam(img.data(), img.size(), "cover.beam", &err);
    ASSERT_NE(bf, nullptr) << info.name << ": " << err.format("cover.beam");
    std::string why;
    auto mv = prepare_module(*bf, &why);
    EXPECT_NE(mv, nullptr) << info.name << ": " << why;
    checked++;
  }
  EXPECT_EQ(checked, 148u);  // 144 loadable in OTP 25, plus four from OTP 26-28
}

TEST(OpcodeCoverage, ObsoleteOpcodesAreRefusedClearly) {
  interp_init();
  bifs_init();
  // m_plus (27), obsolete since long before OTP 22.
  std::vector<uint8_t> img = assemble(27, "f3 x0 x1 x2");
  LoadError err;
  auto bf = read_beam(img.data(), img.size(), "old.beam", &err);
  ASSERT_NE(bf, nullptr);
  std::string why;
  EXPECT_EQ(prepare_module(*bf, &why), nullptr);
  EXPECT_NE(why.find("obsolete"), std::string::npos) << why;
}
