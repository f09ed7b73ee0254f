// The cost the C API adds to a call, beside the same call through the C++
// API, in one run: a host calling an export (i32, i32) -> i32, and an
// export calling a host function of that type.
#include <benchmark/benchmark.h>

#include <detwasm.h>
#include <wasm.h>

#include <cstring>

#include <detwasm/detwasm.hpp>

namespace {

const char* kWat = R"((module
  (import "host" "add" (func $add (param i32 i32) (result i32)))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "via_host") (param i32 i32) (result i32) (call $add (local.get 0) (local.get 1)))))";

void cpp_call(benchmark::State& state, const char* export_name) {
  detwasm::Engine engine;
  detwasm::Store store(engine);
  detwasm::Module module = detwasm::Module::compile_text(engine, kWat);
  detwasm::Func add = store.new_host_func(
      {{detwasm::ValType::I32, detwasm::ValType::I32}, {detwasm::ValType::I32}},
      [](detwasm::Caller&, std::span<const detwasm::Value> args, std::span<detwasm::Value> results) {
        results[0] = detwasm::Value::i32(args[0].as_i32() + args[1].as_i32());
        return std::optional<detwasm::Trap>{};
      });
  detwasm::Extern imports[] = {add};
  auto inst = store.instantiate(module, imports);
  detwasm::Func f = *inst.instance.get_func(export_name);
  detwasm::Value args[] = {detwasm::Value::i32(1), detwasm::Value::i32(2)};
  for (auto _ : state) {
    auto r = f.call(store, args);
    benchmark::DoNotOptimize(r);
  }
}

wasm_trap_t* c_add(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 + args->data[1].of.i32;
  return nullptr;
}

void c_call(benchmark::State& state, size_t export_index) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_byte_vec_t text, binary;
  wasm_byte_vec_new(&text, std::strlen(kWat), kWat);
  detwasm_wat2wasm(&text, &binary);
  wasm_module_t* module = wasm_module_new(store, &binary);
  wasm_functype_t* type = wasm_functype_new_2_1(wasm_valtype_new_i32(), wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* add = wasm_func_new(store, type, c_add);
  wasm_extern_t* externs[] = {wasm_func_as_extern(add)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(externs);
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, nullptr);
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_func_t* f = wasm_extern_as_func(exports.data[export_index]);
  wasm_val_t args[] = {WASM_I32_VAL(1), WASM_I32_VAL(2)};
  wasm_val_t results[] = {WASM_INIT_VAL};
  wasm_val_vec_t a = WASM_ARRAY_VEC(args);
  wasm_val_vec_t r = WASM_ARRAY_VEC(results);
  for (auto _ : state) {
    wasm_trap_t* trap = wasm_func_call(f, &a, &r);
    benchmark::DoNotOptimize(trap);
  }
  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(add);
  wasm_functype_delete(type);
  wasm_module_delete(module);
  wasm_byte_vec_delete(&binary);
  wasm_byte_vec_delete(&text);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
}

void BM_CppCallExport(benchmark::State& s) { cpp_call(s, "add"); }
void BM_CApiCallExport(benchmark::State& s) { c_call(s, 0); }
void BM_CppExportCallsHost(benchmark::State& s) { cpp_call(s, "via_host"); }
void BM_CApiExportCallsHost(benchmark::State& s) { c_call(s, 1); }

BENCHMARK(BM_CppCallExport);
BENCHMARK(BM_CApiCallExport);
BENCHMARK(BM_CppExportCallsHost);
BENCHMARK(BM_CApiExportCallsHost);

}  // namespace

BENCHMARK_MAIN();
