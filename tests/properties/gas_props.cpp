// Gas on generated modules, in each tier: metering changes nothing but gas
// (stack exhaustion included), gas used is deterministic and the same in
// both tiers, and a call's gas is exact: with that much it ends as before,
// with one unit less it runs out of gas.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <iterator>
#include <optional>
#include <vector>

#include <detwasm/detwasm.hpp>

#include "unit/test_util.hpp"
#include "support/module_gen.hpp"
#include "support/module_runner.hpp"

namespace detwasm::test {
namespace {

constexpr uint64_t kAmpleGas = uint64_t(1) << 62;

const std::vector<Tier> kTiers = tiers_here();  // both tiers where the JIT runs

EngineConfig plain(Tier tier) {
  EngineConfig c;
  c.tier = tier;
  return c;
}

EngineConfig metered(Tier tier) {
  EngineConfig c = plain(tier);
  c.metering = true;
  return c;
}

const char* tier_name(Tier t) { return t == Tier::Jit ? "jit" : "interp"; }

Outcome run(const GeneratedModule& m, const EngineConfig& config, const RunPlan& plan) {
  Engine engine(config);
  Store store(engine);
  return run_module(store, Module::compile(engine, m.bytes), plan);
}

RunPlan with_gas(const GeneratedModule& m, uint64_t limit) {
  RunPlan p = m.plan();
  p.gas_limit = limit;
  return p;
}

RC_GTEST_PROP(GasOnGeneratedModules, MeteringChangesNothingButGas, ()) {
  GeneratedModule m = *gen_module();
  std::vector<Outcome> metered_runs;
  for (Tier tier : kTiers) {
    RC_LOG() << tier_name(tier) << ":\n";
    Outcome unmetered = run(m, plain(tier), m.plan());
    Outcome metered_once = run(m, metered(tier), with_gas(m, kAmpleGas));
    Outcome metered_twice = run(m, metered(tier), with_gas(m, kAmpleGas));
    RC_LOG() << metered_once.to_string();
    std::string diff = compare_outcomes(unmetered, metered_once);
    RC_LOG() << diff << "\n";
    RC_ASSERT(diff.empty());
    RC_ASSERT(metered_once.gas_used.size() == m.calls.size());
    RC_ASSERT(compare_outcomes(metered_once, metered_twice).empty());  // gas included
    metered_runs.push_back(std::move(metered_once));
  }
  if (metered_runs.size() == 2) {  // where the JIT runs
    std::string diff = compare_outcomes(metered_runs[0], metered_runs[1]);  // gas included
    RC_LOG() << "interp vs jit: " << diff << "\n";
    RC_ASSERT(diff.empty());
  }
}

RC_GTEST_PROP(GasOnGeneratedModules, CallGasIsExact, ()) {
  GeneratedModule m = *gen_module();
  RC_PRE(!m.calls.empty());
  const Tier tier = *rc::gen::elementOf(kTiers);
  RC_TAG(tier_name(tier));
  RC_LOG() << tier_name(tier) << "\n";
  Outcome full = run(m, metered(tier), with_gas(m, kAmpleGas));
  RC_PRE(full.stage == "ok");
  size_t k = *rc::gen::inRange<size_t>(0, m.calls.size());
  uint64_t used = full.gas_used.at(k);
  RC_LOG() << "call #" << k << " used " << used << " gas: " << full.calls[k] << "\n";

  // The calls before k with ample gas, then call k with exactly what it used.
  RunPlan exact = with_gas(m, kAmpleGas);
  exact.calls.resize(k + 1);
  exact.calls[k].gas_limit = used;
  Outcome enough = run(m, metered(tier), exact);
  RC_LOG() << "with " << used << ": " << enough.calls.at(k) << "\n";
  RC_ASSERT(enough.calls.at(k) == full.calls[k]);
  RC_ASSERT(enough.gas_used.at(k) == used);

  RC_PRE(used > 0);
  exact.calls[k].gas_limit = used - 1;
  Outcome short_by_one = run(m, metered(tier), exact);
  RC_LOG() << "with " << used - 1 << ": " << short_by_one.calls.at(k) << "\n";
  RC_ASSERT(call_trapped_with(short_by_one, k, TrapKind::OutOfGas));
}

// With a large call budget and a small stack budget, deep recursion
// exhausts the stack: at the same call with and without metering, the same
// way twice, and in both tiers.
RC_GTEST_PROP(GasOnGeneratedModules, StackExhaustionIgnoresMetering, ()) {
  GenConfig deep;
  deep.call_budget = 3000;
  GeneratedModule m = *gen_module(deep);
  std::vector<Outcome> metered_runs;
  for (Tier tier : kTiers) {
    RC_LOG() << tier_name(tier) << ":\n";
    EngineConfig plain_config = plain(tier), metered_config = metered(tier);
    plain_config.limits.stack_budget_slots = metered_config.limits.stack_budget_slots = 2000;
    Outcome unmetered = run(m, plain_config, m.plan());
    Outcome metered_run = run(m, metered_config, with_gas(m, kAmpleGas));
    Outcome again = run(m, metered_config, with_gas(m, kAmpleGas));
    bool exhausted = false;
    for (size_t i = 0; i < unmetered.calls.size(); ++i)
      exhausted |= call_trapped_with(unmetered, i, TrapKind::StackExhausted);
    if (tier == Tier::Jit) RC_CLASSIFY(exhausted, "stack exhausted");
    std::string diff = compare_outcomes(unmetered, metered_run);
    RC_LOG() << unmetered.to_string() << diff << "\n";
    RC_ASSERT(diff.empty());
    RC_ASSERT(compare_outcomes(metered_run, again).empty());
    metered_runs.push_back(std::move(metered_run));
  }
  if (metered_runs.size() == 2) RC_ASSERT(compare_outcomes(metered_runs[0], metered_runs[1]).empty());
}

// A gas profile accounts for every unit: its stacks add up to the gas of
// the instantiation and the calls, and profiling changes no result and no gas.
RC_GTEST_PROP(GasOnGeneratedModules, ProfileAddsUpToTheGasUsed, ()) {
  GeneratedModule m = *gen_module();
  Engine engine(metered(Tier::Interpreter));
  Module module = Module::compile(engine, m.bytes);
  RunPlan instantiate_only = with_gas(m, kAmpleGas);
  instantiate_only.calls.clear();
  Store first(engine);
  run_module(first, module, instantiate_only);
  const uint64_t instantiation_gas = first.gas_used();

  Store plain_store(engine);
  Outcome unprofiled = run_module(plain_store, module, with_gas(m, kAmpleGas));
  Store store(engine);
  store.set_gas_profiling(true);
  Outcome profiled = run_module(store, module, with_gas(m, kAmpleGas));
  RC_ASSERT(compare_outcomes(unprofiled, profiled).empty());  // gas included
  uint64_t used = profiled.stage == "ok" ? instantiation_gas : store.gas_used();
  for (uint64_t g : profiled.gas_used) used += g;
  GasProfile profile = store.gas_profile();
  RC_LOG() << profile.folded();
  RC_ASSERT(profile.total_gas() == used);
}

}  // namespace
}  // namespace detwasm::test
