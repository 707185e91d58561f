// Port drivers on libuv: spawned programs talk through pipes watched by
// the I/O loop; fd ports read on a thread of their own (the descriptor may
// be a terminal, a pipe, a file or /dev/null) and write synchronously.
// A vanilla port (open_port(FileName, ...)) is an fd port on a file it
// opened itself and closes when both its reader and the port let go.
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>
#include <uv.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bifs/os_env.h"
#include "vm/io_loop.h"
#include "vm/port_internal.h"


namespace bvm {

// A descriptor the port opened: closed when the last holder (the port, its
// reader thread) lets go.
struct OwnedFd {
  int fd;
  explicit OwnedFd(int f) : fd(f) {}
  ~OwnedFd() { ::close(fd); }
};

struct PortIo {
  Port* port = nullptr;
  Term id = NON_VALUE;
  bool spawned = false;
  // spawn
  uv_process_t proc;
  uv_pipe_t to_child;    // its stdin (or fd 3)
  uv_pipe_t from_child;  // its stdout (or fd 4)
  bool has_to = false, has_from = false;
  int open_handles = 0;
  bool process_running = false;
  // fd
  int fd_out = -1;
  std::shared_ptr<OwnedFd> owned;  // a vanilla port's file
  // closing
  void (*done)(Port*) = nullptr;
  bool closing = false;
};

namespace {

std::string errno_name(int uv_err) {
  // libuv's error names are the posix ones in upper case ("ENOENT").
  std::string n = uv_err_name(uv_err);
  for (char& c : n) c = char(std::tolower(static_cast<unsigned char>(c)));
  return n;
}

void handle_closed(uv_handle_t* h) {
  auto* io = static_cast<PortIo*>(h->data);
  if (--io->open_handles == 0 && io->closing) {
    Port* port = io->port;
    auto done = io->done;
    delete io;
    done(port);
  }
}

void alloc_buffer(uv_handle_t*, size_t suggested, uv_buf_t* buf) {
  buf->base = static_cast<char*>(std::malloc(suggested));
  buf->len = buf->base ? suggested : 0;
}

void on_read(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
  auto* io = static_cast<PortIo*>(s->data);
  if (n > 0 && !io->closing) port_on_input(io->port, buf->base, size_t(n));
  std::free(buf->base);
  if (n < 0) {
    uv_read_stop(s);
    if (!io->closing) port_on_eof(io->port);
  }
}

void on_exit(uv_process_t* proc, int64_t status, int signal) {
  auto* io = static_cast<PortIo*>(proc->data);
  io->process_running = false;
  if (!io->closing) port_on_exit(io->port, signal ? 128 + signal : status);
  else uv_close(reinterpret_cast<uv_handle_t*>(&io->proc), handle_closed);  // reaped: let go
}

struct WriteReq {
  uv_write_t req;
  std::string data;
};

void on_written(uv_write_t* req, int) { delete reinterpret_cast<WriteReq*>(req); }

// The environment for a spawned program: the VM's (as os:putenv/unsetenv
// left it) with the port's changes.
std::vector<std::string> child_env(const PortOptions& o) {
  std::vector<std::string> env;
  for (const auto& [key, value] : os_env_entries()) env.push_back(key + "=" + value);
  for (const auto& [key, value] : o.env) {
    std::string prefix = key + "=";
    env.erase(std::remove_if(env.begin(), env.end(),
                             [&](const std::string& s) { return s.compare(0, prefix.size(), prefix) == 0; }),
              env.end());
    if (value) env.push_back(prefix + *value);
  }
  return env;
}

PortIo* start_spawn(Port* port, std::string* error) {
  const PortOptions& o = port->opts;
  auto* io = new PortIo();
  io->port = port;
  io->id = port->id;
  io->spawned = true;
  uv_loop_t* loop = io_loop();

  std::vector<std::string> args;
  std::string file;
  if (o.kind == PortOptions::Kind::Spawn) {
    file = "/bin/sh";
    args = {"sh", "-c", "exec " + o.command};  // the reference execs the command in place of the shell
  } else {
    file = o.command;
    args.push_back(o.arg0 ? *o.arg0 : o.command);
    if (o.args)
      for (const std::string& a : *o.args) args.push_back(a);
  }
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env = child_env(o);
  std::vector<char*> envp;
  for (std::string& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);

  uv_stdio_container_t stdio[5];
  int count = 3;
  int to_fd = o.use_stdio ? 0 : 3, from_fd = o.use_stdio ? 1 : 4;
  if (!o.use_stdio) count = 5;
  for (int i = 0; i < count; i++) {
    stdio[i].flags = UV_INHERIT_FD;
    stdio[i].data.fd = i < 3 ? i : -1;
  }
  if (!o.use_stdio) {
    stdio[3].flags = UV_IGNORE;
    stdio[4].flags = UV_IGNORE;
  }
  if (o.out) {
    uv_pipe_init(loop, &io->to_child, 0);
    io->to_child.data = io;
    io->has_to = true;
    io->open_handles++;
    stdio[to_fd].flags = static_cast<uv_stdio_flags>(UV_CREATE_PIPE | UV_READABLE_PIPE);
    stdio[to_fd].data.stream = reinterpret_cast<uv_stream_t*>(&io->to_child);
  } else if (o.use_stdio) {
    stdio[0].flags = UV_IGNORE;
  }
  // With stderr_to_stdout the program's output and error share one pipe
  // that we make ourselves (libuv cannot hand a pipe it creates during the
  // spawn to a second descriptor).
  int shared[2] = {-1, -1};
  if (o.in) {
    uv_pipe_init(loop, &io->from_child, 0);
    io->from_child.data = io;
    io->has_from = true;
    io->open_handles++;
    if (o.stderr_to_stdout && uv_pipe(shared, 0, 0) == 0) {
      stdio[from_fd].flags = UV_INHERIT_FD;
      stdio[from_fd].data.fd = shared[1];
      stdio[2].flags = UV_INHERIT_FD;
      stdio[2].data.fd = shared[1];
    } else {
      stdio[from_fd].flags = static_cast<uv_stdio_flags>(UV_CREATE_PIPE | UV_WRITABLE_PIPE);
      stdio[from_fd].data.stream = reinterpret_cast<uv_stream_t*>(&io->from_child);
    }
  }

  uv_process_options_t opts;
  std::memset(&opts, 0, sizeof opts);
  opts.exit_cb = on_exit;
  opts.file = file.c_str();
  opts.args = argv.data();
  opts.env = envp.data();
  opts.cwd = o.cd ? o.cd->c_str() : nullptr;
  opts.stdio_count = count;
  opts.stdio = stdio;
  io->proc.data = io;
  int rc = uv_spawn(loop, &io->proc, &opts);
  io->open_handles++;  // the process handle must be closed even after a failure
  if (shared[1] >= 0) {
    ::close(shared[1]);  // the child has its copies
    if (rc == 0) rc = uv_pipe_open(&io->from_child, shared[0]);
    else ::close(shared[0]);
  }
  if (rc != 0) {
    *error = errno_name(rc);
    io->closing = true;
    io->done = [](Port*) {};
    if (io->has_to) uv_close(reinterpret_cast<uv_handle_t*>(&io->to_child), handle_closed);
    if (io->has_from) uv_close(reinterpret_cast<uv_handle_t*>(&io->from_child), handle_closed);
    uv_close(reinterpret_cast<uv_handle_t*>(&io->proc), handle_closed);
    return nullptr;
  }
  io->process_running = true;
  port->os_pid = io->proc.pid;
  if (io->has_from) uv_read_start(reinterpret_cast<uv_stream_t*>(&io->from_child), alloc_buffer, on_read);
  else port->got_eof = true;  // no input to wait for
  return io;
}

// An fd port's input: a thread blocked in read() hands what it reads to
// the I/O loop. It outlives the port if the read never returns.
void start_fd_reader(Term id, int fd, std::shared_ptr<OwnedFd> owned = nullptr) {
  std::thread([id, fd, owned = std::move(owned)] {
    std::vector<char> buf(65536);
    for (;;) {
      ssize_t n = ::read(fd, buf.data(), buf.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        struct pollfd pfd = {fd, POLLIN, 0};
        ::poll(&pfd, 1, -1);
        continue;
      }
      if (n <= 0) {
        io_loop_post([id] {
          if (Port* port = port_by_id(id)) port_on_eof(port);
        });
        return;
      }
      std::string data(buf.data(), size_t(n));
      io_loop_post([id, data] {
        if (Port* port = port_by_id(id)) port_on_input(port, data.data(), data.size());
      });
    }
  }).detach();
}

PortIo* start_fd(Port* port, std::string* error) {
  const PortOptions& o = port->opts;
  if ((o.in && fcntl(o.fd_in, F_GETFD) < 0) || (o.out && fcntl(o.fd_out, F_GETFD) < 0)) {
    *error = "ebadf";
    return nullptr;
  }
  auto* io = new PortIo();
  io->port = port;
  io->id = port->id;
  io->fd_out = o.out ? o.fd_out : -1;
  if (o.in) start_fd_reader(port->id, o.fd_in);
  else port->got_eof = true;
  return io;
}

PortIo* start_file(Port* port, std::string* error) {
  const PortOptions& o = port->opts;
  int flags = o.in && o.out ? O_RDWR | O_CREAT : o.in ? O_RDONLY : O_WRONLY | O_CREAT | O_TRUNC;
  int fd = ::open(o.command.c_str(), flags | O_CLOEXEC, 0666);
  if (fd < 0) {
    *error = "einval";  // the reference reports any failure of the driver so
    return nullptr;
  }
  auto* io = new PortIo();
  io->port = port;
  io->id = port->id;
  io->owned = std::make_shared<OwnedFd>(fd);
  io->fd_out = o.out ? fd : -1;
  if (o.in) start_fd_reader(port->id, fd, io->owned);
  else port->got_eof = true;
  return io;
}

// Writes all of `data` to a descriptor that may be non-blocking.
void write_all(int fd, const char* data, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, data, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        struct pollfd pfd = {fd, POLLOUT, 0};
        ::poll(&pfd, 1, -1);
        continue;
      }
      return;  // closed or broken: the output is lost, as with a dead reader
    }
    data += w;
    n -= size_t(w);
  }
}

}  // namespace

PortIo* port_io_start(Port* port, std::string* error) {
  if (port->opts.kind == PortOptions::Kind::Fd) return start_fd(port, error);
  if (port->opts.kind == PortOptions::Kind::File) return start_file(port, error);
  return start_spawn(port, error);
}

void port_io_write(PortIo* io, const std::string& bytes) {
  if (io->closing || bytes.empty()) return;
  if (!io->spawned) {
    if (io->fd_out >= 0) write_all(io->fd_out, bytes.data(), bytes.size());
    return;
  }
  if (!io->has_to) return;
  auto* req = new WriteReq();
  req->data = bytes;
  uv_buf_t buf = uv_buf_init(req->data.data(), unsigned(req->data.size()));
  if (uv_write(&req->req, reinterpret_cast<uv_stream_t*>(&io->to_child), &buf, 1, on_written) != 0) delete req;
}

void port_io_close(PortIo* io, void (*done)(Port*), Port* port) {
  io->closing = true;
  io->done = done;
  if (!io->spawned) {
    delete io;
    done(port);  // the reader thread finds the port gone
    return;
  }
  // Closing the pipes lets the program see end of input; it is not killed
  // (like the reference). The process handle stays until libuv reaps it.
  if (io->has_to) uv_close(reinterpret_cast<uv_handle_t*>(&io->to_child), handle_closed);
  if (io->has_from) uv_close(reinterpret_cast<uv_handle_t*>(&io->from_child), handle_closed);
  if (!io->process_running) uv_close(reinterpret_cast<uv_handle_t*>(&io->proc), handle_closed);
}

}  // namespace bvm
