/* Multiple results: a host function and a Wasm function each returning
 * several values of different types. */
#include "example.h"

static const char* wat =
    "(module\n"
    "  (import \"host\" \"swap\" (func $swap (param i32 i64) (result i64 i32)))\n"
    "  (func (export \"roundtrip\") (param i32 i64) (result i64 i32 f64)\n"
    "    (call $swap (local.get 0) (local.get 1))\n"
    "    (f64.const 0.5)))";

static wasm_trap_t* host_swap(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  int* calls = (int*)env;
  ++*calls;
  check(args->size == 2 && results->size == 2, "arities");
  results->data[0].kind = WASM_I64;
  results->data[0].of.i64 = args->data[1].of.i64;
  results->data[1].kind = WASM_I32;
  results->data[1].of.i32 = args->data[0].of.i32;
  return NULL;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = module_from_text(store, wat);
  int calls = 0;
  wasm_functype_t* type = wasm_functype_new_2_2(wasm_valtype_new_i32(), wasm_valtype_new_i64(),
                                                wasm_valtype_new_i64(), wasm_valtype_new_i32());
  wasm_func_t* swap = wasm_func_new_with_env(store, type, host_swap, &calls, NULL);
  wasm_functype_delete(type);
  wasm_extern_t* imports[] = {wasm_func_as_extern(swap)};
  wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
  wasm_instance_t* instance = wasm_instance_new(store, module, &import_vec, NULL);
  if (!instance) fail("wasm_instance_new");
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_func_t* roundtrip = export_func(&exports, 0);

  wasm_val_t args[] = {WASM_I32_VAL(1), WASM_I64_VAL(1234567890123LL)};
  wasm_val_t results[3] = {WASM_INIT_VAL, WASM_INIT_VAL, WASM_INIT_VAL};
  wasm_val_vec_t arg_vec = WASM_ARRAY_VEC(args);
  wasm_val_vec_t result_vec = WASM_ARRAY_VEC(results);
  check(!wasm_func_call(roundtrip, &arg_vec, &result_vec), "roundtrip");
  check(results[0].kind == WASM_I64 && results[1].kind == WASM_I32 && results[2].kind == WASM_F64, "kinds");
  printf("roundtrip(1, 1234567890123) = %lld, %d, %.1f\n", (long long)results[0].of.i64, results[1].of.i32,
         results[2].of.f64);
  printf("host calls: %d\n", calls);

  /* Too few result slots: refused, nothing written. */
  wasm_val_t two[2] = {WASM_INIT_VAL, WASM_INIT_VAL};
  wasm_val_vec_t short_vec = WASM_ARRAY_VEC(two);
  wasm_trap_t* trap = wasm_func_call(roundtrip, &arg_vec, &short_vec);
  check(trap != NULL, "two result slots for three results are refused");
  printf("two slots for three results: refused\n");
  wasm_trap_delete(trap);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(swap);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("done\n");
  return 0;
}
