// Messages from the runtime itself to the system logger, as the reference
// sends them: {log, Level, Format, Args, Meta} to the process named by
// erlang:system_flag(system_logger, _) (by default whatever is registered
// as `logger`; `undefined` drops them). With no such process the message
// is printed on standard error instead (the caller gives that text).
#pragma once

#include <string_view>

#include "vm/process.h"

namespace bvm {

// The current system logger: an atom (a registered name), a pid or
// `undefined`. Setting returns the previous one.
Term system_logger_get();
Term system_logger_set(Term logger);

// Sends an error report from process p (its pid and group leader go in the
// metadata) with an io:format string and a list of arguments on p's heap;
// `fallback` is what standard error gets when no logger takes it.
void system_logger_error(Process* p, std::string_view format, Term args, std::string_view fallback);

}  // namespace bvm
