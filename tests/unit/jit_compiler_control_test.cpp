// The singlepass compiler end to end: modules (wat beside the bytes) are
// decoded by the engine, compiled by the JIT and run through the entry path.
#include <gtest/gtest.h>

#include "support/jit_test_instance.hpp"
#include "unit/test_util.hpp"

namespace detwasm::jit {
namespace {

using detwasm::test::from_hex;
using testing::JitInstance;

// (module
//   (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
//   (func (export "div_s") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
//   (func (export "fac") (param i64) (result i64)
//     (if (result i64) (i64.eqz (local.get 0))
//       (then (i64.const 1))
//       (else (i64.mul (local.get 0) (call 2 (i64.sub (local.get 0) (i64.const 1))))))))
const std::vector<uint8_t> kArith = from_hex(
    "0061736d01000000010c0260027f7f017f60017e017e030403000001071503036164640000056469765f730001036661"
    "6300020a27030700200020016a0b0700200020016d0b1500200050047e4201052000200042017d10027e0b0b");

TEST(JitCompiler, ArithmeticAndRecursion) {
  JitInstance inst(kArith);
  auto r = inst.call("add", {40, 2});
  ASSERT_FALSE(r.trap);
  EXPECT_EQ(r.results[0], 42u);
  r = inst.call("div_s", {static_cast<uint32_t>(-7), 2});
  ASSERT_FALSE(r.trap);
  EXPECT_EQ(r.results[0], static_cast<uint32_t>(-3));
  r = inst.call("div_s", {1, 0});
  ASSERT_TRUE(r.trap);
  EXPECT_EQ(*r.trap, TrapKind::IntegerDivideByZero);
  r = inst.call("fac", {20});
  ASSERT_FALSE(r.trap);
  EXPECT_EQ(r.results[0], 2432902008176640000u);
}

}  // namespace
}  // namespace detwasm::jit
