#include "vm/ets_table.h"

#include <algorithm>

namespace bvm {

bool Table::fix(Term pid, int64_t monotonic, const Term timestamp[3]) {
  for (Fixer& f : fixers) {
    if (f.pid == pid) {
      f.count++;
      return false;
    }
  }
  if (fixers.empty()) {
    fix_monotonic = monotonic;
    std::copy(timestamp, timestamp + 3, fix_timestamp);
    store->fix();
  }
  fixers.push_back({pid, 1});
  return true;
}

bool Table::unfix(Term pid, bool all) {
  auto it = std::find_if(fixers.begin(), fixers.end(), [&](const Fixer& f) { return f.pid == pid; });
  if (it == fixers.end()) return false;
  if (!all && --it->count > 0) return false;
  fixers.erase(it);
  if (fixers.empty()) store->unfix();
  return true;
}

void Table::set_heir_data(Term data) {
  if (heir_data) DbObj::destroy(heir_data);
  heir_data = nullptr;
  if (data == NON_VALUE) return;
  Term box[2] = {make_header(1, Sub::Tuple), data};
  heir_data = DbObj::create(make_boxed(box), 1);
}

Table::~Table() {
  if (heir_data) DbObj::destroy(heir_data);
}

}  // namespace bvm
