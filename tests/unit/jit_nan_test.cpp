// The JIT leaves a NaN that arithmetic makes as the hardware made it until
// its bits can be seen; then it must be the canonical NaN, exactly as the
// interpreter gives it. Every function here makes such a NaN (f64.div or
// f32.div of its params: 0/0, or a NaN with a sign and payload) and lets it
// reach one place where its bits show.
#include <gtest/gtest.h>

#include <bit>
#include <string>

#include "support/jit_differential.hpp"
#include "support/wat.hpp"

namespace detwasm::jit {
namespace {

using testing::Differential;

constexpr const char* kModule = R"((module
  (memory 1)
  (global $g (mut f64) (f64.const 0))
  (global $off (mut i32) (i32.const 0))  ;; a condition the compiler cannot see
  (table 2 funcref)
  (elem (i32.const 0) $bits $bits32)
  (type $bits_t (func (param f64) (result i64)))
  (func $bits (param f64) (result i64) (i64.reinterpret_f64 (local.get 0)))
  (func $bits32 (param f32) (result i64) (i64.extend_i32_u (i32.reinterpret_f32 (local.get 0))))
  (func (export "return") (param f64 f64) (result f64) (f64.div (local.get 0) (local.get 1)))
  (func (export "reinterpret") (param f64 f64) (result i64)
    (i64.reinterpret_f64 (f64.div (local.get 0) (local.get 1))))
  (func (export "store") (param f64 f64) (result i64)
    (f64.store offset=8 (i32.const 0) (f64.div (local.get 0) (local.get 1)))
    (i64.load offset=8 (i32.const 0)))
  (func (export "store32") (param f64 f64) (result i64)
    (f32.store (i32.const 4) (f32.div (f32.demote_f64 (local.get 0)) (f32.demote_f64 (local.get 1))))
    (i64.load32_u (i32.const 4)))
  (func (export "local.set") (param f64 f64) (result i64) (local f64)
    (local.set 2 (f64.div (local.get 0) (local.get 1)))
    (i64.reinterpret_f64 (local.get 2)))
  (func (export "local.tee") (param f64 f64) (result i64) (local f64)
    (drop (local.tee 2 (f64.div (local.get 0) (local.get 1))))
    (i64.reinterpret_f64 (local.get 2)))
  (func (export "global.set") (param f64 f64) (result i64)
    (global.set $g (f64.div (local.get 0) (local.get 1)))
    (i64.reinterpret_f64 (global.get $g)))
  (func (export "select") (param f64 f64) (result i64)
    (i64.reinterpret_f64 (select (f64.div (local.get 0) (local.get 1)) (local.get 1) (i32.const 1))))
  (func (export "select.const") (param f64 f64) (result i64)
    (i64.reinterpret_f64 (select (local.get 1) (f64.div (local.get 0) (local.get 1)) (i32.const 0))))
  (func (export "neg") (param f64 f64) (result i64)
    (i64.reinterpret_f64 (f64.neg (f64.div (local.get 0) (local.get 1)))))
  (func (export "abs") (param f64 f64) (result i64)
    (i64.reinterpret_f64 (f64.abs (f64.div (local.get 0) (local.get 1)))))
  (func (export "copysign.sign") (param f64 f64) (result i64)
    (i64.reinterpret_f64 (f64.copysign (f64.const 1) (f64.div (local.get 0) (local.get 1)))))
  (func (export "copysign.magnitude") (param f64 f64) (result i64)
    (i64.reinterpret_f64 (f64.copysign (f64.div (local.get 0) (local.get 1)) (f64.const -1))))
  (func (export "call") (param f64 f64) (result i64) (call $bits (f64.div (local.get 0) (local.get 1))))
  (func (export "call_indirect") (param f64 f64) (result i64)
    (call_indirect (type $bits_t) (f64.div (local.get 0) (local.get 1)) (i32.const 0)))
  (func (export "br") (param f64 f64) (result i64)
    (i64.reinterpret_f64 (block (result f64) (br 0 (f64.div (local.get 0) (local.get 1))))))
  (func (export "br_if") (param f64 f64) (result i64)
    (i64.reinterpret_f64 (block (result f64)
      (br_if 0 (f64.div (local.get 0) (local.get 1)) (i32.const 1)) (drop) (f64.const 2))))
  (func (export "br_if.not_taken") (param f64 f64) (result i64)
    (i64.reinterpret_f64 (block (result f64)
      (br_if 0 (f64.div (local.get 0) (local.get 1)) (global.get $off)))))
  (func (export "br_if.not_taken.compare") (param f64 f64) (result i64)
    (i64.reinterpret_f64 (block (result f64)
      (br_if 0 (f64.div (local.get 0) (local.get 1)) (f64.lt (local.get 0) (local.get 1))))))
  (func (export "br_if.not_taken.local") (param f64 f64) (result i64) (local f64)
    (local.set 2 (block (result f64)
      (br_if 0 (f64.div (local.get 0) (local.get 1)) (global.get $off))))
    (i64.reinterpret_f64 (local.get 2)))
  (func (export "br_if.not_taken.two") (param f64 f64) (result i64) (local f64)
    (block (result f64 f64)
      (br_if 0 (f64.div (local.get 0) (local.get 1)) (f64.div (local.get 1) (local.get 0)) (global.get $off)))
    (local.set 2)
    (i64.xor (i64.reinterpret_f64) (i64.rotl (i64.reinterpret_f64 (local.get 2)) (i64.const 1))))
  (func (export "br_if.not_taken.return") (param f64 f64) (result f64)
    (br_if 0 (f64.div (local.get 0) (local.get 1)) (global.get $off)))
  (func (export "br_if.not_taken.loop") (param f64 f64) (result i64)
    (f64.div (local.get 0) (local.get 1))
    (loop (param f64) (result f64) (f64.add (f64.const 0)) (br_if 0 (global.get $off)))
    (i64.reinterpret_f64))
  (func (export "br_if.not_taken.f32") (param f64 f64) (result i64)
    (call $bits32 (block (result f32)
      (br_if 0 (f32.div (f32.demote_f64 (local.get 0)) (f32.demote_f64 (local.get 1))) (global.get $off)))))
  (func (export "br_table") (param f64 f64) (result i64)
    (i64.reinterpret_f64 (block (result f64) (block (result f64)
      (br_table 0 1 (f64.div (local.get 0) (local.get 1)) (i32.const 1))))))
  (func (export "if") (param f64 f64) (result i64)
    (i64.reinterpret_f64 (if (result f64) (i32.const 1)
      (then (f64.div (local.get 0) (local.get 1))) (else (f64.const 1)))))
  (func (export "block.param") (param f64 f64) (result i64)
    (i64.reinterpret_f64 (f64.div (local.get 0) (local.get 1)) (block (param f64) (result f64))))
  (func (export "demote") (param f64 f64) (result i64)
    (call $bits32 (f32.demote_f64 (f64.div (local.get 0) (local.get 1)))))
  (func (export "promote") (param f64 f64) (result i64)
    (call $bits (f64.promote_f32 (f32.div (f32.demote_f64 (local.get 0)) (f32.demote_f64 (local.get 1))))))
  (func (export "chain") (param f64 f64) (result i64)
    (i64.reinterpret_f64 (f64.sqrt (f64.add (f64.mul (f64.div (local.get 0) (local.get 1)) (local.get 0))
                                            (f64.min (local.get 1) (f64.div (local.get 0) (local.get 1)))))))
  (func (export "compare") (param f64 f64) (result i32)
    (f64.ne (f64.div (local.get 0) (local.get 1)) (f64.div (local.get 0) (local.get 1))))
  (func (export "trunc_sat") (param f64 f64) (result i64)
    (i64.trunc_sat_f64_s (f64.div (local.get 0) (local.get 1))))
))";

// More live float values than registers, so raw NaNs get spilled under
// pressure (or, with `through_block`, at a block entry), then each one's
// bits are folded into the result.
std::string spill_function(const char* name, bool through_block) {
  constexpr int kValues = 20;
  std::string f = std::string("(func (export \"") + name + "\") (param f64 f64) (result i64) (local $acc i64)\n";
  for (int i = 0; i < kValues; ++i) f += i % 2 ? "(f64.div (local.get 1) (local.get 0))\n" : "(f64.div (local.get 0) (local.get 1))\n";
  if (through_block) {
    std::string types;
    for (int i = 0; i < kValues; ++i) types += " f64";
    f += "(block (param" + types + ") (result" + types + "))\n";
  }
  for (int i = 0; i < kValues; ++i)
    f += "i64.reinterpret_f64 (i64.rotl (local.get $acc) (i64.const 7)) i64.add local.set $acc\n";
  return f + "(local.get $acc))\n";
}

std::vector<uint8_t> module() {
  std::string text = kModule;
  text.insert(text.rfind(')'), spill_function("spill", false) + spill_function("spill.block", true));
  return test::wat_to_wasm(text);
}

// Operands whose quotient is a NaN with a sign or payload on x86 (0/0 gives
// the negative default NaN; a NaN operand propagates its payload), and an
// ordinary quotient.
const std::vector<std::vector<uint64_t>> kArgs = {
    {0, 0},
    {0x7FF4000000000001, std::bit_cast<uint64_t>(1.0)},
    {0xFFF8000000000123, std::bit_cast<uint64_t>(2.0)},
    {std::bit_cast<uint64_t>(1.0), 0x7FF8000000000456},
    {std::bit_cast<uint64_t>(3.0), std::bit_cast<uint64_t>(-2.0)},
};

TEST(JitNaN, RawNaNsAreCanonicalWhereverTheirBitsShow) {
  Differential d(module());
  for (const char* name : {"return", "reinterpret", "store", "store32", "local.set", "local.tee", "global.set",
                           "select", "select.const", "neg", "abs", "copysign.sign", "copysign.magnitude", "call",
                           "call_indirect", "br", "br_if", "br_if.not_taken", "br_if.not_taken.compare",
                           "br_if.not_taken.local", "br_if.not_taken.two", "br_if.not_taken.return",
                           "br_if.not_taken.loop", "br_if.not_taken.f32", "br_table", "if", "block.param", "demote", "promote",
                           "chain", "compare", "trunc_sat", "spill", "spill.block"}) {
    for (const auto& args : kArgs) d.expect_agree(name, args);
  }
}

// A br_if that carries a raw NaN and is not taken: the fix-up on the taken
// path once marked the value canonical for the fallthrough too.
TEST(JitNaN, BrIfNotTakenCarriesACanonicalNaN) {
  Differential d(test::wat_to_wasm(R"((module
    (func (export "f") (param f32 f32 i32) (result i32)
      (i32.reinterpret_f32
        (block (result f32) (br_if 0 (f32.add (local.get 0) (local.get 1)) (local.get 2)))))))"));
  for (uint64_t taken : {0, 1}) {
    d.expect_agree("f", {0x7F800000, 0xFF800000, taken});  // inf + -inf
    d.expect_agree("f", {0x7FA00001, 0x3F800000, taken});  // a signalling NaN's payload
    d.expect_agree("f", {0xFFC00123, 0x3F800000, taken});
  }
  EXPECT_EQ(d.jit("f", {0x7F800000, 0xFF800000, 0}).results, std::vector<uint64_t>{0x7FC00000});
}

TEST(JitNaN, TheOracleSeesCanonicalNaNs) {
  // The interpreter side of the comparison above is itself right: 0/0 gives
  // the canonical NaN and neg flips only its sign.
  Differential d(module());
  EXPECT_EQ(d.interpreter("reinterpret", {0, 0}).results, std::vector<uint64_t>{0x7FF8000000000000});
  EXPECT_EQ(d.interpreter("neg", {0, 0}).results, std::vector<uint64_t>{0xFFF8000000000000});
  EXPECT_EQ(d.jit("neg", {0, 0}).results, std::vector<uint64_t>{0xFFF8000000000000});
  EXPECT_EQ(d.jit("store32", {0, 0}).results, std::vector<uint64_t>{0x7FC00000});
}

}  // namespace
}  // namespace detwasm::jit
