#include "loader/opcodes.h"

#include <gtest/gtest.h>

#include <cstring>
#include <set>
#include <string>

using namespace bvm;

TEST(OpcodeTable, NumbersNamesAndArities) {
  EXPECT_STREQ(opcode_info(op::move).name, "move");
  EXPECT_EQ(opcode_info(op::move).arity, 2);
  EXPECT_STREQ(opcode_info(op::return_).name, "return");
  EXPECT_STREQ(opcode_info(op::catch_).name, "catch");
  EXPECT_STREQ(opcode_info(op::try_).name, "try");
  EXPECT_EQ(opcode_info(op::bs_create_bin).arity, 6);
  EXPECT_EQ(opcode_info(op::bs_create_bin).since, 25);
  EXPECT_EQ(opcode_info(op::debug_line).arity, 4);
  EXPECT_EQ(unsigned(op::debug_line), MAX_OPCODE);
  EXPECT_EQ(opcode_info(0).name, nullptr);
  EXPECT_EQ(opcode_info(MAX_OPCODE + 1).name, nullptr);
}

// research.md: OTP 25 knows opcodes 1..180, of which 36 are obsolete.
TEST(OpcodeTable, Otp25LoadableSet) {
  unsigned loadable = 0, obsolete = 0;
  std::set<std::string> names;
  for (unsigned i = 1; i <= 180; i++) {
    ASSERT_NE(opcode_info(i).name, nullptr) << i;
    names.insert(opcode_info(i).name);
    if (loadable_in_otp25(i)) loadable++;
    if (opcode_info(i).obsolete) obsolete++;
  }
  EXPECT_EQ(loadable, 144u);
  EXPECT_EQ(obsolete, 36u);
  EXPECT_EQ(names.size(), 180u);  // no duplicate names
}

TEST(OpcodeTable, DisassemblyOperandKindsMatchArity) {
  for (unsigned i = 1; i <= MAX_OPCODE; i++) {
    const OpcodeInfo& info = opcode_info(i);
    if (info.shape == Unknown || info.shape == Atom) continue;
    EXPECT_EQ(std::strlen(info.operands), info.arity) << info.name;
  }
}
