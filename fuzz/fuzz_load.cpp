// Loads arbitrary bytes as a module: decode and validate (whole and
// streamed), instantiate with stub imports, and call every export with zero
// arguments under a small stack budget. Any crash, sanitizer report or
// disagreement between the loading paths is a finding.
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> bytes(data, size);
  Engine engine(fuzz::fuzz_engine_config(Tier::Interpreter));

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

  if (!fuzz::start_is_bounded(*module)) return 0;
  Store store(engine);
  test::run_module(store, *module, fuzz::bounded_zero_arg_plan(*module));
  return 0;
}
