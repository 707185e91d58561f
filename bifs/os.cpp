// os: environment variables and the OS process id.
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "bifs/text.h"
#include "vm/atom_table.h"

extern char** environ;

namespace bvm {

namespace {
// Environment names and values are strings of code points; the OS sees UTF-8.
bool chars_to_utf8_string(Term list, std::string& out) {
  for (; is_list(list); list = cdr(list)) {
    Term c = car(list);
    if (!is_small(c) || small_val(c) <= 0 || small_val(c) > 0x10FFFF) return false;
    append_utf8(out, uint32_t(small_val(c)));
  }
  return is_nil(list);
}
}  // namespace

BIF_FN(os_getenv_1) {
  std::string name;
  if (!chars_to_utf8_string(args[0], name)) return raise_badarg(p);
  const char* v = std::getenv(name.c_str());
  return v ? utf8_to_list(p, v) : am::false_;
}

BIF_FN(os_putenv_2) {
  std::string name, value;
  if (!chars_to_utf8_string(args[0], name) || !chars_to_utf8_string(args[1], value) || name.empty() ||
      name.find('=') != std::string::npos)
    return raise_badarg(p);
  if (::setenv(name.c_str(), value.c_str(), 1) != 0) return raise_badarg(p);
  return am::true_;
}

BIF_FN(os_unsetenv_1) {
  std::string name;
  if (!chars_to_utf8_string(args[0], name)) return raise_badarg(p);
  ::unsetenv(name.c_str());
  return am::true_;
}

BIF_FN(os_getpid_0) {
  (void)args;
  return latin1_to_list(p, std::to_string(::getpid()));
}

BIF_FN(os_env_0) {
  (void)args;
  Term l = NIL;
  for (char** e = environ; *e; e++) {
    std::string kv = *e;
    size_t eq = kv.find('=');
    if (eq == std::string::npos) continue;
    l = make_cons(p, make_tuple(p, {utf8_to_list(p, kv.substr(0, eq)), utf8_to_list(p, kv.substr(eq + 1))}), l);
  }
  return l;
}

}  // namespace bvm
