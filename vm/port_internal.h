// Between the port core (vm/port.cpp) and its I/O drivers
// (vm/port_io.cpp). Everything here runs on the I/O thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "vm/port.h"
#include "vm/process.h"

namespace bvm {

struct PortIo;  // a driver's state (port_io.cpp)

struct Port {
  Term id = NON_VALUE;
  std::atomic<Term> connected{NON_VALUE};
  std::atomic<bool> alive{true};  // open and not closing
  std::string name;               // as port_info(P, name) shows it
  PortOptions opts;
  // ---- I/O thread only
  std::vector<Term> links;
  std::vector<MonitorEntry> monitored_by;
  std::string pending;            // input not yet delivered (packet/line framing)
  uint64_t input = 0, output = 0;
  long os_pid = -1;
  bool got_eof = false;
  bool exited = false;            // the child exited (spawn ports)
  int64_t exit_code = 0;
  PortIo* io = nullptr;
};

// ---- drivers (port_io.cpp)
// Starts the program or opens the descriptors; on failure returns null and
// the posix error name (e.g. "enoent").
PortIo* port_io_start(Port* port, std::string* error);
void port_io_write(PortIo* io, const std::string& bytes);
// Stops input, closes what it opened; `done` runs when libuv let go.
void port_io_close(PortIo* io, void (*done)(Port*), Port* port);

// ---- events from the drivers (port.cpp)
void port_on_input(Port* port, const char* data, size_t n);
void port_on_eof(Port* port);
void port_on_exit(Port* port, int64_t status);  // the child's exit status (128+signal if killed)
// Looks up an open port by id; nullptr if it is gone.
Port* port_by_id(Term id);

}  // namespace bvm
