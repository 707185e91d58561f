// Erlang monotonic time <-> the steady clock the timers use.
#pragma once

#include <cstdint>

namespace bvm {

// When a timer of `ms` milliseconds (relative, or with `abs` an Erlang
// monotonic time) expires, in the steady-clock microseconds of
// vm/timers.h's timer_now_us. False if the reference would refuse the
// time (badarg, cause `time`): beyond the range of its native time.
bool timer_deadline_us(int64_t ms, bool abs, int64_t* at_us);

}  // namespace bvm
