// Terms: tagged 64-bit machine words.
//
// A term is one word. Its two low bits (the primary tag) say what it is:
//
//   ..00  header word: only found on a heap, never as a value in a register
//   ..01  list: pointer to a cons cell (two words: head, tail)
//   ..10  boxed: pointer to a header word followed by the object's body
//   ..11  immediate: the whole value lives in the word
//
// Immediates use four tag bits:
//   ..0011 local pid      ..0111 local port
//   ..1011 second-level immediate (six tag bits, below)
//   ..1111 small integer, 60-bit two's complement in the upper bits
// Second-level immediates:
//   ..001011 atom (index into the atom table in the upper bits)
//   ..011011 catch (index of a catch/try handler; only on process stacks)
//   ..111011 nil ([]) and special loader/VM constants
//
// A header word carries a 4-bit subtag in bits 2..5 and the body size in
// words ("arity") in bits 6..63. Objects are always word aligned, so the
// low bits of a pointer are free for the tag.
//
// NON_VALUE (0) is never a term: it marks "no value" (a failed BIF, an
// uninitialised slot). It is a header word of arity 0 and subtag 0, which
// can never appear as a value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace bvm {

using Term = uint64_t;
using SWord = int64_t;
using UWord = uint64_t;

constexpr Term NON_VALUE = 0;

// ---- primary tags
constexpr unsigned TAG_PRIMARY_HEADER = 0x0;
constexpr unsigned TAG_PRIMARY_LIST = 0x1;
constexpr unsigned TAG_PRIMARY_BOXED = 0x2;
constexpr unsigned TAG_PRIMARY_IMMED1 = 0x3;

constexpr unsigned TAG_IMMED1_PID = 0x3;
constexpr unsigned TAG_IMMED1_PORT = 0x7;
constexpr unsigned TAG_IMMED1_IMMED2 = 0xB;
constexpr unsigned TAG_IMMED1_SMALL = 0xF;

constexpr unsigned TAG_IMMED2_ATOM = 0x0B;
constexpr unsigned TAG_IMMED2_CATCH = 0x1B;
constexpr unsigned TAG_IMMED2_NIL = 0x3B;

constexpr inline unsigned primary_tag(Term t) { return unsigned(t & 0x3); }

// ---- small integers
constexpr int SMALL_BITS = 60;
constexpr SWord MAX_SMALL = (SWord(1) << (SMALL_BITS - 1)) - 1;
constexpr SWord MIN_SMALL = -(SWord(1) << (SMALL_BITS - 1));

constexpr inline bool is_small(Term t) { return (t & 0xF) == TAG_IMMED1_SMALL; }
constexpr inline bool fits_small(SWord v) { return v >= MIN_SMALL && v <= MAX_SMALL; }
constexpr inline Term make_small(SWord v) { return (UWord(v) << 4) | TAG_IMMED1_SMALL; }
constexpr inline SWord small_val(Term t) { return SWord(t) >> 4; }

// ---- atoms
constexpr inline bool is_atom(Term t) { return (t & 0x3F) == TAG_IMMED2_ATOM; }
constexpr inline Term make_atom(UWord index) { return (index << 6) | TAG_IMMED2_ATOM; }
constexpr inline UWord atom_index(Term t) { return t >> 6; }

// ---- nil and the catch immediate
constexpr Term NIL = TAG_IMMED2_NIL;
constexpr inline bool is_nil(Term t) { return t == NIL; }
constexpr inline bool is_catch(Term t) { return (t & 0x3F) == TAG_IMMED2_CATCH; }
constexpr inline Term make_catch(UWord index) { return (index << 6) | TAG_IMMED2_CATCH; }
constexpr inline UWord catch_val(Term t) { return t >> 6; }

// ---- local pids and ports: the process/port table index in the upper bits
constexpr inline bool is_local_pid(Term t) { return (t & 0xF) == TAG_IMMED1_PID; }
constexpr inline bool is_local_port(Term t) { return (t & 0xF) == TAG_IMMED1_PORT; }
constexpr inline Term make_local_pid(UWord data) { return (data << 4) | TAG_IMMED1_PID; }
constexpr inline Term make_local_port(UWord data) { return (data << 4) | TAG_IMMED1_PORT; }
constexpr inline UWord local_pid_data(Term t) { return t >> 4; }
constexpr inline UWord local_port_data(Term t) { return t >> 4; }

constexpr inline bool is_immed(Term t) { return primary_tag(t) == TAG_PRIMARY_IMMED1; }

// ---- lists
constexpr inline bool is_list(Term t) { return primary_tag(t) == TAG_PRIMARY_LIST; }
inline Term make_list(const Term* cell) { return Term(reinterpret_cast<UWord>(cell)) | TAG_PRIMARY_LIST; }
inline Term* list_val(Term t) { return reinterpret_cast<Term*>(t - TAG_PRIMARY_LIST); }
inline Term& car(Term t) { return list_val(t)[0]; }
inline Term& cdr(Term t) { return list_val(t)[1]; }

// ---- boxed objects
constexpr inline bool is_boxed(Term t) { return primary_tag(t) == TAG_PRIMARY_BOXED; }
inline Term make_boxed(const Term* p) { return Term(reinterpret_cast<UWord>(p)) | TAG_PRIMARY_BOXED; }
inline Term* boxed_val(Term t) { return reinterpret_cast<Term*>(t - TAG_PRIMARY_BOXED); }

// Header subtags (bits 2..5).
enum class Sub : unsigned {
  Tuple = 0x0,        // body: elements
  MatchState = 0x1,   // binary match context
  PosBig = 0x2,       // body: little-endian 64-bit limbs of the magnitude
  NegBig = 0x3,
  Ref = 0x4,          // local reference
  Fun = 0x5,          // closure
  Float = 0x6,        // body: one IEEE double
  Export = 0x7,       // external fun: body is an Export*
  RefcBin = 0x8,      // handle to an off-heap, reference-counted binary
  HeapBin = 0x9,      // small binary stored on the heap
  SubBin = 0xA,       // slice of another binary, bit-precise
  ExternalPid = 0xC,
  ExternalPort = 0xD,
  ExternalRef = 0xE,
  Map = 0xF,
};

constexpr inline bool is_header(Term t) { return primary_tag(t) == TAG_PRIMARY_HEADER; }
constexpr inline Term make_header(UWord arity, Sub sub) { return (arity << 6) | (UWord(sub) << 2); }
constexpr inline Sub header_sub(Term h) { return Sub((h >> 2) & 0xF); }
constexpr inline UWord header_arity(Term h) { return h >> 6; }

inline Term boxed_header(Term t) { return boxed_val(t)[0]; }
inline bool is_boxed_sub(Term t, Sub s) { return is_boxed(t) && header_sub(boxed_header(t)) == s; }

// ---- tuples
inline bool is_tuple(Term t) { return is_boxed_sub(t, Sub::Tuple); }
inline UWord tuple_arity(Term t) { return header_arity(boxed_header(t)); }
inline Term* tuple_val(Term t) { return boxed_val(t); }  // [0] header, [1..n] elements
inline Term& tuple_elem(Term t, UWord i /*1-based*/) { return boxed_val(t)[i]; }

// ---- floats
constexpr UWord FLOAT_WORDS = 2;
inline bool is_float(Term t) { return is_boxed_sub(t, Sub::Float); }
inline double float_val(Term t) {
  double d;
  std::memcpy(&d, boxed_val(t) + 1, sizeof d);
  return d;
}
inline Term make_float_at(Term* hp, double d) {
  hp[0] = make_header(1, Sub::Float);
  std::memcpy(hp + 1, &d, sizeof d);
  return make_boxed(hp);
}

// ---- bignums
inline bool is_big(Term t) {
  if (!is_boxed(t)) return false;
  Sub s = header_sub(boxed_header(t));
  return s == Sub::PosBig || s == Sub::NegBig;
}
inline bool big_negative(Term t) { return header_sub(boxed_header(t)) == Sub::NegBig; }
inline UWord big_size(Term t) { return header_arity(boxed_header(t)); }
inline const UWord* big_digits(Term t) { return boxed_val(t) + 1; }

inline bool is_integer(Term t) { return is_small(t) || is_big(t); }
inline bool is_number(Term t) { return is_integer(t) || is_float(t); }

// ---- binaries (see vm/binary.h for layouts)
inline bool is_binary_sub(Sub s) { return s == Sub::RefcBin || s == Sub::HeapBin || s == Sub::SubBin; }
inline bool is_bitstring(Term t) { return is_boxed(t) && is_binary_sub(header_sub(boxed_header(t))); }

// ---- other boxed kinds
inline bool is_ref(Term t) {
  if (!is_boxed(t)) return false;
  Sub s = header_sub(boxed_header(t));
  return s == Sub::Ref || s == Sub::ExternalRef;
}
inline bool is_pid(Term t) { return is_local_pid(t) || is_boxed_sub(t, Sub::ExternalPid); }
inline bool is_port(Term t) { return is_local_port(t) || is_boxed_sub(t, Sub::ExternalPort); }
inline bool is_fun(Term t) {
  if (!is_boxed(t)) return false;
  Sub s = header_sub(boxed_header(t));
  return s == Sub::Fun || s == Sub::Export;
}
inline bool is_map(Term t) { return is_boxed_sub(t, Sub::Map); }

}  // namespace bvm
