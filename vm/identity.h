// Pids, ports and references: local and external forms.
//
//   local pid   immediate; data = (serial << 32) | number     printed <0.N.S>
//   local port  immediate; data = port number                 printed #Port<0.N>
//   local ref   [hdr(3, Ref)] [count | n0 << 32] [n1 | n2 << 32] [n3 | n4 << 32]
//   ext. pid    [hdr(2, ExternalPid)]  [Node*] [number | serial << 32]
//   ext. port   [hdr(2, ExternalPort)] [Node*] [id]
//   ext. ref    [hdr(4, ExternalRef)]  [Node*] [count | n0 << 32] [..] [..]
// A reference holds 1 to 5 32-bit numbers (the reference's NEWER_REFERENCE_EXT).
//
// Node entries are created on first sight of a (name, creation) pair and live
// for as long as the VM (there are few nodes); terms point at them directly.
#pragma once

#include <cstdint>

#include "vm/term.h"

namespace bvm {

struct Node {
  Term name;          // atom, e.g. 'a@host'
  uint32_t creation;
  uint32_t index;     // position in the node table, printed as <index.N.S>
};

Node* node_get(Term name, uint32_t creation);
Node* local_node();
void set_local_node(Term name, uint32_t creation);

constexpr UWord LOCAL_REF_WORDS = 4;
constexpr UWord EXTERNAL_PID_WORDS = 3;
constexpr UWord EXTERNAL_PORT_WORDS = 3;
constexpr UWord EXTERNAL_REF_WORDS = 5;
constexpr unsigned MAX_REF_NUMBERS = 5;

inline Term make_local_pid_ns(uint32_t number, uint32_t serial) {
  return make_local_pid((UWord(serial) << 32) | number);
}
inline uint32_t local_pid_number(Term p) { return uint32_t(local_pid_data(p)); }
inline uint32_t local_pid_serial(Term p) { return uint32_t(local_pid_data(p) >> 32); }

Term make_ref_at(Term* hp, Sub sub, Node* node, const uint32_t* nums, unsigned count);
Term make_external_pid_at(Term* hp, Node* node, uint32_t number, uint32_t serial);
Term make_external_port_at(Term* hp, Node* node, uint64_t id);

// Accessors for any pid/port/ref term.
Node* identity_node(Term t);  // local_node() for local ones
unsigned ref_numbers(Term ref, uint32_t out[MAX_REF_NUMBERS]);
uint32_t pid_number(Term pid);
uint32_t pid_serial(Term pid);
uint64_t port_number(Term port);

}  // namespace bvm
