// zlib: the NIFs of erts/preloaded/src/zlib.erl on the system zlib.
//
// A stream is a resource (vm/nif_resources.h) owned by its controlling
// process; only that process may use it (not_on_controlling_process
// otherwise). Input is queued by enqueue_nif and consumed by deflate_nif /
// inflate_nif a chunk at a time, each call answering {continue, Output},
// {finished, Output} or {need_dictionary, Adler, Output} exactly as the
// reference's zlib_nif decides. The stash keeps one term between calls.
//
// Unlike the reference, a stream leaves the table when it is closed or its
// controller exits (we cannot see when the last reference to it dies), so a
// closed stream answers not_initialized to everything.
#include <zlib.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <vector>

#include "bifs/bif.h"
#include "bifs/bin_util.h"
#include "bifs/iovec.h"
#include "bifs/text.h"
#include "vm/atom_table.h"
#include "vm/copy.h"
#include "vm/nif_resources.h"

namespace bvm {

namespace {

struct Atoms {
  Term not_on_controlling_process = atom_put("not_on_controlling_process"),
       not_initialized = atom_put("not_initialized"), already_initialized = atom_put("already_initialized"),
       continue_ = atom_put("continue"), finished = atom_put("finished"), not_supported = atom_put("not_supported"),
       need_dictionary = atom_put("need_dictionary"), empty = atom_put("empty"), stream_end = atom_put("stream_end"),
       stream_error = atom_put("stream_error"), data_error = atom_put("data_error"),
       mem_error = atom_put("mem_error"), buf_error = atom_put("buf_error"),
       version_error = atom_put("version_error"), unknown_error = atom_put("unknown_error");
};
const Atoms& A() {
  static const Atoms* a = new Atoms();
  return *a;
}

constexpr size_t ENQUEUE_VEC_MAX = 256;
constexpr size_t DICT_MAX = 32768;

enum class State { None, Deflate, Inflate, Closed };
// What inflate does with more input after the end of a stream.
enum EosBehavior { EOS_ERROR = 0, EOS_RESET = 1, EOS_CUT = 2 };

// A term kept outside any process heap.
class StoredTerm {
 public:
  ~StoredTerm() { clear(); }
  bool empty() const { return frag_ == nullptr && term_ == NON_VALUE; }
  void set(Term t) {
    clear();
    UWord words = copy_size(t);
    if (words == 0) {
      term_ = t;
      return;
    }
    frag_ = HeapFragment::create(words);
    Term* hp = frag_->mem;
    term_ = copy_term(t, &hp, &frag_->off_heap);
    frag_->used = words;
  }
  Term get(Process* p) const {
    UWord words = copy_size(term_);
    if (words == 0) return term_;
    Term* hp = p->halloc(words);
    return copy_term(term_, &hp, &p->off_heap);
  }
  void clear() {
    if (frag_) HeapFragment::destroy_consume(frag_);
    frag_ = nullptr;
    term_ = NON_VALUE;
  }

 private:
  HeapFragment* frag_ = nullptr;
  Term term_ = NON_VALUE;
};

struct ZStream : NifResource {
  ZStream() : NifResource(ResourceKind::Zlib) {
    std::memset(&s, 0, sizeof s);
    s.data_type = Z_BINARY;
  }
  ~ZStream() override { end_codec(); }

  std::mutex lock;
  z_stream s;
  State state = State::None;
  int eos_behavior = EOS_CUT;
  bool eos_seen = false;
  // Checksums of the plain data (zlib:crc32/1, deprecated).
  uLong input_crc = crc32(0L, Z_NULL, 0), output_crc = crc32(0L, Z_NULL, 0);
  bool want_input_crc = false, want_output_crc = false;
  bool raw = false;
  int inflate_chunk_size = 4000;  // inflateChunk's buffer (deprecated)
  std::deque<ByteSlice> input;
  size_t input_size = 0;
  StoredTerm stash;

  void end_codec() {
    if (state == State::Deflate) deflateEnd(&s);
    else if (state == State::Inflate) inflateEnd(&s);
  }
  void close() {
    end_codec();
    if (state != State::Closed) {
      stash.clear();
      state = State::Closed;
    }
  }
  void reset_input() {
    input.clear();
    input_size = 0;
    stash.clear();
  }
  void dequeue(size_t n) {
    input_size -= n;
    while (n > 0) {
      ByteSlice& head = input.front();
      if (head.size() > n) {
        head.skip(n);
        return;
      }
      n -= head.size();
      input.pop_front();
    }
  }
  void released() override {
    std::lock_guard<std::mutex> g(lock);
    close();
    reset_input();
  }
};

using ZPtr = std::shared_ptr<ZStream>;

// A zlib return code as the reference's NIFs answer it: an atom, or an
// exception (stream_error, data_error).
Term zlib_result(Process* p, int code) {
  const Atoms& a = A();
  switch (code) {
    case Z_OK: return am::ok;
    case Z_STREAM_END: return a.stream_end;
    case Z_ERRNO: return make_integer(p, errno);
    case Z_STREAM_ERROR: return raise_error(p, a.stream_error);
    case Z_DATA_ERROR: return raise_error(p, a.data_error);
    case Z_MEM_ERROR: return a.mem_error;
    case Z_BUF_ERROR: return a.buf_error;
    case Z_VERSION_ERROR: return a.version_error;
    default: return a.unknown_error;
  }
}

// The reference makes these with enif_make_int: 32-bit signed.
Term make_int32(Process* p, uLong v) { return make_integer(p, int32_t(uint32_t(v))); }

bool get_int(Term t, int* out) {
  int64_t v;
  if (!term_to_int64(t, &v) || v < INT_MIN || v > INT_MAX) return false;
  *out = int(v);
  return true;
}

// Finds the stream and checks the caller controls it. On failure returns
// false with the exception raised in *err.
enum class Need { Any, Open, Deflate, Inflate, Initialized, None };

bool get_stream(Process* p, Term ref, ZPtr* out, Term* err) {
  switch (nif_resource_get_as(ref, ResourceKind::Zlib, out)) {
    case ResourceLookup::NotOurs:
      *err = raise_badarg(p);
      return false;
    case ResourceLookup::Gone:
      *err = raise_error(p, A().not_initialized);
      return false;
    case ResourceLookup::Found:
      break;
  }
  if (nif_resource_owner(ref) != p->id) {
    *err = raise_error(p, A().not_on_controlling_process);
    return false;
  }
  return true;
}

// The state checks done after the argument checks, under the lock.
bool state_ok(Process* p, const ZStream& z, Need need, Term* err) {
  bool ok = true;
  Term reason = A().not_initialized;
  switch (need) {
    case Need::Any: break;
    case Need::Open: ok = z.state != State::Closed; break;
    case Need::Deflate: ok = z.state == State::Deflate; break;
    case Need::Inflate: ok = z.state == State::Inflate; break;
    case Need::Initialized: ok = z.state == State::Deflate || z.state == State::Inflate; break;
    case Need::None:
      ok = z.state == State::None;
      reason = A().already_initialized;
      break;
  }
  if (!ok) *err = raise_error(p, reason);
  return ok;
}

// One step of compression or decompression (the reference's zlib_codec and
// zlib_flush_queue): feed queued input, at most `input_limit` bytes of each
// queued block, until the output chunk is full, the input is used up, or
// this call has used its time slice; then flush with `flush` if all input
// is consumed and there is room.
Term run_codec(Process* p, ZStream& z, bool deflating, int input_limit, int output_chunk, int flush) {
  auto codec = [&](int f) { return deflating ? deflate(&z.s, f) : inflate(&z.s, f); };
  BinData* out;
  try {
    out = BinData::create(size_t(output_chunk));
  } catch (const std::bad_alloc&) {
    return zlib_result(p, Z_MEM_ERROR);
  }
  z.s.next_out = out->bytes;
  z.s.avail_out = uInt(output_chunk);
  int res = Z_OK;
  size_t consumed = 0;
  unsigned slice_percent = 0;  // of a time slice, as enif_consume_timeslice counts
  for (size_t i = 0; res == Z_OK && i < z.input.size() && consumed < size_t(input_limit); i++) {
    const ByteSlice& block = z.input[i];
    size_t block_size = std::min(block.size(), size_t(input_limit));
    z.s.next_in = const_cast<Bytef*>(block.data());
    z.s.avail_in = uInt(block_size);
    res = codec(Z_NO_FLUSH);  // no flushing before the end of the input
    size_t used = block_size - z.s.avail_in;
    consumed += used;
    if (z.want_input_crc) z.input_crc = crc32(z.input_crc, block.data(), uInt(used));
    slice_percent += std::max<unsigned>(1, unsigned(100 * used / size_t(input_limit)));
    if (slice_percent >= 100) break;
  }
  z.dequeue(consumed);
  size_t remaining = z.input_size;
  if (res == Z_OK && remaining == 0 && z.s.avail_out > 0) {
    // All input is in: flush as asked (this also drains output left over
    // from a previous call that filled its buffer).
    z.s.next_in = nullptr;
    z.s.avail_in = 0;
    res = codec(flush);
  }
  size_t produced = size_t(output_chunk) - z.s.avail_out;
  z.s.next_out = nullptr;
  z.s.avail_out = 0;
  if (res < 0 && res != Z_BUF_ERROR) {
    out->unref_consume();
    return zlib_result(p, res);
  }
  if (res == Z_STREAM_END) z.eos_seen = true;
  if (z.want_output_crc) z.output_crc = crc32(z.output_crc, out->bytes, uInt(produced));
  if (consumed == 0 && produced == 0 && remaining != 0) {
    out->unref_consume();  // no progress at all: not well-formed input
    return zlib_result(p, Z_DATA_ERROR);
  }
  Term output = NIL;
  if (produced > 0) {
    Term bin;
    if (produced <= HEAP_BIN_LIMIT) {
      bin = make_heap_bin(p->halloc(heap_bin_words(produced)), out->bytes, produced);
      out->unref_consume();
    } else {
      if (produced < out->size) out = BinData::resize(out, produced);
      bin = make_refc_bin(p->halloc(REFC_BIN_WORDS), out, &p->off_heap);
    }
    output = make_cons(p, bin, NIL);
  } else {
    out->unref_consume();
  }
  if (remaining == 0 && produced < size_t(output_chunk)) return make_tuple(p, {A().finished, output});
  if (res != Z_NEED_DICT) return make_tuple(p, {A().continue_, output});
  return make_tuple(p, {A().need_dictionary, make_int32(p, z.s.adler), output});
}

}  // namespace

#define ZLIB_STREAM(need)                                   \
  ZPtr z;                                                   \
  Term zerr;                                                \
  if (!get_stream(p, args[0], &z, &zerr)) return zerr;

#define ZLIB_LOCK(need)                           \
  std::lock_guard<std::mutex> zguard(z->lock);    \
  if (!state_ok(p, *z, need, &zerr)) return zerr;

BIF_FN(zlib_open_nif_0) {
  (void)args;
  return nif_resource_create(p, p->id, std::make_shared<ZStream>());
}

BIF_FN(zlib_close_nif_1) {
  ZLIB_STREAM(Need::Open)
  {
    ZLIB_LOCK(Need::Open)
    z->close();
  }
  nif_resource_remove(args[0]);
  return am::ok;
}

BIF_FN(zlib_set_controller_nif_2) {
  if (!is_local_pid(args[1])) return raise_badarg(p);  // before the controller check
  ZLIB_STREAM(Need::Any)
  nif_resource_set_owner(args[0], args[1]);
  return am::ok;
}

BIF_FN(zlib_deflateInit_nif_6) {
  int level, method, window_bits, mem_level, strategy;
  bool ints = get_int(args[1], &level) && get_int(args[2], &method) && get_int(args[3], &window_bits) &&
              get_int(args[4], &mem_level) && get_int(args[5], &strategy);
  ZPtr z;
  if (!ints) return raise_badarg(p);
  Term zerr;
  if (!get_stream(p, args[0], &z, &zerr)) return zerr;
  ZLIB_LOCK(Need::None)
  int res = deflateInit2(&z->s, level, method, window_bits, mem_level, strategy);
  if (res == Z_OK) {
    z->state = State::Deflate;
    z->eos_seen = false;
    z->raw = window_bits < 0;
    z->want_output_crc = false;
    z->want_input_crc = z->raw;
    z->input_crc = z->output_crc = crc32(0L, Z_NULL, 0);
  }
  return zlib_result(p, res);
}

BIF_FN(zlib_deflateSetDictionary_nif_2) {
  ZPtr z;
  Term zerr;
  std::string dict;
  if (nif_resource_get_as(args[0], ResourceKind::Zlib, &z) == ResourceLookup::NotOurs) return raise_badarg(p);
  if (!iodata_bytes(args[1], dict)) return raise_badarg(p);
  if (!get_stream(p, args[0], &z, &zerr)) return zerr;
  ZLIB_LOCK(Need::Deflate)
  auto* bytes = reinterpret_cast<const Bytef*>(dict.data());
  int res = deflateSetDictionary(&z->s, bytes, uInt(dict.size()));
  if (res != Z_OK) return zlib_result(p, res);
  // A raw stream does not keep the dictionary's checksum: compute it.
  uLong sum = z->raw ? adler32(0, bytes, uInt(dict.size())) : z->s.adler;
  return make_int32(p, sum);
}

BIF_FN(zlib_deflateReset_nif_1) {
  ZLIB_STREAM(Need::Deflate)
  ZLIB_LOCK(Need::Deflate)
  int res = deflateReset(&z->s);
  z->input_crc = crc32(0L, Z_NULL, 0);
  z->eos_seen = false;
  z->reset_input();
  return zlib_result(p, res);
}

BIF_FN(zlib_deflateEnd_nif_1) {
  ZLIB_STREAM(Need::Deflate)
  ZLIB_LOCK(Need::Deflate)
  int res = deflateEnd(&z->s);
  if (res == Z_OK && z->input_size > 0) res = Z_DATA_ERROR;
  z->reset_input();
  z->state = State::None;
  return zlib_result(p, res);
}

BIF_FN(zlib_deflateParams_nif_3) {
  int level, strategy;
  ZPtr z;
  if (nif_resource_get_as(args[0], ResourceKind::Zlib, &z) == ResourceLookup::NotOurs ||
      !get_int(args[1], &level) || !get_int(args[2], &strategy))
    return raise_badarg(p);
  Term zerr;
  if (!get_stream(p, args[0], &z, &zerr)) return zerr;
  ZLIB_LOCK(Need::Deflate)
  // zlib.erl flushed everything before: a one-byte buffer shows whether
  // deflateParams still had output to give (it must not).
  Bytef dummy;
  z->s.next_out = &dummy;
  z->s.avail_out = 1;
  int res = deflateParams(&z->s, level, strategy);
  bool overflowed = z->s.avail_out == 0;
  z->s.next_out = nullptr;
  z->s.avail_out = 0;
  return zlib_result(p, overflowed ? Z_STREAM_ERROR : res);
}

static Term codec_nif(Process* p, Term* args, bool deflating) {
  int in_chunk, out_chunk, flush;
  ZPtr z;
  if (nif_resource_get_as(args[0], ResourceKind::Zlib, &z) == ResourceLookup::NotOurs ||
      !get_int(args[1], &in_chunk) || !get_int(args[2], &out_chunk) || !get_int(args[3], &flush) ||
      in_chunk <= 0 || out_chunk < 0)
    return raise_badarg(p);
  Need need = deflating ? Need::Deflate : Need::Inflate;
  Term zerr;
  if (!get_stream(p, args[0], &z, &zerr)) return zerr;
  ZLIB_LOCK(need)
  if (!deflating && z->eos_seen && z->input_size > 0) {
    switch (z->eos_behavior) {
      case EOS_ERROR:
        return zlib_result(p, Z_DATA_ERROR);
      case EOS_RESET: {
        int res = inflateReset(&z->s);
        if (res != Z_OK) return zlib_result(p, res);
        z->eos_seen = false;
        break;
      }
      case EOS_CUT:
        z->reset_input();
        break;
    }
  }
  return run_codec(p, *z, deflating, in_chunk, out_chunk, flush);
}

BIF_FN(zlib_deflate_nif_4) { return codec_nif(p, args, true); }
BIF_FN(zlib_inflate_nif_4) { return codec_nif(p, args, false); }

BIF_FN(zlib_inflateInit_nif_3) {
  int window_bits, eos;
  ZPtr z;
  if (nif_resource_get_as(args[0], ResourceKind::Zlib, &z) == ResourceLookup::NotOurs ||
      !get_int(args[1], &window_bits) || !get_int(args[2], &eos))
    return raise_badarg(p);
  Term zerr;
  if (!get_stream(p, args[0], &z, &zerr)) return zerr;
  ZLIB_LOCK(Need::None)
  int res = inflateInit2(&z->s, window_bits);
  if (res == Z_OK) {
    z->state = State::Inflate;
    z->eos_behavior = eos;
    z->eos_seen = false;
    z->raw = window_bits < 0;
    z->want_output_crc = z->raw;
    z->want_input_crc = false;
    z->input_crc = z->output_crc = crc32(0L, Z_NULL, 0);
  }
  return zlib_result(p, res);
}

BIF_FN(zlib_inflateSetDictionary_nif_2) {
  ZPtr z;
  std::string dict;
  if (nif_resource_get_as(args[0], ResourceKind::Zlib, &z) == ResourceLookup::NotOurs ||
      !iodata_bytes(args[1], dict))
    return raise_badarg(p);
  Term zerr;
  if (!get_stream(p, args[0], &z, &zerr)) return zerr;
  ZLIB_LOCK(Need::Inflate)
  return zlib_result(p, inflateSetDictionary(&z->s, reinterpret_cast<const Bytef*>(dict.data()), uInt(dict.size())));
}

BIF_FN(zlib_inflateGetDictionary_nif_1) {
  ZLIB_STREAM(Need::Inflate)
  ZLIB_LOCK(Need::Inflate)
  std::vector<Bytef> buf(DICT_MAX);
  uInt len = 0;
  int res = inflateGetDictionary(&z->s, buf.data(), &len);
  if (res < 0) return zlib_result(p, res);
  return make_binary(p, buf.data(), len);
}

BIF_FN(zlib_inflateReset_nif_1) {
  ZLIB_STREAM(Need::Inflate)
  ZLIB_LOCK(Need::Inflate)
  int res = inflateReset(&z->s);
  z->output_crc = crc32(0L, Z_NULL, 0);
  z->eos_seen = false;
  z->reset_input();
  return zlib_result(p, res);
}

BIF_FN(zlib_inflateEnd_nif_1) {
  ZLIB_STREAM(Need::Inflate)
  ZLIB_LOCK(Need::Inflate)
  int res = inflateEnd(&z->s);
  if (res == Z_OK && (!z->eos_seen || z->input_size > 0)) res = Z_DATA_ERROR;
  z->reset_input();
  z->state = State::None;
  return zlib_result(p, res);
}

BIF_FN(zlib_crc32_nif_1) {
  ZLIB_STREAM(Need::Any)
  std::lock_guard<std::mutex> g(z->lock);
  if (z->state == State::Deflate) return make_uinteger(p, z->input_crc);
  if (z->state == State::Inflate) return make_uinteger(p, z->output_crc);
  return raise_error(p, A().not_initialized);
}

BIF_FN(zlib_getBufSize_nif_1) {
  ZLIB_STREAM(Need::Any)
  std::lock_guard<std::mutex> g(z->lock);
  return make_integer(p, z->inflate_chunk_size);
}

BIF_FN(zlib_setBufSize_nif_2) {
  ZLIB_STREAM(Need::Any)
  std::lock_guard<std::mutex> g(z->lock);
  if (!get_int(args[1], &z->inflate_chunk_size)) return raise_badarg(p);
  return am::ok;
}

BIF_FN(zlib_getStash_nif_1) {
  ZLIB_STREAM(Need::Any)
  std::lock_guard<std::mutex> g(z->lock);
  if (z->stash.empty()) return A().empty;
  return make_tuple(p, {am::ok, z->stash.get(p)});
}

BIF_FN(zlib_clearStash_nif_1) {
  ZLIB_STREAM(Need::Any)
  std::lock_guard<std::mutex> g(z->lock);
  if (z->stash.empty()) return raise_error(p, am::error);
  z->stash.clear();
  return am::ok;
}

BIF_FN(zlib_setStash_nif_2) {
  ZLIB_STREAM(Need::Any)
  std::lock_guard<std::mutex> g(z->lock);
  if (!z->stash.empty()) return raise_error(p, am::error);
  z->stash.set(args[1]);
  return am::ok;
}

BIF_FN(zlib_enqueue_nif_2) {
  ZLIB_STREAM(Need::Initialized)
  ZLIB_LOCK(Need::Initialized)
  std::vector<ByteSlice> slices;
  Term tail;
  if (!iovec_take(args[1], ENQUEUE_VEC_MAX, &slices, &tail)) return raise_badarg(p);
  for (ByteSlice& s : slices) {
    z->input_size += s.size();
    z->input.push_back(std::move(s));
  }
  if (!is_nil(tail)) return make_tuple(p, {A().continue_, tail});
  return am::ok;
}

}  // namespace bvm
