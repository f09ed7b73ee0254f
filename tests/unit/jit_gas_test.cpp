// Gas in compiled code: exact agreement with the interpreter on gas used and
// on where out-of-gas strikes. What the charges look like in x86-64 code is
// in tests/jit/x64/gas_listing_test.cpp.
#include <gtest/gtest.h>

#include "support/jit_differential.hpp"

namespace detwasm::jit {
namespace {

using detwasm::test::from_hex;
using testing::Differential;

EngineConfig metered() {
  EngineConfig c;
  c.metering = true;
  return c;
}

// The shared gas/vectors run through the engine in the JIT tier too: GasVectors
// in gas_test.cpp.

// (module
//   (memory 1 4)
//   (table 2 funcref)
//   (elem (i32.const 0) $sq)
//   (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
//   (func (export "mix") (param i32) (result i32) (local i64 i64)
//     (block (result i32)
//       (loop
//         (br_if 1 (i32.const 7) (i32.eqz (local.get 0)))
//         (drop)
//         (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
//         (if (i32.and (local.get 0) (i32.const 1))
//           (then (drop (call $sq (local.get 0))))
//           (else (drop (call_indirect (param i32) (result i32) (local.get 0) (i32.const 0)))))
//         (br 0))
//       (unreachable)))
//   (func (export "dynamic") (param i32 i32) (result i32)
//     (memory.fill (i32.const 0) (i32.const 1) (local.get 0))
//     (memory.copy (i32.const 100) (i32.const 0) (local.get 0))
//     (drop (table.grow (ref.null func) (local.get 1)))
//     (memory.grow (local.get 1))))
const std::vector<uint8_t> kGasMix = from_hex(
    "0061736d01000000010c0260017f017f60027f7f017f030403000001040401700002050401010104071102036d697800"
    "010764796e616d696300020907010041000b01000a5f030700200020006c0b3201027e027f034041072000450d011a20"
    "0041016b210020004101710440200010001a05200041001100001a0b0c000b000b0b2200410041012000fc0b0041e400"
    "41002000fc0a0000d0702001fc0f001a200140000b");

TEST(JitGas, AgreesWithInterpreterAtEveryLimit) {
  Differential d(kGasMix, metered());
  d.set_gas(UINT64_MAX);
  d.expect_agree("mix", {6});
  uint64_t total = d.jit("mix", {6}).gas_used;
  ASSERT_GT(total, 50u);
  // Every limit below the total traps at the same segment as the interpreter.
  for (uint64_t limit = 0; limit <= total; ++limit) {
    d.set_gas(limit);
    d.expect_agree("mix", {6});
  }
}

TEST(JitGas, DynamicCostsAgreeWithInterpreter) {
  Differential d(kGasMix, metered());
  for (uint64_t limit : std::initializer_list<uint64_t>{0, 20, 40, 60, 1000, 2100, 3100, 5000, UINT64_MAX}) {
    d.set_gas(limit);
    d.expect_agree("dynamic", {64, 1});
    d.expect_agree("dynamic", {65, 2});
    d.expect_agree("dynamic", {0, 0});
  }
}

// (module (func (export "f") (result i32)
//   (block (block (block (nop))))
//   (block (result i32) (block (result i32) (i32.const 7)))))
const std::vector<uint8_t> kStructureOnly = from_hex(
    "0061736d010000000105016000017f03020100070501016600000a16011400024002400240010b0b0b027f027f41070b0b0b");

TEST(JitGas, StructureAloneAgreesWithInterpreter) {
  // Blocks, ends and nop cost nothing: the one charge, in front of
  // i32.const, covers what precedes it (its code: tests/jit/x64).
  Differential d(kStructureOnly, metered());
  for (uint64_t limit : std::initializer_list<uint64_t>{0, 1, 2, UINT64_MAX}) {
    d.set_gas(limit);
    d.expect_agree("f", {});
  }
}

TEST(JitGas, SegmentCostsPastImm32AgreeWithInterpreter) {
  // A schedule that prices integer ALU operators at 2^31: segment costs no
  // longer fit the charge's imm32, and the code takes its 64-bit path.
  EngineConfig config = metered();
  config.gas_schedule.op_class_cost[static_cast<size_t>(GasClass::IntAlu)] = uint64_t{1} << 31;
  Differential d(kGasMix, config);
  d.set_gas(UINT64_MAX);
  d.expect_agree("mix", {6});
  uint64_t total = d.jit("mix", {6}).gas_used;
  ASSERT_GT(total, uint64_t{1} << 33);
  for (uint64_t limit : {uint64_t{0}, uint64_t{1} << 31, (uint64_t{1} << 31) + 40, total / 2, total - 1, total}) {
    d.set_gas(limit);
    d.expect_agree("mix", {6});
  }
}

}  // namespace
}  // namespace detwasm::jit
