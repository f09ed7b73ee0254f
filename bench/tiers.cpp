#include "tiers.hpp"

#include <array>
#include <vector>

// The JIT exposes its code size through this internal header; a build
// without it reports compile time only.
#if __has_include("jit/code_size.hpp")
#include "jit/code_size.hpp"
#define DETWASM_BENCH_HAS_CODE_SIZE 1
#endif

namespace detwasm::bench {
namespace {

TierInfo probe(Tier tier, std::string_view name) {
  static constexpr std::array<uint8_t, 8> kEmptyModule = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  EngineConfig config;
  config.tier = tier;
  try {
    Engine engine(config);
    Module::compile(engine, kEmptyModule);
    return {tier, name, true, {}};
  } catch (const std::exception& e) {
    return {tier, name, false, e.what()};
  }
}

}  // namespace

std::span<const TierInfo> tiers() {
  static const std::vector<TierInfo> all = {probe(Tier::Interpreter, "interp"), probe(Tier::Jit, "jit")};
  return all;
}

std::optional<uint64_t> emitted_code_bytes(const Module& module) {
#ifdef DETWASM_BENCH_HAS_CODE_SIZE
  return jit::emitted_code_bytes(*module.data());
#else
  (void)module;
  return std::nullopt;
#endif
}

}  // namespace detwasm::bench
