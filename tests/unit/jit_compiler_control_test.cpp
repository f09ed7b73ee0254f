// The singlepass compiler end to end: modules (wat beside the bytes) are
// decoded by the engine, compiled by the JIT and run through the entry path.
#include <gtest/gtest.h>

#include "support/jit_differential.hpp"
#include "unit/test_util.hpp"

namespace detwasm::jit {
namespace {

using detwasm::test::from_hex;
using testing::Differential;
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


// (module
//   (func (export "sum_to") (param i32) (result i32) (local i32)
//     (block
//       (loop
//         (br_if 1 (i32.eqz (local.get 0)))
//         (local.set 1 (i32.add (local.get 1) (local.get 0)))
//         (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
//         (br 0)))
//     (local.get 1))
//   (func (export "switch") (param i32) (result i32)
//     (block (block (block (br_table 0 1 2 (local.get 0))) (return (i32.const 10))) (return (i32.const 20)))
//     (i32.const 30))
//   (func (export "table_values") (param i32) (result i32)
//     ;; br_table carrying a value to targets at different heights, and to the function
//     (i32.add (i32.const 1000)
//       (block (result i32)
//         (i32.add (i32.const 100)
//           (block (result i32)
//             (i32.const 7) (drop (i32.const 5))
//             (i32.mul (local.get 0) (i32.const 3))
//             (local.get 0)
//             (br_table 0 1 2 1)))))
//   )
//   (func (export "swap") (param i32 i64) (result i64 i32) (local.get 1) (local.get 0))
//   (func (export "sum3") (result i32)
//     (i32.const 1) (i32.const 2) (i32.const 3)
//     (block (param i32 i32 i32) (result i32) (i32.add) (i32.add)))
//   (func (export "if_params") (param i32 i32) (result i32 i32)
//     (local.get 1) (i32.const 10)
//     (if (param i32 i32) (result i32 i32) (local.get 0)
//       (then (i32.add) (i32.const 1))
//       (else (i32.sub) (i32.const 2))))
//   (func (export "if_no_else") (param i32) (result i32)
//     (i32.const 5)
//     (if (param i32) (result i32) (local.get 0) (then (i32.const 3) (i32.mul))))
//   (func (export "br_if_value") (param i32) (result i32)
//     (block (result i32)
//       (i32.const 1) (i32.const 2)
//       (drop (br_if 0 (i32.const 42) (local.get 0)))
//       (i32.add)))
//   (func (export "loop_params") (param i32) (result i32)
//     ;; counts down a loop parameter, accumulating in a second one
//     (i32.const 0) (local.get 0)
//     (loop (param i32 i32) (result i32 i32)
//       (if (param i32 i32) (result i32 i32) (i32.eqz (local.tee 0 (i32.sub (local.get 0) (i32.const 1))))
//         (then)
//         (else (i32.add (i32.const 2)) (local.get 0) (i32.add) (local.get 0) (br 1))))
//     (drop))
//   (func (export "dead_code") (param i32) (result i32)
//     (block (result i32)
//       (br 0 (local.get 0))
//       (i32.const 1) (i32.add) (block (loop (br 0))) (unreachable)))
//   (func (export "unreachable") (unreachable))
//   (func (export "select") (param i32 i64 i64 f64 f64) (result i64 f64)
//     (select (local.get 1) (local.get 2) (local.get 0))
//     (select (local.get 3) (local.get 4) (local.get 0)))
//   (func (export "select_const") (param i64) (result i64 i64)
//     (select (local.get 0) (i64.const 9) (i32.const 1))
//     (select (local.get 0) (i64.const 9) (i32.const 0)))
//   (func (export "pressure") (param i64) (result i64)
//     ;; more live values than registers
//     (local.get 0) (local.get 0) (local.get 0) (local.get 0) (local.get 0) (local.get 0)
//     (local.get 0) (local.get 0) (local.get 0) (local.get 0) (local.get 0) (local.get 0)
//     (i64.const 1) (i64.add) (i64.mul) (i64.add) (i64.mul) (i64.add) (i64.mul)
//     (i64.add) (i64.mul) (i64.add) (i64.mul) (i64.add) (i64.mul))
//   (func (export "fpressure") (param f64) (result f64)
//     (local.get 0) (local.get 0) (local.get 0) (local.get 0) (local.get 0) (local.get 0)
//     (local.get 0) (local.get 0) (local.get 0) (local.get 0) (local.get 0) (local.get 0)
//     (local.get 0) (local.get 0) (local.get 0) (local.get 0) (local.get 0) (local.get 0)
//     (f64.add) (f64.mul) (f64.add) (f64.sub) (f64.add) (f64.mul) (f64.add) (f64.sub) (f64.add)
//     (f64.mul) (f64.add) (f64.sub) (f64.add) (f64.mul) (f64.add) (f64.sub) (f64.add))
//   (func (export "nested_br") (param i32) (result i32)
//     (block (result i32)
//       (block (result i32)
//         (block (result i32)
//           (drop (br_if 2 (i32.const 1) (i32.eq (local.get 0) (i32.const 1))))
//           (drop (br_if 1 (i32.const 2) (i32.eq (local.get 0) (i32.const 2))))
//           (i32.const 3))
//         (i32.const 10) (i32.add))
//       (i32.const 100) (i32.add)))
//   (func (export "return_multi") (param i32) (result i32 i32 i32)
//     (i32.const 1) (i32.const 2)
//     (if (local.get 0) (then (return (i32.const 7) (i32.const 8) (i32.const 9))))
//     (i32.const 3))
//   (func (export "shifts") (param i32 i32 i32) (result i32)
//     ;; values living in rcx across a variable shift
//     (local.get 0) (local.get 1) (local.get 2) (local.get 1) (i32.shl) (i32.add) (i32.rotr))
//   (func (export "divs") (param i64 i64 i64) (result i64)
//     (local.get 0) (local.get 1) (local.get 2) (local.get 1) (i64.div_u) (i64.rem_s) (i64.add))
// )
const std::vector<uint8_t> kControl = from_hex(
    "0061736d01000000014a0c60017f017f60027f7e027e7f6000017f60037f7f7f017f60027f7f027f7f60000060057f7e"
    "7e7c7c027e7c60017e027e7e60017e017e60017c017c60017f037f7f7f60037e7e7e017e031413000000010204000000"
    "000506070809000a030b07d901130673756d5f746f00000673776974636800010c7461626c655f76616c756573000204"
    "7377617000030473756d3300040969665f706172616d7300050a69665f6e6f5f656c736500060b62725f69665f76616c"
    "756500070b6c6f6f705f706172616d73000809646561645f636f646500090b756e726561636861626c65000a0673656c"
    "656374000b0c73656c6563745f636f6e7374000c087072657373757265000d09667072657373757265000e096e657374"
    "65645f6272000f0c72657475726e5f6d756c74690010067368696674730011046469767300120ac003132101017f0240"
    "03402000450d01200120006a2101200041016b21000c000b0b20010b1a0002400240024020000e020001020b410a0f0b"
    "41140f0b411e0b220041e807027f41e400027f410741051a200041036c20000e03000102010b6a0b6a0b060020012000"
    "0b0d0041014102410302036a6a0b0b12002001410a200004046a4101056b41020b0b0c0041052000040041036c0b0b11"
    "00027f41014102412a20000d001a6a0b0b2000410020000304200041016b22004504040541026a20006a20000c010b0b"
    "1a0b1500027f20000c0041016a024003400c000b0b000b0b0300000b10002001200220001b2003200420001b0b100020"
    "00420941011b2000420941001b0b280020002000200020002000200020002000200020002000200042017c7e7c7e7c7e"
    "7c7e7c7e7c7e0b3700200020002000200020002000200020002000200020002000200020002000200020002000a0a2a0"
    "a1a0a2a0a1a0a2a0a1a0a2a0a1a00b2800027f027f027f410120004101460d021a410220004102460d011a41030b410a"
    "6a0b41e4006a0b0b140041014102200004404107410841090f0b41030b0d002000200120022001746a780b0d00200020"
    "012002200180817c0b");


TEST(JitControl, LoopsAndBranchTables) {
  JitInstance inst(kControl);
  EXPECT_EQ(inst.call("sum_to", {100}).results, (std::vector<uint64_t>{5050}));
  for (uint64_t i = 0; i < 5; ++i) {
    uint64_t want = i == 0 ? 10 : i == 1 ? 20 : 30;
    EXPECT_EQ(inst.call("switch", {i}).results, (std::vector<uint64_t>{want})) << i;
  }
  // Carries 3x to: 0 the inner block (+100 +1000), 1 the outer block
  // (+1000), 2 the function, anything else the outer block.
  EXPECT_EQ(inst.call("table_values", {0}).results, (std::vector<uint64_t>{1100}));
  EXPECT_EQ(inst.call("table_values", {1}).results, (std::vector<uint64_t>{1003}));
  EXPECT_EQ(inst.call("table_values", {2}).results, (std::vector<uint64_t>{6}));
  EXPECT_EQ(inst.call("table_values", {9}).results, (std::vector<uint64_t>{1027}));
}

TEST(JitControl, MultiValueBlocksAndIfs) {
  JitInstance inst(kControl);
  EXPECT_EQ(inst.call("swap", {7, 1ull << 40}).results, (std::vector<uint64_t>{1ull << 40, 7}));
  EXPECT_EQ(inst.call("sum3").results, (std::vector<uint64_t>{6}));
  EXPECT_EQ(inst.call("if_params", {1, 5}).results, (std::vector<uint64_t>{15, 1}));
  EXPECT_EQ(inst.call("if_params", {0, 5}).results, (std::vector<uint64_t>{static_cast<uint32_t>(-5), 2}));
  EXPECT_EQ(inst.call("if_no_else", {1}).results, (std::vector<uint64_t>{15}));
  EXPECT_EQ(inst.call("if_no_else", {0}).results, (std::vector<uint64_t>{5}));
  EXPECT_EQ(inst.call("loop_params", {4}).results, (std::vector<uint64_t>{5}));
  EXPECT_EQ(inst.call("return_multi", {1}).results, (std::vector<uint64_t>{7, 8, 9}));
  EXPECT_EQ(inst.call("return_multi", {0}).results, (std::vector<uint64_t>{1, 2, 3}));
}

TEST(JitControl, AgreesWithInterpreter) {
  Differential d(kControl);
  for (uint64_t x : {0ull, 1ull, 2ull, 3ull, 7ull, 0xFFFFFFFFull}) {
    d.expect_agree("sum_to", {x & 0xFFFF});
    d.expect_agree("switch", {x});
    d.expect_agree("table_values", {x});
    d.expect_agree("if_params", {x, 9});
    d.expect_agree("if_no_else", {x});
    d.expect_agree("br_if_value", {x});
    d.expect_agree("loop_params", {(x & 0xFF) + 1});
    d.expect_agree("dead_code", {x});
    d.expect_agree("nested_br", {x});
    d.expect_agree("return_multi", {x});
    d.expect_agree("select", {x, 1, 2, 0x3FF0000000000000, 0x4000000000000000});
    d.expect_agree("pressure", {x});
    d.expect_agree("fpressure", {0x3FF8000000000000 + x});
    d.expect_agree("shifts", {x, 3, 0x12345678});
    d.expect_agree("divs", {x, 3, 1ull << 40});
  }
  d.expect_agree("select_const", {5});
  d.expect_agree("unreachable", {});
  d.expect_agree("divs", {1, 0, 1});
}

}  // namespace
}  // namespace detwasm::jit
