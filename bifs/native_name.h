// Native file names and environment strings: how Erlang names (lists of
// characters, binaries) become the bytes the OS sees, and back.
//
// The encoding is chosen once, as the reference does on Unix: UTF-8 when
// the locale's character set (LC_ALL, LC_CTYPE, LANG) is UTF-8, else
// Latin-1, unless set_user_filename_encoding() (the +fnl/+fnu/+fna
// emulator flags) says otherwise.
#pragma once

#include <string>
#include <string_view>

#include "vm/process.h"
#include "vm/term.h"

namespace bvm {

enum class NameEncoding { Latin1, Utf8 };
// What prim_file:internal_native2name/1 answers for bytes that are not
// valid UTF-8 under UTF-8 naming ({error, Type}): +fn?w, +fn?i, +fn?e.
enum class NameWarning { Warning, Ignore, Error };

NameEncoding native_name_encoding();
NameWarning native_name_warning();
// +fnl / +fnu / +fna (`detect`: from the locale, as without a flag); call
// before the first use.
void set_user_filename_encoding(bool detect, NameEncoding enc, NameWarning warning);

// A name given as a (deep) list of characters, as the reference's
// erts_native_filename_need/_put accept it: no NUL, no binaries, characters
// the encoding can hold. Appends its bytes to `out` (no terminator);
// false if the name is not acceptable. Atoms are not names here.
bool chars_to_native(Term name, std::string& out);

// Bytes from the OS as a list of characters: decoded as UTF-8 when that is
// the encoding and they are valid UTF-8, else one character per byte.
Term native_to_chars(Process* p, std::string_view bytes);

// Whether bytes are well-formed UTF-8 (no overlong forms, surrogates or
// characters above U+10FFFF); *chars receives their number of characters.
bool valid_utf8(std::string_view bytes, size_t* chars = nullptr);

}  // namespace bvm
