#include "vm/system_logger.h"

#include <atomic>
#include <chrono>
#include <cstdio>

#include "bifs/bif.h"
#include "vm/atom_table.h"
#include "vm/map.h"
#include "vm/registry.h"
#include "vm/signals.h"

namespace bvm {

namespace {

std::atomic<Term>& logger_slot() {
  static std::atomic<Term> slot{atom_put("logger")};
  return slot;
}

Term map_of(Process* p, std::initializer_list<Term> keys, std::initializer_list<Term> values) {
  return map_from_pairs(p->halloc(flatmap_words(keys.size())), keys.begin(), values.begin(), keys.size());
}

}  // namespace

Term system_logger_get() { return logger_slot().load(std::memory_order_acquire); }

Term system_logger_set(Term logger) { return logger_slot().exchange(logger, std::memory_order_acq_rel); }

void system_logger_error(Process* p, std::string_view format, Term args, std::string_view fallback) {
  Term target = system_logger_get();
  if (target == am::undefined) return;
  if (is_atom(target)) target = registry_whereis(target);
  Term fmt = make_string(p, format);
  Term el = map_of(p, {atom_put("emulator"), atom_put("tag")}, {am::true_, am::error});
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::system_clock::now().time_since_epoch()).count();
  Term time = make_small(SWord(us));
  Term meta = map_of(p, {atom_put("error_logger"), atom_put("gl"), am::pid, atom_put("time")},
                     {el, p->group_leader, p->id, time});
  Term* hp = p->halloc(6);
  hp[0] = make_header(5, Sub::Tuple);
  hp[1] = atom_put("log");
  hp[2] = am::error;
  hp[3] = fmt;
  hp[4] = args;
  hp[5] = meta;
  Term msg = make_boxed(hp);
  if (target != NON_VALUE && is_local_pid(target) && signal_send(target, signal_new(SigKind::Message, p->id, msg)))
    return;
  std::fprintf(stderr, "=ERROR REPORT==== %.*s\n", int(fallback.size()), fallback.data());
}

}  // namespace bvm
