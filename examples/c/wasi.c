/* A WASI command run from C: its arguments, a stdin given as bytes, its
 * stdout kept in memory, and the exit status proc_exit gives. Nothing of
 * the host reaches the program unless the configuration says so. */
#include "example.h"

static const char* wat =
    "(module\n"
    "  (import \"wasi_snapshot_preview1\" \"args_sizes_get\" (func $args_sizes (param i32 i32) (result i32)))\n"
    "  (import \"wasi_snapshot_preview1\" \"fd_read\" (func $fd_read (param i32 i32 i32 i32) (result i32)))\n"
    "  (import \"wasi_snapshot_preview1\" \"fd_write\" (func $fd_write (param i32 i32 i32 i32) (result i32)))\n"
    "  (import \"wasi_snapshot_preview1\" \"proc_exit\" (func $proc_exit (param i32)))\n"
    "  (memory (export \"memory\") 1)\n"
    "  (data (i32.const 256) \"hello from WASI; stdin says: \")\n"
    "  (func $write (param $at i32) (param $len i32)\n"
    "    (i32.store (i32.const 0) (local.get $at))\n"
    "    (i32.store (i32.const 4) (local.get $len))\n"
    "    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16))))\n"
    "  (func (export \"_start\")\n"
    "    (call $write (i32.const 256) (i32.const 29))\n"
    "    (i32.store (i32.const 0) (i32.const 512))\n"
    "    (i32.store (i32.const 4) (i32.const 512))\n"
    "    (drop (call $fd_read (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 16)))\n"
    "    (call $write (i32.const 512) (i32.load (i32.const 16)))\n"
    "    ;; the exit status is the number of arguments\n"
    "    (drop (call $args_sizes (i32.const 32) (i32.const 36)))\n"
    "    (call $proc_exit (i32.load (i32.const 32)))))";

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = module_from_text(store, wat);

  detwasm_wasi_config_t* wasi = detwasm_wasi_config_new();
  const char* argv[] = {"greeter", "--loud", "--twice"};
  detwasm_wasi_config_set_argv(wasi, 3, argv);
  wasm_byte_vec_t input;
  wasm_byte_vec_new(&input, 11, "a fine day\n");
  detwasm_wasi_config_set_stdin_bytes(wasi, &input);
  wasm_byte_vec_delete(&input);
  detwasm_wasi_config_capture_stdout(wasi);
  if (!detwasm_store_set_wasi(store, wasi)) fail("detwasm_store_set_wasi");  // takes the configuration

  detwasm_linker_t* linker = detwasm_linker_new();
  if (!detwasm_linker_define_wasi(linker, store)) fail("detwasm_linker_define_wasi");
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance = detwasm_linker_instantiate(linker, store, module, &trap);
  if (!instance) fail("detwasm_linker_instantiate");

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_func_t* start = export_func(&exports, 1);
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  trap = wasm_func_call(start, &none, &none);

  uint32_t status = 0;
  check(trap != NULL && detwasm_trap_exit_status(trap, &status), "_start ends with proc_exit");
  printf("exit status %u (trap kind %s)\n", status, detwasm_trap_kind_name(detwasm_trap_kind(trap)));
  wasm_byte_vec_t out;
  detwasm_store_wasi_output(store, 1, &out);
  printf("stdout: %.*s", (int)out.size, out.data);
  wasm_byte_vec_delete(&out);

  wasm_trap_delete(trap);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  detwasm_linker_delete(linker);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("done\n");
  return 0;
}
