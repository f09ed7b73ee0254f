/* A module imports a host function and calls it with two numbers; the
 * host adds them. */
#include "example.h"

static const char* wat =
    "(module\n"
    "  (import \"host\" \"add\" (func $add (param i32 i32) (result i32)))\n"
    "  (func (export \"run\") (param i32) (result i32)\n"
    "    (call $add (local.get 0) (i32.const 100))))";

static wasm_trap_t* host_add(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  printf("host: add(%d, %d)\n", args->data[0].of.i32, args->data[1].of.i32);
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 + args->data[1].of.i32;
  return NULL;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = module_from_text(store, wat);

  wasm_functype_t* type =
      wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* add = wasm_func_new(store, type, host_add);
  wasm_functype_delete(type);

  wasm_extern_t* imports[] = {wasm_func_as_extern(add)};
  wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
  wasm_instance_t* instance = wasm_instance_new(store, module, &import_vec, NULL);
  if (!instance) fail("wasm_instance_new");

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_func_t* run = export_func(&exports, 0);

  wasm_val_t args[] = {WASM_I32_VAL(23)};
  wasm_val_t results[] = {WASM_INIT_VAL};
  wasm_val_vec_t arg_vec = WASM_ARRAY_VEC(args);
  wasm_val_vec_t result_vec = WASM_ARRAY_VEC(results);
  wasm_trap_t* trap = wasm_func_call(run, &arg_vec, &result_vec);
  check(trap == NULL, "run does not trap");
  check(results[0].kind == WASM_I32 && results[0].of.i32 == 123, "run(23) == 123");
  printf("run(23) = %d\n", results[0].of.i32);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(add);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("done\n");
  return 0;
}
