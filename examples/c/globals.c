/* Globals: a host global imported by a module, and exported ones read and
 * written from both sides. */
#include "example.h"

static const char* wat =
    "(module\n"
    "  (import \"host\" \"base\" (global $base i64))\n"
    "  (global $counter (export \"counter\") (mut i32) (i32.const 0))\n"
    "  (global (export \"pi\") f64 (f64.const 3.25))\n"
    "  (func (export \"bump\") (result i64)\n"
    "    (global.set $counter (i32.add (global.get $counter) (i32.const 1)))\n"
    "    (i64.add (global.get $base) (i64.extend_i32_u (global.get $counter)))))";

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = module_from_text(store, wat);

  wasm_globaltype_t* type = wasm_globaltype_new(wasm_valtype_new_i64(), WASM_CONST);
  wasm_val_t base_value = WASM_I64_VAL(1000);
  wasm_global_t* base = wasm_global_new(store, type, &base_value);
  wasm_globaltype_delete(type);
  check(base != NULL, "wasm_global_new");

  wasm_extern_t* imports[] = {wasm_global_as_extern(base)};
  wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
  wasm_instance_t* instance = wasm_instance_new(store, module, &import_vec, NULL);
  if (!instance) fail("wasm_instance_new");
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_global_t* counter = wasm_extern_as_global(exports.data[0]);
  wasm_global_t* pi = wasm_extern_as_global(exports.data[1]);
  wasm_func_t* bump = export_func(&exports, 2);

  wasm_val_t v;
  wasm_global_get(pi, &v);
  printf("pi = %.2f (kind %d)\n", v.of.f64, v.kind);
  wasm_globaltype_t* pi_type = wasm_global_type(pi);
  printf("pi is %s\n", wasm_globaltype_mutability(pi_type) == WASM_VAR ? "mutable" : "constant");
  wasm_globaltype_delete(pi_type);

  wasm_val_t results[1] = {WASM_INIT_VAL};
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  wasm_val_vec_t result_vec = WASM_ARRAY_VEC(results);
  check(!wasm_func_call(bump, &none, &result_vec), "bump");
  printf("bump() = %lld\n", (long long)results[0].of.i64);

  wasm_val_t ten = WASM_I32_VAL(10);
  wasm_global_set(counter, &ten);
  check(!wasm_func_call(bump, &none, &result_vec), "bump");
  printf("after counter = 10: bump() = %lld\n", (long long)results[0].of.i64);
  wasm_global_get(counter, &v);
  printf("counter = %d\n", v.of.i32);

  /* Setting a constant, or a value of another type, changes nothing. */
  wasm_val_t other = WASM_F64_VAL(1.0);
  wasm_global_set(pi, &other);
  wasm_global_set(counter, &other);
  wasm_global_get(pi, &v);
  printf("pi still %.2f\n", v.of.f64);
  wasm_global_get(counter, &v);
  printf("counter still %d\n", v.of.i32);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_global_delete(base);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("done\n");
  return 0;
}
