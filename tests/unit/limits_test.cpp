// Resource limits hold in every tier: what a module declares, what it grows
// to, and what the worst case under the contract profile (gas/LIMITS.md)
// costs in gas.
#include <gtest/gtest.h>

#include "support/wat.hpp"
#include "test_util.hpp"

namespace detwasm::test {
namespace {

class Limits : public ::testing::TestWithParam<Tier> {
 protected:
  EngineConfig contract(bool metering = false) const {
    EngineConfig c;
    c.tier = GetParam();
    c.limits = ResourceLimits::for_contracts();
    c.metering = metering;
    return c;
  }
};

// The 53-byte module of a node's nightmare: all 4 GiB of memory, then filled.
constexpr const char* kWholeAddressSpace = R"((module
  (memory 65536)
  (func (export "fill") (memory.fill (i32.const 0) (i32.const 1) (i32.const -1)))))";

TEST_P(Limits, TheContractProfileRefusesAMemoryPastItsLimit) {
  EXPECT_EQ(load_error(wat_to_wasm(kWholeAddressSpace), contract()), ModuleError::Kind::LimitExceeded);
  EXPECT_EQ(load_error(wat_to_wasm("(module (memory 513))"), contract()), ModuleError::Kind::LimitExceeded);
  EXPECT_EQ(load_error(wat_to_wasm("(module (memory 512))"), contract()), std::nullopt);
  EXPECT_EQ(load_error(wat_to_wasm("(module (table 4097 funcref))"), contract()), ModuleError::Kind::LimitExceeded);
  EXPECT_EQ(load_error(wat_to_wasm("(module (table 4096 funcref))"), contract()), std::nullopt);
}

TEST_P(Limits, GrowingStopsAtTheLimit) {
  Loaded m(wat_to_wasm(R"((module
    (memory 1)
    (table 1 externref)
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (func (export "size") (result i32) (memory.size))
    (func (export "grow_table") (param i32) (result i32) (table.grow 0 (ref.null extern) (local.get 0)))))"),
           contract());
  EXPECT_RESULT(m.call("grow", {Value::i32(512)}), Value::i32(-1));  // 513 pages
  EXPECT_RESULT(m.call("size"), Value::i32(1));
  EXPECT_RESULT(m.call("grow", {Value::i32(511)}), Value::i32(1));   // 512 pages
  EXPECT_RESULT(m.call("grow", {Value::i32(1)}), Value::i32(-1));
  EXPECT_RESULT(m.call("size"), Value::i32(512));
  EXPECT_RESULT(m.call("grow_table", {Value::i32(4096)}), Value::i32(-1));
  EXPECT_RESULT(m.call("grow_table", {Value::i32(4095)}), Value::i32(1));
  EXPECT_RESULT(m.call("grow_table", {Value::i32(1)}), Value::i32(-1));
}

TEST_P(Limits, TheLargestFillCostsWhatTheProfileSays) {
  // gas/LIMITS.md: filling all 32 MiB costs one unit per started 8 bytes.
  Loaded m(wat_to_wasm(R"((module
    (memory 512)
    (func (export "fill") (param i32) (memory.fill (i32.const 0) (i32.const 1) (local.get 0)))))"),
           contract(/*metering=*/true));
  auto gas_of = [&](int32_t n) {
    m.store.set_gas_limit(uint64_t{1} << 40);
    CallResult r = m.call("fill", {Value::i32(n)});
    EXPECT_FALSE(r.trap);
    return m.store.gas_used();
  };
  uint64_t none = gas_of(0);
  EXPECT_EQ(gas_of(32 << 20) - none, uint64_t{32 << 20} / 8);
  EXPECT_EQ(gas_of(9) - none, 2u);
}

INSTANTIATE_TEST_SUITE_P(EachTier, Limits, ::testing::ValuesIn(tiers_here()),
                         [](const auto& info) { return info.param == Tier::Jit ? "jit" : "interp"; });

}  // namespace
}  // namespace detwasm::test
