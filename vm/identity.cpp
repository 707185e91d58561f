#include "vm/identity.h"

#include <map>
#include <mutex>
#include <utility>
#include <vector>

#include "vm/atom_table.h"

namespace bvm {

namespace {
struct NodeTable {
  std::mutex mutex;
  std::map<std::pair<Term, uint32_t>, Node*> nodes;
  std::vector<Node*> by_index;
  Node* local = nullptr;
};
NodeTable& node_table() {
  static NodeTable* t = new NodeTable();
  return *t;
}
Node* node_get_locked(NodeTable& t, Term name, uint32_t creation) {
  auto key = std::make_pair(name, creation);
  auto it = t.nodes.find(key);
  if (it != t.nodes.end()) return it->second;
  Node* n = new Node{name, creation, uint32_t(t.by_index.size())};
  t.nodes.emplace(key, n);
  t.by_index.push_back(n);
  return n;
}
}  // namespace

Node* node_get(Term name, uint32_t creation) {
  NodeTable& t = node_table();
  std::lock_guard<std::mutex> lock(t.mutex);
  return node_get_locked(t, name, creation);
}

Node* local_node() {
  NodeTable& t = node_table();
  std::lock_guard<std::mutex> lock(t.mutex);
  if (!t.local) t.local = node_get_locked(t, am::nonode_at_nohost, 0);
  return t.local;
}

void set_local_node(Term name, uint32_t creation) {
  NodeTable& t = node_table();
  std::lock_guard<std::mutex> lock(t.mutex);
  t.local = node_get_locked(t, name, creation);
}

static void pack_numbers(Term* w, const uint32_t* nums, unsigned count) {
  uint32_t n[MAX_REF_NUMBERS] = {0, 0, 0, 0, 0};
  for (unsigned i = 0; i < count && i < MAX_REF_NUMBERS; i++) n[i] = nums[i];
  w[0] = UWord(count) | (UWord(n[0]) << 32);
  w[1] = UWord(n[1]) | (UWord(n[2]) << 32);
  w[2] = UWord(n[3]) | (UWord(n[4]) << 32);
}

Term make_ref_at(Term* hp, Sub sub, Node* node, const uint32_t* nums, unsigned count) {
  if (sub == Sub::Ref) {
    hp[0] = make_header(LOCAL_REF_WORDS - 1, Sub::Ref);
    pack_numbers(hp + 1, nums, count);
  } else {
    hp[0] = make_header(EXTERNAL_REF_WORDS - 1, Sub::ExternalRef);
    hp[1] = reinterpret_cast<Term>(node);
    pack_numbers(hp + 2, nums, count);
  }
  return make_boxed(hp);
}

Term make_external_pid_at(Term* hp, Node* node, uint32_t number, uint32_t serial) {
  hp[0] = make_header(EXTERNAL_PID_WORDS - 1, Sub::ExternalPid);
  hp[1] = reinterpret_cast<Term>(node);
  hp[2] = UWord(number) | (UWord(serial) << 32);
  return make_boxed(hp);
}

Term make_external_port_at(Term* hp, Node* node, uint64_t id) {
  hp[0] = make_header(EXTERNAL_PORT_WORDS - 1, Sub::ExternalPort);
  hp[1] = reinterpret_cast<Term>(node);
  hp[2] = id;
  return make_boxed(hp);
}

Node* identity_node(Term t) {
  if (is_immed(t)) return local_node();
  Sub s = header_sub(boxed_header(t));
  if (s == Sub::Ref) return local_node();
  return reinterpret_cast<Node*>(boxed_val(t)[1]);
}

unsigned ref_numbers(Term ref, uint32_t out[MAX_REF_NUMBERS]) {
  const Term* p = boxed_val(ref);
  const Term* w = header_sub(p[0]) == Sub::Ref ? p + 1 : p + 2;
  unsigned count = unsigned(w[0] & 0xFFFFFFFF);
  out[0] = uint32_t(w[0] >> 32);
  out[1] = uint32_t(w[1]);
  out[2] = uint32_t(w[1] >> 32);
  out[3] = uint32_t(w[2]);
  out[4] = uint32_t(w[2] >> 32);
  return count;
}

uint32_t pid_number(Term pid) {
  return is_immed(pid) ? local_pid_number(pid) : uint32_t(boxed_val(pid)[2]);
}
uint32_t pid_serial(Term pid) {
  return is_immed(pid) ? local_pid_serial(pid) : uint32_t(boxed_val(pid)[2] >> 32);
}
uint64_t port_number(Term port) {
  return is_immed(port) ? local_port_data(port) : boxed_val(port)[2];
}

}  // namespace bvm
