// The JIT's calls: direct, through imports and tables, to host functions,
// globals and table operators, and the stack budget against the interpreter.
#include <gtest/gtest.h>

#include <bit>

#include <signal.h>
#include <sys/time.h>

#include <cstring>

#include "support/jit_differential.hpp"

namespace detwasm::jit {
namespace {

using detwasm::test::from_hex;
using testing::Differential;
using testing::HostFn;
using testing::JitInstance;

uint64_t f64(double v) { return std::bit_cast<uint64_t>(v); }
uint64_t f32(float v) { return std::bit_cast<uint32_t>(v); }

// (module
//   (type $ii (func (param i32) (result i32)))
//   (type $v (func))
//   (import "host" "add" (func $host_add (param i32 i32) (result i32)))
//   (import "host" "trap" (func $host_trap))
//   (table 4 funcref)
//   (elem (i32.const 0) $double $square $many_results)
//   (elem declare func $host_add)
//   (global $counter (mut i32) (i32.const 0))
//   (global $big (mut i64) (i64.const 0x123456789))
//   (global $pi f64 (f64.const 3.25))
//   (func $double (type $ii) (i32.mul (local.get 0) (i32.const 2)))
//   (func $square (type $ii) (i32.mul (local.get 0) (local.get 0)))
//   (func $many_results (param i32) (result i32 i64 f32 f64 i32)
//     (local.get 0) (i64.extend_i32_u (local.get 0)) (f32.convert_i32_s (local.get 0))
//     (f64.convert_i32_s (local.get 0)) (i32.const -1))
//   (func $many_params (param i32 i64 f32 f64 i32 i64 f32 f64 i32 i64) (result f64)
//     (f64.add
//       (f64.add (f64.convert_i32_s (local.get 0)) (f64.convert_i64_s (local.get 1)))
//       (f64.add (f64.promote_f32 (local.get 2)) (local.get 3)))
//     (f64.add (f64.convert_i32_s (local.get 4)) (f64.convert_i64_s (local.get 5)))
//     (f64.add)
//     (f64.add (f64.promote_f32 (local.get 6)) (local.get 7))
//     (f64.add)
//     (f64.add (f64.convert_i32_s (local.get 8)) (f64.convert_i64_s (local.get 9)))
//     (f64.add))
//   (func (export "call_many") (param i32) (result f64)
//     (call $many_params (local.get 0) (i64.const 2) (f32.const 3) (f64.const 4) (i32.const 5)
//       (i64.const 6) (f32.const 7) (f64.const 8) (i32.const 9) (i64.const 10)))
//   (func (export "call_results") (param i32) (result i32 i64 f32 f64 i32)
//     (call $many_results (local.get 0)))
//   (func (export "keep_across_call") (param i32) (result i32)
//     ;; values below the arguments survive the call, in registers and as constants
//     (local.get 0) (i32.const 1000) (i32.add (local.get 0) (i32.const 1))
//     (call $square (local.get 0))
//     (i32.add) (i32.add) (i32.add))
//   (func (export "indirect") (param i32 i32) (result i32)
//     (call_indirect (type $ii) (local.get 1) (local.get 0)))
//   (func (export "indirect_wrong_type") (param i32)
//     (call_indirect (type $v) (local.get 0)))
//   (func (export "host") (param i32 i32) (result i32)
//     (i32.add (call $host_add (local.get 0) (local.get 1)) (i32.const 1)))
//   (func (export "host_trap") (call $host_trap))
//   (func (export "host_indirect") (param i32) (result i32)
//     ;; a host function reached through the table
//     (table.set 0 (i32.const 3) (ref.func $host_add))
//     (call_indirect (param i32 i32) (result i32) (local.get 0) (i32.const 5) (i32.const 3)))
//   (func $recurse (export "recurse") (param i32) (result i32)
//     (if (result i32) (i32.eqz (local.get 0))
//       (then (i32.const 0))
//       (else (i32.add (i32.const 1) (call $recurse (i32.sub (local.get 0) (i32.const 1)))))))
//   (func (export "globals") (param i32) (result i32 i64 f64)
//     (global.set $counter (i32.add (global.get $counter) (local.get 0)))
//     (global.set $big (i64.add (global.get $big) (i64.extend_i32_u (local.get 0))))
//     (global.get $counter) (global.get $big) (global.get $pi))
//   (func (export "refs") (param i32) (result i32 i32 i32)
//     (ref.is_null (table.get 0 (local.get 0)))
//     (ref.is_null (ref.null func))
//     (ref.is_null (ref.func $double)))
//   (func (export "table_ops") (result i32 i32 i32)
//     (table.size 0)
//     (table.grow 0 (ref.func $square) (i32.const 2))
//     (table.size 0))
//   (func (export "table_fill_copy") (param i32) (result i32)
//     (table.fill 0 (i32.const 0) (ref.func $square) (i32.const 2))
//     (table.copy 0 0 (i32.const 2) (i32.const 0) (i32.const 2))
//     (call_indirect (type $ii) (local.get 0) (i32.const 3)))
// )
const std::vector<uint8_t> kCalls = from_hex(
    "0061736d0100000001430a60017f017f60000060027f7f017f60017f057f7e7d7c7f600a7f7e7d7c7f7e7d7c7f7e017c"
    "60017f017c60017f0060017f037f7e7c60017f037f7f7f6000037f7f7f02180204686f737403616464000204686f7374"
    "047472617000010312110000030405030002060201000007080900040401700004061b037f0141000b7e014289cf959a"
    "120b7c00440000000000000a400b07ac010d0963616c6c5f6d616e7900060c63616c6c5f726573756c74730007106b65"
    "65705f6163726f73735f63616c6c000808696e646972656374000913696e6469726563745f77726f6e675f7479706500"
    "0a04686f7374000b09686f73745f74726170000c0d686f73745f696e646972656374000d0772656375727365000e0767"
    "6c6f62616c73000f04726566730010097461626c655f6f707300110f7461626c655f66696c6c5f636f70790012090d02"
    "0041000b03020304030001000aaf02110700200041026c0b0700200020006c0b0f0020002000ad2000b22000b7417f0b"
    "27002000b72001b9a02002bb2003a0a02004b72005b9a0a02006bb2007a0a02008b72009b9a0a00b2c00200042024300"
    "00404044000000000000104041054206430000e0404400000000000020404109420a10050b0600200010040b13002000"
    "41e807200041016a200010036a6a6a0b0900200120001100000b070020001101000b0b0020002001100041016a0b0400"
    "10010b11004103d20026002000410541031102000b1500200045047f4100054101200041016b100e6a0b0b1700230020"
    "006a240023012000ad7c24012300230123020b0d0020002500d1d070d1d202d10b0f00fc1000d2034102fc0f00fc1000"
    "0b1c004100d2034102fc1100410241004102fc0e0000200041031100000b");


std::vector<HostFn> calls_hosts() {
  HostFn add = [](std::span<const uint64_t> args, std::span<uint64_t> results) -> std::optional<TrapKind> {
    results[0] = static_cast<uint32_t>(args[0] + args[1]);
    return std::nullopt;
  };
  HostFn trap = [](std::span<const uint64_t>, std::span<uint64_t>) -> std::optional<TrapKind> {
    return TrapKind::HostError;
  };
  return {add, trap};
}

TEST(JitCalls, ArgumentsAndResultsOfEveryType) {
  JitInstance inst(kCalls, calls_hosts());
  EXPECT_EQ(inst.call("call_many", {1}).results, (std::vector<uint64_t>{f64(55.0)}));
  EXPECT_EQ(inst.call("call_results", {5}).results,
            (std::vector<uint64_t>{5, 5, f32(5.0f), f64(5.0), 0xFFFFFFFF}));
  EXPECT_EQ(inst.call("keep_across_call", {3}).results, (std::vector<uint64_t>{1016}));
}

TEST(JitCalls, IndirectCallsCheckIndexNullAndSignature) {
  JitInstance inst(kCalls, calls_hosts());
  EXPECT_EQ(inst.call("indirect", {0, 7}).results, (std::vector<uint64_t>{14}));
  EXPECT_EQ(inst.call("indirect", {1, 7}).results, (std::vector<uint64_t>{49}));
  EXPECT_EQ(inst.call("indirect", {2, 7}).trap, TrapKind::IndirectCallSignature);
  EXPECT_EQ(inst.call("indirect", {3, 7}).trap, TrapKind::IndirectCallToNull);
  EXPECT_EQ(inst.call("indirect", {4, 7}).trap, TrapKind::TableOutOfBounds);
  EXPECT_EQ(inst.call("indirect", {4, 7}).frames, (std::vector<uint32_t>{9}));
  EXPECT_EQ(inst.call("indirect", {0xFFFFFFFF, 7}).trap, TrapKind::TableOutOfBounds);
  EXPECT_EQ(inst.call("indirect_wrong_type", {0}).trap, TrapKind::IndirectCallSignature);
}

TEST(JitCalls, HostFunctions) {
  JitInstance inst(kCalls, calls_hosts());
  EXPECT_EQ(inst.call("host", {2, 3}).results, (std::vector<uint64_t>{6}));
  auto trapped = inst.call("host_trap");
  EXPECT_EQ(trapped.trap, TrapKind::HostError);
  EXPECT_EQ(trapped.frames, (std::vector<uint32_t>{12}));  // the caller; host frames are not Wasm frames
  EXPECT_EQ(inst.call("host_indirect", {10}).results, (std::vector<uint64_t>{15}));
  EXPECT_EQ(inst.exit_sp(), 0u);
}

TEST(JitCalls, GlobalsKeepTheirValues) {
  JitInstance inst(kCalls, calls_hosts());
  EXPECT_EQ(inst.call("globals", {5}).results, (std::vector<uint64_t>{5, 0x123456789 + 5, f64(3.25)}));
  EXPECT_EQ(inst.call("globals", {5}).results, (std::vector<uint64_t>{10, 0x123456789 + 10, f64(3.25)}));
  EXPECT_EQ(inst.global(0), 10u);
}

TEST(JitCalls, ReferencesAndTableOperators) {
  JitInstance inst(kCalls, calls_hosts());
  EXPECT_EQ(inst.call("refs", {0}).results, (std::vector<uint64_t>{0, 1, 0}));
  EXPECT_EQ(inst.call("refs", {3}).results, (std::vector<uint64_t>{1, 1, 0}));
  EXPECT_EQ(inst.call("refs", {4}).trap, TrapKind::TableOutOfBounds);
  EXPECT_EQ(inst.call("table_fill_copy", {6}).results, (std::vector<uint64_t>{36}));
  EXPECT_EQ(inst.call("table_ops").results, (std::vector<uint64_t>{4, 4, 6}));
  EXPECT_EQ(inst.call("indirect", {5, 3}).results, (std::vector<uint64_t>{9}));  // a grown element
}

// (module
//   (func $f (export "deep") (param i32) (result i32) (local i64 f64)
//     (if (result i32) (i32.eqz (local.get 0))
//       (then (i32.const 0))
//       (else (i32.add (i32.const 1) (call $f (i32.sub (local.get 0) (i32.const 1)))))))
//   (func $g (export "deep_indirect") (param i32) (result i32)
//     (if (result i32) (i32.eqz (local.get 0))
//       (then (i32.const 0))
//       (else (i32.add (i32.const 2)
//         (call_indirect (param i32) (result i32) (i32.sub (local.get 0) (i32.const 1)) (i32.const 0))))))
//   (table funcref (elem $g)))
const std::vector<uint8_t> kDeep = from_hex(
    "0061736d0100000001060160017f017f030302000004050170010101071802046465657000000d646565705f696e6469"
    "7265637400010907010041000b01010a34021902017e017c200045047f4100054101200041016b10006a0b0b18002000"
    "45047f4100054102200041016b41001100006a0b0b");


TEST(JitCalls, StackBudgetRunsOutAtTheSameCallAsInTheInterpreter) {
  ResourceLimits limits;
  limits.stack_budget_slots = 1000;
  Differential d(kDeep, limits);
  for (uint64_t n : std::initializer_list<uint64_t>{0, 1, 50, 100, 120, 121, 122, 123, 124, 125, 130, 200, 400}) {
    d.expect_agree("deep", {n});
    d.expect_agree("deep_indirect", {n});
  }
  EXPECT_EQ(d.jit("deep", {50}).results, (std::vector<uint64_t>{50}));
  EXPECT_EQ(d.jit("deep", {400}).trap, TrapKind::StackExhausted);
}

TEST(JitCalls, DeepRecursionWithTheDefaultBudget) {
  Differential d(kDeep);
  d.expect_agree("deep", {100000});
  d.expect_agree("deep", {150000});
  EXPECT_EQ(d.jit("deep", {1000000}).trap, TrapKind::StackExhausted);
}

// (module
//   (func $g (param i64) (result i64) (i64.add (local.get 0) (i64.const 1)))
//   (func (export "work") (param i32) (result i64) (local i64)
//     (loop
//       ;; after the call more values than registers are live: the deepest
//       ;; are spilled to slots below the callee's area, past the red zone
//       (local.get 1) (call $g (local.get 1))
//       (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1) (local.get 1)
//       (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add) (i64.add)
//       (local.set 1 (i64.and (i64.const 0xffffff)))
//       (br_if 0 (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
//     (local.get 1)))
const std::vector<uint8_t> kSignals = from_hex(
    "0061736d01000000010b0260017e017e60017f017e030302000107080104776f726b00010ae001020700200042017c0b"
    "d50101017e03402001200110002001200120012001200120012001200120012001200120012001200120012001200120"
    "012001200120012001200120012001200120012001200120012001200120012001200120012001200120012001200120"
    "012001200120012001200120012001200120012001200120012001200120012001200120017c7c7c7c7c7c7c7c7c7c7c"
    "7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c7c"
    "7c7c42ffffff07832101200041016b22000d000b20010b");

// A signal handler without its own stack runs on the stack compiled code is
// using, below the stack pointer: nothing of compiled code may live there.
void clobber_below_sp(int) {
  volatile char junk[16384];
  std::memset(const_cast<char*>(junk), 0x5A, sizeof junk);
}

TEST(JitCalls, SignalsOnTheWasmStackDoNotClobberFrames) {
  JitInstance inst(kSignals);
  auto quiet = inst.call("work", {300000});
  ASSERT_FALSE(quiet.trap);

  struct sigaction action {}, previous {};
  action.sa_handler = clobber_below_sp;
  sigemptyset(&action.sa_mask);
  ASSERT_EQ(sigaction(SIGALRM, &action, &previous), 0);
#ifdef DETWASM_TESTS_UNDER_EMULATOR
  // qemu delivers a signal at a translated block's end, slowly: fewer.
  constexpr int kCalls = 1, kIntervalUs = 500;
#else
  constexpr int kCalls = 5, kIntervalUs = 20;
#endif
  itimerval every{{0, kIntervalUs}, {0, kIntervalUs}}, off{};
  setitimer(ITIMER_REAL, &every, nullptr);
  for (int i = 0; i < kCalls; ++i) EXPECT_EQ(inst.call("work", {300000}).results, quiet.results);
  setitimer(ITIMER_REAL, &off, nullptr);
  sigaction(SIGALRM, &previous, nullptr);
}

}  // namespace
}  // namespace detwasm::jit
