// Runs a module's exports and records everything observable, so that two runs
// (two tiers, streaming against whole-module compilation, two fresh stores)
// can be compared value by value.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <detwasm/detwasm.hpp>

namespace detwasm::test {

// An argument independent of any store: numbers as raw bits; externref: 0 is
// null, otherwise a host value (a uint64_t the store keeps for the
// externref); funcref: 0 is null, otherwise k + 1 for the k-th function
// export of the instance (in export order).
struct ArgSpec {
  ValType type = ValType::I32;
  uint64_t bits = 0;
};

struct CallPlan {
  std::string export_name;
  std::vector<ArgSpec> args;
  std::optional<uint64_t> gas_limit;  // overrides the plan's for this call
};

struct RunPlan {
  std::vector<CallPlan> calls;
  // If set, this exported i32 global is set to `budget_value` before each call.
  std::optional<std::string> budget_global;
  uint32_t budget_value = 0;
  // For metered modules: the store's gas limit, set before instantiation
  // and again before each call; the gas each call used is recorded.
  std::optional<uint64_t> gas_limit;
};

// Every function export once, with zero arguments.
RunPlan zero_arg_plan(const Module& module);

// The value an imported global stub holds.
constexpr uint64_t stub_global_bits(ValType t) {
  switch (t) {
    case ValType::I32: return 1;
    case ValType::I64: return 2;
    case ValType::F32: return 0x3FC00000;          // 1.5
    case ValType::F64: return 0x4004000000000000;  // 2.5
    default: return 0;                             // null
  }
}

// Imports for `module`, in its import order: host functions whose results are
// a fixed function of their arguments, fresh memories and tables of the
// imported type, globals holding stub_global_bits. Throws UsageError when an
// imported type is past the engine's limits.
std::vector<Extern> make_stub_imports(Store& store, const Module& module);

// Everything observable about one run, as comparable strings.
struct Outcome {
  std::string stage;                // "ok", "link error: ...", "instantiation trap: ..."
  std::vector<std::string> calls;   // "f0 -> i32:0x00000001 f64:0x..." or "f0 -> trap integer_overflow @[3 0]"
  std::vector<std::string> globals; // "g0 = i64:0x..."
  std::vector<std::string> tables;  // "t0 = [funcref:f1 funcref:null]"
  std::vector<std::pair<std::string, std::vector<uint8_t>>> memories;  // by export name
  std::vector<uint64_t> gas_used;   // per call, when the plan sets a gas limit

  std::string to_string() const;
};

// Instantiates `module` in `store` with stub imports and runs `plan`.
// Never throws for Wasm behaviour; UsageError from a bad plan propagates.
Outcome run_module(Store& store, const Module& module, const RunPlan& plan);

// Empty if equal; otherwise a description of the first difference. Gas is
// compared when both outcomes record it.
std::string compare_outcomes(const Outcome& a, const Outcome& b);

// Whether call `i` of an outcome trapped with `kind`.
bool call_trapped_with(const Outcome& out, size_t i, TrapKind kind);

// Raw-bits rendering of a value; funcrefs through `names` where possible,
// externrefs of `store` as their host value.
std::string value_string(const Value& v, const Store& store, const std::vector<std::pair<Func, std::string>>& names);

}  // namespace detwasm::test
