#include "bifs/posix_errors.h"

#include <cerrno>
#include <string>
#include <unordered_map>

#include "bifs/bif.h"
#include "vm/atom_table.h"

namespace bvm {

namespace {

struct ErrName {
  int err;
  const char* macro;
};

// The errors erl has names for. Where two macros share a number the first
// listed names it (EAGAIN, not EWOULDBLOCK; ENOTSUP, not EOPNOTSUPP).
#define E(n) {n, #n},
const ErrName names[] = {
    E(E2BIG) E(EACCES) E(EADDRINUSE) E(EADDRNOTAVAIL) E(EAFNOSUPPORT) E(EAGAIN) E(EALREADY) E(EBADF)
    E(EBADMSG) E(EBUSY) E(ECHILD) E(ECONNABORTED) E(ECONNREFUSED) E(ECONNRESET) E(EDEADLK)
    E(EDESTADDRREQ) E(EDOM) E(EDQUOT) E(EEXIST) E(EFAULT) E(EFBIG) E(EHOSTUNREACH) E(EIDRM)
    E(EILSEQ) E(EINPROGRESS) E(EINTR) E(EINVAL) E(EIO) E(EISCONN) E(EISDIR) E(ELOOP) E(EMFILE)
    E(EMLINK) E(EMSGSIZE) E(EMULTIHOP) E(ENAMETOOLONG) E(ENETDOWN) E(ENETRESET) E(ENETUNREACH)
    E(ENFILE) E(ENOBUFS) E(ENODATA) E(ENODEV) E(ENOENT) E(ENOEXEC) E(ENOLCK) E(ENOLINK) E(ENOMEM)
    E(ENOMSG) E(ENOPROTOOPT) E(ENOSPC) E(ENOSR) E(ENOSTR) E(ENOSYS) E(ENOTCONN) E(ENOTDIR)
    E(ENOTEMPTY) E(ENOTSOCK) E(ENOTSUP) E(ENOTTY) E(ENXIO) E(EOVERFLOW) E(EPERM) E(EPIPE) E(EPROTO)
    E(EPROTONOSUPPORT) E(EPROTOTYPE) E(ERANGE) E(EROFS) E(ESPIPE) E(ESRCH) E(ESTALE) E(ETIME)
    E(ETIMEDOUT) E(ETXTBSY) E(EXDEV)
#ifdef __linux__
    E(EADV) E(EBADE) E(EBADFD) E(EBADR) E(EBADRQC) E(EBADSLT) E(EBFONT) E(ECHRNG) E(ECOMM)
    E(EDOTDOT) E(EHOSTDOWN) E(EISNAM) E(EL2HLT) E(EL2NSYNC) E(EL3HLT) E(EL3RST) E(ELIBACC)
    E(ELIBBAD) E(ELIBEXEC) E(ELIBMAX) E(ELIBSCN) E(ELNRNG) E(ENAVAIL) E(ENOANO) E(ENOCSI) E(ENONET)
    E(ENOPKG) E(ENOTBLK) E(ENOTNAM) E(ENOTUNIQ) E(EPFNOSUPPORT) E(EREMCHG) E(EREMOTE) E(EREMOTEIO)
    E(ESHUTDOWN) E(ESOCKTNOSUPPORT) E(ESRMNT) E(ETOOMANYREFS) E(EUCLEAN) E(EUNATCH) E(EUSERS)
    E(EXFULL)
#endif
#ifdef EWOULDBLOCK
    E(EWOULDBLOCK)
#endif
#ifdef EOPNOTSUPP
    E(EOPNOTSUPP)
#endif
#ifdef EDEADLOCK
    E(EDEADLOCK)
#endif
};
#undef E

const std::unordered_map<int, Term>& atoms() {
  static const auto* table = [] {
    auto* t = new std::unordered_map<int, Term>();
    for (const ErrName& n : names) {
      std::string lower(n.macro);
      for (char& c : lower) c = char(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      t->emplace(n.err, atom_put(lower));  // keeps the first name for a number
    }
    return t;
  }();
  return *table;
}

}  // namespace

Term posix_error_atom(int err) {
  auto it = atoms().find(err);
  return it != atoms().end() ? it->second : atom_put("unknown");
}

Term posix_error_tuple(Process* p, int err) { return make_tuple(p, {am::error, posix_error_atom(err)}); }

}  // namespace bvm
