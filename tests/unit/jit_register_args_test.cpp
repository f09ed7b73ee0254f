// Direct calls also pass their first params and result 0 in registers
// (abi.hpp); calls through funcrefs enter where those registers are loaded
// from the area. Every shape of argument (register, slot, constant, raw
// NaN, swapped registers), mixes of classes, more params than registers,
// multiple results and every way of returning must agree with the
// interpreter.
#include <gtest/gtest.h>

#include <string_view>

#include "support/jit_differential.hpp"
#include "support/wat.hpp"

namespace detwasm::jit {
namespace {

using testing::Differential;

constexpr const char* kModule = R"((module
  (type $mix_t (func (param i32 f64 i64 f32 i32 f64 i64 f32 i32 f64) (result i64)))
  (table 4 funcref)
  (elem (i32.const 0) $mix $pick $sub $many)
  ;; Ten params of both classes: 8 looked at, 4+4 in registers, 2 only in the area.
  (func $mix (type $mix_t)
    (i64.add (i64.add (i64.add (i64.extend_i32_u (local.get 0)) (i64.trunc_sat_f64_s (local.get 1)))
                      (i64.add (i64.mul (local.get 2) (i64.const 3)) (i64.trunc_sat_f32_s (local.get 3))))
             (i64.add (i64.add (i64.extend_i32_u (i32.mul (local.get 4) (i32.const 5))) (i64.trunc_sat_f64_s (local.get 5)))
                      (i64.add (i64.add (i64.mul (local.get 6) (i64.const 7)) (i64.trunc_sat_f32_s (local.get 7)))
                               (i64.add (i64.extend_i32_u (local.get 8)) (i64.reinterpret_f64 (local.get 9)))))))
  (func $pick (param i32 i32) (result i32) (i32.sub (i32.mul (local.get 0) (i32.const 100)) (local.get 1)))
  (func $sub (param f64 f64) (result f64) (f64.sub (local.get 0) (local.get 1)))
  (func $many (param i32) (result i32 i64 f64)
    (local.get 0) (i64.extend_i32_s (local.get 0)) (f64.convert_i32_s (local.get 0)))
  ;; Returns by falling off the end, by return, by br and br_if to the
  ;; function, and through a br_table.
  (func $ret (param $how i32) (param $x i32) (result i32)
    (block $b
      (br_if $b (i32.eqz (local.get $how)))
      (if (i32.eq (local.get $how) (i32.const 1)) (then (return (i32.add (local.get $x) (i32.const 1)))))
      (if (i32.eq (local.get $how) (i32.const 2)) (then (br 2 (i32.add (local.get $x) (i32.const 2)))))
      (drop (br_if 1 (i32.add (local.get $x) (i32.const 3)) (i32.eq (local.get $how) (i32.const 3))))
      (drop (block (result i32)
        (br_table 0 2 (i32.add (local.get $x) (i32.const 4)) (i32.sub (local.get $how) (i32.const 4))))))
    (i32.add (local.get $x) (i32.const 6)))
  (func $retf (param $how i32) (param $x f32) (result f32)
    (f32.mul (block (result f32) (br_table 0 1 (f32.add (local.get $x) (f32.const 0.5)) (local.get $how)))
             (f32.const 2)))
  (func (export "mix") (param i32 i32) (result i64) (local $f f64)
    (local.set $f (f64.convert_i32_s (local.get 1)))
    (call $mix (local.get 0) (local.get $f) (i64.const -5) (f32.const 2.5) (local.get 1)
               (f64.div (local.get $f) (f64.const 4)) (i64.extend_i32_u (local.get 0)) (f32.convert_i32_u (local.get 1))
               (i32.const 9) (f64.div (f64.const 0) (f64.convert_i32_u (local.get 0)))))
  (func (export "mix.indirect") (param i32 i32) (result i64)
    (call_indirect (type $mix_t) (local.get 0) (f64.const 1.5) (i64.const -5) (f32.const 2.5) (local.get 1)
               (f64.const 3) (i64.const 4) (f32.const 5) (i32.const 9) (f64.const 6) (i32.const 0)))
  ;; Arguments swapped between the registers that hold them.
  (func (export "swap") (param i32 i32) (result i32)
    (i32.add (call $pick (local.get 1) (local.get 0)) (call $pick (local.get 0) (local.get 1))))
  (func (export "spilled") (param i32 i32) (result i32)
    (local.get 0) (local.get 1)
    (block (param i32 i32) (result i32 i32))
    (call $pick))
  (func (export "nested") (param i32 i32) (result i32)
    (call $pick (call $pick (local.get 1) (i32.const 3)) (call $pick (i32.const 2) (local.get 0))))
  (func (export "float") (param i32 i32) (result i64)
    (i64.reinterpret_f64 (call $sub (call $sub (f64.convert_i32_s (local.get 0)) (f64.const 0.25))
                                    (f64.convert_i32_s (local.get 1)))))
  (func (export "float.indirect") (param i32 i32) (result i64)
    (i64.reinterpret_f64 (call_indirect (param f64 f64) (result f64)
      (f64.convert_i32_s (local.get 0)) (f64.convert_i32_s (local.get 1)) (i32.const 2))))
  (func (export "many") (param i32 i32) (result i64) (local $i i32) (local $l i64) (local $d f64)
    (call $many (local.get 0)) (local.set $d) (local.set $l) (local.set $i)
    (i64.add (i64.add (i64.extend_i32_u (local.get $i)) (local.get $l)) (i64.reinterpret_f64 (local.get $d))))
  (func (export "many.indirect") (param i32 i32) (result i64) (local $i i32) (local $l i64) (local $d f64)
    (call_indirect (param i32) (result i32 i64 f64) (local.get 1) (i32.const 3))
    (local.set $d) (local.set $l) (local.set $i)
    (i64.add (i64.add (i64.extend_i32_u (local.get $i)) (local.get $l)) (i64.reinterpret_f64 (local.get $d))))
  (func (export "ret") (param i32 i32) (result i32) (call $ret (local.get 0) (local.get 1)))
  (func (export "retf") (param i32 i32) (result i32)
    (i32.reinterpret_f32 (call $retf (local.get 0) (f32.convert_i32_s (local.get 1)))))
  ;; The callee's register params are copies: writing a param must not
  ;; change the caller's value, and the param must read back as written.
  (func $bump (param i32 i32) (result i32)
    (local.set 0 (i32.add (local.get 0) (i32.const 10)))
    (i32.add (local.get 0) (local.get 1)))
  (func (export "bump") (param i32 i32) (result i32)
    (i32.add (call $bump (local.get 0) (local.get 1)) (i32.mul (local.get 0) (i32.const 1000))))
  (func $fib (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2)) (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1))) (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "fib") (param i32 i32) (result i32) (call $fib (i32.and (local.get 0) (i32.const 15))))
))";

TEST(JitRegisterArgs, DirectAndFuncrefCallsAgreeWithInterpreter) {
  Differential d(test::wat_to_wasm(kModule));
  for (const char* name : {"mix", "mix.indirect", "swap", "spilled", "nested", "float", "float.indirect", "many",
                           "many.indirect", "ret", "retf", "bump", "fib"}) {
    for (uint32_t a : {0u, 1u, 2u, 3u, 4u, 5u, 6u, 13u, 0xFFFFFFFFu}) {
      for (uint32_t b : {0u, 7u, 0x80000000u}) d.expect_agree(name, {a, b});
    }
  }
}

}  // namespace
}  // namespace detwasm::jit
