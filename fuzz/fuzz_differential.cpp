// Two tiers, one semantics: runs one module in a reference tier and in a
// candidate tier and compares results, traps, memories, globals and tables.
//
// An input that starts with the Wasm magic is taken as a module, and its
// exports that certainly finish are called with zero arguments. Any other
// input drives the choices of the valid-module generator, whose modules
// always terminate and come with arguments for every export.
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
constexpr Tier kCandidateTier = Tier::Interpreter;  // Tier::Jit once the JIT lands

test::Outcome run_in(Tier tier, std::span<const uint8_t> bytes, const test::RunPlan& plan) {
  Engine engine(fuzz::fuzz_engine_config(tier));
  Module module = Module::compile(engine, bytes);
  Store store(engine);
  return test::run_module(store, module, plan);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint8_t> bytes;
  test::RunPlan plan;
  static const uint8_t kMagic[4] = {0x00, 0x61, 0x73, 0x6D};
  bool generated = !(size >= 4 && std::memcmp(data, kMagic, 4) == 0);
  if (generated) {
    test::ByteChoices choices({data, size});
    test::GeneratedModule m = test::generate_module(test::GenConfig{}, choices);
    bytes = std::move(m.bytes);
    plan = m.plan();
  } else {
    bytes.assign(data, data + size);
    Engine engine(fuzz::fuzz_engine_config(kReferenceTier));
    try {
      Module module = Module::compile(engine, bytes);
      if (!fuzz::start_is_bounded(module)) return 0;
      plan = fuzz::bounded_zero_arg_plan(module);
    } catch (const ModuleError&) {
      return 0;
    }
  }

  test::Outcome reference, candidate;
  try {
    reference = run_in(kReferenceTier, bytes, plan);
    candidate = run_in(kCandidateTier, bytes, plan);
  } catch (const ModuleError& e) {
    // Only generated modules get here: they must load.
    fuzz::fail(bytes, std::string("a generated module is rejected: ") + e.what());
  }
  std::string diff = test::compare_outcomes(reference, candidate);
  if (!diff.empty())
    fuzz::fail(bytes, "tiers differ: " + diff + "\n--- reference ---\n" + reference.to_string() +
                          "--- candidate ---\n" + candidate.to_string());
  return 0;
}
