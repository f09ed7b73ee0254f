/* An exported memory: read and written by the host and by Wasm, grown by
 * both, and a store that traps past its end. */
#include "example.h"

static const char* wat =
    "(module\n"
    "  (memory (export \"memory\") 1 3)\n"
    "  (func (export \"load\") (param i32) (result i32) (i32.load8_u (local.get 0)))\n"
    "  (func (export \"store\") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))\n"
    "  (func (export \"size\") (result i32) (memory.size))\n"
    "  (data (i32.const 0x1000) \"\\01\\02\\03\\04\"))";

static int32_t call_i32(wasm_func_t* f, wasm_val_t* args, size_t nargs, wasm_trap_t** trap) {
  wasm_val_t results[1] = {WASM_INIT_VAL};
  wasm_val_vec_t arg_vec = {nargs, args};
  wasm_val_vec_t result_vec = {wasm_func_result_arity(f), results};
  *trap = wasm_func_call(f, &arg_vec, &result_vec);
  return results[0].of.i32;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = module_from_text(store, wat);
  wasm_extern_vec_t imports = WASM_EMPTY_VEC;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  if (!instance) fail("wasm_instance_new");
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_memory_t* memory = wasm_extern_as_memory(exports.data[0]);
  wasm_func_t* load = export_func(&exports, 1);
  wasm_func_t* store_fn = export_func(&exports, 2);
  wasm_func_t* size = export_func(&exports, 3);
  wasm_trap_t* trap;

  printf("pages %u, bytes %zu\n", wasm_memory_size(memory), wasm_memory_data_size(memory));
  printf("data[0x1002] = %d\n", wasm_memory_data(memory)[0x1002]);
  wasm_val_t at[] = {WASM_I32_VAL(0x1003)};
  printf("load(0x1003) = %d\n", call_i32(load, at, 1, &trap));
  check(!trap, "load does not trap");

  wasm_memory_data(memory)[0x2000] = 42;  /* the host writes, Wasm reads */
  wasm_val_t at2[] = {WASM_I32_VAL(0x2000)};
  printf("load(0x2000) = %d\n", call_i32(load, at2, 1, &trap));
  check(!trap, "load does not trap");

  wasm_val_t put[] = {WASM_I32_VAL(0x2001), WASM_I32_VAL(7)};
  call_i32(store_fn, put, 2, &trap);
  check(!trap, "store does not trap");
  printf("data[0x2001] = %d\n", wasm_memory_data(memory)[0x2001]);

  check(wasm_memory_grow(memory, 1), "grow by 1");
  printf("after grow: size() = %d\n", call_i32(size, NULL, 0, &trap));
  check(!wasm_memory_grow(memory, 5), "grow past the maximum fails");
  printf("grow past the maximum: refused, pages %u\n", wasm_memory_size(memory));

  wasm_val_t out[] = {WASM_I32_VAL(0x20000), WASM_I32_VAL(1)};
  call_i32(store_fn, out, 2, &trap);
  check(trap != NULL, "a store out of bounds traps");
  wasm_message_t message;
  wasm_trap_message(trap, &message);
  printf("store(0x20000): trap: %s\n", message.data);
  wasm_byte_vec_delete(&message);
  wasm_trap_delete(trap);

  /* A memory made by the host. */
  wasm_limits_t limits = {2, 4};
  wasm_memorytype_t* type = wasm_memorytype_new(&limits);
  wasm_memory_t* host_memory = wasm_memory_new(store, type);
  wasm_memorytype_delete(type);
  check(host_memory && wasm_memory_size(host_memory) == 2, "a host memory of 2 pages");
  wasm_memorytype_t* got = wasm_memory_type(host_memory);
  printf("host memory: min %u max %u\n", wasm_memorytype_limits(got)->min, wasm_memorytype_limits(got)->max);
  wasm_memorytype_delete(got);
  wasm_memory_delete(host_memory);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("done\n");
  return 0;
}
