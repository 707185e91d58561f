// Text helpers shared by BIFs: characters, strings, binaries, integers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "vm/process.h"

namespace bvm {

void append_utf8(std::string& out, uint32_t cp);
// UTF-8 text -> list of code points.
Term utf8_to_list(Process* p, std::string_view s);
// Bytes -> list of bytes.
Term latin1_to_list(Process* p, std::string_view s);
// False if some code point is above 255.
bool utf8_to_latin1(std::string_view s, std::string& out);
// A list of integers 0..255 -> bytes; false otherwise.
bool list_to_latin1(Term list, std::string& out);
// A binary with these bytes (heap or refc).
Term make_binary(Process* p, const uint8_t* data, size_t size);
// The bytes of a binary (whole bytes only).
std::string binary_bytes(Term bin);
// [+|-]digits in base 2..36 -> integer; NON_VALUE if malformed.
Term parse_integer(Process* p, const std::string& s, int base);

}  // namespace bvm
