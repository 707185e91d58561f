// Match specifications as values: ets:match_spec_compile/1,
// ets:is_compiled_ms/1, ets:match_spec_run_r/3 (behind
// ets:match_spec_run/2) and erlang:match_spec_test/3 (behind ets:test_ms/2).
#include "bifs/ets_ms.h"

#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "bifs/bif.h"
#include "bifs/bif_decls.h"
#include "loader/literal_area.h"
#include "vm/atom_table.h"
#include "vm/compare.h"
#include "vm/copy.h"
#include "vm/ets_object.h"
#include "vm/signals.h"

namespace bvm {

namespace {

struct Compiled {
  std::unique_ptr<MatchSpec> ms;
  LiteralArea source_area;
  Term source;
  RefNumbers ref;
};

struct CompiledRegistry {
  std::mutex mutex;
  std::map<std::array<uint32_t, 3>, Compiled*> by_ref;
  std::unordered_multimap<uint64_t, Compiled*> by_source;
};

CompiledRegistry& registry() {
  static CompiledRegistry* r = new CompiledRegistry();
  return *r;
}

std::array<uint32_t, 3> key_of(const RefNumbers& r) { return {r.n[0], r.n[1], r.n[2]}; }

// The reference for `spec` (compiled already), registered once per spec.
Term compiled_ref(Process* p, Term spec, std::unique_ptr<MatchSpec> ms) {
  CompiledRegistry& r = registry();
  uint64_t h = ets_hash(spec);
  std::lock_guard<std::mutex> lock(r.mutex);
  auto range = r.by_source.equal_range(h);
  for (auto it = range.first; it != range.second; ++it)
    if (term_eq_exact(it->second->source, spec)) return make_ref_term(p, it->second->ref);
  auto* c = new Compiled();
  c->ms = std::move(ms);
  Term* hp = c->source_area.alloc(copy_size(spec));
  c->source = copy_term(spec, &hp, &c->source_area.offheap);
  c->ref = new_ref_numbers();
  r.by_ref[key_of(c->ref)] = c;
  r.by_source.emplace(h, c);
  return make_ref_term(p, c->ref);
}

Term string_term(Process* p, const std::string& s) { return make_string(p, s); }

Term messages_term(Process* p, const std::vector<MsMessage>& msgs) {
  Term l = NIL;
  for (size_t i = msgs.size(); i-- > 0;)
    l = make_cons(p, make_tuple(p, {atom_put(msgs[i].error ? "error" : "warning"), string_term(p, msgs[i].text)}), l);
  return l;
}

}  // namespace

const MatchSpec* ets_compiled_ms(Term ref) {
  RefNumbers r;
  if (!ref_term_numbers(ref, &r)) return nullptr;
  CompiledRegistry& reg = registry();
  std::lock_guard<std::mutex> lock(reg.mutex);
  auto it = reg.by_ref.find(key_of(r));
  return it == reg.by_ref.end() ? nullptr : it->second->ms.get();
}

BIF_FN(ets_match_spec_compile_1) {
  bool system_limit;
  std::unique_ptr<MatchSpec> ms = MatchSpec::compile(args[0], MsDialect::Table, nullptr, &system_limit);
  if (!ms) return system_limit ? raise_system_limit(p) : raise_badarg(p);
  return compiled_ref(p, args[0], std::move(ms));
}

BIF_FN(ets_is_compiled_ms_1) {
  (void)p;
  return ets_compiled_ms(args[0]) ? am::true_ : am::false_;
}

BIF_FN(ets_match_spec_run_r_3) {
  if (!is_list(args[0]) && !is_nil(args[0])) return raise_badarg(p);
  const MatchSpec* ms = ets_compiled_ms(args[1]);
  if (!ms) return raise_badarg(p);
  Term acc = args[2];
  Term l = args[0];
  for (; is_list(l); l = cdr(l)) {
    Term r = ms->run_copy(p, car(l));
    if (r != NON_VALUE) acc = make_cons(p, r, acc);
  }
  if (!is_nil(l)) return raise_badarg(p);
  return acc;
}

BIF_FN(erlang_match_spec_test_3) {
  bool trace = args[2] == atom_put("trace");
  if (!trace && args[2] != atom_put("table")) return raise_badarg(p);
  if (trace && !is_list(args[0]) && !is_nil(args[0])) return raise_badarg(p);
  std::vector<MsMessage> messages;
  std::unique_ptr<MatchSpec> ms = MatchSpec::compile(args[1], trace ? MsDialect::Trace : MsDialect::Table, &messages);
  if (!ms) return make_tuple(p, {am::error, messages_term(p, messages)});
  unsigned flags = 0;
  Term result = ms->run_copy(p, args[0], &flags);
  if (flags & MS_NOTSUP) return raise_error(p, am::notsup);
  if (result == NON_VALUE) result = am::false_;
  Term flag_list = NIL;
  if (flags & MS_EXCEPTION_TRACE) flag_list = make_cons(p, atom_put("exception_trace"), flag_list);
  if (flags & MS_RETURN_TRACE) flag_list = make_cons(p, atom_put("return_trace"), flag_list);
  return make_tuple(p, {am::ok, result, flag_list, messages_term(p, messages)});
}

}  // namespace bvm
