/* Host references and finalizers: a foreign object with host info passed
 * through Wasm as an externref and back, kept in a table, and every
 * finalizer run by the time the store goes. */
#include "example.h"

static const char* wat =
    "(module\n"
    "  (table $t (export \"table\") 2 externref)\n"
    "  (func (export \"identity\") (param externref) (result externref) (local.get 0))\n"
    "  (func (export \"keep\") (param externref) (table.set $t (i32.const 1) (local.get 0)))\n"
    "  (func (export \"is_null\") (param externref) (result i32) (ref.is_null (local.get 0))))";

static int live = 0;

static void finalize(void* info) {
  printf("finalized %s\n", (const char*)info);
  --live;
}

static wasm_val_t call1(wasm_func_t* f, wasm_val_t arg) {
  wasm_val_t args[] = {arg};
  wasm_val_t results[] = {WASM_INIT_VAL};
  wasm_val_vec_t arg_vec = WASM_ARRAY_VEC(args);
  wasm_val_vec_t result_vec = {wasm_func_result_arity(f), results};
  check(!wasm_func_call(f, &arg_vec, &result_vec), "call");
  return results[0];
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = module_from_text(store, wat);
  wasm_extern_vec_t imports = WASM_EMPTY_VEC;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, NULL);
  if (!instance) fail("wasm_instance_new");
  wasm_instance_set_host_info_with_finalizer(instance, "instance", finalize);
  ++live;
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_table_t* table = wasm_extern_as_table(exports.data[0]);
  wasm_func_t* identity = export_func(&exports, 1);
  wasm_func_t* keep = export_func(&exports, 2);
  wasm_func_t* is_null = export_func(&exports, 3);

  wasm_foreign_t* foreign = wasm_foreign_new(store);
  wasm_foreign_set_host_info_with_finalizer(foreign, "foreign", finalize);
  ++live;
  wasm_ref_t* ref = wasm_foreign_as_ref(foreign);

  wasm_val_t arg = WASM_REF_VAL(ref);
  wasm_val_t back = call1(identity, arg);
  check(back.of.ref != NULL, "identity gives the reference back");
  printf("identity: host info %s, same object %s\n", (const char*)wasm_ref_get_host_info(back.of.ref),
         wasm_ref_same(back.of.ref, ref) ? "yes" : "no");
  check(wasm_ref_as_foreign(back.of.ref) != NULL, "it is the foreign object");
  wasm_val_delete(&back);

  wasm_val_t null_arg = WASM_REF_VAL(NULL);
  printf("is_null(null) = %d, is_null(foreign) = %d\n", call1(is_null, null_arg).of.i32, call1(is_null, arg).of.i32);

  /* Wasm keeps the reference in its table; the host lets go of its handle. */
  call1(keep, arg);
  wasm_foreign_delete(foreign);
  wasm_ref_t* kept = wasm_table_get(table, 1);
  printf("table[1]: host info %s\n", (const char*)wasm_ref_get_host_info(kept));
  wasm_ref_delete(kept);

  /* Functions carry host info too, shared by every handle. */
  wasm_func_t* copy = wasm_func_copy(identity);
  wasm_func_set_host_info(copy, "identity function");
  printf("identity's host info via another handle: %s\n", (const char*)wasm_func_get_host_info(identity));
  wasm_func_delete(copy);

  /* A host function's environment is finalized with it. */
  wasm_functype_t* type = wasm_functype_new_0_0();
  wasm_func_t* host = wasm_func_new_with_env(store, type, NULL, "env", finalize);
  check(host == NULL, "a function with no callback is refused");
  wasm_functype_delete(type);
  printf("a function with no callback: refused\n");

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  printf("deleting the store, %d finalizers due\n", live);
  wasm_store_delete(store);
  check(live == 0, "every finalizer ran");
  wasm_engine_delete(engine);
  printf("done\n");
  return 0;
}
