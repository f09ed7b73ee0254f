/* A compiled module saved as bytes and loaded again without compiling,
 * then a damaged copy refused. */
#include "example.h"

static const char* wat =
    "(module (func (export \"answer\") (result i32) (i32.const 42)))";

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = module_from_text(store, wat);

  wasm_byte_vec_t artifact;
  wasm_module_serialize(module, &artifact);
  check(artifact.size > 0, "serialize gives bytes");
  printf("serialized\n");
  uint8_t hash[32], hash2[32];
  detwasm_module_hash(module, hash);
  wasm_module_delete(module);

  wasm_module_t* loaded = wasm_module_deserialize(store, &artifact);
  if (!loaded) fail("wasm_module_deserialize");
  detwasm_module_hash(loaded, hash2);
  check(memcmp(hash, hash2, 32) == 0, "the same module hash");
  printf("deserialized, same hash\n");

  wasm_extern_vec_t imports = WASM_EMPTY_VEC;
  wasm_instance_t* instance = wasm_instance_new(store, loaded, &imports, NULL);
  if (!instance) fail("wasm_instance_new");
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_val_t results[1] = {WASM_INIT_VAL};
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  wasm_val_vec_t result_vec = WASM_ARRAY_VEC(results);
  check(!wasm_func_call(export_func(&exports, 0), &none, &result_vec), "answer");
  printf("answer() = %d\n", results[0].of.i32);

  artifact.data[artifact.size / 2] ^= 1;
  wasm_module_t* damaged = wasm_module_deserialize(store, &artifact);
  check(damaged == NULL, "a damaged artifact is refused");
  printf("damaged artifact: refused\n");
  wasm_byte_t junk[] = {1, 2, 3};
  wasm_byte_vec_t junk_vec = WASM_ARRAY_VEC(junk);
  check(wasm_module_deserialize(store, &junk_vec) == NULL, "junk is refused");
  printf("junk: refused\n");

  wasm_byte_vec_delete(&artifact);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(loaded);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("done\n");
  return 0;
}
