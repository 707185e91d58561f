#include "vm/code_index.h"

#include <atomic>

#include "vm/concurrent_index.h"

namespace bvm {

namespace {
ConcurrentIndex<Export>& exports() {
  static auto* ix = new ConcurrentIndex<Export>();
  return *ix;
}
ConcurrentIndex<FunEntry>& funs() {
  static auto* ix = new ConcurrentIndex<FunEntry>();
  return *ix;
}
uint32_t mix3(UWord a, UWord b, UWord c) {
  UWord h = a * 0x9E3779B97F4A7C15ull;
  h ^= b + 0x7F4A7C159E3779B9ull + (h << 6) + (h >> 2);
  h ^= c + 0x94D049BB133111EBull + (h << 6) + (h >> 2);
  return uint32_t(h ^ (h >> 32));
}

std::atomic<UWord> undefined_stub_handler{0};
std::atomic<UWord> bif_stub_handler{0};

void init_stub(Export* e) {
  e->stub[0] = e->bif ? bif_stub_handler.load() : undefined_stub_handler.load();
  e->stub[1] = reinterpret_cast<UWord>(e);
}
}  // namespace

Export* export_get(Term m, Term f, uint32_t a) {
  return exports().find(mix3(m, f, a), [&](const Export* e) {
    return e->mfa[0] == m && e->mfa[1] == f && e->arity == a;
  });
}

Export* export_put(Term m, Term f, uint32_t a) {
  return exports().get_or_create(
      mix3(m, f, a), [&](const Export* e) { return e->mfa[0] == m && e->mfa[1] == f && e->arity == a; },
      [&] {
        static std::atomic<uint32_t> next_seq{0};
        Export* e = new Export();
        e->seq = next_seq.fetch_add(1, std::memory_order_relaxed);
        e->mfa[0] = m;
        e->mfa[1] = f;
        e->mfa[2] = make_small(a);
        e->arity = a;
        init_stub(e);
        e->address.store(e->stub, std::memory_order_release);
        return e;
      });
}

void exports_set_stub_handlers(UWord undefined_handler, UWord bif_handler) {
  undefined_stub_handler.store(undefined_handler);
  bif_stub_handler.store(bif_handler);
  for (Export* e : exports().entries()) init_stub(e);
}

void export_reset_to_stub(Export* e) {
  init_stub(e);
  e->address.store(e->stub, std::memory_order_release);
}

FunEntry* fun_entry_put(Term m, uint32_t old_index, uint32_t old_uniq) {
  return funs().get_or_create(
      mix3(m, old_index, old_uniq),
      [&](const FunEntry* e) { return e->module == m && e->old_index == old_index && e->old_uniq == old_uniq; },
      [&] {
        FunEntry* e = new FunEntry();
        e->module = m;
        e->old_index = old_index;
        e->old_uniq = old_uniq;
        e->index = old_index;
        e->arity = 0;
        e->num_free = 0;
        for (auto& b : e->uniq) b = 0;
        return e;
      });
}

}  // namespace bvm
