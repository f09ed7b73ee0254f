/* Shared by the C examples: compiling a module from text, and failing
 * loudly. Each example prints what it does; its test compares the output
 * with the file of the same name in expected/. */
#ifndef DETWASM_EXAMPLE_H
#define DETWASM_EXAMPLE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <detwasm.h>
#include <wasm.h>

/* Stops the example with the reason the last call failed. */
static inline void fail(const char* what) {
  wasm_message_t reason;
  detwasm_last_error(&reason);
  fprintf(stderr, "error: %s: %s\n", what, reason.data);
  wasm_byte_vec_delete(&reason);
  exit(1);
}

static inline void check(int ok, const char* what) {
  if (!ok) {
    fprintf(stderr, "check failed: %s\n", what);
    exit(1);
  }
}

/* The module a text module denotes, compiled in `store`'s engine. */
static inline wasm_module_t* module_from_text(wasm_store_t* store, const char* wat) {
  wasm_byte_vec_t text, binary;
  wasm_byte_vec_new(&text, strlen(wat), wat);
  if (!detwasm_wat2wasm(&text, &binary)) fail("wat2wasm");
  wasm_byte_vec_delete(&text);
  wasm_module_t* module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  if (!module) fail("wasm_module_new");
  return module;
}

/* Export `i` of an instance's exports as a function. */
static inline wasm_func_t* export_func(const wasm_extern_vec_t* exports, size_t i) {
  if (i >= exports->size || !wasm_extern_as_func(exports->data[i])) fail("export is not a function");
  return wasm_extern_as_func(exports->data[i]);
}

#endif
