/* Reflection: a module's imports and exports with their types, and the
 * types of an instance's exports. */
#include "example.h"

static const char* wat =
    "(module\n"
    "  (import \"env\" \"log\" (func (param i32 f64)))\n"
    "  (import \"env\" \"mem\" (memory 1 2))\n"
    "  (import \"env\" \"limit\" (global (mut i64)))\n"
    "  (func (export \"pair\") (param i64) (result i32 externref) (i32.const 0) (ref.null extern))\n"
    "  (table (export \"funcs\") 3 funcref)\n"
    "  (global (export \"answer\") f32 (f32.const 42)))";

static wasm_trap_t* host_log(const wasm_val_vec_t* args, wasm_val_vec_t* results) { return NULL; }

static void print_valtypes(const wasm_valtype_vec_t* types) {
  static const char* names[] = {"i32", "i64", "f32", "f64"};
  printf("(");
  for (size_t i = 0; i < types->size; ++i) {
    wasm_valkind_t k = wasm_valtype_kind(types->data[i]);
    printf("%s%s", i ? " " : "", k < 4 ? names[k] : k == WASM_EXTERNREF ? "externref" : "funcref");
  }
  printf(")");
}

static void print_externtype(const wasm_externtype_t* type) {
  switch (wasm_externtype_kind(type)) {
    case WASM_EXTERN_FUNC: {
      const wasm_functype_t* f = wasm_externtype_as_functype_const(type);
      printf("func ");
      print_valtypes(wasm_functype_params(f));
      printf(" -> ");
      print_valtypes(wasm_functype_results(f));
      break;
    }
    case WASM_EXTERN_GLOBAL: {
      const wasm_globaltype_t* g = wasm_externtype_as_globaltype_const(type);
      printf("global %s kind %d", wasm_globaltype_mutability(g) == WASM_VAR ? "var" : "const",
             wasm_valtype_kind(wasm_globaltype_content(g)));
      break;
    }
    case WASM_EXTERN_TABLE: {
      const wasm_tabletype_t* t = wasm_externtype_as_tabletype_const(type);
      const wasm_limits_t* l = wasm_tabletype_limits(t);
      printf("table kind %d min %u%s", wasm_valtype_kind(wasm_tabletype_element(t)), l->min,
             l->max == wasm_limits_max_default ? " no max" : " with max");
      break;
    }
    case WASM_EXTERN_MEMORY: {
      const wasm_limits_t* l = wasm_memorytype_limits(wasm_externtype_as_memorytype_const(type));
      printf("memory min %u max %u", l->min, l->max);
      break;
    }
  }
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_module_t* module = module_from_text(store, wat);

  wasm_importtype_vec_t imports;
  wasm_module_imports(module, &imports);
  for (size_t i = 0; i < imports.size; ++i) {
    const wasm_name_t* m = wasm_importtype_module(imports.data[i]);
    const wasm_name_t* n = wasm_importtype_name(imports.data[i]);
    printf("import %.*s.%.*s: ", (int)m->size, m->data, (int)n->size, n->data);
    print_externtype(wasm_importtype_type(imports.data[i]));
    printf("\n");
  }

  wasm_exporttype_vec_t exports;
  wasm_module_exports(module, &exports);
  wasm_exporttype_vec_t copy;
  wasm_exporttype_vec_copy(&copy, &exports);
  for (size_t i = 0; i < copy.size; ++i) {
    const wasm_name_t* n = wasm_exporttype_name(copy.data[i]);
    printf("export %.*s: ", (int)n->size, n->data);
    print_externtype(wasm_exporttype_type(copy.data[i]));
    printf("\n");
  }

  /* Instantiate with host objects of the imported types and reflect on
   * the instance's exports. */
  wasm_functype_t* log_type =
      wasm_functype_copy(wasm_externtype_as_functype_const(wasm_importtype_type(imports.data[0])));
  wasm_func_t* log_fn = wasm_func_new(store, log_type, host_log);
  wasm_limits_t limits = {1, 2};
  wasm_memorytype_t* mem_type = wasm_memorytype_new(&limits);
  wasm_memory_t* mem = wasm_memory_new(store, mem_type);
  wasm_globaltype_t* g_type = wasm_globaltype_new(wasm_valtype_new_i64(), WASM_VAR);
  wasm_val_t zero = WASM_I64_VAL(0);
  wasm_global_t* limit = wasm_global_new(store, g_type, &zero);
  wasm_extern_t* externs[] = {wasm_func_as_extern(log_fn), wasm_memory_as_extern(mem), wasm_global_as_extern(limit)};
  wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(externs);
  wasm_instance_t* instance = wasm_instance_new(store, module, &import_vec, NULL);
  if (!instance) fail("wasm_instance_new");
  wasm_extern_vec_t instance_exports;
  wasm_instance_exports(instance, &instance_exports);
  check(instance_exports.size == exports.size, "as many exports as the module has");
  for (size_t i = 0; i < instance_exports.size; ++i) {
    wasm_externtype_t* type = wasm_extern_type(instance_exports.data[i]);
    check(wasm_extern_kind(instance_exports.data[i]) == wasm_externtype_kind(type), "kinds agree");
    printf("instance export %zu: ", i);
    print_externtype(type);
    printf("\n");
    wasm_externtype_delete(type);
  }
  wasm_func_t* pair = wasm_extern_as_func(instance_exports.data[0]);
  printf("pair: %zu parameter, %zu results\n", wasm_func_param_arity(pair), wasm_func_result_arity(pair));
  wasm_extern_vec_delete(&instance_exports);
  wasm_instance_delete(instance);
  wasm_func_delete(log_fn);

  wasm_functype_delete(log_type);
  wasm_memorytype_delete(mem_type);
  wasm_globaltype_delete(g_type);
  wasm_memory_delete(mem);
  wasm_global_delete(limit);
  wasm_exporttype_vec_delete(&copy);
  wasm_exporttype_vec_delete(&exports);
  wasm_importtype_vec_delete(&imports);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("done\n");
  return 0;
}
