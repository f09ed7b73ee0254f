// Property: on random valid modules (support/random_program.hpp) the JIT
// and the reference interpreter agree on results and traps, with and
// without metering (then on gas used too).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "support/jit_differential.hpp"
#include "support/random_program.hpp"

namespace detwasm::jit {
namespace {

void check_program(uint64_t seed, bool metering) {
  test::RandomProgram gen(seed);
  std::vector<uint8_t> wasm = gen.module(3);
  EngineConfig config;
  config.metering = metering;
  testing::Differential d(wasm, config);
  for (int i = 0; i < 4; ++i) {
    std::vector<uint64_t> args = gen.args();
    testing::Observed want = d.interpreter("f0", args);
    testing::Observed got = d.jit("f0", args);
    RC_ASSERT(got == want);
  }
}

RC_GTEST_PROP(JitRandomPrograms, AgreeWithInterpreter, (uint64_t seed)) { check_program(seed, false); }

RC_GTEST_PROP(JitRandomPrograms, AgreeWithInterpreterOnGas, (uint64_t seed)) { check_program(seed, true); }

}  // namespace
}  // namespace detwasm::jit
