;; A br_if that carries a NaN made by inf + -inf and is not taken: the
;; fallthrough must see the canonical NaN (0x7fc00000), as the taken path does.
(module
  (global $inf (mut f32) (f32.const inf))
  (global $ninf (mut f32) (f32.const -inf))
  (global $off (mut i32) (i32.const 0))
  (func (export "f32") (result i32)
    (i32.reinterpret_f32
      (block (result f32) (br_if 0 (f32.add (global.get $inf) (global.get $ninf)) (global.get $off)))))
  (func (export "f64") (result i64)
    (i64.reinterpret_f64
      (block (result f64)
        (br_if 0 (f64.mul (f64.promote_f32 (global.get $inf)) (f64.const 0)) (global.get $off))))))
