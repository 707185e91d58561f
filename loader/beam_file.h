// A parsed .beam file: its chunks, and its code decoded into generic
// instructions (loader/opcodes.def). This is the one decoded form: the
// disassembler prints it and the VM's loader prepares executable code from it.
//
// Ownership: a BeamFile owns the (possibly inflated) file bytes, and the
// literal area holding the module's literals; everything else refers into
// them. Nothing here is shared with running code until the loader copies it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "loader/literal_area.h"
#include "loader/opcodes.h"
#include "vm/term.h"

namespace bvm {

constexpr unsigned MAX_X_REGISTERS = 1024;

enum class OpKind : uint8_t {
  U,         // unsigned literal (val)
  I,         // integer that fits int64 (val)
  BigInt,    // integer beyond int64: val indexes BeamFile::big_ints
  Atom,      // val = the atom term
  Nil,       // `a 0`
  X,         // x register (val)
  Y,         // y register (val)
  Label,     // f tag (val); 0 means "no label"
  Char,      // h tag (val)
  Float,     // old-style inline float: val = IEEE bits
  List,      // extended list: count = extra, items at operands[val ..]
  FR,        // float register (val)
  Alloc,     // allocation list: extra pairs (kind, n) at operands[val ..] as U operands
  Literal,   // val = index into literals
  TypedReg,  // register with a type: reg kind in `sub` (X or Y), number in val, type index in extra
};

struct Operand {
  OpKind kind;
  OpKind sub;      // for TypedReg: X or Y
  uint16_t pad = 0;
  uint32_t extra;  // list/alloc count, type index
  int64_t val;
};

struct GenOp {
  uint16_t op;
  uint16_t nops;
  uint32_t first;   // index of the first operand in BeamFile::operands
  uint32_t offset;  // byte offset in the Code chunk (for messages)
};

struct LoadError {
  std::string chunk;   // "" for the container itself
  size_t offset = 0;   // byte offset in the chunk (or the file)
  std::string message;
  std::string format(std::string_view file) const;
};

struct LineItem {
  uint32_t name_index;  // 0 = the module's own source file
  uint32_t line;
};

// The Type chunk's entries: type bits and integer range (beam_types ext form).
struct TypeEntry {
  uint16_t bits;
  uint64_t min, max;
};

struct BeamFile {
  std::string file_name;
  std::vector<uint8_t> bytes;   // whole (inflated) file
  Term module = NON_VALUE;

  std::vector<Term> atoms;      // 1-based; atoms[0] is NON_VALUE
  struct Import { Term module, function; uint32_t arity; };
  std::vector<Import> imports;
  struct Entry { Term function; uint32_t arity; uint32_t label; };
  std::vector<Entry> exports, locals;
  struct Lambda { Term function; uint32_t arity, label, index, num_free, old_uniq; };
  std::vector<Lambda> lambdas;

  std::unique_ptr<LiteralArea> literal_area;
  std::vector<Term> literals;   // LitT, in index order
  std::vector<Term> big_ints;   // integer operands beyond int64

  std::string_view strings;     // StrT
  std::vector<TypeEntry> types; // Type (empty if absent or another version)
  bool has_types = false;

  // Line chunk.
  bool has_lines = false;
  uint32_t line_instr_count = 0;
  std::vector<LineItem> line_items;       // item 0 = no location
  std::vector<std::string> line_names;    // name 0 = "<module>.erl"

  // Raw ETF chunks, decoded on demand.
  std::string_view attr_chunk, cinf_chunk, meta_chunk;
  // Chunk bytes by id, for md5 and beam_lib-like access.
  struct Chunk { char id[4]; std::string_view data; };
  std::vector<Chunk> chunks;

  // Code chunk.
  uint32_t code_max_opcode = 0, label_count = 0, function_count = 0;
  std::vector<GenOp> code;
  std::vector<Operand> operands;

  const Operand& opnd(const GenOp& g, unsigned i) const { return operands[g.first + i]; }
  const Chunk* chunk(const char id[4]) const;
};

// Parses and decodes a whole .beam image (plain or gzip-compressed).
// On failure returns nullptr and fills `err` (chunk, offset, message).
std::unique_ptr<BeamFile> read_beam(const uint8_t* data, size_t size, std::string_view file_name, LoadError* err);
std::unique_ptr<BeamFile> read_beam_file(const std::string& path, LoadError* err);

}  // namespace bvm
