// The module the artifact tests run, fresh and from artifacts, in this
// build and in the headless one: tests/headless/module.wat (one host
// import, a memory with data, a table, a global, a start function).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <detwasm/detwasm.hpp>

namespace detwasm::test {

struct ModuleRun {
  std::string results;  // "244;42;trap integer_divide_by_zero;" as it should be
  uint64_t gas = 0;
  bool operator==(const ModuleRun&) const = default;
};

// Instantiates the module with its import env.twice (doubles its argument)
// and calls run(5), via_import(21) and div(1, 0). run(5) gives 244: the
// start function sets the global to 8, plus 5*5, plus the bytes 'a' (97)
// and 'r' (114) that the data segments put in memory; via_import(21)
// reaches the host through the table: 42.
inline ModuleRun run_artifact_module(Engine& engine, const Module& module) {
  Store store(engine);
  store.set_gas_limit(1'000'000);
  Func twice = store.new_host_func(FuncType{{ValType::I32}, {ValType::I32}},
                                   [](Caller&, std::span<const Value> a, std::span<Value> r) -> std::optional<Trap> {
                                     r[0] = Value::i32(a[0].as_i32() * 2);
                                     return std::nullopt;
                                   });
  std::vector<Extern> imports{twice};
  Instantiation inst = store.instantiate(module, imports);
  if (inst.trap) return {"instantiation trapped: " + inst.trap->to_string()};
  ModuleRun out;
  auto call = [&](std::string_view name, std::vector<Value> args) {
    CallResult r = inst.instance.get_func(name)->call(store, args);
    if (r.trap) out.results += "trap " + std::string(trap_kind_name(r.trap->kind)) + ";";
    for (const Value& v : r.results) out.results += std::to_string(v.as_i32()) + ";";
  };
  call("run", {Value::i32(5)});
  call("via_import", {Value::i32(21)});
  call("div", {Value::i32(1), Value::i32(0)});
  out.gas = store.gas_used();
  return out;
}

inline constexpr const char* kArtifactModuleResults = "244;42;trap integer_divide_by_zero;";

}  // namespace detwasm::test
