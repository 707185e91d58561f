#include "vm/port.h"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <unordered_map>

#include "bifs/bif.h"
#include "bifs/bin_util.h"
#include "bifs/text.h"
#include "vm/atom_table.h"
#include "vm/binary.h"
#include "vm/epoch.h"
#include "vm/identity.h"
#include "vm/io_loop.h"
#include "vm/port_internal.h"
#include "vm/signals.h"

namespace bvm {

namespace {

// ---------------------------------------------------------------- the table

struct PortTable {
  std::mutex lock;
  std::unordered_map<Term, Port*> ports;
  uint64_t next = 0;
};

PortTable& table() {
  static PortTable* t = new PortTable();
  return *t;
}

Port* lookup_locked(Term id) {
  auto it = table().ports.find(id);
  return it == table().ports.end() ? nullptr : it->second;
}

// ---------------------------------------------------------------- building messages

// Builds one message's terms in a fragment sized beforehand.
class Builder {
 public:
  explicit Builder(size_t words) : m_(message_alloc(words)), hp_(words ? m_->frag->mem : nullptr) {}
  Term* alloc(size_t n) {
    Term* p = hp_;
    hp_ += n;
    return p;
  }
  Term tuple(std::initializer_list<Term> es) {
    Term* p = alloc(1 + es.size());
    p[0] = make_header(es.size(), Sub::Tuple);
    size_t i = 1;
    for (Term t : es) p[i++] = t;
    return make_boxed(p);
  }
  Term bytes(const char* data, size_t n, bool binary) {
    const uint8_t* d = reinterpret_cast<const uint8_t*>(data);
    if (!binary) {
      Term l = NIL;
      for (size_t i = n; i-- > 0;) {
        Term* c = alloc(2);
        c[0] = make_small(d[i]);
        c[1] = l;
        l = make_list(c);
      }
      return l;
    }
    if (n <= HEAP_BIN_LIMIT) return make_heap_bin(alloc(heap_bin_words(n)), d, n);
    BinData* b = BinData::create(n);
    std::memcpy(b->bytes, d, n);
    return make_refc_bin(alloc(REFC_BIN_WORDS), b, &m_->frag->off_heap);
  }
  Term ref(const RefNumbers& r) { return make_ref_at(alloc(LOCAL_REF_WORDS), Sub::Ref, nullptr, r.n, 3); }
  // The message, sent from `from` to `to`.
  void send(Term from, Term to, Term msg) {
    finish(from, msg);
    EpochGuard pinned;
    signal_send(to, m_);
  }
  // The 'DOWN' message of monitor `ref`, as a MonitorDown signal.
  void send_down(Term from, Term to, Term msg, const RefNumbers& ref) {
    finish(from, msg);
    m_->kind = SigKind::MonitorDown;
    m_->ref = ref;
    EpochGuard pinned;
    signal_send(to, m_);
  }
  void finish(Term from, Term msg) {
    if (m_->frag) m_->frag->used = size_t(hp_ - m_->frag->mem);
    m_->term = msg;
    m_->from = from;
  }
  static size_t bytes_words(size_t n, bool binary) {
    if (!binary) return 2 * n;
    return n <= HEAP_BIN_LIMIT ? heap_bin_words(n) : REFC_BIN_WORDS;
  }

 private:
  Message* m_;
  Term* hp_;
};

// {Ref, Value} to `to`, Value an immediate.
void reply(Term to, const RefNumbers& r, Term value) {
  Builder b(LOCAL_REF_WORDS + 3);
  b.send(NON_VALUE, to, b.tuple({b.ref(r), value}));
}

// {Port, What} to the connected process.
void tell_owner(Port* port, Term what) {
  Builder b(3);
  b.send(port->id, port->connected.load(), b.tuple({port->id, what}));
}

// {Port, {data, Data}}, or {Port, {data, {eol | noeol, Data}}} in line mode.
void deliver(Port* port, const char* data, size_t n, Term line_flag) {
  bool bin = port->opts.binary;
  size_t words = 6 + Builder::bytes_words(n, bin) + (line_flag != NON_VALUE ? 3 : 0);
  Builder b(words);
  Term d = b.bytes(data, n, bin);
  if (line_flag != NON_VALUE) d = b.tuple({line_flag, d});
  b.send(port->id, port->connected.load(), b.tuple({port->id, b.tuple({atom_put("data"), d})}));
}

// ---------------------------------------------------------------- closing

void port_free(Port* port) {
  {
    std::lock_guard<std::mutex> lock(table().lock);
    table().ports.erase(port->id);
  }
  delete port;
}

// The port goes away with `reason` (an atom): linked processes get an exit
// signal, monitors a 'DOWN'. Runs on the I/O thread, once.
void terminate(Port* port, Term reason) {
  if (!port->alive.exchange(false)) return;
  EpochGuard pinned;
  for (Term pid : port->links) signal_send(pid, signal_new(SigKind::LinkExit, port->id, reason));
  port->links.clear();
  for (MonitorEntry& m : port->monitored_by) {
    Builder b(LOCAL_REF_WORDS + 6);
    Term down = b.tuple({m.tag, b.ref(m.ref), atom_put("port"), port->id, reason});
    // A 'DOWN' goes as MonitorDown so a demonitor in between cancels it.
    b.send_down(port->id, m.other, down, m.ref);
    monitor_entry_free(m);
  }
  port->monitored_by.clear();
  if (PortIo* io = port->io) {
    port->io = nullptr;
    port_io_close(io, port_free, port);  // may free the port at once (fd ports)
  } else {
    port_free(port);
  }
}

// ---------------------------------------------------------------- input framing

void input_packets(Port* port) {
  size_t hdr = size_t(port->opts.packet);
  std::string& in = port->pending;
  size_t at = 0;
  while (in.size() - at >= hdr) {
    const uint8_t* h = reinterpret_cast<const uint8_t*>(in.data() + at);
    size_t len = 0;
    for (size_t i = 0; i < hdr; i++) len = (len << 8) | h[i];
    if (in.size() - at - hdr < len) break;
    deliver(port, in.data() + at + hdr, len, NON_VALUE);
    at += hdr + len;
  }
  in.erase(0, at);
}

void input_lines(Port* port, bool at_eof) {
  std::string& in = port->pending;
  size_t max = port->opts.line;
  size_t at = 0;
  static const Term eol = atom_put("eol"), noeol = atom_put("noeol");
  for (;;) {
    size_t nl = in.find('\n', at);
    size_t len = (nl == std::string::npos ? in.size() : nl) - at;
    if (len > max) {  // too long for one message: a piece without end of line
      deliver(port, in.data() + at, max, noeol);
      at += max;
      continue;
    }
    if (nl == std::string::npos) break;
    deliver(port, in.data() + at, len, eol);
    at = nl + 1;
  }
  if (at_eof && at < in.size()) {
    deliver(port, in.data() + at, in.size() - at, noeol);
    at = in.size();
  }
  in.erase(0, at);
}

// EOF and the exit status: the status goes after all the data; without
// the eof option the port then closes (normal).
void maybe_finish(Port* port) {
  bool spawned = port->opts.kind == PortOptions::Kind::Spawn || port->opts.kind == PortOptions::Kind::SpawnExecutable;
  if (!port->got_eof || (spawned && port->opts.exit_status && !port->exited)) return;
  if (port->opts.exit_status && spawned) {
    Builder b(6);
    Term code = make_small(SWord(port->exit_code));
    b.send(port->id, port->connected.load(),
           b.tuple({port->id, b.tuple({atom_put("exit_status"), code})}));
  }
  if (!port->opts.eof) terminate(port, am::normal);
}

// Output, framed with the packet header if the port has one.
void write_command(Port* port, std::string bytes) {
  if (port->opts.packet) {
    std::string hdr;
    for (int i = port->opts.packet - 1; i >= 0; i--) hdr.push_back(char((bytes.size() >> (8 * i)) & 0xFF));
    bytes.insert(0, hdr);
  }
  port->output += bytes.size();
  if (port->io) port_io_write(port->io, bytes);
}

// Parses one {Pid, Command} message sent to the port; false: badsig.
bool port_message(Port* port, Term msg) {
  if (!is_tuple(msg) || tuple_arity(msg) != 2 || !is_pid(tuple_elem(msg, 1))) return false;
  Term from = tuple_elem(msg, 1), cmd = tuple_elem(msg, 2);
  if (cmd == atom_put("close")) {
    Term owner = port->connected.load();
    terminate(port, am::normal);
    Builder b(3);
    b.send(NON_VALUE, owner, b.tuple({port->id, atom_put("closed")}));
    return true;
  }
  if (!is_tuple(cmd) || tuple_arity(cmd) != 2) return false;
  if (tuple_elem(cmd, 1) == atom_put("command")) {
    std::string bytes;
    if (!iodata_to_bytes(tuple_elem(cmd, 2), &bytes)) return false;
    write_command(port, std::move(bytes));
    return true;
  }
  if (tuple_elem(cmd, 1) == atom_put("connect") && is_local_pid(tuple_elem(cmd, 2))) {
    port->connected.store(tuple_elem(cmd, 2));
    Builder b(3);
    b.send(port->id, from, b.tuple({port->id, atom_put("connected")}));
    return true;
  }
  return false;
}

void handle_signal(Port* port, Message* m) {
  switch (m->kind) {
    case SigKind::Message:
    case SigKind::AliasMessage:
      if (!port_message(port, m->term)) terminate(port, atom_put("badsig"));
      break;
    case SigKind::Link:
      if (std::find(port->links.begin(), port->links.end(), m->from) == port->links.end())
        port->links.push_back(m->from);
      break;
    case SigKind::Unlink:
      port->links.erase(std::remove(port->links.begin(), port->links.end(), m->from), port->links.end());
      break;
    case SigKind::Exit:
    case SigKind::LinkExit: {
      if (m->kind == SigKind::LinkExit) {
        auto it = std::find(port->links.begin(), port->links.end(), m->from);
        if (it == port->links.end()) break;  // unlinked since
        port->links.erase(it);
      }
      Term reason = m->term;
      // A normal exit only closes the port when it comes from its owner.
      if (reason == am::normal && m->from != port->connected.load()) break;
      if (reason == am::kill) reason = am::killed;
      terminate(port, is_atom(reason) ? reason : atom_put("badsig"));
      break;
    }
    case SigKind::Monitor:
      port->monitored_by.push_back(monitored_by_entry(m->ref, m->from, NON_VALUE, m->term));
      break;
    case SigKind::Demonitor: {
      auto& v = port->monitored_by;
      auto it = std::find_if(v.begin(), v.end(), [&](const MonitorEntry& e) { return e.ref == m->ref; });
      if (it != v.end()) {
        monitor_entry_free(*it);
        v.erase(it);
      }
      break;
    }
    default:
      break;
  }
}

Term port_info_item(Builder* b, Port* port, Term item, size_t* words);

}  // namespace

// ---------------------------------------------------------------- driver events

Port* port_by_id(Term id) {
  std::lock_guard<std::mutex> lock(table().lock);
  Port* p = lookup_locked(id);
  return p && p->alive.load() ? p : nullptr;
}

void port_on_input(Port* port, const char* data, size_t n) {
  if (!port->alive.load()) return;
  port->input += n;
  if (!port->opts.packet && !port->opts.line) {
    deliver(port, data, n, NON_VALUE);
    return;
  }
  port->pending.append(data, n);
  if (port->opts.packet) input_packets(port);
  else input_lines(port, false);
}

void port_on_eof(Port* port) {
  if (!port->alive.load() || port->got_eof) return;
  if (port->opts.line) input_lines(port, true);
  port->got_eof = true;
  if (port->opts.eof) tell_owner(port, atom_put("eof"));
  maybe_finish(port);
}

void port_on_exit(Port* port, int64_t status) {
  if (!port->alive.load()) return;
  port->exited = true;
  port->exit_code = status;
  maybe_finish(port);
}

// ---------------------------------------------------------------- the API

bool port_alive(Term id) { return port_connected(id) != NON_VALUE; }

Term port_connected(Term id) {
  std::lock_guard<std::mutex> lock(table().lock);
  Port* p = lookup_locked(id);
  return p && p->alive.load() ? p->connected.load() : NON_VALUE;
}

std::vector<Term> port_list() {
  std::vector<Term> out;
  std::lock_guard<std::mutex> lock(table().lock);
  for (auto& [id, p] : table().ports)
    if (p->alive.load()) out.push_back(id);
  std::sort(out.begin(), out.end());
  return out;
}

size_t port_count() { return port_list().size(); }

Term port_new_id() {
  std::lock_guard<std::mutex> lock(table().lock);
  return make_local_port(table().next++);
}

void port_open(Term id, Term owner, const PortOptions& opts, const RefNumbers& reply_ref) {
  io_loop_post([id, owner, opts, reply_ref] {
    auto* port = new Port();
    port->id = id;
    port->opts = opts;
    port->connected.store(owner);
    port->name = opts.kind == PortOptions::Kind::Fd
                     ? std::to_string(opts.fd_in) + "/" + std::to_string(opts.fd_out)
                     : opts.command;
    {
      std::lock_guard<std::mutex> lock(table().lock);
      table().ports[id] = port;
    }
    std::string error;
    port->io = port_io_start(port, &error);
    if (!port->io) {
      port->alive.store(false);
      port_free(port);
      EpochGuard pinned;
      signal_send(owner, signal_new(SigKind::Unlink, id, NON_VALUE));
      reply(owner, reply_ref, atom_put(error));
      return;
    }
    port->links.push_back(owner);  // open_port links the owner and the port
    reply(owner, reply_ref, id);
  });
}

bool port_signal(Term id, Message* m) {
  if (!port_alive(id)) {
    message_free(m);
    return false;
  }
  io_loop_post([id, m] {
    if (Port* port = port_by_id(id)) handle_signal(port, m);
    else if (m->kind == SigKind::Link) {  // it closed before it saw the link
      EpochGuard pinned;
      signal_send(m->from, signal_new(SigKind::LinkExit, id, am::noproc));
    }
    message_free(m);
  });
  return true;
}

void port_command(Term id, std::string bytes) {
  io_loop_post([id, bytes = std::move(bytes)]() mutable {
    if (Port* port = port_by_id(id)) write_command(port, std::move(bytes));
  });
}

void port_request(Term id, PortOp op, Message* m, const RefNumbers& reply_ref) {
  io_loop_post([id, op, m, reply_ref] {
    Port* port = port_by_id(id);
    Term caller = m->from;
    switch (op) {
      case PortOp::Close:
        if (port) terminate(port, am::normal);
        reply(caller, reply_ref, port ? am::true_ : am::badarg);
        break;
      case PortOp::Connect: {
        Term pid = m->term;
        if (port && is_local_pid(pid)) {
          port->connected.store(pid);
          if (std::find(port->links.begin(), port->links.end(), pid) == port->links.end()) {
            port->links.push_back(pid);
            EpochGuard pinned;
            signal_send(pid, signal_new(SigKind::Link, id, NON_VALUE));
          }
        }
        reply(caller, reply_ref, port && is_local_pid(pid) ? am::true_ : am::badarg);
        break;
      }
      case PortOp::Control:
        // Neither the spawn nor the fd driver has control operations.
        reply(caller, reply_ref, am::badarg);
        break;
      case PortOp::Info: {
        if (!port) {
          reply(caller, reply_ref, am::undefined);
          break;
        }
        size_t words = 0;
        port_info_item(nullptr, port, m->term, &words);
        Builder b(words + LOCAL_REF_WORDS + 3);
        Term v = port_info_item(&b, port, m->term, &words);
        b.send(id, caller, b.tuple({b.ref(reply_ref), v}));
        break;
      }
    }
    message_free(m);
  });
}

namespace {

// port_info(Port, Item) or, for Item = [], every item (port_info/1). With
// b null only counts the words it needs.
Term port_info_item(Builder* b, Port* port, Term item, size_t* words) {
  auto tuple2 = [&](Term k, Term v) {
    if (!b) {
      *words += 3;
      return NIL;
    }
    return b->tuple({k, v});
  };
  auto pid_list = [&](const std::vector<Term>& pids) {
    if (!b) {
      *words += 2 * pids.size();
      return NIL;
    }
    Term l = NIL;
    for (size_t i = pids.size(); i-- > 0;) {
      Term* c = b->alloc(2);
      c[0] = pids[i];
      c[1] = l;
      l = make_list(c);
    }
    return l;
  };
  auto integer = [&](uint64_t v) { return make_small(SWord(v & ((uint64_t(1) << 59) - 1))); };
  if (item == NIL) {  // port_info/1: the reference's default items
    static const char* const items[] = {"name", "links", "id", "connected", "input", "output", "os_pid"};
    std::vector<Term> vals;
    for (const char* it : items) vals.push_back(port_info_item(b, port, atom_put(it), words));
    return pid_list(vals);
  }
  std::string_view k = atom_text(item);
  if (k == "name") {
    if (!b) {
      *words += 3 + 2 * port->name.size();
      return NIL;
    }
    return tuple2(item, b->bytes(port->name.data(), port->name.size(), false));
  }
  if (k == "links") return tuple2(item, pid_list(port->links));
  if (k == "id") return tuple2(item, make_small(SWord(local_port_data(port->id))));
  if (k == "connected") return tuple2(item, port->connected.load());
  if (k == "input") return tuple2(item, integer(port->input));
  if (k == "output") return tuple2(item, integer(port->output));
  if (k == "os_pid") return tuple2(item, port->os_pid >= 0 ? make_small(port->os_pid) : am::undefined);
  if (k == "registered_name") return NIL;  // ports are not registered here: []
  if (k == "monitored_by") {
    std::vector<Term> pids;
    for (const MonitorEntry& m : port->monitored_by) pids.push_back(m.other);
    return tuple2(item, pid_list(pids));
  }
  if (k == "queue_size") return tuple2(item, make_small(0));
  if (k == "parallelism") return tuple2(item, am::false_);
  if (k == "locking") return tuple2(item, atom_put("port_level"));
  if (k == "memory") return tuple2(item, make_small(SWord(sizeof(Port) + port->pending.size())));
  return am::badarg;
}

}  // namespace

// ---------------------------------------------------------------- options

std::string port_parse_options(Term name, Term settings, PortOptions* o) {
  // The name first (badarg), then the settings (badopt), like the reference.
  if (is_tuple(name) && tuple_arity(name) >= 1) {
    Term kind = tuple_elem(name, 1);
    // {spawn_driver, Name} names a driver (udp_inet, tcp_inet, ...): we have
    // none yet, so it is badarg as for an unknown driver in the reference.
    if ((kind == atom_put("spawn") || kind == atom_put("spawn_executable")) && tuple_arity(name) == 2) {
      Term cmd = tuple_elem(name, 2);
      std::string text;
      if (is_atom(cmd)) text = std::string(atom_text(cmd));
      else if (is_bitstring(cmd) && bitstring_bits(cmd) % 8 == 0) text = std::string(BinaryBytes(cmd).view());
      else if (!list_to_latin1(cmd, text)) return "badarg";
      o->command = text;
      o->kind = kind == atom_put("spawn_executable") ? PortOptions::Kind::SpawnExecutable : PortOptions::Kind::Spawn;
    } else if (kind == atom_put("fd") && tuple_arity(name) == 3 && is_small(tuple_elem(name, 2)) &&
               is_small(tuple_elem(name, 3)) && small_val(tuple_elem(name, 2)) >= 0 &&
               small_val(tuple_elem(name, 3)) >= 0) {
      o->kind = PortOptions::Kind::Fd;
      o->fd_in = int(small_val(tuple_elem(name, 2)));
      o->fd_out = int(small_val(tuple_elem(name, 3)));
    } else {
      return "badarg";
    }
  } else if (is_atom(name) || (is_list(name) && list_to_latin1(name, o->command))) {
    // A name alone opens a "vanilla" port on that file: it reads the file
    // and writes to it as an fd port would.
    if (is_atom(name)) o->command = std::string(atom_text(name));
    if (o->command.empty()) return "badarg";
    o->kind = PortOptions::Kind::File;
  } else {
    return "badarg";
  }
  if (list_length(settings) < 0) return "badopt";
  bool in = false, out = false;
  auto text_of = [](Term t, std::string* s) {
    if (is_bitstring(t) && bitstring_bits(t) % 8 == 0) {
      *s = std::string(BinaryBytes(t).view());
      return true;
    }
    return list_to_latin1(t, *s) || is_nil(t);
  };
  for (Term l = settings; is_list(l); l = cdr(l)) {
    Term opt = car(l);
    if (is_tuple(opt) && tuple_arity(opt) == 2) {
      Term k = tuple_elem(opt, 1), v = tuple_elem(opt, 2);
      if (k == atom_put("packet")) {
        if (!is_small(v) || (small_val(v) != 1 && small_val(v) != 2 && small_val(v) != 4)) return "badopt";
        o->packet = int(small_val(v));
      } else if (k == atom_put("line")) {
        if (!is_small(v) || small_val(v) <= 0) return "badopt";
        o->line = size_t(small_val(v));
      } else if (k == atom_put("args")) {
        if (list_length(v) < 0) return "badopt";
        std::vector<std::string> args;
        for (Term a = v; is_list(a); a = cdr(a)) {
          std::string s;
          if (!text_of(car(a), &s)) return "badopt";
          args.push_back(s);
        }
        o->args = args;
      } else if (k == atom_put("arg0")) {
        std::string s;
        if (!text_of(v, &s)) return "badopt";
        o->arg0 = s;
      } else if (k == atom_put("cd")) {
        std::string s;
        if (!text_of(v, &s)) return "badopt";
        o->cd = s;
      } else if (k == atom_put("env")) {
        if (list_length(v) < 0) return "badopt";
        o->env.clear();
        for (Term e = v; is_list(e); e = cdr(e)) {
          Term pair = car(e);
          if (!is_tuple(pair) || tuple_arity(pair) != 2) return "badopt";
          std::string key, val;
          if (!text_of(tuple_elem(pair, 1), &key) || key.empty()) return "badopt";
          Term vt = tuple_elem(pair, 2);
          if (vt == am::false_) o->env.push_back({key, std::nullopt});
          else if (text_of(vt, &val)) o->env.push_back({key, val});
          else return "badopt";
        }
      } else if (k == atom_put("parallelism")) {
        if (v != am::true_ && v != am::false_) return "badopt";
      } else if (k == atom_put("busy_limits_port") || k == atom_put("busy_limits_msgq")) {
        // accepted, not enforced
      } else {
        return "badopt";
      }
    } else if (opt == atom_put("stream")) {
      o->packet = 0;
    } else if (opt == atom_put("use_stdio")) {
      o->use_stdio = true;
    } else if (opt == atom_put("nouse_stdio")) {
      o->use_stdio = false;
    } else if (opt == atom_put("stderr_to_stdout")) {
      o->stderr_to_stdout = true;
    } else if (opt == atom_put("line")) {
      o->line = 512;
    } else if (opt == atom_put("binary")) {
      o->binary = true;
    } else if (opt == atom_put("in")) {
      in = true;
    } else if (opt == atom_put("out")) {
      out = true;
    } else if (opt == atom_put("eof")) {
      o->eof = true;
    } else if (opt == atom_put("exit_status")) {
      o->exit_status = true;
    } else if (opt == atom_put("hide") || opt == atom_put("overlapped_io")) {
      // Windows only
    } else {
      return "badopt";
    }
  }
  if (in || out) {
    o->in = in;
    o->out = out;
  }
  if ((o->line && o->packet) || (o->stderr_to_stdout && !o->use_stdio)) return "badopt";
  if (o->args && o->kind != PortOptions::Kind::SpawnExecutable) return "badopt";
  return "";
}

}  // namespace bvm
