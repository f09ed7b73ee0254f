;; Gas vectors for schedule detwasm-gas-v1 (gas/schedule-v1.json).
;; Each "invoke" line is run in a fresh store: its gas used must be exactly the
;; figure given; a limit of that figure must succeed, one less must trap out of
;; gas. The sums are worked out beside each function (costs: base 1,
;; int_alu 1, int_mul 3, branch 2, call 10, memory_grow 20, bulk 10,
;; 1000 per page grown, 1 per started 8 bytes, 1 per declared local).
;;
;; invoke add (i32:2 i32:3) -> (i32:5) gas 3
;; invoke sum_to (i32:0) -> (i32:0) gas 6
;; invoke sum_to (i32:10) -> (i32:55) gas 146
;; invoke call_sq (i32:7) -> (i32:50) gas 18
;; invoke grow () -> (i32:1) gas 2021
;; invoke fill () -> () gas 26
;; invoke locals () -> () gas 5
;; invoke choose (i32:1) -> (i32:10) gas 4
;; invoke choose (i32:0) -> (i32:20) gas 4
(module
  (memory 1 4)

  ;; local.get + local.get + i32.add = 3
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))

  ;; entry: 1 declared local = 1
  ;; loop header to br_if: local.get, i32.eqz, br_if = 4 (every iteration)
  ;; body to br: 8 base/alu operators + br = 10 (iterations with n > 0)
  ;; after the block: local.get = 1
  ;; total 1 + 14n + 4 + 1 = 14n + 6
  (func (export "sum_to") (param i32) (result i32) (local i32)
    (block
      (loop
        (br_if 1 (i32.eqz (local.get 0)))
        (local.set 1 (i32.add (local.get 1) (local.get 0)))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (br 0)))
    (local.get 1))

  ;; local.get + local.get + i32.mul = 5
  (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))

  ;; before the call: local.get + call = 11; after it: i32.const + i32.add = 2;
  ;; the callee 5: total 18
  (func (export "call_sq") (param i32) (result i32)
    (i32.add (call $sq (local.get 0)) (i32.const 1)))

  ;; i32.const + memory.grow = 21, then 2 pages x 1000 = 2021
  (func (export "grow") (result i32) (memory.grow (i32.const 2)))

  ;; 3 x i32.const + memory.fill = 13, then 100 bytes = 13 started 8-byte words: 26
  (func (export "fill") (memory.fill (i32.const 0) (i32.const 7) (i32.const 100)))

  ;; 5 declared locals = 5
  (func (export "locals") (local i64 i64 i64 f32 f32))

  ;; local.get + if = 3, then one arm: i32.const = 1: 4 either way
  (func (export "choose") (param i32) (result i32)
    (if (result i32) (local.get 0) (then (i32.const 10)) (else (i32.const 20)))))
