#include "vm/io_loop.h"

#include <uv.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "vm/epoch.h"

namespace bvm {

namespace {

struct IoLoop {
  uv_loop_t loop;
  uv_async_t wake;
  std::mutex lock;
  std::vector<std::function<void()>> posted;
  std::thread thread;
};

IoLoop* g_io = nullptr;
std::once_flag g_once;

void run_posted(uv_async_t* h) {
  auto* io = static_cast<IoLoop*>(h->data);
  std::vector<std::function<void()>> work;
  {
    std::lock_guard<std::mutex> lock(io->lock);
    work.swap(io->posted);
  }
  for (auto& fn : work) fn();
}

}  // namespace

void io_loop_start() {
  std::call_once(g_once, [] {
    auto* io = new IoLoop();  // lives as long as the VM
    uv_loop_init(&io->loop);
    uv_async_init(&io->loop, &io->wake, run_posted);
    io->wake.data = io;
    g_io = io;
    io->thread = std::thread([io] {
      this_thread_epoch();  // register before any callback pins
      uv_run(&io->loop, UV_RUN_DEFAULT);
    });
    io->thread.detach();
  });
}

void io_loop_post(std::function<void()> fn) {
  io_loop_start();
  {
    std::lock_guard<std::mutex> lock(g_io->lock);
    g_io->posted.push_back(std::move(fn));
  }
  uv_async_send(&g_io->wake);
}

void io_loop_drain(int timeout_ms) {
  if (!g_io) return;
  struct Done {
    std::mutex lock;
    std::condition_variable cv;
    bool done = false;
  };
  auto done = std::make_shared<Done>();  // outlives a wait that timed out
  io_loop_post([done] {
    std::lock_guard<std::mutex> lock(done->lock);
    done->done = true;
    done->cv.notify_all();
  });
  std::unique_lock<std::mutex> lock(done->lock);
  done->cv.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return done->done; });
}

uv_loop_s* io_loop() { return &g_io->loop; }

}  // namespace bvm
