// Loads arbitrary bytes as a module: decode and validate (whole, streamed,
// and for each tier), instantiate with stub imports, and call every export
// with zero arguments under a small stack budget and a gas limit, in the
// interpreter and in the JIT, which must agree on everything, gas included.
// Exports that certainly finish are also run without metering, which must
// change nothing but gas, in either tier. Any crash, sanitizer report or
// disagreement is a finding.
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include <detwasm/detwasm.hpp>

#include "fuzz_common.hpp"

using namespace detwasm;

namespace {

std::optional<ModuleError::Kind> verdict(std::optional<Module>& out, auto&& load) {
  try {
    out = load();
    return std::nullopt;
  } catch (const ModuleError& e) {
    return e.kind();
  }
}

std::string kind_name(std::optional<ModuleError::Kind> k) { return k ? to_string(*k) : "accepted"; }

test::Outcome run(Engine& engine, const Module& module, const test::RunPlan& plan) {
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
  std::span<const uint8_t> bytes(data, size);
  Engine engine(fuzz::fuzz_engine_config(Tier::Interpreter, /*metering=*/true));
  Engine jit_engine(fuzz::fuzz_engine_config(Tier::Jit, /*metering=*/true));

  std::optional<Module> module, streamed, jit_module, unused;
  auto whole = verdict(module, [&] { return Module::compile(engine, bytes); });
  auto validated = verdict(unused, [&]() -> std::optional<Module> {
    Module::validate(engine, bytes);
    return std::nullopt;
  });
  // Streamed in two chunks, split where the first byte says.
  size_t split = size ? data[0] % (size + 1) : 0;
  auto in_chunks = verdict(streamed, [&] {
    StreamingCompiler sc(engine);
    sc.feed(bytes.first(split));
    sc.feed(bytes.subspan(split));
    return sc.finish();
  });
  auto jit_whole = verdict(jit_module, [&] { return Module::compile(jit_engine, bytes); });
  if (whole != validated) fuzz::fail(bytes, "compile: " + kind_name(whole) + ", validate: " + kind_name(validated));
  if (whole != in_chunks)
    fuzz::fail(bytes, "compile: " + kind_name(whole) + ", streaming: " + kind_name(in_chunks) + " (split at " +
                          std::to_string(split) + ")");
  if (whole != jit_whole)
    fuzz::fail(bytes, "interpreter compile: " + kind_name(whole) + ", JIT compile: " + kind_name(jit_whole));
  if (!module) return 0;
  if (module->hash() != streamed->hash()) fuzz::fail(bytes, "streaming gives another module hash");
  if (module->hash() != jit_module->hash()) fuzz::fail(bytes, "the JIT gives another module hash");

  // Every export, metered, in both tiers: the same outcome, gas included.
  test::RunPlan plan = fuzz::metered_zero_arg_plan(*module);
  expect_same(bytes, "tiers differ, metered", run(engine, *module, plan), run(jit_engine, *jit_module, plan));

  // Unmetered runs of the exports that finish anyway: the same as metered
  // ones but for gas, and the same in both tiers.
  test::RunPlan bounded = fuzz::bounded_zero_arg_plan(*module);
  if (bounded.calls.empty() || !fuzz::start_is_bounded(*module)) return 0;
  Engine plain_engine(fuzz::fuzz_engine_config(Tier::Interpreter, /*metering=*/false));
  Engine plain_jit_engine(fuzz::fuzz_engine_config(Tier::Jit, /*metering=*/false));
  test::Outcome plain = run(plain_engine, Module::compile(plain_engine, bytes), bounded);
  expect_same(bytes, "tiers differ, unmetered", plain,
              run(plain_jit_engine, Module::compile(plain_jit_engine, bytes), bounded));
  bounded.gas_limit = uint64_t(1) << 62;
  expect_same(bytes, "metering changes more than gas", plain, run(engine, *module, bounded));
  return 0;
}
