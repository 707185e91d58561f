// The timer service: receive timeouts and the erlang:send_after/start_timer
// timers, on one timing wheel (vm/timer_wheel.h) driven by a libuv loop on
// its own thread (vm/io_loop.h).
//
// Receive timeouts are named by 64-bit ids, erlang timers by their
// reference's numbers. Expiry sends a signal: a receive timeout becomes a
// Timeout signal to the process (which ignores it if it has left that
// receive since), a message timer delivers its message. Any thread may
// start, cancel or read timers; callbacks run on the loop thread.
#pragma once

#include <cstdint>

#include "vm/message.h"
#include "vm/term.h"

namespace bvm {

// Milliseconds of the monotonic clock the timers use.
int64_t timer_now_ms();

// A receive timeout for `pid` at `at_us` (monotonic microseconds); the
// Timeout signal carries `gen`. Returns the timer's id.
uint64_t timer_start_receive(Term pid, uint32_t gen, int64_t at_us);

// Cancels a receive timeout (if it has not expired).
void timer_cancel_receive(uint64_t id);

// A message timer: at `at_us` (monotonic microseconds), delivers `msg`
// (whose data the timer now owns) to `dest`, a local pid or a registered
// name. `ref` names it.
void timer_start_message(const RefNumbers& ref, int64_t at_us, Term dest, Message* msg);
// Cancels a message timer; returns the milliseconds that were left, or -1
// if there is no such timer (it expired or was cancelled).
int64_t timer_cancel(const RefNumbers& ref);
// Milliseconds left, or -1.
int64_t timer_read(const RefNumbers& ref);

// Monotonic microseconds (the timers' clock).
int64_t timer_now_us();

}  // namespace bvm
