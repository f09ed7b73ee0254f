/* Traps: from Wasm (with the frames they unwound), and from a host
 * function, with the message it gave. */
#include "example.h"

static const char* wat =
    "(module $traps\n"
    "  (import \"host\" \"fail\" (func $fail))\n"
    "  (func $divide (export \"divide\") (param i32 i32) (result i32)\n"
    "    (i32.div_s (local.get 0) (local.get 1)))\n"
    "  (func (export \"outer\") (param i32) (result i32)\n"
    "    (call $divide (i32.const 1) (local.get 0)))\n"
    "  (func (export \"fail\") (call $fail)))";

static wasm_store_t* the_store;

static wasm_trap_t* host_fail(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  wasm_message_t message;
  wasm_name_new_from_string_nt(&message, "the host refuses");
  wasm_trap_t* trap = wasm_trap_new(the_store, &message);
  wasm_name_delete(&message);
  return trap;
}

static void print_trap(const char* what, wasm_trap_t* trap) {
  wasm_message_t message;
  wasm_trap_message(trap, &message);
  printf("%s: %s (%s)\n", what, message.data, detwasm_trap_kind_name(detwasm_trap_kind(trap)));
  wasm_byte_vec_delete(&message);
  wasm_frame_vec_t trace;
  wasm_trap_trace(trap, &trace);
  for (size_t i = 0; i < trace.size; ++i) {
    wasm_frame_t* f = trace.data[i];
    printf("  frame %zu: function %u, offset %zu in the function, 0x%zx in the module\n", i,
           wasm_frame_func_index(f), wasm_frame_func_offset(f), wasm_frame_module_offset(f));
  }
  wasm_frame_t* origin = wasm_trap_origin(trap);
  if (origin) {
    check(trace.size > 0 && wasm_frame_func_index(origin) == wasm_frame_func_index(trace.data[0]),
          "the origin is the innermost frame");
    wasm_frame_delete(origin);
  }
  wasm_frame_vec_delete(&trace);
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  the_store = store;
  wasm_module_t* module = module_from_text(store, wat);
  wasm_functype_t* type = wasm_functype_new_0_0();
  wasm_func_t* fail_fn = wasm_func_new(store, type, host_fail);
  wasm_functype_delete(type);
  wasm_extern_t* imports[] = {wasm_func_as_extern(fail_fn)};
  wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
  wasm_instance_t* instance = wasm_instance_new(store, module, &import_vec, NULL);
  if (!instance) fail("wasm_instance_new");
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);

  wasm_val_t args[] = {WASM_I32_VAL(0)};
  wasm_val_t results[] = {WASM_INIT_VAL};
  wasm_val_vec_t arg_vec = WASM_ARRAY_VEC(args);
  wasm_val_vec_t result_vec = WASM_ARRAY_VEC(results);
  wasm_trap_t* trap = wasm_func_call(export_func(&exports, 1), &arg_vec, &result_vec);
  check(trap != NULL, "outer(0) traps");
  print_trap("outer(0)", trap);
  wasm_trap_delete(trap);

  wasm_val_vec_t none = WASM_EMPTY_VEC;
  trap = wasm_func_call(export_func(&exports, 2), &none, &none);
  check(trap != NULL, "fail() traps");
  print_trap("fail()", trap);
  wasm_trap_delete(trap);

  /* Wrong arity and types are refused with a trap, not run. */
  trap = wasm_func_call(export_func(&exports, 0), &none, &result_vec);
  check(trap != NULL, "divide() with no arguments is refused");
  print_trap("divide()", trap);
  wasm_trap_delete(trap);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(fail_fn);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("done\n");
  return 0;
}
