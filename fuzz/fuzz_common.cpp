#include "fuzz_common.hpp"

#include <cstdio>
#include <cstdlib>

#include "module/module_data.hpp"
#include "support/code_walk.hpp"
#include "support/module_gen.hpp"

namespace detwasm::fuzz {

EngineConfig fuzz_engine_config(Tier tier, bool metering) {
  EngineConfig c;
  c.tier = tier;
  c.metering = metering;
  c.limits.max_memory_pages = 16;        // 1 MiB
  c.limits.max_table_elements = 10'000;
  c.limits.stack_budget_slots = 1u << 14;
  return c;
}

bool start_is_bounded(const Module& module) {
  const auto& start = module.data()->start;
  if (!start) return true;
  std::optional<uint64_t> steps = test::StepBound(module).of(*start);
  return steps && *steps <= kMaxSteps;
}

test::RunPlan bounded_zero_arg_plan(const Module& module) {
  test::StepBound bound(module);
  test::RunPlan plan;
  for (const auto& e : module.data()->exports) {
    if (e.kind != ExternKind::Func) continue;
    std::optional<uint64_t> steps = bound.of(e.index);
    if (!steps || *steps > kMaxSteps) continue;
    test::CallPlan c{e.name, {}, std::nullopt};
    for (ValType t : module.data()->func_type(internal::FuncIdx{e.index}).params) c.args.push_back({t, 0});
    plan.calls.push_back(std::move(c));
  }
  return plan;
}

test::RunPlan metered_zero_arg_plan(const Module& module) {
  test::RunPlan plan = test::zero_arg_plan(module);
  plan.gas_limit = kGasPerCall;
  return plan;
}

void fail(std::span<const uint8_t> module, const std::string& what) {
  std::fprintf(stderr, "%s\n--- module ---\n%s\n", what.c_str(), test::render_module(module).c_str());
  std::abort();
}

}  // namespace detwasm::fuzz
