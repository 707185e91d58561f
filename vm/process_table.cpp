#include "vm/process_table.h"

#include "vm/identity.h"

namespace bvm {

ProcessTable& process_table() {
  static ProcessTable* t = [] {
    auto* pt = new ProcessTable();
    pt->init(DEFAULT_PROCESS_LIMIT);
    return pt;
  }();
  return *t;
}

void ProcessTable::init(size_t limit) {
  if (limit < 1024) limit = 1024;
  if (limit > MAX_PROCESS_LIMIT) limit = MAX_PROCESS_LIMIT;
  index_bits_ = 0;
  while ((size_t(1) << index_bits_) < limit) index_bits_++;
  size_t slots = size_t(1) << index_bits_;
  limit_ = slots;  // the reference rounds the limit up to a power of two too
  slots_.reset(new std::atomic<Process*>[slots]);
  for (size_t i = 0; i < slots; i++) slots_[i].store(nullptr, std::memory_order_relaxed);
  generation_.reset(new uint32_t[slots]());
  cursor_ = 0;
}

bool ProcessTable::insert(Process* p) {
  std::lock_guard<std::mutex> lock(alloc_mutex_);
  if (count_.load(std::memory_order_relaxed) >= limit_) return false;
  size_t slots = size_t(1) << index_bits_;
  for (size_t tries = 0; tries < slots; tries++) {
    size_t i = cursor_;
    cursor_ = (cursor_ + 1) & (slots - 1);
    if (i >= limit_ || slots_[i].load(std::memory_order_relaxed)) continue;
    uint32_t gen = generation_[i];
    uint32_t gen_bits = 28 - index_bits_;
    generation_[i] = (gen + 1) & ((1u << gen_bits) - 1);
    uint32_t data = (gen << index_bits_) | uint32_t(i);
    p->id = make_local_pid_ns(data & 0x7FFF, data >> 15);
    slots_[i].store(p, std::memory_order_release);
    count_.fetch_add(1, std::memory_order_relaxed);
    return true;
  }
  return false;
}

void ProcessTable::remove(Process* p) {
  uint32_t data = local_pid_number(p->id) | (local_pid_serial(p->id) << 15);
  size_t i = data & ((size_t(1) << index_bits_) - 1);
  Process* expected = p;
  if (slots_[i].compare_exchange_strong(expected, nullptr, std::memory_order_acq_rel))
    count_.fetch_sub(1, std::memory_order_relaxed);
}

Process* ProcessTable::lookup(Term pid) const {
  if (!is_local_pid(pid)) return nullptr;
  uint32_t data = local_pid_number(pid) | (local_pid_serial(pid) << 15);
  size_t i = data & ((size_t(1) << index_bits_) - 1);
  Process* p = slots_[i].load(std::memory_order_acquire);
  return p && p->id == pid ? p : nullptr;
}

std::vector<Term> ProcessTable::pids() const {
  std::vector<Term> out;
  size_t slots = size_t(1) << index_bits_;
  for (size_t i = 0; i < slots; i++)
    if (Process* p = slots_[i].load(std::memory_order_acquire)) out.push_back(p->id);
  return out;
}

}  // namespace bvm
