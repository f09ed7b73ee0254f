/* Gas: an engine that meters, a store with a limit, a host function that
 * charges for its own work, and running out. */
#include "example.h"

static const char* wat =
    "(module\n"
    "  (import \"host\" \"expensive\" (func $expensive))\n"
    "  (func (export \"spin\") (param i32)\n"
    "    (loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1))))))\n"
    "  (func (export \"call_host\") (call $expensive)))";

static wasm_trap_t* expensive(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  return detwasm_store_consume_gas((wasm_store_t*)env, 5000);
}

static wasm_trap_t* call(wasm_func_t* f, int nargs, int32_t arg) {
  wasm_val_t args[] = {WASM_I32_VAL(arg)};
  wasm_val_vec_t arg_vec = {(size_t)nargs, args};
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  return wasm_func_call(f, &arg_vec, &none);
}

int main(void) {
  wasm_config_t* config = wasm_config_new();
  detwasm_config_set_metering(config, true);
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = module_from_text(store, wat);

  wasm_functype_t* type = wasm_functype_new_0_0();
  wasm_func_t* host = detwasm_func_new_with_cost(store, type, expensive, store, NULL, 10);
  wasm_functype_delete(type);
  wasm_extern_t* imports[] = {wasm_func_as_extern(host)};
  wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
  wasm_instance_t* instance = wasm_instance_new(store, module, &import_vec, NULL);
  if (!instance) fail("wasm_instance_new");
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_func_t* spin = export_func(&exports, 0);
  wasm_func_t* call_host = export_func(&exports, 1);

  detwasm_store_set_gas_limit(store, 100000);
  check(!call(spin, 1, 100), "spin(100)");
  uint64_t per_100 = detwasm_store_gas_used(store);
  printf("spin(100) used %llu gas\n", (unsigned long long)per_100);
  check(per_100 > 0, "metered code uses gas");
  check(!call(spin, 1, 100), "spin(100) again");
  check(detwasm_store_gas_used(store) == 2 * per_100, "the same work costs the same gas");
  printf("again: the same gas\n");

  detwasm_store_set_gas_limit(store, 100000);
  check(!call(call_host, 0, 0), "call_host");
  printf("call_host used %llu gas (the host charged 5000)\n", (unsigned long long)detwasm_store_gas_used(store));
  check(detwasm_store_gas_used(store) >= 5010, "the host's charge counts");

  detwasm_store_set_gas_limit(store, 1000);
  wasm_trap_t* trap = call(spin, 1, 1000000);
  check(trap && detwasm_trap_kind(trap) == DETWASM_TRAP_OUT_OF_GAS, "out of gas");
  printf("spin(1000000) with 1000 gas: %s, %llu left\n", detwasm_trap_kind_name(detwasm_trap_kind(trap)),
         (unsigned long long)detwasm_store_gas_left(store));
  wasm_trap_delete(trap);

  detwasm_store_set_gas_limit(store, 100);
  trap = call(call_host, 0, 0);
  check(trap && detwasm_trap_kind(trap) == DETWASM_TRAP_OUT_OF_GAS, "the host ran out");
  printf("call_host with 100 gas: %s\n", detwasm_trap_kind_name(detwasm_trap_kind(trap)));
  wasm_trap_delete(trap);

  /* Outside a host call there is no caller to charge. */
  trap = detwasm_store_consume_gas(store, 1);
  check(trap && detwasm_trap_kind(trap) == DETWASM_TRAP_HOST_ERROR, "no caller");
  wasm_trap_delete(trap);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(host);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("done\n");
  return 0;
}
