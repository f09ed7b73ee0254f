;; A small spec file with every command kind, for checking the runner
;; itself: it must pass as is and report exactly one failure when one
;; expectation is altered (see runner_check.py).

(module $M
  (global (export "g") i32 (i32.const 42))
  (memory 1)
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "neg64") (param i64) (result i64) (i64.sub (i64.const 0) (local.get 0)))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "nan") (result f32) (f32.div (f32.const 0) (f32.const 0)))
  (func (export "id-ref") (param externref) (result externref) (local.get 0))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func $loop (export "loop") (call $loop))
)
(register "M" $M)

(assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 3))
(assert_return (invoke "add" (i32.const -1) (i32.const 0)) (i32.const 4294967295))
(assert_return (invoke "neg64" (i64.const 5)) (i64.const -5))
(assert_return (invoke "nan") (f32.const nan:canonical))
(assert_return (invoke "id-ref" (ref.extern 7)) (ref.extern 7))
(assert_return (invoke "id-ref" (ref.null extern)) (ref.null extern))
(assert_return (get "g") (i32.const 42))
(invoke "add" (i32.const 0) (i32.const 0))
(assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer divide by zero")
(assert_trap (invoke "load" (i32.const 65536)) "out of bounds memory access")
(assert_exhaustion (invoke "loop") "call stack exhausted")

(module
  (import "M" "add" (func $add (param i32 i32) (result i32)))
  (import "spectest" "global_i32" (global i32))
  (func (export "add-666") (param i32) (result i32) (call $add (local.get 0) (global.get 0)))
)
(assert_return (invoke "add-666" (i32.const 1)) (i32.const 667))

(assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch")
(assert_malformed (module binary "\00asm\02\00\00\00") "unknown binary version")
(assert_malformed (module quote "(func (i32.const nope))") "unexpected token")
(assert_unlinkable (module (import "spectest" "unknown" (func))) "unknown import")
(assert_trap (module (func $f unreachable) (start $f)) "unreachable")
