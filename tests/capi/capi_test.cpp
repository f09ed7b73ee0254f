// The C API through the shared library: ownership of vectors and handles,
// and bad input (nulls, wrong arities and types, objects of another store
// or engine, externs of the wrong kind) giving NULL, false or a trap.
#include <gtest/gtest.h>

#include <detwasm.h>
#include <wasm.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

std::string last_error() {
  wasm_message_t m;
  detwasm_last_error(&m);
  std::string s(m.data, m.size ? m.size - 1 : 0);
  wasm_byte_vec_delete(&m);
  return s;
}

std::string message_of(const wasm_trap_t* trap) {
  wasm_message_t m;
  wasm_trap_message(trap, &m);
  std::string s(m.data, m.size ? m.size - 1 : 0);
  wasm_byte_vec_delete(&m);
  return s;
}

// An engine (of a tier, when given), a store, and modules from text.
struct Env {
  explicit Env(int tier = -1) {
    wasm_config_t* c = wasm_config_new();
    if (tier >= 0) {
      EXPECT_TRUE(detwasm_config_set_tier(c, static_cast<detwasm_tier_t>(tier)));
    }
    engine = wasm_engine_new_with_config(c);
    store = wasm_store_new(engine);
  }
  ~Env() {
    for (auto* m : modules) wasm_module_delete(m);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
  }
  wasm_module_t* module(const char* wat) {
    wasm_byte_vec_t text, binary;
    wasm_byte_vec_new(&text, std::strlen(wat), wat);
    EXPECT_TRUE(detwasm_wat2wasm(&text, &binary)) << last_error();
    wasm_byte_vec_delete(&text);
    wasm_module_t* m = wasm_module_new(store, &binary);
    wasm_byte_vec_delete(&binary);
    EXPECT_NE(m, nullptr) << last_error();
    modules.push_back(m);
    return m;
  }
  wasm_engine_t* engine;
  wasm_store_t* store;
  std::vector<wasm_module_t*> modules;
};

// The tiers this machine runs.
std::vector<int> tiers_here() {
  std::vector<int> tiers{DETWASM_TIER_INTERPRETER};
  wasm_config_t* c = wasm_config_new();
  if (detwasm_config_set_tier(c, DETWASM_TIER_JIT)) tiers.push_back(DETWASM_TIER_JIT);
  wasm_config_delete(c);
  return tiers;
}

const char* kAdd = R"((module
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "ref") (param externref) (result externref) (local.get 0))
  (table (export "table") 1 funcref)
  (memory (export "memory") 1)
  (global (export "global") (mut i32) (i32.const 0))))";

struct Instance {
  Instance(Env& env, wasm_module_t* module) {
    wasm_extern_vec_t imports = WASM_EMPTY_VEC;
    instance = wasm_instance_new(env.store, module, &imports, nullptr);
    EXPECT_NE(instance, nullptr) << last_error();
    wasm_instance_exports(instance, &exports);
  }
  ~Instance() {
    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(instance);
  }
  wasm_func_t* func(size_t i) { return wasm_extern_as_func(exports.data[i]); }
  wasm_instance_t* instance;
  wasm_extern_vec_t exports;
};

TEST(CApiVectors, NewCopyDeleteOwnTheirElements) {
  wasm_valtype_t* types[] = {wasm_valtype_new_i32(), wasm_valtype_new_funcref()};
  wasm_valtype_vec_t v;
  wasm_valtype_vec_new(&v, 2, types);
  wasm_valtype_vec_t copy;
  wasm_valtype_vec_copy(&copy, &v);
  ASSERT_EQ(copy.size, 2u);
  EXPECT_NE(copy.data[0], v.data[0]);
  EXPECT_EQ(wasm_valtype_kind(copy.data[1]), WASM_FUNCREF);
  wasm_valtype_vec_delete(&v);
  wasm_valtype_vec_delete(&copy);
  EXPECT_EQ(copy.size, 0u);
  EXPECT_EQ(copy.data, nullptr);

  wasm_byte_vec_t empty;
  wasm_byte_vec_new_empty(&empty);
  wasm_byte_vec_t empty_copy;
  wasm_byte_vec_copy(&empty_copy, &empty);
  EXPECT_EQ(empty_copy.size, 0u);
  wasm_byte_vec_delete(&empty);
  wasm_byte_vec_delete(&empty_copy);

  wasm_extern_vec_t externs;
  wasm_extern_vec_new_uninitialized(&externs, 3);
  for (size_t i = 0; i < externs.size; ++i) EXPECT_EQ(externs.data[i], nullptr);
  wasm_extern_vec_delete(&externs);  // null elements are skipped
  wasm_byte_vec_delete(nullptr);
}

TEST(CApiVectors, ValVecCopiesAndDeletesReferences) {
  Env env;
  wasm_foreign_t* foreign = wasm_foreign_new(env.store);
  wasm_val_t vals[] = {WASM_I32_VAL(1), WASM_REF_VAL(wasm_foreign_as_ref(foreign))};
  wasm_val_vec_t v = WASM_ARRAY_VEC(vals);
  wasm_val_vec_t copy;
  wasm_val_vec_copy(&copy, &v);
  ASSERT_EQ(copy.size, 2u);
  EXPECT_NE(copy.data[1].of.ref, vals[1].of.ref);
  EXPECT_TRUE(wasm_ref_same(copy.data[1].of.ref, vals[1].of.ref));
  wasm_val_vec_delete(&copy);  // deletes the copied handle, not the original
  EXPECT_TRUE(wasm_foreign_same(foreign, foreign));
  wasm_foreign_delete(foreign);
}

TEST(CApiTypes, BadTypesAreNull) {
  EXPECT_EQ(wasm_valtype_new(7), nullptr);
  wasm_limits_t limits{1, 2};
  EXPECT_EQ(wasm_tabletype_new(wasm_valtype_new_i32(), &limits), nullptr);  // takes and frees the valtype
  EXPECT_EQ(wasm_tabletype_new(wasm_valtype_new_funcref(), nullptr), nullptr);
  EXPECT_EQ(wasm_globaltype_new(nullptr, WASM_VAR), nullptr);
  EXPECT_EQ(wasm_memorytype_new(nullptr), nullptr);
  wasm_functype_t* f = wasm_functype_new_1_1(wasm_valtype_new_i64(), wasm_valtype_new_f32());
  wasm_externtype_t* e = wasm_functype_as_externtype(f);
  EXPECT_EQ(wasm_externtype_kind(e), WASM_EXTERN_FUNC);
  EXPECT_EQ(wasm_externtype_as_globaltype(e), nullptr);
  EXPECT_EQ(wasm_externtype_as_functype(e), f);
  wasm_externtype_t* copy = wasm_externtype_copy(e);
  EXPECT_EQ(wasm_valtype_kind(wasm_functype_results(wasm_externtype_as_functype(copy))->data[0]), WASM_F32);
  wasm_externtype_delete(copy);
  wasm_functype_delete(f);
}

TEST(CApiNulls, NullArgumentsGiveNullOrNothing) {
  EXPECT_EQ(wasm_store_new(nullptr), nullptr);
  EXPECT_EQ(wasm_module_new(nullptr, nullptr), nullptr);
  EXPECT_FALSE(wasm_module_validate(nullptr, nullptr));
  EXPECT_EQ(wasm_instance_new(nullptr, nullptr, nullptr, nullptr), nullptr);
  EXPECT_EQ(wasm_func_new(nullptr, nullptr, nullptr), nullptr);
  EXPECT_EQ(wasm_global_new(nullptr, nullptr, nullptr), nullptr);
  EXPECT_EQ(wasm_table_new(nullptr, nullptr, nullptr), nullptr);
  EXPECT_EQ(wasm_memory_new(nullptr, nullptr), nullptr);
  EXPECT_EQ(wasm_extern_as_func(nullptr), nullptr);
  EXPECT_EQ(wasm_ref_as_func(nullptr), nullptr);
  EXPECT_EQ(wasm_func_copy(nullptr), nullptr);
  EXPECT_EQ(wasm_table_get(nullptr, 0), nullptr);
  EXPECT_FALSE(wasm_memory_grow(nullptr, 1));
  EXPECT_EQ(wasm_memory_data(nullptr), nullptr);
  EXPECT_EQ(wasm_trap_origin(nullptr), nullptr);
  wasm_trap_t* trap = wasm_func_call(nullptr, nullptr, nullptr);
  ASSERT_NE(trap, nullptr);
  wasm_trap_delete(trap);
  wasm_func_delete(nullptr);
  wasm_instance_delete(nullptr);
  wasm_module_delete(nullptr);
  wasm_store_delete(nullptr);
  wasm_engine_delete(nullptr);
  wasm_val_delete(nullptr);
}

TEST(CApiModules, MalformedAndInvalidModulesAreRefused) {
  Env env;
  wasm_byte_t junk[] = {0, 'a', 's', 'x'};
  wasm_byte_vec_t v = WASM_ARRAY_VEC(junk);
  EXPECT_FALSE(wasm_module_validate(env.store, &v));
  EXPECT_EQ(wasm_module_new(env.store, &v), nullptr);
  EXPECT_FALSE(last_error().empty());
  wasm_byte_vec_t empty = WASM_EMPTY_VEC;
  EXPECT_EQ(wasm_module_new(env.store, &empty), nullptr);
  EXPECT_EQ(wasm_module_deserialize(env.store, &v), nullptr);

  wasm_byte_vec_t text, out;
  wasm_name_new_from_string(&text, "(module (func (result i32) i64.const 1))");
  ASSERT_TRUE(detwasm_wat2wasm(&text, &out));
  EXPECT_FALSE(wasm_module_validate(env.store, &out));
  wasm_byte_vec_delete(&out);
  wasm_byte_vec_delete(&text);
  wasm_name_new_from_string(&text, "(module (func $f (");
  EXPECT_FALSE(detwasm_wat2wasm(&text, &out));
  EXPECT_EQ(out.size, 0u);
  wasm_byte_vec_delete(&text);
}

TEST(CApiCalls, RunOnEveryTier) {
  for (int tier : tiers_here()) {
    Env env(tier);
    Instance inst(env, env.module(kAdd));
    wasm_val_t args[] = {WASM_I32_VAL(2), WASM_I32_VAL(40)};
    wasm_val_t results[] = {WASM_INIT_VAL};
    wasm_val_vec_t a = WASM_ARRAY_VEC(args);
    wasm_val_vec_t r = WASM_ARRAY_VEC(results);
    EXPECT_EQ(wasm_func_call(inst.func(0), &a, &r), nullptr);
    EXPECT_EQ(results[0].kind, WASM_I32);
    EXPECT_EQ(results[0].of.i32, 42) << "tier " << tier;
  }
}

TEST(CApiCalls, WrongArityAndTypesTrap) {
  Env env;
  Instance inst(env, env.module(kAdd));
  wasm_func_t* add = inst.func(0);
  EXPECT_EQ(wasm_func_param_arity(add), 2u);
  EXPECT_EQ(wasm_func_result_arity(add), 1u);
  wasm_val_t results[] = {WASM_INIT_VAL};
  wasm_val_vec_t r = WASM_ARRAY_VEC(results);

  wasm_val_t one[] = {WASM_I32_VAL(1)};
  wasm_val_vec_t a1 = WASM_ARRAY_VEC(one);
  wasm_trap_t* trap = wasm_func_call(add, &a1, &r);
  ASSERT_NE(trap, nullptr);
  EXPECT_EQ(detwasm_trap_kind(trap), DETWASM_TRAP_HOST_ERROR);
  EXPECT_NE(message_of(trap).find("1 arguments"), std::string::npos) << message_of(trap);
  wasm_trap_delete(trap);

  wasm_val_t mixed[] = {WASM_I32_VAL(1), WASM_F64_VAL(2.0)};
  wasm_val_vec_t a2 = WASM_ARRAY_VEC(mixed);
  trap = wasm_func_call(add, &a2, &r);
  ASSERT_NE(trap, nullptr);
  wasm_trap_delete(trap);

  wasm_val_t ok[] = {WASM_I32_VAL(1), WASM_I32_VAL(2)};
  wasm_val_vec_t a3 = WASM_ARRAY_VEC(ok);
  wasm_val_vec_t no_results = WASM_EMPTY_VEC;
  trap = wasm_func_call(add, &a3, &no_results);
  ASSERT_NE(trap, nullptr);
  wasm_trap_delete(trap);
  trap = wasm_func_call(add, nullptr, &r);
  ASSERT_NE(trap, nullptr);
  wasm_trap_delete(trap);
}

wasm_trap_t* wrong_result(const wasm_val_vec_t*, wasm_val_vec_t* results) {
  results->data[0].kind = WASM_F32;
  results->data[0].of.f32 = 1.0f;
  return nullptr;
}

TEST(CApiCalls, HostResultOfTheWrongTypeTraps) {
  Env env;
  wasm_functype_t* type = wasm_functype_new_0_1(wasm_valtype_new_i32());
  wasm_func_t* f = wasm_func_new(env.store, type, wrong_result);
  wasm_functype_delete(type);
  wasm_val_t results[] = {WASM_INIT_VAL};
  wasm_val_vec_t none = WASM_EMPTY_VEC;
  wasm_val_vec_t r = WASM_ARRAY_VEC(results);
  wasm_trap_t* trap = wasm_func_call(f, &none, &r);
  ASSERT_NE(trap, nullptr);
  EXPECT_EQ(detwasm_trap_kind(trap), DETWASM_TRAP_HOST_ERROR);
  wasm_trap_delete(trap);
  wasm_func_delete(f);
}

TEST(CApiStores, ObjectsOfAnotherStoreAreRefused) {
  Env env;
  wasm_store_t* other = wasm_store_new(env.engine);
  Instance inst(env, env.module(kAdd));

  // An externref of another store.
  wasm_foreign_t* foreign = wasm_foreign_new(other);
  wasm_val_t args[] = {WASM_REF_VAL(wasm_foreign_as_ref(foreign))};
  wasm_val_t results[] = {WASM_INIT_VAL};
  wasm_val_vec_t a = WASM_ARRAY_VEC(args);
  wasm_val_vec_t r = WASM_ARRAY_VEC(results);
  wasm_trap_t* trap = wasm_func_call(inst.func(1), &a, &r);
  ASSERT_NE(trap, nullptr);
  EXPECT_NE(message_of(trap).find("another store"), std::string::npos) << message_of(trap);
  wasm_trap_delete(trap);

  // A function of another store in a table, or as an import.
  wasm_functype_t* type = wasm_functype_new_0_0();
  wasm_func_t* foreign_func = wasm_func_new(other, type, [](const wasm_val_vec_t*, wasm_val_vec_t*) -> wasm_trap_t* {
    return nullptr;
  });
  wasm_functype_delete(type);
  wasm_table_t* table = wasm_extern_as_table(inst.exports.data[2]);
  EXPECT_FALSE(wasm_table_set(table, 0, wasm_func_as_ref(foreign_func)));
  EXPECT_FALSE(wasm_table_grow(table, 1, wasm_func_as_ref(foreign_func)));

  wasm_module_t* importer = env.module(R"((module (import "m" "f" (func))))");
  wasm_extern_t* imports[] = {wasm_func_as_extern(foreign_func)};
  wasm_extern_vec_t iv = WASM_ARRAY_VEC(imports);
  wasm_trap_t* link_trap = nullptr;
  EXPECT_EQ(wasm_instance_new(env.store, importer, &iv, &link_trap), nullptr);
  ASSERT_NE(link_trap, nullptr);
  EXPECT_NE(message_of(link_trap).find("another store"), std::string::npos);
  wasm_trap_delete(link_trap);

  wasm_func_delete(foreign_func);
  wasm_foreign_delete(foreign);
  wasm_store_delete(other);
}

TEST(CApiStores, ModuleOfAnotherEngineIsRefused) {
  Env a, b;
  wasm_module_t* m = a.module(kAdd);
  wasm_extern_vec_t imports = WASM_EMPTY_VEC;
  wasm_trap_t* trap = nullptr;
  EXPECT_EQ(wasm_instance_new(b.store, m, &imports, &trap), nullptr);
  ASSERT_NE(trap, nullptr);
  wasm_trap_delete(trap);
  wasm_shared_module_t* shared = wasm_module_share(m);
  EXPECT_EQ(wasm_module_obtain(b.store, shared), nullptr);
  wasm_module_t* again = wasm_module_obtain(a.store, shared);
  EXPECT_NE(again, nullptr);
  wasm_module_delete(again);
  wasm_shared_module_delete(shared);
}

TEST(CApiInstances, ImportsOfTheWrongKindOrCountAreRefused) {
  Env env;
  wasm_module_t* importer = env.module(R"((module (import "m" "f" (func (param i32)))))");
  wasm_globaltype_t* gt = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
  wasm_val_t zero = WASM_I32_VAL(0);
  wasm_global_t* g = wasm_global_new(env.store, gt, &zero);
  wasm_globaltype_delete(gt);
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(wasm_extern_as_func(wasm_global_as_extern(g)), nullptr);
  EXPECT_EQ(wasm_ref_as_memory(wasm_global_as_ref(g)), nullptr);

  wasm_extern_t* imports[] = {wasm_global_as_extern(g)};
  wasm_extern_vec_t iv = WASM_ARRAY_VEC(imports);
  wasm_trap_t* trap = nullptr;
  EXPECT_EQ(wasm_instance_new(env.store, importer, &iv, &trap), nullptr);
  ASSERT_NE(trap, nullptr);
  wasm_trap_delete(trap);

  wasm_extern_vec_t none = WASM_EMPTY_VEC;
  EXPECT_EQ(wasm_instance_new(env.store, importer, &none, nullptr), nullptr);
  wasm_extern_t* nulls[] = {nullptr};
  wasm_extern_vec_t nv = WASM_ARRAY_VEC(nulls);
  EXPECT_EQ(wasm_instance_new(env.store, importer, &nv, nullptr), nullptr);

  // A global of the wrong value type for wasm_global_new.
  gt = wasm_globaltype_new(wasm_valtype_new_f32(), WASM_CONST);
  EXPECT_EQ(wasm_global_new(env.store, gt, &zero), nullptr);
  wasm_globaltype_delete(gt);
  wasm_global_delete(g);
}

TEST(CApiReferences, HostInfoBelongsToTheObject) {
  Env env;
  Instance inst(env, env.module(kAdd));
  wasm_func_t* add = inst.func(0);
  wasm_extern_vec_t again;
  wasm_instance_exports(inst.instance, &again);
  EXPECT_NE(again.data[0], inst.exports.data[0]);
  EXPECT_TRUE(wasm_extern_same(again.data[0], inst.exports.data[0]));
  EXPECT_FALSE(wasm_extern_same(again.data[0], inst.exports.data[1]));
  static int info;
  wasm_func_set_host_info(add, &info);
  EXPECT_EQ(wasm_extern_get_host_info(again.data[0]), &info);
  wasm_extern_vec_delete(&again);

  // Funcref through a table comes back as the same function.
  wasm_table_t* table = wasm_extern_as_table(inst.exports.data[2]);
  ASSERT_TRUE(wasm_table_set(table, 0, wasm_func_as_ref(add)));
  wasm_ref_t* r = wasm_table_get(table, 0);
  ASSERT_NE(wasm_ref_as_func(r), nullptr);
  EXPECT_TRUE(wasm_func_same(wasm_ref_as_func(r), add));
  EXPECT_EQ(wasm_ref_get_host_info(r), &info);
  EXPECT_EQ(wasm_ref_as_trap(r), nullptr);
  wasm_ref_delete(r);
  EXPECT_TRUE(wasm_table_set(table, 0, nullptr));
  EXPECT_EQ(wasm_table_get(table, 0), nullptr);
  EXPECT_EQ(wasm_table_get(table, 99), nullptr);
}

int finalized = 0;

TEST(CApiReferences, FinalizersRunOnceByTheTimeTheStoreGoes) {
  finalized = 0;
  {
    Env env;
    wasm_foreign_t* f = wasm_foreign_new(env.store);
    wasm_foreign_set_host_info_with_finalizer(f, nullptr, [](void*) { ++finalized; });
    wasm_foreign_t* copy = wasm_foreign_copy(f);
    wasm_foreign_delete(f);
    EXPECT_EQ(finalized, 0);
    wasm_foreign_delete(copy);  // the last handle of an object Wasm never saw
    EXPECT_EQ(finalized, 1);

    wasm_functype_t* type = wasm_functype_new_0_0();
    wasm_func_t* fn = wasm_func_new_with_env(
        env.store, type, [](void*, const wasm_val_vec_t*, wasm_val_vec_t*) -> wasm_trap_t* { return nullptr; },
        nullptr, [](void*) { ++finalized; });
    wasm_functype_delete(type);
    wasm_func_set_host_info_with_finalizer(fn, nullptr, [](void*) { ++finalized; });
    wasm_func_delete(fn);
    EXPECT_EQ(finalized, 1);  // the function lives with its store
  }
  EXPECT_EQ(finalized, 3);
}

TEST(CApiTraps, MessageKindAndNoFramesForHostTraps) {
  Env env;
  wasm_message_t m;
  wasm_name_new_from_string_nt(&m, "oops");
  wasm_trap_t* trap = wasm_trap_new(env.store, &m);
  wasm_name_delete(&m);
  EXPECT_EQ(message_of(trap), "oops");
  EXPECT_EQ(detwasm_trap_kind(trap), DETWASM_TRAP_HOST_ERROR);
  EXPECT_STREQ(detwasm_trap_kind_name(DETWASM_TRAP_OUT_OF_GAS), "out_of_gas");
  EXPECT_EQ(wasm_trap_origin(trap), nullptr);
  wasm_frame_vec_t trace;
  wasm_trap_trace(trap, &trace);
  EXPECT_EQ(trace.size, 0u);
  wasm_frame_vec_delete(&trace);
  wasm_trap_t* copy = wasm_trap_copy(trap);
  EXPECT_TRUE(wasm_trap_same(copy, trap));
  wasm_trap_delete(copy);
  wasm_trap_delete(trap);
}

TEST(CApiTraps, FramesOfAWasmTrap) {
  for (int tier : tiers_here()) {
    Env env(tier);
    Instance inst(env, env.module(R"((module
      (func $inner (i32.div_u (i32.const 1) (i32.const 0)) drop)
      (func (export "outer") nop (call $inner))))"));
    wasm_val_vec_t none = WASM_EMPTY_VEC;
    wasm_trap_t* trap = wasm_func_call(inst.func(0), &none, &none);
    ASSERT_NE(trap, nullptr);
    EXPECT_EQ(detwasm_trap_kind(trap), DETWASM_TRAP_INTEGER_DIVIDE_BY_ZERO);
    wasm_frame_vec_t trace;
    wasm_trap_trace(trap, &trace);
    ASSERT_EQ(trace.size, 2u) << "tier " << tier;
    EXPECT_EQ(wasm_frame_func_index(trace.data[0]), 0u);
    EXPECT_EQ(wasm_frame_func_index(trace.data[1]), 1u);
    EXPECT_GT(wasm_frame_module_offset(trace.data[0]), 0u);
    EXPECT_GT(wasm_frame_func_offset(trace.data[1]), 0u);
    wasm_instance_t* owner = wasm_frame_instance(trace.data[0]);
    ASSERT_NE(owner, nullptr);
    EXPECT_TRUE(wasm_instance_same(owner, inst.instance));
    EXPECT_EQ(wasm_frame_instance(trace.data[0]), owner) << "borrowed from the frame, the same each time";
    wasm_frame_t* copy = wasm_frame_copy(trace.data[1]);
    EXPECT_EQ(wasm_frame_func_offset(copy), wasm_frame_func_offset(trace.data[1]));
    EXPECT_TRUE(wasm_instance_same(wasm_frame_instance(copy), inst.instance));
    wasm_frame_delete(copy);
    wasm_frame_vec_delete(&trace);
    wasm_trap_delete(trap);
  }
}

// Each frame names the instance its function belongs to, across a call
// from one instance into another.
TEST(CApiTraps, FramesNameTheirInstances) {
  for (int tier : tiers_here()) {
    Env env(tier);
    Instance callee(env, env.module(R"((module (func (export "fail") unreachable)))"));
    wasm_module_t* caller_module = env.module(R"((module
      (import "callee" "fail" (func $fail))
      (func (export "run") (call $fail))))");
    wasm_extern_t* imports[] = {callee.exports.data[0]};
    wasm_extern_vec_t import_vec = WASM_ARRAY_VEC(imports);
    wasm_instance_t* caller = wasm_instance_new(env.store, caller_module, &import_vec, nullptr);
    ASSERT_NE(caller, nullptr) << last_error();
    wasm_extern_vec_t exports;
    wasm_instance_exports(caller, &exports);
    wasm_val_vec_t none = WASM_EMPTY_VEC;
    wasm_trap_t* trap = wasm_func_call(wasm_extern_as_func(exports.data[0]), &none, &none);
    ASSERT_NE(trap, nullptr);
    wasm_frame_vec_t trace;
    wasm_trap_trace(trap, &trace);
    ASSERT_EQ(trace.size, 2u) << "tier " << tier;
    EXPECT_TRUE(wasm_instance_same(wasm_frame_instance(trace.data[0]), callee.instance));
    EXPECT_TRUE(wasm_instance_same(wasm_frame_instance(trace.data[1]), caller));
    EXPECT_FALSE(wasm_instance_same(wasm_frame_instance(trace.data[0]), caller));
    wasm_frame_vec_delete(&trace);
    wasm_trap_delete(trap);
    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(caller);
  }
}

TEST(CApiLinker, DefinesByNameAndInstantiates) {
  Env env;
  Instance provider(env, env.module(kAdd));
  wasm_module_t* user = env.module(R"((module
    (import "math" "add" (func $add (param i32 i32) (result i32)))
    (func (export "twice") (param i32) (result i32) (call $add (local.get 0) (local.get 0)))))");
  detwasm_linker_t* linker = detwasm_linker_new();
  wasm_name_t math;
  wasm_name_new_from_string(&math, "math");
  ASSERT_TRUE(detwasm_linker_define_instance(linker, &math, provider.instance));
  wasm_name_t add;
  wasm_name_new_from_string(&add, "add");
  EXPECT_FALSE(detwasm_linker_define(linker, &math, &add, provider.exports.data[0]));  // defined already
  detwasm_linker_allow_shadowing(linker, true);
  EXPECT_TRUE(detwasm_linker_define(linker, &math, &add, provider.exports.data[0]));

  wasm_trap_t* trap = nullptr;
  wasm_instance_t* inst = detwasm_linker_instantiate(linker, env.store, user, &trap);
  ASSERT_NE(inst, nullptr) << last_error();
  wasm_extern_vec_t exports;
  wasm_instance_exports(inst, &exports);
  wasm_val_t args[] = {WASM_I32_VAL(21)};
  wasm_val_t results[] = {WASM_INIT_VAL};
  wasm_val_vec_t a = WASM_ARRAY_VEC(args);
  wasm_val_vec_t r = WASM_ARRAY_VEC(results);
  EXPECT_EQ(wasm_func_call(wasm_extern_as_func(exports.data[0]), &a, &r), nullptr);
  EXPECT_EQ(results[0].of.i32, 42);
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(inst);

  // Another store cannot use the linker's items.
  wasm_store_t* other = wasm_store_new(env.engine);
  EXPECT_EQ(detwasm_linker_instantiate(linker, other, user, &trap), nullptr);
  ASSERT_NE(trap, nullptr);
  wasm_trap_delete(trap);
  wasm_store_delete(other);

  // A missing import is a link error.
  detwasm_linker_t* empty = detwasm_linker_new();
  EXPECT_EQ(detwasm_linker_instantiate(empty, env.store, user, &trap), nullptr);
  ASSERT_NE(trap, nullptr);
  wasm_trap_delete(trap);
  detwasm_linker_delete(empty);

  wasm_name_delete(&math);
  wasm_name_delete(&add);
  detwasm_linker_delete(linker);
}

TEST(CApiConfig, LimitsAndSettings) {
  detwasm_limits_t limits;
  detwasm_limits_for_contracts(&limits);
  limits.max_memory_pages = 2;
  wasm_config_t* c = wasm_config_new();
  detwasm_config_set_limits(c, &limits);
  detwasm_config_set_cache_dir(c, nullptr);
  wasm_engine_t* engine = wasm_engine_new_with_config(c);
  wasm_store_t* store = wasm_store_new(engine);
  wasm_limits_t big{3, 10};
  wasm_memorytype_t* mt = wasm_memorytype_new(&big);
  EXPECT_EQ(wasm_memory_new(store, mt), nullptr);  // past the limit
  wasm_memorytype_delete(mt);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

TEST(CApiConfig, TrustedKeysRefuseUnsignedArtifacts) {
  Env plain;
  wasm_module_t* m = plain.module(kAdd);
  wasm_byte_vec_t artifact;
  wasm_module_serialize(m, &artifact);
  ASSERT_GT(artifact.size, 0u);

  wasm_config_t* c = wasm_config_new();
  uint8_t key[32] = {1, 2, 3};
  detwasm_config_add_trusted_key(c, key);
  wasm_engine_t* engine = wasm_engine_new_with_config(c);
  wasm_store_t* store = wasm_store_new(engine);
  EXPECT_EQ(wasm_module_deserialize(store, &artifact), nullptr);
  EXPECT_FALSE(last_error().empty());
  wasm_module_t* same = wasm_module_deserialize(plain.store, &artifact);
  ASSERT_NE(same, nullptr);
  uint8_t h1[32], h2[32];
  detwasm_module_hash(m, h1);
  detwasm_module_hash(same, h2);
  EXPECT_EQ(std::memcmp(h1, h2, 32), 0);
  wasm_module_delete(same);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  wasm_byte_vec_delete(&artifact);
}

// WASI. Under ASan only the interpreter: a WASI call that fails unwinds an
// exception inside the host call, which ASan cannot follow on the JIT's
// own stack.
std::vector<int> wasi_tiers() {
#if defined(__SANITIZE_ADDRESS__)
  return {DETWASM_TIER_INTERPRETER};
#else
  return tiers_here();
#endif
}

// Reads /data/in.txt of its preopen (fd 3) to stdout, writes "err" to
// stderr, and exits with the number of its arguments.
const char* kWasiCat = R"((module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "in.txt")
  (data (i32.const 120) "err")
  (func $write (param $fd i32) (param $at i32) (param $len i32)
    (i32.store (i32.const 0) (local.get $at))
    (i32.store (i32.const 4) (local.get $len))
    (drop (call $fd_write (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 16))))
  (func (export "_start")
    (if (call $path_open (i32.const 3) (i32.const 0) (i32.const 100) (i32.const 6) (i32.const 0)
                         (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 24))
      (then (call $proc_exit (i32.const 100))))
    (i32.store (i32.const 0) (i32.const 1024))
    (i32.store (i32.const 4) (i32.const 1024))
    (drop (call $fd_read (i32.load (i32.const 24)) (i32.const 0) (i32.const 1) (i32.const 16)))
    (call $write (i32.const 1) (i32.const 1024) (i32.load (i32.const 16)))
    (call $write (i32.const 2) (i32.const 120) (i32.const 3))
    (drop (call $args_sizes (i32.const 32) (i32.const 36)))
    (call $proc_exit (i32.load (i32.const 32))))))";

std::string output_of(const wasm_store_t* store, int fd) {
  wasm_byte_vec_t out;
  detwasm_store_wasi_output(store, fd, &out);
  std::string s(out.data ? out.data : "", out.size);
  wasm_byte_vec_delete(&out);
  return s;
}

struct TempDir {
  TempDir() {
    char templ[] = "/tmp/detwasm-capi-XXXXXX";
    path = mkdtemp(templ);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string path;
};

TEST(CApiWasi, RunsACommandWithItsPreopenArgsAndStreams) {
  TempDir dir;
  std::ofstream(dir.path + "/in.txt") << "from the preopen";
  for (int tier : wasi_tiers()) {
    SCOPED_TRACE(tier);
    Env env(tier);
    wasm_module_t* module = env.module(kWasiCat);
    detwasm_wasi_config_t* config = detwasm_wasi_config_new();
    const char* argv[] = {"cat", "a", "b", "c"};
    detwasm_wasi_config_set_argv(config, 4, argv);
    detwasm_wasi_config_preopen_dir(config, dir.path.c_str(), "/data", true);
    detwasm_wasi_config_capture_stdout(config);
    detwasm_wasi_config_capture_stderr(config);
    ASSERT_TRUE(detwasm_store_set_wasi(env.store, config)) << last_error();
    detwasm_linker_t* linker = detwasm_linker_new();
    ASSERT_TRUE(detwasm_linker_define_wasi(linker, env.store)) << last_error();
    EXPECT_FALSE(detwasm_linker_define_wasi(linker, env.store)) << "defined already";
    wasm_trap_t* trap = nullptr;
    wasm_instance_t* inst = detwasm_linker_instantiate(linker, env.store, module, &trap);
    ASSERT_NE(inst, nullptr) << last_error();
    wasm_extern_vec_t exports;
    wasm_instance_exports(inst, &exports);
    wasm_val_vec_t none = WASM_EMPTY_VEC;
    trap = wasm_func_call(wasm_extern_as_func(exports.data[1]), &none, &none);
    ASSERT_NE(trap, nullptr);
    uint32_t status = 0;
    EXPECT_EQ(detwasm_trap_kind(trap), DETWASM_TRAP_EXIT);
    EXPECT_STREQ(detwasm_trap_kind_name(DETWASM_TRAP_EXIT), "exit");
    ASSERT_TRUE(detwasm_trap_exit_status(trap, &status));
    EXPECT_EQ(status, 4u);
    EXPECT_EQ(output_of(env.store, 1), "from the preopen");
    EXPECT_EQ(output_of(env.store, 2), "err");
    wasm_trap_delete(trap);
    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(inst);
    detwasm_linker_delete(linker);
  }
}

TEST(CApiWasi, BadConfigurationAndMisuseFailCleanly) {
  Env env;
  // Without a WASI system there is nothing to define.
  detwasm_linker_t* linker = detwasm_linker_new();
  EXPECT_FALSE(detwasm_linker_define_wasi(linker, env.store));
  EXPECT_NE(last_error().find("no WASI"), std::string::npos) << last_error();
  // A preopen that does not exist: false, the path named, the store unchanged.
  detwasm_wasi_config_t* config = detwasm_wasi_config_new();
  detwasm_wasi_config_preopen_dir(config, "/nonexistent/detwasm-dir", "/data", false);
  EXPECT_FALSE(detwasm_store_set_wasi(env.store, config));
  EXPECT_NE(last_error().find("/nonexistent/detwasm-dir"), std::string::npos) << last_error();
  EXPECT_FALSE(detwasm_linker_define_wasi(linker, env.store));
  // Nulls are refused or ignored; a configuration given is always taken.
  EXPECT_FALSE(detwasm_store_set_wasi(nullptr, detwasm_wasi_config_new()));
  EXPECT_FALSE(detwasm_store_set_wasi(env.store, nullptr));
  EXPECT_FALSE(detwasm_linker_define_wasi(nullptr, env.store));
  detwasm_wasi_config_set_argv(nullptr, 0, nullptr);
  detwasm_wasi_config_set_env(nullptr, 0, nullptr, nullptr);
  detwasm_wasi_config_preopen_dir(nullptr, "/", "/", true);
  detwasm_wasi_config_set_stdin_bytes(nullptr, nullptr);
  detwasm_wasi_config_t* partial = detwasm_wasi_config_new();
  detwasm_wasi_config_set_argv(partial, 2, nullptr);
  detwasm_wasi_config_set_stdin_file(partial, nullptr);
  detwasm_wasi_config_delete(partial);
  // Output of a stream not captured, or of no stream, is empty.
  ASSERT_TRUE(detwasm_store_set_wasi(env.store, detwasm_wasi_config_new()));
  EXPECT_EQ(output_of(env.store, 1), "");
  EXPECT_EQ(output_of(env.store, 7), "");
  EXPECT_EQ(output_of(nullptr, 1), "");
  // Only an exit trap has an exit status.
  EXPECT_FALSE(detwasm_trap_exit_status(nullptr, nullptr));
  wasm_message_t m;
  wasm_name_new_from_string_nt(&m, "not an exit");
  wasm_trap_t* trap = wasm_trap_new(env.store, &m);
  wasm_byte_vec_delete(&m);
  uint32_t status = 99;
  EXPECT_FALSE(detwasm_trap_exit_status(trap, &status));
  EXPECT_EQ(status, 99u);
  wasm_trap_delete(trap);
  detwasm_linker_delete(linker);
}

}  // namespace
