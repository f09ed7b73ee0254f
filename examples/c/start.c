/* A start function runs at instantiation: once to set up state, and once
 * in a module whose start traps, which gives no instance but the trap. */
#include "example.h"

static const char* good =
    "(module\n"
    "  (import \"host\" \"log\" (func $log (param i32)))\n"
    "  (global $ready (export \"ready\") (mut i32) (i32.const 0))\n"
    "  (func $init (global.set $ready (i32.const 1)) (call $log (i32.const 7)))\n"
    "  (start $init))";

static const char* bad =
    "(module\n"
    "  (func $init unreachable)\n"
    "  (start $init))";

static wasm_trap_t* host_log(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  printf("start function says %d\n", args->data[0].of.i32);
  return NULL;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);

  wasm_module_t* module = module_from_text(store, good);
  wasm_functype_t* type = wasm_functype_new_1_0(wasm_valtype_new_i32());
  wasm_func_t* log_fn = wasm_func_new(store, type, host_log);
  wasm_functype_delete(type);
  wasm_extern_t* imports[] = {wasm_func_as_extern(log_fn)};
  wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance = wasm_instance_new(store, module, &import_vec, &trap);
  check(instance != NULL && trap == NULL, "instantiation runs the start function");
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_val_t ready;
  wasm_global_get(wasm_extern_as_global(exports.data[0]), &ready);
  printf("ready = %d\n", ready.of.i32);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(log_fn);
  wasm_module_delete(module);

  module = module_from_text(store, bad);
  wasm_extern_vec_t no_imports = WASM_EMPTY_VEC;
  instance = wasm_instance_new(store, module, &no_imports, &trap);
  check(instance == NULL && trap != NULL, "a trapping start function gives a trap");
  wasm_message_t message;
  wasm_trap_message(trap, &message);
  printf("start trapped: %s\n", message.data);
  wasm_byte_vec_delete(&message);
  wasm_frame_t* origin = wasm_trap_origin(trap);
  check(origin != NULL, "the trap has its origin");
  printf("in function %u\n", wasm_frame_func_index(origin));
  wasm_frame_delete(origin);
  wasm_trap_delete(trap);
  wasm_module_delete(module);

  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("done\n");
  return 0;
}
