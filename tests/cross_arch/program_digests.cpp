// Prints one line per generated program: a digest of everything observable
// when it runs (results, traps with frames and offsets, globals, tables,
// memories, gas), in each tier, metered and not. The same seeds must give
// the same lines on every architecture: scripts/test.sh compares this
// program's output on x86-64 with the AArch64 build's under qemu.
//
//   detwasm-program-digests FIRST_SEED COUNT [--show SEED | --module SEED]
// --show prints one program's outcomes in full, --module writes its bytes.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <detwasm/detwasm.hpp>

#include "support/module_gen.hpp"
#include "support/module_runner.hpp"

namespace {

using namespace detwasm;
using namespace detwasm::test;

// FNV-1a: a stable digest, the same on every host.
uint64_t fnv1a(const std::string& s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

std::string outcome(Tier tier, bool metering, const GeneratedModule& m) {
  EngineConfig config;
  config.tier = tier;
  config.metering = metering;
  Engine engine(config);
  Store store(engine);
  RunPlan plan = m.plan();
  if (metering) plan.gas_limit = uint64_t{1} << 62;
  try {
    return run_module(store, Module::compile(engine, m.bytes), plan).to_string();
  } catch (const Error& e) {
    return std::string("error: ") + e.what();
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 && !(argc == 5 && (std::string(argv[3]) == "--show" || std::string(argv[3]) == "--module"))) {
    std::fprintf(stderr, "usage: %s FIRST_SEED COUNT [--show SEED | --module SEED]\n", argv[0]);
    return 2;
  }
  uint64_t first = std::strtoull(argv[1], nullptr, 10), count = std::strtoull(argv[2], nullptr, 10);
  bool jit = kDefaultTier == Tier::Jit;
  if (argc == 5) {
    uint64_t seed = std::strtoull(argv[4], nullptr, 10);
    GeneratedModule m = generate_module(GenConfig{}, seed);
    if (std::string(argv[3]) == "--module") {
      std::fwrite(m.bytes.data(), 1, m.bytes.size(), stdout);
      return 0;
    }
    for (bool metering : {false, true}) {
      std::printf("== interp%s\n%s\n", metering ? " metered" : "", outcome(Tier::Interpreter, metering, m).c_str());
      if (jit) std::printf("== jit%s\n%s\n", metering ? " metered" : "", outcome(Tier::Jit, metering, m).c_str());
    }
    return 0;
  }
  for (uint64_t seed = first; seed < first + count; ++seed) {
    GeneratedModule m = generate_module(GenConfig{}, seed);
    std::printf("%llu", static_cast<unsigned long long>(seed));
    for (bool metering : {false, true}) {
      std::printf(" %016llx", static_cast<unsigned long long>(fnv1a(outcome(Tier::Interpreter, metering, m))));
      if (jit) std::printf(" %016llx", static_cast<unsigned long long>(fnv1a(outcome(Tier::Jit, metering, m))));
    }
    std::printf("\n");
  }
  return 0;
}
