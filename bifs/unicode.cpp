// unicode: characters_to_binary/2, characters_to_list/2 and bin_is_7bit/1.
//
// The conversions follow the reference's algorithm step by step, because
// the shape of the unconverted rest in {error, Converted, Rest} and
// {incomplete, Converted, Rest} is defined by it:
// - Data is first checked as a whole (badarg for anything that is not a
//   possibly nested list of integers and binaries, possibly with a binary
//   tail). The check stops at the first bignum, which then converts to an
//   error tuple instead.
// - Conversion walks the data in order. When it fails, Rest is the list
//   cell holding the bad integer (or the rest of a bad binary, consed onto
//   the cell's tail), consed into each enclosing list's tail.
// - A UTF-8 sequence cut off at the end of a binary is carried over to the
//   next binary ("leftover" bytes, without checking them). Leftover bytes
//   still pending at an error are put in front of Rest; at the end of the
//   data they make {incomplete, ...} or, if they cannot start a character,
//   {error, ...}.
// The reference converts in slices between reschedulings; as far as results
// go, that only matters for inputs that have an error exactly where a
// slice ends. We convert in one go.
// Encodings other than latin1, unicode and utf8 are handled by Erlang code
// in unicode.erl (characters_to_binary_int/2, characters_to_list_int/2),
// which these BIFs continue in, as the reference does.
#include <cstring>
#include <string>
#include <vector>

#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "bifs/bin_util.h"
#include "bifs/text.h"
#include "vm/atom_table.h"
#include "vm/binary.h"

namespace bvm {

namespace {

enum class Utf8State { Ok, Error, Incomplete };

// Bytes the UTF-8 sequence starting with `first` takes; 0 if it is no lead byte.
int utf8_len(uint8_t first) {
  if ((first & 0x80) == 0) return 1;
  if ((first & 0xE0) == 0xC0) return 2;
  if ((first & 0xF0) == 0xE0) return 3;
  if ((first & 0xF8) == 0xF0) return 4;
  return 0;
}

bool is_cont(uint8_t b) { return (b & 0xC0) == 0x80; }

// Whether a UTF-8 sequence is well formed (length from its lead byte, all
// bytes present): no overlong forms, no surrogates, nothing above U+10FFFF.
bool valid_sequence(const uint8_t* s, size_t size) {
  switch (utf8_len(s[0])) {
    case 1:
      return true;
    case 2:
      return size >= 2 && is_cont(s[1]) && s[0] >= 0xC2;
    case 3:
      if (size < 3 || !is_cont(s[1]) || !is_cont(s[2]) || (s[0] == 0xE0 && s[1] < 0xA0)) return false;
      return !((s[0] & 0x0F) == 0x0D && (s[1] & 0x20));
    case 4:
      if (size < 4 || !is_cont(s[1]) || !is_cont(s[2]) || !is_cont(s[3]) || (s[0] == 0xF0 && s[1] < 0x90))
        return false;
      return !((s[0] & 0x07) > 4 || ((s[0] & 0x07) == 4 && (s[1] & 0x3F) > 0x0F));
    default:
      return false;
  }
}

// Whether bytes cut off at the end of the data could still become a
// character (the reference's check_leftovers).
bool could_complete(const uint8_t* s, size_t size) {
  switch (utf8_len(s[0])) {
    case 2:
      return true;
    case 3:
      return size < 2 || (size < 3 && is_cont(s[1]));
    case 4:
      return size < 2 || (size < 3 && is_cont(s[1])) || (size < 4 && is_cont(s[1]) && is_cont(s[2]));
    default:
      return false;
  }
}

// Scans UTF-8 text: how many bytes form whole valid characters, and what
// stops the scan (the reference's analyze_utf8).
Utf8State analyze_utf8(const uint8_t* s, size_t size, size_t* good) {
  size_t i = 0;
  Utf8State state = Utf8State::Ok;
  while (i < size) {
    int n = utf8_len(s[i]);
    if (n == 0) {
      state = Utf8State::Error;
      break;
    }
    if (size - i < size_t(n)) {
      state = Utf8State::Incomplete;
      break;
    }
    if (!valid_sequence(s + i, size - i)) {
      state = Utf8State::Error;
      break;
    }
    i += size_t(n);
  }
  *good = i;
  return state;
}

// What a binary contributes to the UTF-8 result size; -1 for a bitstring.
SWord binary_need(Term bin, bool latin1) {
  if (bitstring_bits(bin) % 8) return -1;
  BinaryBytes b(bin);
  if (!latin1) return SWord(b.size());
  SWord need = 0;
  for (size_t i = 0; i < b.size(); i++) need += b.data()[i] & 0x80 ? 2 : 1;
  return need;
}

// The shape check done before converting (the reference's utf8_need): the
// UTF-8 size of the result, or -1 if Data is not character data. Integers
// are not range checked here; a bignum ends the check.
SWord utf8_need(Term data, bool latin1) {
  if (is_nil(data)) return 0;
  if (is_bitstring(data)) return binary_need(data, latin1);
  if (!is_list(data)) return -1;
  SWord need = 0;
  std::vector<Term> stack{data};  // tails of enclosing lists
  while (!stack.empty()) {
    Term t = stack.back();
    stack.pop_back();
    while (is_list(t)) {
      Term x = car(t);
      if (is_small(x)) {
        UWord c = UWord(small_val(x));  // a negative one counts as huge
        need += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
      } else if (is_list(x)) {
        stack.push_back(cdr(t));
        t = x;
        continue;
      } else if (is_bitstring(x)) {
        SWord n = binary_need(x, latin1);
        if (n < 0) return -1;
        need += n;
      } else if (is_big(x)) {
        return need;  // converting reports it as an error
      } else if (!is_nil(x)) {
        return -1;
      }
      t = cdr(t);
    }
    if (is_nil(t)) continue;
    if (!is_bitstring(t)) return -1;  // improper tail
    SWord n = binary_need(t, latin1);
    if (n < 0) return -1;
    need += n;
  }
  return need;
}

// The conversion of character data to UTF-8 (the reference's do_build_utf8).
class Utf8Builder {
 public:
  Utf8Builder(Process* p, bool latin1) : p_(p), latin1_(latin1) {}

  // Converts `data`; returns NIL, or on error (error() is true) the rest.
  Term build(Term data);

  bool error() const { return err_; }
  const std::string& output() const { return out_; }
  size_t leftovers() const { return num_leftovers_; }
  Term leftover_binary() const { return make_binary(p_, leftover_, num_leftovers_); }
  bool leftovers_could_complete() const { return could_complete(leftover_, num_leftovers_); }

 private:
  Term build_binary(Term bin);
  void copy_utf8(const uint8_t* s, size_t size, const uint8_t** err_pos);
  bool put_char(UWord c);

  Process* p_;
  bool latin1_;
  bool err_ = false;
  std::string out_;
  uint8_t leftover_[4] = {0, 0, 0, 0};
  size_t num_leftovers_ = 0;
};

bool Utf8Builder::put_char(UWord c) {
  if (latin1_ && c > 255) return false;
  if ((c >= 0xD800 && c <= 0xDFFF) || c >= 0x110000) return false;
  append_utf8(out_, uint32_t(c));
  return true;
}

// Copies valid UTF-8 from s to the output. A sequence cut off by the end of
// s becomes the leftover; sets *err_pos at the first invalid sequence.
void Utf8Builder::copy_utf8(const uint8_t* s, size_t size, const uint8_t** err_pos) {
  if (num_leftovers_) {
    size_t need = size_t(utf8_len(leftover_[0]));
    size_t from_source = need - num_leftovers_;
    if (size < from_source) {
      std::memcpy(leftover_ + num_leftovers_, s, size);
      num_leftovers_ += size;
      return;
    }
    uint8_t seq[4];
    std::memcpy(seq, leftover_, num_leftovers_);
    std::memcpy(seq + num_leftovers_, s, from_source);
    if (!valid_sequence(seq, need)) {
      *err_pos = s;  // the leftover bytes stay pending
      return;
    }
    out_.append(reinterpret_cast<const char*>(seq), need);
    num_leftovers_ = 0;
    s += from_source;
    size -= from_source;
  }
  while (size) {
    int n = utf8_len(*s);
    if (n > 1 && size < size_t(n)) {
      std::memcpy(leftover_, s, size);
      num_leftovers_ = size;
      return;
    }
    if (n == 0 || !valid_sequence(s, size)) {
      *err_pos = s;
      return;
    }
    out_.append(reinterpret_cast<const char*>(s), size_t(n));
    s += n;
    size -= size_t(n);
  }
}

// A binary: NIL when converted, else (with err_) the unconverted rest.
Term Utf8Builder::build_binary(Term bin) {
  if (bitstring_bits(bin) % 8) {
    err_ = true;
    return bin;
  }
  BinaryBytes b(bin);
  if (latin1_) {
    for (size_t i = 0; i < b.size(); i++) append_utf8(out_, b.data()[i]);
    return NIL;
  }
  const uint8_t* err_pos = nullptr;
  copy_utf8(b.data(), b.size(), &err_pos);
  if (!err_pos) return NIL;
  err_ = true;
  // The rest is a sub-binary, whatever its size.
  size_t at = size_t(err_pos - b.data());
  return make_sub_binary(p_, bin, at * 8, (b.size() - at) * 8);
}

Term Utf8Builder::build(Term ioterm) {
  err_ = false;
  if (is_nil(ioterm)) return ioterm;
  if (is_bitstring(ioterm)) return build_binary(ioterm);
  if (!is_list(ioterm)) {
    err_ = true;
    return ioterm;
  }
  // The tails of the enclosing lists, innermost last.
  std::vector<Term> stack{ioterm};
  while (!stack.empty()) {
    ioterm = stack.back();
    stack.pop_back();
    if (is_nil(ioterm)) continue;
    // `cell` is the list cell whose head is being converted: on an error
    // it starts the rest.
    while (is_list(ioterm)) {
      Term cell = ioterm;
      Term obj = car(cell);
      if (is_small(obj)) {
        if (num_leftovers_ || !put_char(UWord(small_val(obj)))) {
          err_ = true;
          goto done;
        }
        ioterm = cdr(cell);
      } else if (is_nil(obj)) {
        ioterm = cdr(cell);
      } else if (is_list(obj)) {
        stack.push_back(cdr(cell));
        ioterm = obj;
      } else if (is_bitstring(obj)) {
        Term rest = build_binary(obj);
        if (err_) {
          ioterm = make_cons(p_, rest, cdr(cell));
          goto done;
        }
        ioterm = cdr(cell);
      } else {
        err_ = true;
        goto done;
      }
    }
    if (!is_nil(ioterm)) {  // an improper tail
      if (!is_bitstring(ioterm)) {
        err_ = true;
        goto done;
      }
      ioterm = build_binary(ioterm);
      if (err_) goto done;
    }
  }
done:
  while (!stack.empty()) {
    ioterm = make_cons(p_, ioterm, stack.back());
    stack.pop_back();
  }
  return ioterm;
}

// The converted bytes as a binary. Above 64 bytes it is off-heap, made with
// room for `need` bytes as in the reference (referenced_byte_size/1 shows it).
Term result_binary(Process* p, const std::string& s, SWord need) {
  if (s.size() <= HEAP_BIN_LIMIT) return make_binary(p, reinterpret_cast<const uint8_t*>(s.data()), s.size());
  size_t capacity = need > SWord(s.size()) ? size_t(need) : s.size();
  BinData* bd = BinData::create(capacity);
  std::memcpy(bd->bytes, s.data(), s.size());
  Term bin = make_refc_bin(p->halloc(REFC_BIN_WORDS), bd, &p->off_heap);
  boxed_val(bin)[1] = s.size();
  return bin;
}

bool encoding_latin1(Term enc, bool* latin1) {
  if (enc == atom_put("latin1")) *latin1 = true;
  else if (enc == atom_put("unicode") || enc == atom_put("utf8")) *latin1 = false;
  else return false;
  return true;
}

// Continues in unicode:Name/2 (Erlang code) with the BIF's arguments.
Term trap_to_erlang(Process* p, const char* name) {
  return bif_trap(p, export_put(atom_put("unicode"), atom_put(name), 2));
}

// Converts Data; `finish` turns the converted UTF-8 into the result term.
template <typename Finish>
Term convert(Process* p, Term data, bool latin1, Finish finish) {
  SWord need = utf8_need(data, latin1);
  if (need < 0) return raise_badarg(p);
  Utf8Builder b(p, latin1);
  Term rest = b.build(data);
  if (b.error()) {
    if (b.leftovers()) rest = make_cons(p, b.leftover_binary(), make_cons(p, rest, NIL));
    return make_tuple(p, {am::error, finish(b.output(), need), rest});
  }
  if (b.leftovers()) {
    Term tag = b.leftovers_could_complete() ? atom_put("incomplete") : am::error;
    return make_tuple(p, {tag, finish(b.output(), need), b.leftover_binary()});
  }
  return finish(b.output(), need);
}

// characters_to_list of a UTF-8 binary (the reference's utf8_to_list).
Term utf8_binary_to_list(Process* p, Term bin) {
  if (bitstring_bits(bin) % 8) return raise_badarg(p);
  BinaryBytes b(bin);
  size_t good;
  Utf8State state = analyze_utf8(b.data(), b.size(), &good);
  Term converted = utf8_to_list(p, b.view().substr(0, good));
  if (state == Utf8State::Ok) return converted;
  Term rest = make_sub_binary(p, bin, good * 8, (b.size() - good) * 8);
  bool incomplete = state == Utf8State::Incomplete && could_complete(b.data() + good, b.size() - good);
  return make_tuple(p, {incomplete ? atom_put("incomplete") : am::error, converted, rest});
}

}  // namespace

BIF_FN(unicode_characters_to_binary_2) {
  bool latin1;
  if (!encoding_latin1(args[1], &latin1)) return trap_to_erlang(p, "characters_to_binary_int");
  Term data = args[0];
  // [Binary] is converted as Binary.
  if (is_list(data) && is_bitstring(car(data)) && is_nil(cdr(data))) data = car(data);
  // Already what is asked for: the binary itself.
  if (is_bitstring(data) && bitstring_bits(data) % 8 == 0) {
    BinaryBytes b(data);
    size_t good;
    bool same = latin1 ? binary_need(data, true) == SWord(b.size())
                       : analyze_utf8(b.data(), b.size(), &good) == Utf8State::Ok;
    if (same) return data;
  }
  return convert(p, data, latin1, [p](const std::string& s, SWord need) { return result_binary(p, s, need); });
}

BIF_FN(unicode_characters_to_list_2) {
  bool latin1;
  if (!encoding_latin1(args[1], &latin1)) return trap_to_erlang(p, "characters_to_list_int");
  if (is_bitstring(args[0]) && !latin1) return utf8_binary_to_list(p, args[0]);
  return convert(p, args[0], latin1, [p](const std::string& s, SWord) { return utf8_to_list(p, s); });
}

BIF_FN(unicode_bin_is_7bit_1) {
  (void)p;
  Term b = args[0];
  if (!is_bitstring(b) || bitstring_bits(b) % 8) return am::false_;
  BinaryBytes bytes(b);
  for (size_t i = 0; i < bytes.size(); i++)
    if (bytes.data()[i] & 0x80) return am::false_;
  return am::true_;
}

}  // namespace bvm
