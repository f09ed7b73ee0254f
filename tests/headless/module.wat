;; The module the artifact tests run, fresh and from artifacts (tests/support/artifact_module.hpp), here and in the headless build.
(module
  (import "env" "twice" (func $twice (param i32) (result i32)))
  (memory (export "mem") 1 2)
  (table 4 funcref)
  (global $g (mut i32) (i32.const 7))
  (elem (i32.const 1) $sq $twice)
  (data (i32.const 16) "artifact")
  (data $later "later")
  (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
  (func (export "run") (param i32) (result i32) (local i64)
    (memory.init $later (i32.const 100) (i32.const 0) (i32.const 5))
    (global.set $g (i32.add (global.get $g) (call_indirect (param i32) (result i32) (local.get 0) (i32.const 1))))
    (i32.add (global.get $g) (i32.add (i32.load8_u (i32.const 16)) (i32.load8_u (i32.const 104)))))
  (func (export "via_import") (param i32) (result i32) (call_indirect (param i32) (result i32) (local.get 0) (i32.const 2)))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (start $start)
  (func $start (global.set $g (i32.const 8))))

