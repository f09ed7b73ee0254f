#include "spec/spectest_host.hpp"

#include <bit>

namespace detwasm::spec {

void define_spectest(Store& store, Linker& linker) {
  using enum ValType;
  auto print = [&](const char* name, std::vector<ValType> params) {
    HostFunction ignore = [](Caller&, std::span<const Value>, std::span<Value>) -> std::optional<Trap> {
      return std::nullopt;
    };
    linker.define("spectest", name, store.new_host_func(FuncType{std::move(params), {}}, ignore, name));
  };
  print("print", {});
  print("print_i32", {I32});
  print("print_i64", {I64});
  print("print_f32", {F32});
  print("print_f64", {F64});
  print("print_i32_f32", {I32, F32});
  print("print_f64_f64", {F64, F64});

  auto global = [&](const char* name, Value v) {
    linker.define("spectest", name, store.new_global(GlobalType{v.type, false}, v));
  };
  global("global_i32", Value::i32(666));
  global("global_i64", Value::i64(666));
  global("global_f32", Value::f32_bits(std::bit_cast<uint32_t>(666.6f)));
  global("global_f64", Value::f64_bits(std::bit_cast<uint64_t>(666.6)));

  linker.define("spectest", "table", store.new_table(TableType{FuncRef, Limits{10, 20}}, Value::null_ref(FuncRef)));
  linker.define("spectest", "memory", store.new_memory(MemoryType{Limits{1, 2}}));
}

}  // namespace detwasm::spec
