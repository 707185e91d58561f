// The PCRE side of the re BIFs (bifs/re.cpp): compiling patterns, the
// opaque binary of a compiled pattern, and running a match without
// overflowing the scheduler's stack.
//
// The binary in {re_pattern, Groups, Unicode, UseCRLF, Binary} is ours, not
// PCRE's serialized code: a magic word, the compile options and the pattern
// source. Running a compiled pattern compiles that source again, through a
// per-thread cache, so a forged binary can at worst fail to compile.
//
// The system's PCRE is 8.39; the reference bundles 8.44. Patterns hit by
// bugs fixed in between are compiled with adjustments (re_pattern.cpp).
// Known differences left: the nesting limit of parentheses (250 here,
// higher in the reference), a conditional group whose only branch is
// anchored ((?(?=^))b), and auto-possessified negated classes in UTF-8
// mode such as [^\x{100}-\x{ffff}]*[\x80-\xff].
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <pcre.h>

namespace bvm::re {

// A compiled pattern, owned by the per-thread cache: valid until the next
// compile() on the same thread.
struct Compiled {
  pcre* code;
  int capture_count;
  unsigned long options;  // PCRE_INFO_OPTIONS: given and (*...) settings
  // \C (one byte) and a character class in UTF-8 mode: when \C stops
  // inside a character, a repeated class after it makes PCRE 8.39 run off
  // the subject (fixed in 8.42). exec() then does not match such a pattern
  // against a subject with multi-byte characters (8.42+ finds no match in
  // the cases the bug report gives).
  bool single_byte_hazard;
};

struct CompileError {
  std::string message;
  int offset;
};

// Compiles `source` (cut at its first NUL byte, as PCRE reads a C string)
// with PCRE compile options `options`. Null with *err filled on error.
const Compiled* compile(std::string_view source, int options, CompileError* err);

// The opaque binary for a pattern, and back. decode() is false for anything
// that is not such a binary.
std::string encode(std::string_view source, int options);
bool decode(std::string_view bin, std::string_view* source, int* options);

// The reference's character tables (ISO-8859-1 classes and case folding).
const unsigned char* latin1_tables();

// pcre_exec with the reference's defaults, run where the stack is deep
// enough: recursion that the calling thread's stack cannot hold continues
// on a helper thread with a large stack. match_limit / recursion_limit < 0
// mean PCRE's defaults.
int exec(const Compiled& c, const char* subject, int length, int offset, int options, int* ovector,
         int ovsize, long match_limit, long recursion_limit);

}  // namespace bvm::re
