// Loads arbitrary bytes as a module: decode and validate (whole and
// streamed), instantiate with stub imports, and call every export with zero
// arguments under a small stack budget and a gas limit. Exports that
// certainly finish are also run without metering, which must change nothing
// but gas. Any crash, sanitizer report or disagreement is a finding.
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> bytes(data, size);
  Engine engine(fuzz::fuzz_engine_config(Tier::Interpreter, /*metering=*/true));

  std::optional<Module> module, streamed, unused;
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
  if (whole != validated) fuzz::fail(bytes, "compile: " + kind_name(whole) + ", validate: " + kind_name(validated));
  if (whole != in_chunks)
    fuzz::fail(bytes, "compile: " + kind_name(whole) + ", streaming: " + kind_name(in_chunks) + " (split at " +
                          std::to_string(split) + ")");
  if (!module) return 0;
  if (module->hash() != streamed->hash()) fuzz::fail(bytes, "streaming gives another module hash");

  run(engine, *module, fuzz::metered_zero_arg_plan(*module));

  // Metered and unmetered runs of the exports that finish anyway.
  test::RunPlan bounded = fuzz::bounded_zero_arg_plan(*module);
  if (bounded.calls.empty() || !fuzz::start_is_bounded(*module)) return 0;
  Engine plain_engine(fuzz::fuzz_engine_config(Tier::Interpreter, /*metering=*/false));
  test::Outcome plain = run(plain_engine, Module::compile(plain_engine, bytes), bounded);
  bounded.gas_limit = uint64_t(1) << 62;
  test::Outcome metered = run(engine, *module, bounded);
  std::string diff = test::compare_outcomes(plain, metered);
  if (!diff.empty())
    fuzz::fail(bytes, "metering changes more than gas: " + diff + "\n--- unmetered ---\n" + plain.to_string() +
                          "--- metered ---\n" + metered.to_string());
  return 0;
}
