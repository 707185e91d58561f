#include "vm/instr.h"

#include <string>
#include <vector>

namespace bvm {

namespace {

struct Desc {
  const char* name;
  unsigned words;       // INSTR: as declared; VARIANT: from its kinds
  Family family;
  const char* kinds;    // VARIANT: "x, y, ..." as written
};

constexpr Desc descs[] = {
#define INSTR(name, words) {#name, words, F_COUNT, ""},
#define VARIANT(name, family, ...) {#name, 0, F_##family, #__VA_ARGS__},
#define FAMILY(name)
#include "vm/instrs.def"
#undef INSTR
#undef VARIANT
#undef FAMILY
};
static_assert(sizeof descs / sizeof descs[0] == I_COUNT);

// Built once before main: compact kinds, lengths and each family's variants.
struct Tables {
  std::string kinds[I_COUNT];
  unsigned words[I_COUNT];
  std::vector<Instr> variants[F_COUNT];
  Tables() {
    for (unsigned i = 0; i < I_COUNT; i++) {
      for (const char* k = descs[i].kinds; *k; k++)
        if (*k != ',' && *k != ' ') kinds[i] += *k;
      words[i] = descs[i].family == F_COUNT ? descs[i].words : unsigned(kinds[i].size()) + 1;
      if (descs[i].family != F_COUNT) variants[descs[i].family].push_back(Instr(i));
    }
  }
};
const Tables tables;

}  // namespace

unsigned instr_words(Instr i) { return i < I_COUNT ? tables.words[i] : 0; }
const char* instr_name(Instr i) { return i < I_COUNT ? descs[i].name : "?"; }
Family instr_family(Instr i) { return i < I_COUNT ? descs[i].family : F_COUNT; }
const char* instr_kinds(Instr i) { return i < I_COUNT ? tables.kinds[i].c_str() : ""; }
std::span<const Instr> family_variants(Family f) {
  if (f >= F_COUNT) return {};
  return tables.variants[f];
}

}  // namespace bvm
