// The I/O thread: one libuv loop that runs timers (vm/timers.cpp) and,
// later, ports and sockets. Other threads hand it work with io_loop_post.
#pragma once

#include <functional>

struct uv_loop_s;

namespace bvm {

// Starts the thread (once; later calls do nothing).
void io_loop_start();
// Runs fn on the loop thread, soon. Safe from any thread.
void io_loop_post(std::function<void()> fn);
// Waits (at most timeout_ms) until everything posted before the call has
// run: halt uses it so that port output already sent (an fd port writes
// when its command runs) reaches its file, as the reference's halt
// flushes ports. Returns at once if the loop never started.
void io_loop_drain(int timeout_ms);
// The loop (use only on the loop thread).
uv_loop_s* io_loop();

}  // namespace bvm
