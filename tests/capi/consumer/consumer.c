/* Runs a two-function module through the installed library. */
#include <stdio.h>
#include <string.h>

#include <detwasm.h>
#include <wasm.h>

int main(void) {
  /* (module (func (export "add") (param i32 i32) (result i32)
   *   (i32.add (local.get 0) (local.get 1)))) */
  static const char binary[] = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01,
                                0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x07,
                                0x07, 0x01, 0x03, 0x61, 0x64, 0x64, 0x00, 0x00, 0x0a, 0x09, 0x01,
                                0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6a, 0x0b};
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_byte_vec_t bytes;
  wasm_byte_vec_new(&bytes, sizeof binary, binary);
  wasm_module_t* module = wasm_module_new(store, &bytes);
  wasm_byte_vec_delete(&bytes);
  if (!module) return 1;
  wasm_extern_vec_t imports = WASM_EMPTY_VEC;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  if (!instance) return 1;
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_val_t args[] = {WASM_I32_VAL(40), WASM_I32_VAL(2)};
  wasm_val_t results[] = {WASM_INIT_VAL};
  wasm_val_vec_t arg_vec = WASM_ARRAY_VEC(args);
  wasm_val_vec_t result_vec = WASM_ARRAY_VEC(results);
  wasm_trap_t* trap = wasm_func_call(wasm_extern_as_func(exports.data[0]), &arg_vec, &result_vec);
  int ok = !trap && results[0].of.i32 == 42;
  printf("add(40, 2) = %d (default tier: %s)\n", results[0].of.i32,
         detwasm_default_tier() == DETWASM_TIER_JIT ? "jit" : "interpreter");
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return ok ? 0 : 1;
}
