// Gas profiles: every unit of gas goes to the call stack that used it,
// calls are counted, host functions and Wasm called back from them show in
// the stacks, a trap leaves the profile whole, and profiling changes no gas.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <detwasm/detwasm.hpp>

#include "unit/test_util.hpp"

namespace detwasm::test {
namespace {

const char* kProgram = R"((module $prog
  (import "env" "callback" (func $callback (param i32)))
  (func $leaf (export "leaf") (param i32) (result i32)
    (i32.mul (i32.add (local.get 0) (i32.const 3)) (i32.const 7)))
  (func $other (result i32) (i32.const 1))
  (func $inner (export "inner") (param i32) (result i32) (call $leaf (local.get 0)))
  (func $main (export "main") (param i32) (result i32) (local $i i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (call $leaf (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get 0))))
    (call $callback (local.get $acc))
    (i32.add (local.get $acc) (call $other))))
)";

struct Program {
  explicit Program(bool metered = true, Tier tier = Tier::Interpreter)
      : engine([&] {
          EngineConfig c;
          c.tier = tier;
          c.metering = metered;
          return c;
        }()),
        store(engine),
        module(Module::compile_text(engine, kProgram)) {}
  // Instantiates with a callback that calls `inner` back, as a host would.
  Instance instantiate() {
    Func cb = store.new_host_func(
        FuncType{{ValType::I32}, {}},
        [this](Caller& caller, std::span<const Value> args, std::span<Value>) -> std::optional<Trap> {
          CallResult r = instance.get_func("inner")->call(caller.store(), std::vector<Value>{args[0]});
          return r.trap;
        },
        "env.callback");
    Extern imports[] = {cb};
    Instantiation inst = store.instantiate(module, imports);
    EXPECT_TRUE(inst.ok());
    instance = inst.instance;
    return instance;
  }
  Engine engine;
  Store store;
  Module module;
  Instance instance;
};

const GasProfileEntry* find(const GasProfile& p, std::vector<std::string> stack) {
  for (const GasProfileEntry& e : p.entries)
    if (e.stack == stack) return &e;
  return nullptr;
}

TEST(GasProfile, EveryUnitGoesToTheStackThatUsedIt) {
  // One leaf call's gas, called from the host.
  Program single;
  single.instantiate();
  single.store.set_gas_limit(1'000'000);
  ASSERT_FALSE(single.instance.get_func("leaf")->call(single.store, std::vector<Value>{Value::i32(1)}).trap);
  const uint64_t leaf_gas = single.store.gas_used();
  ASSERT_GT(leaf_gas, 0u);

  Program p;
  p.instantiate();
  p.store.set_gas_profiling(true);
  p.store.set_gas_limit(1'000'000);
  CallResult r = p.instance.get_func("main")->call(p.store, std::vector<Value>{Value::i32(10)});
  ASSERT_FALSE(r.trap);
  GasProfile profile = p.store.gas_profile();
  EXPECT_EQ(profile.total_gas(), p.store.gas_used()) << profile.folded();

  const GasProfileEntry* main = find(profile, {"prog!main"});
  const GasProfileEntry* leaf = find(profile, {"prog!main", "prog!leaf"});
  const GasProfileEntry* cb = find(profile, {"prog!main", "env.callback"});
  const GasProfileEntry* inner = find(profile, {"prog!main", "env.callback", "prog!inner"});
  const GasProfileEntry* inner_leaf = find(profile, {"prog!main", "env.callback", "prog!inner", "prog!leaf"});
  const GasProfileEntry* other = find(profile, {"prog!main", "prog!other"});
  ASSERT_TRUE(main && leaf && cb && inner && inner_leaf && other) << profile.folded();
  EXPECT_EQ(main->calls, 1u);
  EXPECT_EQ(leaf->calls, 10u);
  EXPECT_EQ(leaf->self_gas, 10 * leaf_gas) << "a callee's gas is its own; the call's cost is the caller's";
  EXPECT_EQ(inner_leaf->self_gas, leaf_gas);
  EXPECT_EQ(cb->calls, 1u);
  EXPECT_GT(main->self_gas, 0u);

  std::string folded = profile.folded();
  EXPECT_NE(folded.find("prog!main;prog!leaf " + std::to_string(10 * leaf_gas) + "\n"), std::string::npos) << folded;

  std::vector<GasProfile::FunctionTotal> totals = profile.by_function();
  auto total_of = [&](const std::string& name) {
    return *std::find_if(totals.begin(), totals.end(), [&](const auto& t) { return t.name == name; });
  };
  EXPECT_EQ(total_of("prog!main").inclusive_gas, profile.total_gas());
  EXPECT_EQ(total_of("prog!leaf").self_gas, 11 * leaf_gas);
  EXPECT_EQ(total_of("prog!leaf").calls, 11u);
  EXPECT_EQ(total_of("env.callback").inclusive_gas, cb->self_gas + inner->self_gas + inner_leaf->self_gas);
}

TEST(GasProfile, ProfilingChangesNoGasInAnyTier) {
  std::vector<uint64_t> gas;
  for (Tier tier : tiers_here()) {
    for (bool profiling : {false, true}) {
      if (profiling && tier != Tier::Interpreter) continue;
      Program p(true, tier);
      p.instantiate();
      if (profiling) p.store.set_gas_profiling(true);
      p.store.set_gas_limit(1'000'000);
      CallResult r = p.instance.get_func("main")->call(p.store, std::vector<Value>{Value::i32(25)});
      ASSERT_FALSE(r.trap);
      gas.push_back(p.store.gas_used());
    }
  }
  for (uint64_t g : gas) EXPECT_EQ(g, gas.front());
}

TEST(GasProfile, ATrapLeavesTheProfileWholeAndTheNextCallAtTheTop) {
  Program p;
  p.instantiate();
  p.store.set_gas_profiling(true);
  uint64_t total = 0;
  for (uint64_t limit : {uint64_t{150}, uint64_t{1'000'000}}) {
    p.store.set_gas_limit(limit);
    CallResult r = p.instance.get_func("main")->call(p.store, std::vector<Value>{Value::i32(50)});
    EXPECT_EQ(r.trap.has_value(), limit == 150);
    if (r.trap) EXPECT_EQ(r.trap->kind, TrapKind::OutOfGas);
    total += p.store.gas_used();
  }
  GasProfile profile = p.store.gas_profile();
  EXPECT_EQ(profile.total_gas(), total) << profile.folded();
  EXPECT_EQ(find(profile, {"prog!main"})->calls, 2u) << "the second call starts at the top again";
  for (const GasProfileEntry& e : profile.entries) EXPECT_EQ(e.stack.front(), "prog!main") << profile.folded();
}

TEST(GasProfile, OnlyTheInterpreterProfilesAndOffForgets) {
  if (kDefaultTier == Tier::Jit) {
    Program jit(true, Tier::Jit);
    EXPECT_THROW(jit.store.set_gas_profiling(true), UsageError);
  }
  Program p;
  p.instantiate();
  p.store.set_gas_profiling(true);
  ASSERT_FALSE(p.instance.get_func("leaf")->call(p.store, std::vector<Value>{Value::i32(1)}).trap);
  EXPECT_FALSE(p.store.gas_profile().entries.empty());
  p.store.set_gas_profiling(false);
  EXPECT_TRUE(p.store.gas_profile().entries.empty());
  p.store.set_gas_profiling(true);
  EXPECT_TRUE(p.store.gas_profile().entries.empty()) << "a new profile starts empty";
}

}  // namespace
}  // namespace detwasm::test
