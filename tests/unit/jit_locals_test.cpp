// Locals held in registers by the JIT (copies beside the always-current
// slots; loop residents brought back on every branch to the header) must
// never change a result. Each function here stresses one way a copy can go
// stale or a resident can arrive in the wrong register; the interpreter is
// the oracle.
#include <gtest/gtest.h>

#include <string_view>

#include "support/jit_differential.hpp"
#include "support/wat.hpp"

namespace detwasm::jit {
namespace {

using testing::Differential;

constexpr const char* kModule = R"((module
  (func $id (param i32) (result i32) (local.get 0))
  (table 1 funcref)
  (elem (i32.const 0) $id)
  ;; Two locals swap each iteration: the back-edge is a cycle of moves.
  (func (export "swap") (param $n i32) (param $a i32) (param $b i32) (result i32) (local $t i32)
    (local.set $a (local.get $a)) (local.set $b (local.get $b))
    (loop $l
      (local.set $t (local.get $a)) (local.set $a (local.get $b)) (local.set $b (local.get $t))
      (local.set $a (i32.add (local.get $a) (i32.const 3)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32.sub (i32.mul (local.get $a) (i32.const 1000)) (local.get $b)))
  ;; Three locals rotate: a longer cycle, in f64 too.
  (func (export "rotate") (param $n i32) (param $x i32) (result i64) (local $a f64) (local $b f64) (local $c f64) (local $t f64)
    (local.set $a (f64.convert_i32_s (local.get $x))) (local.set $b (f64.const 2)) (local.set $c (f64.const 3))
    (loop $l
      (local.set $t (local.get $a)) (local.set $a (local.get $b)) (local.set $b (local.get $c))
      (local.set $c (f64.add (local.get $t) (f64.const 0.5)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i64.add (i64.trunc_sat_f64_s (f64.mul (local.get $a) (f64.const 100)))
             (i64.trunc_sat_f64_s (f64.add (local.get $b) (f64.mul (local.get $c) (f64.const 1000))))))
  ;; A br_table back into the loop: it enters through the reload stub.
  (func (export "table") (param $n i32) (param $x i32) (result i32) (local $acc i32) (local $i i32)
    (local.set $acc (local.get $x)) (local.set $i (i32.const 0))
    (block $out
      (loop $l
        (local.set $acc (i32.add (i32.mul (local.get $acc) (i32.const 31)) (local.get $i)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_table $l $l $out (select (i32.const 2) (i32.rem_u (local.get $i) (i32.const 2))
                                     (i32.ge_u (local.get $i) (local.get $n))))))
    (i32.add (local.get $acc) (local.get $i)))
  ;; Calls, division and shifts in the loop write registers that hold copies.
  (func (export "clobbers") (param $n i32) (param $x i32) (result i32) (local $a i32) (local $b i32) (local $c i32)
    (local.set $a (local.get $x)) (local.set $b (i32.const 7)) (local.set $c (i32.const 1))
    (loop $l
      (local.set $a (i32.add (local.get $a) (call $id (local.get $b))))
      (local.set $b (i32.add (i32.div_u (local.get $a) (i32.const 3)) (local.get $c)))
      (local.set $c (i32.xor (i32.shl (local.get $c) (local.get $b)) (local.get $a)))
      (local.set $a (i32.add (local.get $a) (call_indirect (param i32) (result i32) (local.get $c) (i32.const 0))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32.add (local.get $a) (i32.add (local.get $b) (local.get $c))))
  ;; Nested loops, a branch to the outer loop from the inner one, and an
  ;; if/else that sets the residents on one path only.
  (func (export "nested") (param $n i32) (param $x i32) (result i32) (local $i i32) (local $j i32) (local $s i32)
    (local.set $i (local.get $n)) (local.set $s (local.get $x))
    (loop $outer
      (local.set $j (i32.const 0))
      (loop $inner
        (local.set $s (i32.add (local.get $s) (i32.mul (local.get $i) (local.get $j))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (if (i32.eq (i32.and (local.get $s) (i32.const 7)) (i32.const 3))
          (then (local.set $i (i32.sub (local.get $i) (i32.const 1)))
                (br_if $outer (i32.gt_s (local.get $i) (i32.const 0)))
                (return (local.get $s)))
          (else (local.set $s (i32.xor (local.get $s) (local.get $j)))))
        (br_if $inner (i32.lt_u (local.get $j) (i32.const 5))))
      (br_if $outer (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))
    (local.get $s))
  ;; More live values than registers while residents wait: allocation
  ;; takes their registers, and the back-edge reloads them.
  (func (export "pressure") (param $n i32) (param $x i32) (result i32) (local $a i32) (local $b i32) (local $c i32) (local $d i32)
    (local.set $a (local.get $x)) (local.set $b (i32.const 1)) (local.set $c (i32.const 2)) (local.set $d (i32.const 3))
    (loop $l
      (i32.add (local.get $a) (i32.const 1)) (i32.add (local.get $b) (i32.const 2))
      (i32.add (local.get $c) (i32.const 3)) (i32.add (local.get $d) (i32.const 4))
      (i32.mul (local.get $a) (local.get $b)) (i32.mul (local.get $c) (local.get $d))
      (i32.xor (local.get $a) (local.get $d)) (i32.xor (local.get $b) (local.get $c))
      (i32.add (local.get $a) (local.get $c)) (i32.add (local.get $b) (local.get $d))
      (i32.add) (i32.add) (i32.add) (i32.add) (i32.add) (i32.add)
      (local.set $d) (local.set $c) (local.set $b) (local.set $a)
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32.add (i32.add (local.get $a) (local.get $b)) (i32.add (local.get $c) (local.get $d))))
  ;; Copies differ on the paths that meet at a block's end, an if's end
  ;; and an else: none may survive the join.
  (func (export "join") (param $n i32) (param $x i32) (result i32) (local $a i32) (local $b i32)
    (local.set $a (i32.const 1)) (local.set $b (local.get $x))
    (block $b
      (br_if $b (i32.and (local.get $n) (i32.const 1)))
      (local.set $a (i32.add (local.get $x) (i32.const 9))))
    (if (i32.and (local.get $n) (i32.const 2))
      (then (local.set $b (i32.mul (local.get $a) (i32.const 3))))
      (else (local.set $a (i32.sub (local.get $b) (i32.const 4)))))
    (if (i32.and (local.get $n) (i32.const 4)) (then (local.set $b (local.get $n))))
    (i32.add (i32.mul (local.get $a) (i32.const 100)) (local.get $b)))
  ;; local.tee's copy must not follow the value it was taken from.
  (func (export "tee") (param $n i32) (param $x i32) (result i32) (local $a i32)
    (i32.add (i32.mul (local.tee $a (i32.add (local.get $x) (i32.const 5))) (i32.const 3)) (local.get $a)))
))";

TEST(JitLocals, RegisterCopiesNeverChangeAResult) {
  Differential d(test::wat_to_wasm(kModule));
  for (const char* name : {"swap", "rotate", "table", "clobbers", "nested", "pressure", "join", "tee"}) {
    for (uint32_t n : {1u, 2u, 3u, 4u, 5u, 6u, 7u, 40u}) {
      for (uint32_t x : {0u, 5u, 0xFFFFFFF0u}) {
        if (std::string_view(name) == "swap") d.expect_agree(name, {n, x, x ^ 0x55u});
        else d.expect_agree(name, {n, x});
      }
    }
  }
}

}  // namespace
}  // namespace detwasm::jit
