// prim_file: the file NIFs of erts/preloaded/src/prim_file.erl on POSIX,
// and its BIFs (file name encoding).
//
// Names arrive as prim_file:internal_name2native/1 made them: binaries
// ending in NUL. Failures are {error, Posix} with erl's errno atoms; bad
// argument types raise badarg, which prim_file.erl turns into
// {error, badarg}. The calls block the calling scheduler thread (the
// reference runs them on dirty I/O schedulers).
//
// An open file is a resource (vm/nif_resources.h) owned by the process that
// opened it: closed by close_nif, or when that process exits. An operation
// on a closed file, or on one another operation is using at that moment,
// gives {error, einval}, as in the reference.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <utime.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <vector>

#include "bifs/bif.h"
#include "bifs/bin_util.h"
#include "bifs/iovec.h"
#include "bifs/native_name.h"
#include "bifs/posix_errors.h"
#include "bifs/text.h"
#include "vm/atom_table.h"
#include "vm/nif_resources.h"

namespace bvm {

namespace {

// ---------------------------------------------------------------- atoms

struct Atoms {
  Term read = atom_put("read"), write = atom_put("write"), exclusive = atom_put("exclusive"),
       append = atom_put("append"), sync = atom_put("sync"), skip_type_check = atom_put("skip_type_check"),
       directory = atom_put("directory"), read_write = atom_put("read_write"), none = atom_put("none"),
       normal = atom_put("normal"), random = atom_put("random"), sequential = atom_put("sequential"),
       will_need = atom_put("will_need"), dont_need = atom_put("dont_need"), no_reuse = atom_put("no_reuse"),
       device = atom_put("device"), regular = atom_put("regular"), symlink = atom_put("symlink"),
       other = atom_put("other"), bof = atom_put("bof"), cur = atom_put("cur"), eof = atom_put("eof"),
       continue_ = atom_put("continue"), file_info = atom_put("file_info"),
       warning = atom_put("warning"), ignore = atom_put("ignore");
};
const Atoms& A() {
  static const Atoms* a = new Atoms();
  return *a;
}

// ---------------------------------------------------------------- modes

enum Mode : unsigned {
  M_READ = 1, M_WRITE = 2, M_APPEND = 4, M_EXCLUSIVE = 8, M_SYNC = 16, M_SKIP_TYPE_CHECK = 32,
  M_DIRECTORY = 128, M_FROM_FD = 256,
};

// Unknown modes (raw, binary, read_ahead, ...) are prim_file.erl's business.
unsigned translate_modes(Term list) {
  unsigned m = 0;
  for (; is_list(list); list = cdr(list)) {
    Term h = car(list);
    if (h == A().read) m |= M_READ;
    else if (h == A().write) m |= M_WRITE;
    else if (h == A().exclusive) m |= M_EXCLUSIVE;
    else if (h == A().append) m |= M_APPEND;
    else if (h == A().sync) m |= M_SYNC;
    else if (h == A().skip_type_check) m |= M_SKIP_TYPE_CHECK;
    else if (h == A().directory) m |= M_DIRECTORY;
  }
  if (m & (M_APPEND | M_EXCLUSIVE)) m |= M_WRITE;  // documented as "open for writing"
  else if (!(m & (M_READ | M_WRITE))) m |= M_READ;
  return m;
}

int open_flags(unsigned m) {
  int flags;
  if ((m & M_READ) && !(m & M_WRITE)) flags = O_RDONLY;
  else if ((m & M_WRITE) && !(m & M_READ)) flags = O_TRUNC | O_WRONLY | O_CREAT;
  else flags = O_RDWR | O_CREAT;
  if (m & M_APPEND) flags = (flags & ~O_TRUNC) | O_APPEND;
  if (m & M_EXCLUSIVE) flags |= O_EXCL;
  if (m & M_SYNC) flags |= O_SYNC;
  if (m & M_DIRECTORY) flags |= O_DIRECTORY;
  return flags | O_CLOEXEC;
}

// ---------------------------------------------------------------- numbers

// enif_get_int64 / enif_get_int / enif_get_uint: integers in range only.
bool get_int64(Term t, int64_t* out) { return term_to_int64(t, out); }
bool get_int32(Term t, int32_t* out) {
  int64_t v;
  if (!term_to_int64(t, &v) || v < INT32_MIN || v > INT32_MAX) return false;
  *out = int32_t(v);
  return true;
}
bool get_uint32(Term t, uint32_t* out) {
  int64_t v;
  if (!term_to_int64(t, &v) || v < 0 || v > int64_t(UINT32_MAX)) return false;
  *out = uint32_t(v);
  return true;
}

// ---------------------------------------------------------------- paths

// A path as internal_name2native/1 encodes it: a binary whose bytes end in
// NUL, with nothing but NULs after the first one. False: einval.
bool marshal_path(Term t, std::string* out) {
  if (!is_bitstring(t) || bitstring_bits(t) % 8) return false;
  BinaryBytes b(t);
  std::string_view v = b.view();
  size_t nul = v.find('\0');
  if (nul == std::string_view::npos) return false;
  if (v.find_first_not_of('\0', nul) != std::string_view::npos) return false;
  out->assign(v.substr(0, nul));
  return true;
}

// ---------------------------------------------------------------- results

Term error_tuple(Process* p, int err) { return posix_error_tuple(p, err); }

// Reads into a fresh off-heap buffer of `size` bytes; nullptr if it cannot
// be had.
BinData* new_buffer(size_t size) {
  try {
    return BinData::create(size);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}

// The first `used` bytes of bd as a binary term; consumes bd.
Term buffer_to_binary(Process* p, BinData* bd, size_t used) {
  if (used <= HEAP_BIN_LIMIT) {
    Term t = make_heap_bin(p->halloc(heap_bin_words(used)), bd->bytes, used);
    bd->unref_consume();
    return t;
  }
  if (used < bd->size) bd = BinData::resize(bd, used);
  return make_refc_bin(p->halloc(REFC_BIN_WORDS), bd, &p->off_heap);
}

// ---------------------------------------------------------------- I/O loops

// The reference's efile_readv/_writev/_preadv/_pwritev: keep going until the
// buffers are done, end of file, or an error (EINTR retried). The bytes
// done, or -1 with errno set when the last call failed.
template <class Call>
int64_t transfer(std::vector<iovec> iov, Call call) {
  int64_t done = 0;
  size_t first = 0;
  ssize_t r;
  for (;;) {
    if (first == iov.size()) {
      r = 0;
      break;
    }
    int n = int(std::min<size_t>(iov.size() - first, IOV_MAX));
    r = call(&iov[first], n, done);
    if (r > 0) {
      done += r;
      size_t shift = size_t(r);
      while (shift > 0) {
        if (shift < iov[first].iov_len) {
          iov[first].iov_base = static_cast<char*>(iov[first].iov_base) + shift;
          iov[first].iov_len -= shift;
          break;
        }
        shift -= iov[first].iov_len;
        first++;
      }
      continue;
    }
    if (r < 0 && errno == EINTR) continue;
    break;
  }
  if (r == 0) return done;
  return -1;
}

int64_t read_fully(int fd, uint8_t* buf, size_t size) {
  if (size == 0) return 0;
  return transfer({{buf, size}}, [fd](iovec* v, int n, int64_t) { return ::readv(fd, v, n); });
}

int64_t pread_fully(int fd, int64_t offset, uint8_t* buf, size_t size) {
  if (size == 0) return 0;
  return transfer({{buf, size}}, [fd, offset](iovec* v, int n, int64_t done) {
    return ::preadv(fd, v, n, off_t(offset + done));
  });
}

std::vector<iovec> to_iovecs(const std::vector<ByteSlice>& slices) {
  std::vector<iovec> iov;
  for (const ByteSlice& s : slices) iov.push_back({const_cast<uint8_t*>(s.data()), s.size()});
  return iov;
}

// ---------------------------------------------------------------- file info

Term file_info(Process* p, const struct stat& st, Term access) {
  const Atoms& a = A();
  Term type = S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? a.device
              : S_ISDIR(st.st_mode)                      ? a.directory
              : S_ISREG(st.st_mode)                      ? a.regular
              : S_ISLNK(st.st_mode)                      ? a.symlink
                                                         : a.other;
  // The smallest time that converts freely between universal and local.
  constexpr int64_t MIN_FILETIME = -2145916800;
  auto time = [&](int64_t t) { return make_integer(p, std::max(MIN_FILETIME, t)); };
  auto u32 = [&](uint64_t v) { return make_uinteger(p, uint32_t(v)); };
  return make_tuple(p, {a.file_info, make_uinteger(p, uint64_t(st.st_size)), type, access, time(st.st_atime),
                        time(st.st_mtime), time(st.st_ctime), u32(st.st_mode), u32(st.st_nlink), u32(st.st_dev),
                        u32(st.st_rdev), u32(st.st_ino), u32(st.st_uid), u32(st.st_gid)});
}

Term access_atom(bool r, bool w) {
  return r && w ? A().read_write : r ? A().read : w ? A().write : A().none;
}

// ---------------------------------------------------------------- open files

struct File : NifResource {
  File(int fd_, unsigned modes_) : NifResource(ResourceKind::File), fd(fd_), modes(modes_) {}
  std::mutex lock;  // held by the operation using the file
  int fd;           // -1 once closed
  unsigned modes;

  void released() override {
    std::lock_guard<std::mutex> g(lock);
    if (fd >= 0) {
      ::close(fd);
      fd = -1;
    }
  }
};

// Runs op(File&) with the file held; badarg for something that is no file,
// {error, einval} for a closed or busy one.
template <class Op>
Term with_file(Process* p, Term ref, Op op) {
  std::shared_ptr<File> f;
  switch (nif_resource_get_as(ref, ResourceKind::File, &f)) {
    case ResourceLookup::NotOurs: return raise_badarg(p);
    case ResourceLookup::Gone: return error_tuple(p, EINVAL);
    case ResourceLookup::Found: break;
  }
  std::unique_lock<std::mutex> held(f->lock, std::try_to_lock);
  if (!held.owns_lock() || f->fd < 0) return error_tuple(p, EINVAL);
  return op(*f);
}

bool is_directory_fd(int fd) {
  struct stat st;
  return ::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
}

// Opens a file as the reference does: 0 and *fd, or an errno.
int open_file(const std::string& path, unsigned modes, int* fd_out) {
  int fd;
  do {
    fd = ::open(path.c_str(), open_flags(modes), (modes & M_DIRECTORY) ? 0777 : 0666);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return errno;
  // Directories only when asked for.
  if (!(modes & M_SKIP_TYPE_CHECK) && !(modes & M_DIRECTORY) && is_directory_fd(fd)) {
    ::close(fd);
    return EISDIR;
  }
  *fd_out = fd;
  return 0;
}

Term new_file_ref(Process* p, int fd, unsigned modes) {
  Term ref = nif_resource_create(p, p->id, std::make_shared<File>(fd, modes));
  return make_tuple(p, {am::ok, ref});
}

// Runs op(path) on a marshalled path; {error, einval} for a bad one.
template <class Op>
Term with_path(Process* p, Term name, Op op) {
  std::string path;
  if (!marshal_path(name, &path)) return error_tuple(p, EINVAL);
  return op(path);
}

Term ok_or_errno(Process* p, int rc) { return rc < 0 ? error_tuple(p, errno) : am::ok; }

}  // namespace

// ================================================================ BIFs

BIF_FN(file_native_name_encoding_0) {
  (void)args;
  (void)p;
  static const Term latin1 = atom_put("latin1"), utf8 = atom_put("utf8");
  return native_name_encoding() == NameEncoding::Utf8 ? utf8 : latin1;
}

BIF_FN(prim_file_internal_name2native_1) {
  Term name = args[0];
  std::string out;
  if (is_atom(name)) return raise_badarg(p);
  if (is_bitstring(name)) {
    BinaryBytes b(name);  // whole bytes, taken as they are
    if (b.view().find('\0') != std::string_view::npos) return raise_badarg(p);
    out.assign(b.view());
  } else if (!chars_to_native(name, out)) {
    return raise_badarg(p);
  }
  out.push_back('\0');
  return make_binary(p, reinterpret_cast<const uint8_t*>(out.data()), out.size());
}

BIF_FN(prim_file_internal_native2name_1) {
  Term bin = args[0];
  if (!is_bitstring(bin) || bitstring_bits(bin) % 8) return raise_badarg(p);
  BinaryBytes b(bin);
  if (b.size() == 0) return NIL;
  if (native_name_encoding() == NameEncoding::Latin1) return latin1_to_list(p, b.view());
  if (!valid_utf8(b.view())) {
    NameWarning w = native_name_warning();
    Term type = w == NameWarning::Ignore ? A().ignore : w == NameWarning::Error ? am::error : A().warning;
    return make_tuple(p, {am::error, type});
  }
  return utf8_to_list(p, b.view());
}

BIF_FN(prim_file_internal_normalize_utf8_1) {
  Term bin = args[0];
  if (!is_bitstring(bin) || bitstring_bits(bin) % 8) return raise_badarg(p);
  BinaryBytes b(bin);
  if (b.size() == 0) return NIL;
  if (!valid_utf8(b.view())) return raise_badarg(p);
  // Canonical composition needs the Unicode composition tables; text
  // without combining characters (all below U+0300) is already composed.
  for (uint8_t c : b.view())
    if (c >= 0xCC) return raise_error(p, am::notsup);
  return utf8_to_list(p, b.view());
}

BIF_FN(prim_file_is_translatable_1) {
  Term bin = args[0];
  if (!is_bitstring(bin) || bitstring_bits(bin) % 8) return raise_badarg(p);
  BinaryBytes b(bin);
  if (b.size() == 0 || native_name_encoding() == NameEncoding::Latin1) return am::true_;
  return valid_utf8(b.view()) ? am::true_ : am::false_;
}

// ================================================================ file NIFs

BIF_FN(prim_file_open_nif_2) {
  if (!is_list(args[1]) && !is_nil(args[1])) return raise_badarg(p);
  unsigned modes = translate_modes(args[1]);
  return with_path(p, args[0], [&](const std::string& path) {
    int fd;
    if (int err = open_file(path, modes, &fd)) return error_tuple(p, err);
    return new_file_ref(p, fd, modes);
  });
}

BIF_FN(prim_file_file_desc_to_ref_nif_1) {
  int32_t fd;
  if (!is_number(args[0]) || !get_int32(args[0], &fd)) return raise_badarg(p);
  if (::fcntl(fd, F_GETFL) == -1 && errno == EBADF) return error_tuple(p, EBADF);
  return new_file_ref(p, fd, M_FROM_FD);
}

BIF_FN(prim_file_close_nif_1) {
  std::shared_ptr<File> f;
  switch (nif_resource_get_as(args[0], ResourceKind::File, &f)) {
    case ResourceLookup::NotOurs: return raise_badarg(p);
    case ResourceLookup::Gone: return error_tuple(p, EINVAL);
    case ResourceLookup::Found: break;
  }
  int err = 0;
  {
    std::unique_lock<std::mutex> held(f->lock, std::try_to_lock);
    if (!held.owns_lock() || f->fd < 0) return error_tuple(p, EINVAL);
    // close(2) is not retried on EINTR: the descriptor is gone either way.
    if (::close(f->fd) < 0) err = errno;
    f->fd = -1;
  }
  nif_resource_remove(args[0]);
  return err ? error_tuple(p, err) : am::ok;
}

// The janitor process's close of a file whose owner died. Our files are
// closed when their owner exits, so this only makes sure.
BIF_FN(prim_file_delayed_close_nif_1) {
  std::shared_ptr<File> f;
  ResourceLookup l = nif_resource_get_as(args[0], ResourceKind::File, &f);
  if (l == ResourceLookup::NotOurs) return raise_badarg(p);
  if (l == ResourceLookup::Found) nif_resource_remove(args[0]);
  return am::ok;
}

BIF_FN(prim_file_read_nif_2) {
  Term size_arg = args[1];
  return with_file(p, args[0], [&](File& f) {
    int64_t size;
    if (!is_number(size_arg)) return raise_badarg(p);
    if (!get_int64(size_arg, &size) || size < 0) return error_tuple(p, EINVAL);
    BinData* bd = new_buffer(size_t(size));
    if (!bd) return error_tuple(p, ENOMEM);
    int64_t n = read_fully(f.fd, bd->bytes, size_t(size));
    if (n <= 0) {
      int err = errno;
      bd->unref_consume();
      return n < 0 ? error_tuple(p, err) : A().eof;
    }
    return make_tuple(p, {am::ok, buffer_to_binary(p, bd, size_t(n))});
  });
}

BIF_FN(prim_file_write_nif_2) {
  Term data = args[1];
  return with_file(p, args[0], [&](File& f) {
    std::vector<ByteSlice> slices;
    Term tail;
    if (!iovec_take(data, 64, &slices, &tail)) return raise_badarg(p);
    int fd = f.fd;
    int64_t n = transfer(to_iovecs(slices), [fd](iovec* v, int k, int64_t) { return ::writev(fd, v, k); });
    if (n < 0) return error_tuple(p, errno);
    if (!is_nil(tail)) return make_tuple(p, {A().continue_, tail});
    return am::ok;
  });
}

BIF_FN(prim_file_pread_nif_3) {
  Term offset_arg = args[1], size_arg = args[2];
  return with_file(p, args[0], [&](File& f) {
    int64_t offset, size;
    if (!is_number(offset_arg) || !is_number(size_arg)) return raise_badarg(p);
    if (!get_int64(offset_arg, &offset) || !get_int64(size_arg, &size) || offset < 0 || size < 0)
      return error_tuple(p, EINVAL);
    BinData* bd = new_buffer(size_t(size));
    if (!bd) return error_tuple(p, ENOMEM);
    int64_t n = pread_fully(f.fd, offset, bd->bytes, size_t(size));
    if (n <= 0) {
      int err = errno;
      bd->unref_consume();
      return n < 0 ? error_tuple(p, err) : A().eof;
    }
    return make_tuple(p, {am::ok, buffer_to_binary(p, bd, size_t(n))});
  });
}

BIF_FN(prim_file_pwrite_nif_3) {
  Term offset_arg = args[1], data = args[2];
  return with_file(p, args[0], [&](File& f) {
    std::vector<ByteSlice> slices;
    Term tail;
    int64_t offset;
    if (!is_number(offset_arg) || !iovec_take(data, 64, &slices, &tail)) return raise_badarg(p);
    if (!get_int64(offset_arg, &offset) || offset < 0) return error_tuple(p, EINVAL);
    int fd = f.fd;
    int64_t n = transfer(to_iovecs(slices), [fd, offset](iovec* v, int k, int64_t done) {
      return ::pwritev(fd, v, k, off_t(offset + done));
    });
    if (n < 0) return error_tuple(p, errno);
    if (!is_nil(tail)) return make_tuple(p, {A().continue_, make_integer(p, n), tail});
    return am::ok;
  });
}

BIF_FN(prim_file_seek_nif_3) {
  Term mark = args[1], offset_arg = args[2];
  return with_file(p, args[0], [&](File& f) {
    int64_t offset;
    if (!get_int64(offset_arg, &offset)) return raise_badarg(p);
    int whence;
    if (mark == A().bof) whence = SEEK_SET;
    else if (mark == A().cur) whence = SEEK_CUR;
    else if (mark == A().eof) whence = SEEK_END;
    else return raise_badarg(p);
    errno = 0;
    off_t pos = ::lseek(f.fd, off_t(offset), whence);
    if (pos < 0) return error_tuple(p, errno ? errno : EINVAL);
    return make_tuple(p, {am::ok, make_uinteger(p, uint64_t(pos))});
  });
}

BIF_FN(prim_file_sync_nif_2) {
  Term data_only_arg = args[1];
  return with_file(p, args[0], [&](File& f) {
    int32_t data_only;
    if (!get_int32(data_only_arg, &data_only)) return raise_badarg(p);
    return ok_or_errno(p, data_only ? ::fdatasync(f.fd) : ::fsync(f.fd));
  });
}

BIF_FN(prim_file_truncate_nif_1) {
  return with_file(p, args[0], [&](File& f) {
    off_t pos = ::lseek(f.fd, 0, SEEK_CUR);
    if (pos < 0) return error_tuple(p, errno);
    return ok_or_errno(p, ::ftruncate(f.fd, pos));
  });
}

BIF_FN(prim_file_allocate_nif_3) {
  Term offset_arg = args[1], length_arg = args[2];
  return with_file(p, args[0], [&](File& f) {
    int64_t offset, length;
    if (!is_number(offset_arg) || !is_number(length_arg)) return raise_badarg(p);
    if (!get_int64(offset_arg, &offset) || !get_int64(length_arg, &length) || offset < 0 || length < 0)
      return error_tuple(p, EINVAL);
    int rc;
    do {
      rc = ::fallocate(f.fd, 0, off_t(offset), off_t(length));
    } while (rc < 0 && errno == EINTR);
    if (rc < 0) {
      // The portable call, as a fallback; it returns the error number.
      do {
        rc = ::posix_fallocate(f.fd, off_t(offset), off_t(length));
      } while (rc == EINTR);
      if (rc != 0) return error_tuple(p, rc);
    }
    return am::ok;
  });
}

BIF_FN(prim_file_advise_nif_4) {
  Term offset_arg = args[1], length_arg = args[2], advice = args[3];
  return with_file(p, args[0], [&](File& f) {
    int64_t offset, length;
    if (!is_number(offset_arg) || !is_number(length_arg)) return raise_badarg(p);
    if (!get_int64(offset_arg, &offset) || !get_int64(length_arg, &length) || offset < 0 || length < 0)
      return error_tuple(p, EINVAL);
    const Atoms& a = A();
    int adv;
    if (advice == a.normal) adv = POSIX_FADV_NORMAL;
    else if (advice == a.random) adv = POSIX_FADV_RANDOM;
    else if (advice == a.sequential) adv = POSIX_FADV_SEQUENTIAL;
    else if (advice == a.will_need) adv = POSIX_FADV_WILLNEED;
    else if (advice == a.dont_need) adv = POSIX_FADV_DONTNEED;
    else if (advice == a.no_reuse) adv = POSIX_FADV_NOREUSE;
    else return error_tuple(p, EINVAL);
    // Advice only: the reference reports success whatever the call says.
    (void)::posix_fadvise(f.fd, off_t(offset), off_t(length), adv);
    return am::ok;
  });
}

BIF_FN(prim_file_read_handle_info_nif_1) {
  return with_file(p, args[0], [&](File& f) {
    struct stat st;
    if (::fstat(f.fd, &st) < 0) return error_tuple(p, errno);
    // Access from the mode bits that apply to us (as owner, group, other).
    bool r, w;
    if (st.st_uid == ::geteuid()) {
      r = st.st_mode & S_IRUSR;
      w = st.st_mode & S_IWUSR;
    } else if (st.st_gid == ::getegid()) {
      r = st.st_mode & S_IRGRP;
      w = st.st_mode & S_IWGRP;
    } else {
      r = st.st_mode & S_IROTH;
      w = st.st_mode & S_IWOTH;
    }
    return file_info(p, st, access_atom(r, w));
  });
}

BIF_FN(prim_file_get_handle_nif_1) {
  return with_file(p, args[0], [&](File& f) {
    int fd = f.fd;
    return make_binary(p, reinterpret_cast<const uint8_t*>(&fd), sizeof fd);
  });
}

// Reads a 32-bit size and 32-bit position (big-endian) at Offset, then the
// block they describe (used by dets).
BIF_FN(prim_file_ipread_s32bu_p32bu_nif_3) {
  Term offset_arg = args[1], max_arg = args[2];
  return with_file(p, args[0], [&](File& f) {
    int64_t offset, max_size;
    if (!is_number(offset_arg) || !is_number(max_arg)) return raise_badarg(p);
    if (!get_int64(offset_arg, &offset) || !get_int64(max_arg, &max_size) || offset < 0 ||
        max_size >= (int64_t(1) << 31))
      return error_tuple(p, EINVAL);
    uint8_t head[8];
    int64_t n = pread_fully(f.fd, offset, head, sizeof head);
    if (n < 0) return error_tuple(p, errno);
    if (n < int64_t(sizeof head)) return A().eof;
    uint32_t size = uint32_t(head[0]) << 24 | uint32_t(head[1]) << 16 | uint32_t(head[2]) << 8 | head[3];
    uint32_t at = uint32_t(head[4]) << 24 | uint32_t(head[5]) << 16 | uint32_t(head[6]) << 8 | head[7];
    if (int64_t(size) > max_size) return A().eof;
    BinData* bd = new_buffer(size);
    if (!bd) return error_tuple(p, ENOMEM);
    n = pread_fully(f.fd, at, bd->bytes, size);
    Term data;
    if (n < 0) {
      int err = errno;
      bd->unref_consume();
      return error_tuple(p, err);
    }
    if (n == 0) {
      bd->unref_consume();
      data = A().eof;
    } else {
      data = buffer_to_binary(p, bd, size_t(n));
    }
    return make_tuple(p, {am::ok, make_tuple(p, {make_uinteger(p, size), make_uinteger(p, at), data})});
  });
}

// ================================================================ file system

BIF_FN(prim_file_read_file_nif_1) {
  return with_path(p, args[0], [&](const std::string& path) {
    int fd;
    if (int err = open_file(path, M_READ, &fd)) return error_tuple(p, err);
    struct stat st;
    size_t known = ::fstat(fd, &st) == 0 ? size_t(st.st_size) : 0;
    // The size may have changed since: read until end of file (or, when the
    // size is known, until that much is read).
    size_t cap = known ? known : 16 << 10, used = 0;
    BinData* bd = new_buffer(cap);
    int err = bd ? 0 : ENOMEM;
    while (bd) {
      int64_t n = read_fully(fd, bd->bytes + used, cap - used);
      if (n < 0) {
        err = errno;
        break;
      }
      used += size_t(n);
      if (size_t(n) < cap - (used - size_t(n)) || used == known) break;
      try {
        bd = BinData::resize(bd, cap = used * 2);
      } catch (const std::bad_alloc&) {
        err = ENOMEM;
        break;
      }
    }
    ::close(fd);
    if (err) {
      if (bd) bd->unref_consume();
      return error_tuple(p, err);
    }
    return make_tuple(p, {am::ok, buffer_to_binary(p, bd, used)});
  });
}

BIF_FN(prim_file_read_info_nif_2) {
  int32_t follow;
  if (!get_int32(args[1], &follow)) return raise_badarg(p);
  return with_path(p, args[0], [&](const std::string& path) {
    struct stat st;
    if ((follow ? ::stat(path.c_str(), &st) : ::lstat(path.c_str(), &st)) < 0) return error_tuple(p, errno);
    bool r = ::access(path.c_str(), R_OK) == 0, w = ::access(path.c_str(), W_OK) == 0;
    return file_info(p, st, access_atom(r, w));
  });
}

BIF_FN(prim_file_set_permissions_nif_2) {
  uint32_t perms;
  if (!get_uint32(args[1], &perms)) return raise_badarg(p);
  return with_path(p, args[0], [&](const std::string& path) {
    mode_t mode = perms & (S_ISUID | S_ISGID | S_IRWXU | S_IRWXG | S_IRWXO);
    if (::chmod(path.c_str(), mode) < 0 && ::chmod(path.c_str(), mode & ~(S_ISUID | S_ISGID)) < 0)
      return error_tuple(p, errno);
    return am::ok;
  });
}

BIF_FN(prim_file_set_owner_nif_3) {
  int32_t uid, gid;
  if (!get_int32(args[1], &uid) || !get_int32(args[2], &gid)) return raise_badarg(p);
  return with_path(p, args[0], [&](const std::string& path) {
    return ok_or_errno(p, ::chown(path.c_str(), uid_t(uid), gid_t(gid)));
  });
}

BIF_FN(prim_file_set_time_nif_4) {
  int64_t atime, mtime, ctime;
  if (!get_int64(args[1], &atime) || !get_int64(args[2], &mtime) || !get_int64(args[3], &ctime))
    return raise_badarg(p);
  return with_path(p, args[0], [&](const std::string& path) {
    struct utimbuf t;
    t.actime = time_t(atime);
    t.modtime = time_t(mtime);  // POSIX has no settable change time
    return ok_or_errno(p, ::utime(path.c_str(), &t));
  });
}

BIF_FN(prim_file_read_link_nif_1) {
  return with_path(p, args[0], [&](const std::string& path) {
    std::string buf(256, '\0');
    for (;;) {
      ssize_t n = ::readlink(path.c_str(), buf.data(), buf.size());
      if (n <= 0) return error_tuple(p, errno);
      if (size_t(n) < buf.size()) {
        Term bin = make_binary(p, reinterpret_cast<const uint8_t*>(buf.data()), size_t(n));
        return make_tuple(p, {am::ok, bin});
      }
      buf.resize(buf.size() * 2);
    }
  });
}

BIF_FN(prim_file_list_dir_nif_1) {
  return with_path(p, args[0], [&](const std::string& path) {
    DIR* dir = ::opendir(path.c_str());
    if (!dir) return error_tuple(p, errno);
    Term list = NIL;
    while (struct dirent* e = ::readdir(dir)) {
      std::string_view name = e->d_name;
      if (name == "." || name == "..") continue;
      list = make_cons(p, make_binary(p, reinterpret_cast<const uint8_t*>(name.data()), name.size()), list);
    }
    ::closedir(dir);
    return make_tuple(p, {am::ok, list});
  });
}

BIF_FN(prim_file_rename_nif_2) {
  std::string from, to;
  if (!marshal_path(args[0], &from) || !marshal_path(args[1], &to)) return error_tuple(p, EINVAL);
  if (::rename(from.c_str(), to.c_str()) < 0) {
    if (errno == ENOTEMPTY) return error_tuple(p, EEXIST);
    if (from == "/") return error_tuple(p, EINVAL);
    return error_tuple(p, errno);
  }
  return am::ok;
}

BIF_FN(prim_file_make_hard_link_nif_2) {
  std::string existing, created;
  if (!marshal_path(args[0], &existing) || !marshal_path(args[1], &created)) return error_tuple(p, EINVAL);
  return ok_or_errno(p, ::link(existing.c_str(), created.c_str()));
}

BIF_FN(prim_file_make_soft_link_nif_2) {
  std::string existing, created;
  if (!marshal_path(args[0], &existing) || !marshal_path(args[1], &created)) return error_tuple(p, EINVAL);
  return ok_or_errno(p, ::symlink(existing.c_str(), created.c_str()));
}

BIF_FN(prim_file_make_dir_nif_1) {
  return with_path(p, args[0], [&](const std::string& path) { return ok_or_errno(p, ::mkdir(path.c_str(), 0777)); });
}

BIF_FN(prim_file_del_file_nif_1) {
  return with_path(p, args[0], [&](const std::string& path) {
    if (::unlink(path.c_str()) < 0) return error_tuple(p, errno == EISDIR ? EPERM : errno);
    return am::ok;
  });
}

BIF_FN(prim_file_del_dir_nif_1) {
  return with_path(p, args[0], [&](const std::string& path) {
    if (::rmdir(path.c_str()) == 0) return am::ok;
    int err = errno == ENOTEMPTY ? EEXIST : errno;
    if (err == EEXIST) {
      // Deleting the current directory: einval, whatever the system says.
      struct stat target, cwd;
      if (::stat(path.c_str(), &target) == 0 && ::stat(".", &cwd) == 0 && target.st_ino == cwd.st_ino &&
          target.st_dev == cwd.st_dev)
        err = EINVAL;
    }
    return error_tuple(p, err);
  });
}

BIF_FN(prim_file_get_device_cwd_nif_1) {
  int32_t device;
  if (!get_int32(args[0], &device)) return raise_badarg(p);
  return error_tuple(p, ENOTSUP);  // drive letters are Windows only
}

BIF_FN(prim_file_set_cwd_nif_1) {
  return with_path(p, args[0], [&](const std::string& path) { return ok_or_errno(p, ::chdir(path.c_str())); });
}

BIF_FN(prim_file_get_cwd_nif_0) {
  (void)args;
  std::string buf(256, '\0');
  while (!::getcwd(buf.data(), buf.size())) {
    if (errno != ERANGE) return error_tuple(p, errno);
    buf.resize(buf.size() * 2);
  }
  size_t n = std::strlen(buf.c_str());
  return make_tuple(p, {am::ok, make_binary(p, reinterpret_cast<const uint8_t*>(buf.data()), n)});
}

BIF_FN(prim_file_altname_nif_1) {
  return with_path(p, args[0], [&](const std::string&) { return error_tuple(p, ENOTSUP); });
}

}  // namespace bvm
