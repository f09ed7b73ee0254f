/* Tables: an exported funcref table read, written and grown by the host,
 * and call_indirect through what the host put there. */
#include "example.h"

static const char* wat =
    "(module\n"
    "  (type $i2i (func (param i32) (result i32)))\n"
    "  (table (export \"table\") 2 10 funcref)\n"
    "  (func $double (export \"double\") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))\n"
    "  (func $square (export \"square\") (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))\n"
    "  (elem (i32.const 0) $double)\n"
    "  (func (export \"call\") (param i32 i32) (result i32)\n"
    "    (call_indirect (type $i2i) (local.get 1) (local.get 0))))";

static wasm_trap_t* call(wasm_func_t* f, int32_t index, int32_t arg, int32_t* result) {
  wasm_val_t args[] = {WASM_I32_VAL(index), WASM_I32_VAL(arg)};
  wasm_val_t results[] = {WASM_INIT_VAL};
  wasm_val_vec_t arg_vec = WASM_ARRAY_VEC(args);
  wasm_val_vec_t result_vec = WASM_ARRAY_VEC(results);
  wasm_trap_t* trap = wasm_func_call(f, &arg_vec, &result_vec);
  *result = results[0].of.i32;
  return trap;
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
  wasm_table_t* table = wasm_extern_as_table(exports.data[0]);
  wasm_func_t* square = export_func(&exports, 2);
  wasm_func_t* call_fn = export_func(&exports, 3);
  int32_t r;

  printf("size %u\n", wasm_table_size(table));
  wasm_ref_t* first = wasm_table_get(table, 0);
  wasm_ref_t* second = wasm_table_get(table, 1);
  printf("table[0] is %s, table[1] is %s\n", first ? "a function" : "null", second ? "a function" : "null");
  check(wasm_ref_as_func(first) != NULL, "table[0] is a function");
  check(wasm_func_same(wasm_ref_as_func(first), export_func(&exports, 1)), "table[0] is double");
  wasm_ref_delete(first);

  check(!call(call_fn, 0, 7, &r), "call(0, 7)");
  printf("call(0, 7) = %d\n", r);
  wasm_trap_t* trap = call(call_fn, 1, 7, &r);
  check(trap != NULL, "call through a null element traps");
  printf("call(1, 7): %s\n", detwasm_trap_kind_name(detwasm_trap_kind(trap)));
  wasm_trap_delete(trap);

  check(wasm_table_set(table, 1, wasm_func_as_ref(square)), "set table[1]");
  check(!call(call_fn, 1, 7, &r), "call(1, 7)");
  printf("after set: call(1, 7) = %d\n", r);

  check(wasm_table_grow(table, 3, wasm_func_as_ref(square)), "grow by 3");
  printf("after grow: size %u\n", wasm_table_size(table));
  check(!call(call_fn, 4, 5, &r), "call(4, 5)");
  printf("call(4, 5) = %d\n", r);
  check(!wasm_table_set(table, 5, NULL), "set past the end fails");
  check(!wasm_table_grow(table, 6, NULL), "grow past the maximum fails");
  printf("set past the end and grow past the maximum: refused\n");

  /* A table made by the host. */
  wasm_limits_t limits = {1, wasm_limits_max_default};
  wasm_tabletype_t* type = wasm_tabletype_new(wasm_valtype_new_funcref(), &limits);
  wasm_table_t* host_table = wasm_table_new(store, type, wasm_func_as_ref(square));
  wasm_tabletype_delete(type);
  check(host_table && wasm_table_size(host_table) == 1, "a host table of 1");
  wasm_ref_t* element = wasm_table_get(host_table, 0);
  check(wasm_ref_as_func(element) && wasm_func_same(wasm_ref_as_func(element), square), "holds square");
  printf("host table: size 1, holds square\n");
  wasm_ref_delete(element);
  wasm_table_delete(host_table);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("done\n");
  return 0;
}
