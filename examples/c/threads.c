/* One module compiled once and shared by threads, each with its own store
 * and instance. */
#include "example.h"

#include <pthread.h>

#define THREADS 4

static const char* wat =
    "(module\n"
    "  (import \"host\" \"id\" (global $id i32))\n"
    "  (func (export \"work\") (param i32) (result i32)\n"
    "    (local $acc i32)\n"
    "    (loop $l\n"
    "      (local.set $acc (i32.add (local.get $acc) (global.get $id)))\n"
    "      (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))\n"
    "    (local.get $acc)))";

typedef struct {
  wasm_engine_t* engine;
  wasm_shared_module_t* shared;
  int id;
  int32_t result;
} job_t;

static void* run(void* arg) {
  job_t* job = (job_t*)arg;
  wasm_store_t* store = wasm_store_new(job->engine);
  wasm_module_t* module = wasm_module_obtain(store, job->shared);
  check(module != NULL, "obtain the shared module");
  wasm_globaltype_t* type = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
  wasm_val_t id = WASM_I32_VAL(job->id);
  wasm_global_t* global = wasm_global_new(store, type, &id);
  wasm_globaltype_delete(type);
  wasm_extern_t* imports[] = {wasm_global_as_extern(global)};
  wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
  wasm_instance_t* instance = wasm_instance_new(store, module, &import_vec, NULL);
  check(instance != NULL, "instantiate in the thread");
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_val_t args[] = {WASM_I32_VAL(1000)};
  wasm_val_t results[] = {WASM_INIT_VAL};
  wasm_val_vec_t arg_vec = WASM_ARRAY_VEC(args);
  wasm_val_vec_t result_vec = WASM_ARRAY_VEC(results);
  check(!wasm_func_call(export_func(&exports, 0), &arg_vec, &result_vec), "work");
  job->result = results[0].of.i32;
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_global_delete(global);
  wasm_module_delete(module);
  wasm_store_delete(store);
  return NULL;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = module_from_text(store, wat);
  wasm_shared_module_t* shared = wasm_module_share(module);
  wasm_module_delete(module);
  wasm_store_delete(store);

  pthread_t threads[THREADS];
  job_t jobs[THREADS];
  for (int i = 0; i < THREADS; ++i) {
    jobs[i] = (job_t){engine, shared, i + 1, 0};
    check(pthread_create(&threads[i], NULL, run, &jobs[i]) == 0, "pthread_create");
  }
  for (int i = 0; i < THREADS; ++i) {
    pthread_join(threads[i], NULL);
    printf("thread %d: work(1000) = %d\n", jobs[i].id, jobs[i].result);
  }

  /* Another engine cannot obtain it. */
  wasm_engine_t* other = wasm_engine_new();
  wasm_store_t* other_store = wasm_store_new(other);
  check(wasm_module_obtain(other_store, shared) == NULL, "another engine is refused");
  printf("another engine: refused\n");
  wasm_store_delete(other_store);
  wasm_engine_delete(other);

  wasm_shared_module_delete(shared);
  wasm_engine_delete(engine);
  printf("done\n");
  return 0;
}
