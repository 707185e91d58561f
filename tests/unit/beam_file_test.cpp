#include "loader/beam_file.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "loader/disasm.h"
#include "vm/atom_table.h"
#include "vm/term_print.h"

using namespace bvm;

namespace {

std::vector<uint8_t> read_file(const std::string& name) {
  std::ifstream in(std::string(TEST_DATA_DIR) + "/" + name, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void put32(std::vector<uint8_t>& v, uint32_t x) {
  for (int i = 3; i >= 0; i--) v.push_back(uint8_t(x >> (8 * i)));
}

// Assembles an IFF image from (id, data) chunks.
std::vector<uint8_t> make_beam(const std::vector<std::pair<std::string, std::vector<uint8_t>>>& chunks) {
  std::vector<uint8_t> body = {'B', 'E', 'A', 'M'};
  for (const auto& [id, data] : chunks) {
    body.insert(body.end(), id.begin(), id.end());
    put32(body, uint32_t(data.size()));
    body.insert(body.end(), data.begin(), data.end());
    while (body.size() % 4) body.push_back(0);
  }
  std::vector<uint8_t> out = {'F', 'O', 'R', '1'};
  put32(out, uint32_t(body.size()));
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

// Chunks of a minimal module `m` with one function f/0 returning nil:
//   label 1; func_info m f 0; label 2; move nil x0; return; int_code_end
std::vector<std::pair<std::string, std::vector<uint8_t>>> minimal_chunks(std::vector<uint8_t> code_ops = {}) {
  std::vector<uint8_t> atoms;
  put32(atoms, 2);
  for (uint8_t b : {uint8_t(1), uint8_t('m'), uint8_t(1), uint8_t('f')}) atoms.push_back(b);
  std::vector<uint8_t> code;
  put32(code, 16);
  put32(code, 0);
  put32(code, 64);  // highest opcode used
  put32(code, 3);   // labels
  put32(code, 1);   // functions
  if (code_ops.empty())
    code_ops = {1, 0x10, 2, 0x12, 0x22, 0x00, 1, 0x20, 64, 0x02, 0x03, 19, 3};
  code.insert(code.end(), code_ops.begin(), code_ops.end());
  std::vector<uint8_t> empty;
  put32(empty, 0);
  std::vector<uint8_t> exp;
  put32(exp, 1);
  put32(exp, 2);
  put32(exp, 0);
  put32(exp, 2);
  return {{"AtU8", atoms}, {"Code", code}, {"ImpT", empty}, {"ExpT", exp}};
}

std::string error_of(const std::vector<uint8_t>& img) {
  LoadError err;
  auto bf = read_beam(img.data(), img.size(), "t.beam", &err);
  EXPECT_EQ(bf, nullptr);
  return bf ? "" : err.format("t.beam");
}

}  // namespace

TEST(BeamFile, ReadsCompiledModule) {
  auto img = read_file("tiny.beam");
  ASSERT_FALSE(img.empty());
  LoadError err;
  auto bf = read_beam(img.data(), img.size(), "tiny.beam", &err);
  ASSERT_NE(bf, nullptr) << err.format("tiny.beam");
  EXPECT_EQ(atom_text(bf->module), "tiny");
  EXPECT_EQ(bf->exports.size(), 7u);  // 5 + module_info/0,1
  EXPECT_FALSE(bf->literals.empty());
  EXPECT_EQ(bf->lambdas.size(), 1u);
  EXPECT_TRUE(bf->has_lines);
  EXPECT_EQ(bf->line_names[0], "tiny.erl");
  // big/0's integer is an integer operand too large for 64 bits.
  bool found = false;
  for (Term t : bf->big_ints) found |= term_to_text(t) == "123456789012345678901234567890";
  EXPECT_TRUE(found);
}

TEST(BeamFile, GzipCompressedModuleDecodesTheSame) {
  auto plain = read_file("tiny.beam");
  auto gz = read_file("tiny_gz.beam");
  ASSERT_EQ(gz[0], 0x1f);
  LoadError e1, e2;
  auto a = read_beam(plain.data(), plain.size(), "tiny.beam", &e1);
  auto b = read_beam(gz.data(), gz.size(), "tiny_gz.beam", &e2);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr) << e2.format("tiny_gz.beam");
  std::string da, db, why;
  ASSERT_TRUE(disassemble(*a, da, &why)) << why;
  ASSERT_TRUE(disassemble(*b, db, &why)) << why;
  EXPECT_EQ(da, db);
}

TEST(BeamFile, MinimalSyntheticModule) {
  auto img = make_beam(minimal_chunks());
  LoadError err;
  auto bf = read_beam(img.data(), img.size(), "m.beam", &err);
  ASSERT_NE(bf, nullptr) << err.format("m.beam");
  std::string text, why;
  ASSERT_TRUE(disassemble(*bf, text, &why)) << why;
  EXPECT_EQ(text, "{function,f,0,2,\n [{label,1},\n  {func_info,{atom,m},{atom,f},0},\n  {label,2},\n"
                  "  {move,nil,{x,0}},\n  return]}.\n");
}

TEST(BeamFile, BadContainerInputs) {
  EXPECT_NE(error_of({'X', 'O', 'R', '1', 0, 0, 0, 4, 'B', 'E', 'A', 'M'}).find("no FOR1 header"), std::string::npos);
  EXPECT_NE(error_of({'F', 'O', 'R', '1', 0, 0}).find("truncated"), std::string::npos);
  EXPECT_NE(error_of({'F', 'O', 'R', '1', 0, 0, 1, 0, 'B', 'E', 'A', 'M'}).find("form size"), std::string::npos);
  EXPECT_NE(error_of({'F', 'O', 'R', '1', 0, 0, 0, 4, 'B', 'E', 'A', 'X'}).find("form type"), std::string::npos);
  // A chunk whose size runs past the end names the chunk.
  auto img = make_beam(minimal_chunks());
  img[12 + 4 + 3] = 0xFF;  // AtU8 size
  std::string e = error_of(img);
  EXPECT_NE(e.find("chunk 'AtU8'"), std::string::npos) << e;
  EXPECT_NE(e.find("exceeds the file"), std::string::npos) << e;
  // Corrupt gzip.
  EXPECT_NE(error_of({0x1f, 0x8b, 8, 0, 1, 2, 3}).find("gzip"), std::string::npos);
}

TEST(BeamFile, MissingChunks) {
  auto chunks = minimal_chunks();
  chunks.erase(chunks.begin() + 1);  // no Code
  EXPECT_NE(error_of(make_beam(chunks)).find("missing code chunk"), std::string::npos);
  chunks = minimal_chunks();
  chunks.erase(chunks.begin());  // no AtU8
  EXPECT_NE(error_of(make_beam(chunks)).find("missing atom chunk"), std::string::npos);
}

TEST(BeamFile, OpcodeAboveTheHighestKnown) {
  auto chunks = minimal_chunks();
  // Header says highest opcode 185.
  chunks[1].second[11] = 185;
  std::string e = error_of(make_beam(chunks));
  EXPECT_NE(e.find("chunk 'Code'"), std::string::npos) << e;
  EXPECT_NE(e.find("185"), std::string::npos) << e;
  // An opcode byte that is not in the table, at a known offset.
  chunks = minimal_chunks({1, 0x10, 0});
  e = error_of(make_beam(chunks));
  EXPECT_NE(e.find("unknown opcode 0"), std::string::npos) << e;
  EXPECT_NE(e.find("offset 22"), std::string::npos) << e;
}

TEST(BeamFile, BadOperands) {
  // Label beyond the label count.
  std::string e = error_of(make_beam(minimal_chunks({61, 0x75, 3})));
  EXPECT_NE(e.find("label out of range"), std::string::npos) << e;
  // Atom index beyond the atom table.
  e = error_of(make_beam(minimal_chunks({1, 0x10, 2, 0x52, 0x22, 0x00, 3})));
  EXPECT_NE(e.find("atom index out of range"), std::string::npos) << e;
  // Missing int_code_end.
  e = error_of(make_beam(minimal_chunks({1, 0x10})));
  EXPECT_NE(e.find("int_code_end"), std::string::npos) << e;
  // Truncated operand.
  e = error_of(make_beam(minimal_chunks({1})));
  EXPECT_NE(e.find("truncated operand"), std::string::npos) << e;
}

TEST(BeamFile, MalformedLiteral) {
  auto chunks = minimal_chunks();
  // An uncompressed (OTP 28 form) literal table holding one bad term.
  std::vector<uint8_t> lit;
  put32(lit, 0);  // size 0: stored raw
  put32(lit, 1);
  put32(lit, 3);
  for (uint8_t b : {131, 104, 5}) lit.push_back(b);  // tuple of 5, no elements
  chunks.push_back({"LitT", lit});
  std::string e = error_of(make_beam(chunks));
  EXPECT_NE(e.find("chunk 'LitT'"), std::string::npos) << e;
  EXPECT_NE(e.find("malformed literal 0"), std::string::npos) << e;
}

TEST(BeamFile, RawLiteralTableAndLongAtoms) {
  // OTP 28 forms: negative atom count with compact lengths, raw LitT.
  auto chunks = minimal_chunks();
  std::vector<uint8_t> atoms;
  put32(atoms, uint32_t(-2));
  atoms.push_back(0x10);  // u 1
  atoms.push_back('m');
  atoms.push_back(0x10);
  atoms.push_back('f');
  chunks[0].second = atoms;
  std::vector<uint8_t> lit;
  put32(lit, 0);
  put32(lit, 1);
  put32(lit, 3);
  for (uint8_t b : {131, 97, 42}) lit.push_back(b);
  chunks.push_back({"LitT", lit});
  auto img = make_beam(chunks);
  LoadError err;
  auto bf = read_beam(img.data(), img.size(), "m.beam", &err);
  ASSERT_NE(bf, nullptr) << err.format("m.beam");
  EXPECT_EQ(atom_text(bf->module), "m");
  ASSERT_EQ(bf->literals.size(), 1u);
  EXPECT_EQ(term_to_text(bf->literals[0]), "42");
}

TEST(BeamFile, OldLatin1AtomChunkIsRefused) {
  auto chunks = minimal_chunks();
  chunks[0].first = "Atom";
  EXPECT_NE(error_of(make_beam(chunks)).find("latin-1 atom chunk"), std::string::npos);
}

TEST(BeamFile, ExtendedListsDoNotNest) {
  // select_val x0 f1 {list, [{alloc,...}]}: found by the fuzzer.
  std::string e = error_of(make_beam(minimal_chunks({59, 0x03, 0x15, 0x17, 0x10, 0x37, 0x00, 3})));
  EXPECT_NE(e.find("allocation list inside a list"), std::string::npos) << e;
}
