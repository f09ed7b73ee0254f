// Two tiers, one semantics: runs one module in a reference tier and in a
// candidate tier and compares results, traps, memories, globals, tables and
// (metered) gas; metering itself must change nothing but gas.
//
// An input that starts with the Wasm magic is taken as a module: its exports
// are called with zero arguments, metered with a gas limit, and unmetered
// when they certainly finish. Any other input drives the choices of the
// valid-module generator, whose modules always terminate and come with
// arguments for every export.
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include <detwasm/detwasm.hpp>

#include "fuzz_common.hpp"
#include "support/module_gen.hpp"

using namespace detwasm;

namespace {

constexpr Tier kReferenceTier = Tier::Interpreter;
constexpr Tier kCandidateTier = Tier::Jit;  // the production tier against the oracle

test::Outcome run_in(Tier tier, bool metering, std::span<const uint8_t> bytes, const test::RunPlan& plan) {
  Engine engine(fuzz::fuzz_engine_config(tier, metering));
  Module module = Module::compile(engine, bytes);
  Store store(engine);
  return test::run_module(store, module, plan);
}

void expect_same(std::span<const uint8_t> bytes, const char* what, const test::Outcome& a, const test::Outcome& b) {
  std::string diff = test::compare_outcomes(a, b);
  if (!diff.empty())
    fuzz::fail(bytes, std::string(what) + ": " + diff + "\n--- first ---\n" + a.to_string() + "--- second ---\n" +
                          b.to_string());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint8_t> bytes;
  test::RunPlan unmetered, metered;
  static const uint8_t kMagic[4] = {0x00, 0x61, 0x73, 0x6D};
  bool generated = !(size >= 4 && std::memcmp(data, kMagic, 4) == 0);
  if (generated) {
    test::ByteChoices choices({data, size});
    test::GenConfig config;
    // A large call budget lets recursion reach the (small) stack budget.
    if (choices.chance(30)) config.call_budget = 3000;
    test::GeneratedModule m = test::generate_module(config, choices);
    bytes = std::move(m.bytes);
    unmetered = metered = m.plan();
    metered.gas_limit = uint64_t(1) << 62;
  } else {
    bytes.assign(data, data + size);
    Engine engine(fuzz::fuzz_engine_config(kReferenceTier, false));
    try {
      Module module = Module::compile(engine, bytes);
      metered = fuzz::metered_zero_arg_plan(module);
      if (fuzz::start_is_bounded(module)) unmetered = fuzz::bounded_zero_arg_plan(module);
    } catch (const ModuleError&) {
      return 0;
    }
  }

  try {
    test::Outcome reference = run_in(kReferenceTier, true, bytes, metered);
    expect_same(bytes, "tiers differ, metered", reference, run_in(kCandidateTier, true, bytes, metered));
    if (!unmetered.calls.empty() || generated) {
      test::Outcome plain = run_in(kReferenceTier, false, bytes, unmetered);
      expect_same(bytes, "tiers differ, unmetered", plain, run_in(kCandidateTier, false, bytes, unmetered));
      if (generated) expect_same(bytes, "metering changes more than gas", plain, reference);
    }
  } catch (const ModuleError& e) {
    // Only generated modules get here: they must load.
    fuzz::fail(bytes, std::string("a generated module is rejected: ") + e.what());
  }
  return 0;
}
