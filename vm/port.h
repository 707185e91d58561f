// Ports: external programs ({spawn, Cmd}, {spawn_executable, File}) and
// file descriptors ({fd, In, Out}) that processes talk to with messages.
//
// A port lives on the I/O thread (vm/io_loop.h): all of its state, its
// links and monitors are touched only there. Processes reach it by posting
// work to that thread (port_signal, the port BIFs), so what one process
// does to a port happens in the order it did it. The port reaches
// processes by ordinary signals: {Port, {data, D}}, {Port, eof},
// {Port, {exit_status, S}}, {Port, closed}, {Port, connected} messages,
// exit signals to linked processes and 'DOWN' messages to monitors when it
// closes.
//
// The port table maps port ids to ports for every thread; a port is
// "alive" from open until it starts closing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vm/message.h"
#include "vm/term.h"

namespace bvm {

struct PortOptions {
  enum class Kind { Spawn, SpawnExecutable, Fd, File } kind = Kind::Spawn;
  std::string command;  // the program, the shell command for spawn, or the file of a vanilla port
  int fd_in = -1, fd_out = -1;
  int packet = 0;       // 0 (stream), 1, 2 or 4 length bytes
  size_t line = 0;      // line mode: the longest line delivered in one piece; 0: off
  bool binary = false;
  bool eof = false;
  bool exit_status = false;
  bool use_stdio = true;
  bool stderr_to_stdout = false;
  bool in = true, out = true;
  std::optional<std::vector<std::string>> args;
  std::optional<std::string> arg0;
  std::optional<std::string> cd;
  std::vector<std::pair<std::string, std::optional<std::string>>> env;  // nullopt: unset it
};

// Parses open_port/2's arguments. Returns an empty string if they are
// valid, else "badarg" (bad name) or "badopt" (bad settings).
std::string port_parse_options(Term name, Term settings, PortOptions* out);

// A new port id (the port is opened with it by port_open).
Term port_new_id();
// Opens port `id` owned (and linked to) `owner`, on the I/O thread. When
// done, {Ref, Port} or {Ref, PosixErrorAtom} goes to the owner; after a
// failure the owner also gets an unlink from `id`.
void port_open(Term id, Term owner, const PortOptions& opts, const RefNumbers& reply);

// Is the port open (not closing or closed)? Its connected process, or
// NON_VALUE if it is not.
Term port_connected(Term port);
bool port_alive(Term port);
std::vector<Term> port_list();
size_t port_count();

// A signal from a process to a port (link, unlink, exit, monitor,
// demonitor, or a message Port ! {Pid, Command}). Takes m. False if there
// is no such port (m freed).
bool port_signal(Term port, Message* m);

// port_command: writes the bytes (framed as the port's packet option says).
void port_command(Term port, std::string bytes);
// port_close / port_connect / port_info / port_control: the answer
// {Ref, Result} goes to `caller`. `arg` (info item, new pid, control
// data) is in m->term; takes m.
enum class PortOp { Close, Connect, Info, Control };
void port_request(Term port, PortOp op, Message* m, const RefNumbers& reply);

}  // namespace bvm
