// The JIT's linear memory: every access width, constant addresses, the
// guard region, growth and bulk operators.
#include <gtest/gtest.h>

#include <bit>

#include "support/jit_differential.hpp"

namespace detwasm::jit {
namespace {

using detwasm::test::from_hex;
using testing::Differential;
using testing::HostFn;
using testing::JitInstance;


// (module
//   (memory 1 4)
//   (data (i32.const 16) "\01\02\03\04\05\06\07\08\f0\f1\f2\f3\f4\f5\f6\f7")
//   (func (export "loads") (param i32) (result i32 i32 i32 i32 i32 i64 i64 i64 i64 i64 i64 i64)
//     (i32.load (local.get 0)) (i32.load8_s (local.get 0)) (i32.load8_u (local.get 0))
//     (i32.load16_s (local.get 0)) (i32.load16_u (local.get 0))
//     (i64.load (local.get 0)) (i64.load8_s (local.get 0)) (i64.load8_u (local.get 0))
//     (i64.load16_s (local.get 0)) (i64.load16_u (local.get 0))
//     (i64.load32_s (local.get 0)) (i64.load32_u (local.get 0)))
//   (func (export "float_loads") (param i32) (result f32 f64)
//     (f32.load offset=1 (local.get 0)) (f64.load offset=2 (local.get 0)))
//   (func (export "const_loads") (result i32 i64 i32)
//     (i32.load (i32.const 16)) (i64.load offset=8 (i32.const 16)) (i32.load offset=65532 (i32.const 0)))
//   (func (export "stores") (param i32 i64) (result i64 i64)
//     (i64.store (local.get 0) (i64.const 0))
//     (i32.store8 (local.get 0) (i32.wrap_i64 (local.get 1)))
//     (i32.store16 offset=2 (local.get 0) (i32.wrap_i64 (local.get 1)))
//     (i64.store32 offset=4 (local.get 0) (local.get 1))
//     (i64.load (local.get 0))
//     (i64.store (local.get 0) (local.get 1))
//     (f32.store offset=8 (local.get 0) (f32.const -1.5))
//     (f64.store offset=12 (i32.const 0) (f64.const 2.25))
//     (i64.store8 offset=20 (local.get 0) (local.get 1))
//     (i64.store16 offset=21 (local.get 0) (local.get 1))
//     (i64.add (i64.load offset=8 (local.get 0)) (i64.load offset=16 (local.get 0)))
//     (drop)
//     (i64.load offset=16 (local.get 0)))
//   (func (export "load_at") (param i32) (result i32) (i32.load (local.get 0)))
//   (func (export "load_far") (param i32) (result i32) (i32.load offset=4294967295 (local.get 0)))
//   (func (export "store_at") (param i32 i64) (i64.store (local.get 0) (local.get 1)))
//   (func (export "const_oob") (result i32) (i32.load (i32.const 65533)))
//   (func (export "grow") (param i32) (result i32 i32) (memory.grow (local.get 0)) (memory.size))
//   (func (export "fill_copy") (param i32 i32 i32) (result i64)
//     (memory.fill (local.get 0) (i32.const 0xab) (local.get 2))
//     (memory.copy (local.get 1) (local.get 0) (local.get 2))
//     (i64.load (local.get 1)))
//   (func (export "sum_bytes") (param i32 i32) (result i32) (local i32)
//     (block (loop
//       (br_if 1 (i32.eqz (local.get 1)))
//       (local.set 2 (i32.add (local.get 2) (i32.load8_u (local.get 0))))
//       (local.set 0 (i32.add (local.get 0) (i32.const 1)))
//       (local.set 1 (i32.sub (local.get 1) (i32.const 1)))
//       (br 0)))
//     (local.get 2))
// )
const std::vector<uint8_t> kMemory = from_hex(
    "0061736d0100000001450a60017f0c7f7f7f7f7f7e7e7e7e7e7e7e60017f027d7c6000037f7e7f60027f7e027e7e6001"
    "7f017f60027f7e006000017f60017f027f7f60037f7f7f017e60027f7f017f030c0b0001020304040506070809050401"
    "01010407790b056c6f61647300000b666c6f61745f6c6f61647300010b636f6e73745f6c6f61647300020673746f7265"
    "730003076c6f61645f61740004086c6f61645f66617200050873746f72655f6174000609636f6e73745f6f6f62000704"
    "67726f7700080966696c6c5f636f707900090973756d5f6279746573000a0abe020b3e00200028020020002c00002000"
    "2d000020002e010020002f01002000290300200030000020003100002000320100200033010020003402002000350200"
    "0b0c0020002a020120002b03020b13004110280200411029030841002802fcff030b63002000420037030020002001a7"
    "3a000020002001a73b0102200020013e02042000290300200020013703002000430000c0bf3802084100440000000000"
    "00024039030c200020013c0014200020013d0115200029030820002903107c1a20002903100b070020002802000b0b00"
    "20002802ffffffff0f0b0900200020013703000b090041fdff032802000b0800200040003f000b1b00200041ab012002"
    "fc0b00200120002002fc0a000020012903000b2b01017f024003402001450d01200220002d00006a2102200041016a21"
    "00200141016b21010c000b0b20020b0b16010041100b100102030405060708f0f1f2f3f4f5f6f7");


TEST(JitMemory, LoadsOfEveryWidthAgreeWithInterpreter) {
  Differential d(kMemory);
  for (uint64_t at : std::initializer_list<uint64_t>{16, 17, 20, 23, 24, 28, 65528, 65532, 65533, 65535, 65536, 0xFFFFFFFF}) {
    d.expect_agree("loads", {at});
    d.expect_agree("float_loads", {at});
    d.expect_agree("load_at", {at});
  }
  d.expect_agree("const_loads", {});
  d.expect_agree("const_oob", {});
  EXPECT_EQ(d.jit("load_at", {16}).results, (std::vector<uint64_t>{0x04030201}));
  EXPECT_EQ(d.jit("const_oob", {}).trap, TrapKind::MemoryOutOfBounds);
}

TEST(JitMemory, StoresOfEveryWidthAgreeWithInterpreter) {
  Differential d(kMemory);
  for (uint64_t at : std::initializer_list<uint64_t>{0, 3, 100, 65512, 65520, 65530}) {
    d.expect_agree("stores", {at, 0x8877665544332211});
    d.expect_agree("store_at", {at, 0x1122334455667788});
    d.expect_agree("load_at", {at});
  }
}

TEST(JitMemory, LargestIndexAndOffsetFaultInTheGuardRegion) {
  JitInstance inst(kMemory);
  EXPECT_EQ(inst.call("load_far", {0}).trap, TrapKind::MemoryOutOfBounds);
  EXPECT_EQ(inst.call("load_far", {0xFFFFFFFF}).trap, TrapKind::MemoryOutOfBounds);
  EXPECT_EQ(inst.call("store_at", {65529, 1}).trap, TrapKind::MemoryOutOfBounds);
  EXPECT_EQ(inst.call("load_at", {65532}).results, (std::vector<uint64_t>{0}));
}

TEST(JitMemory, GrowMakesPagesAccessible) {
  Differential d(kMemory);
  d.expect_agree("load_at", {65536});
  d.expect_agree("grow", {1});
  d.expect_agree("load_at", {65536});
  d.expect_agree("grow", {0});
  d.expect_agree("grow", {3});  // past the maximum of 4
  d.expect_agree("grow", {2});
  d.expect_agree("store_at", {4 * 65536 - 8, 7});
  d.expect_agree("load_at", {4 * 65536 - 8});
  d.expect_agree("load_at", {4 * 65536 - 3});
  EXPECT_EQ(d.jit("grow", {0}).results, (std::vector<uint64_t>{4, 4}));
}

TEST(JitMemory, FillAndCopy) {
  Differential d(kMemory);
  d.expect_agree("fill_copy", {100, 200, 8});
  d.expect_agree("fill_copy", {100, 104, 8});
  d.expect_agree("fill_copy", {65530, 100, 6});
  d.expect_agree("fill_copy", {65530, 100, 7});
  d.expect_agree("fill_copy", {100, 65530, 7});
  d.expect_agree("fill_copy", {0, 0, 0});
  d.expect_agree("sum_bytes", {16, 16});
  d.expect_agree("sum_bytes", {65530, 10});
  EXPECT_EQ(d.jit("fill_copy", {100, 200, 8}).results, (std::vector<uint64_t>{0xABABABABABABABAB}));
}

}  // namespace
}  // namespace detwasm::jit
