// Functions compile independently (jit/function_code.hpp), so a module's
// code is the same bytes whatever the number of compile threads and however
// the workers split the functions; and an invalid module is refused with the
// same error as compiling in order gives.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <detwasm/detwasm.hpp>
#include <detwasm/target.hpp>

#include "jit/loaded_code.hpp"
#include "module/module_data.hpp"
#include "support/module_gen.hpp"
#include "support/simple_module_builder.hpp"
#include "support/module_runner.hpp"

namespace detwasm::jit {
namespace {

struct Code {
  std::vector<uint8_t> bytes;
  std::vector<uint32_t> func_offsets;
  std::vector<TrapSite> trap_sites;
  bool operator==(const Code&) const = default;
};

EngineConfig with_threads(uint32_t threads, bool metering) {
  EngineConfig c;
  c.tier = Tier::Jit;
  c.metering = metering;
  c.compile_threads = threads;
  c.parallel_compile_min_bytes = 0;  // workers for every module, however small
  return c;
}

Code compiled(const std::vector<uint8_t>& wasm, uint32_t threads, bool metering) {
  Engine engine(with_threads(threads, metering));
  Module module = Module::compile(engine, wasm);
  const LoadedCode& code = *module.data()->code.jit;
  Code out;
  out.bytes.assign(code.memory.base(), code.memory.base() + code.memory.size());
  for (uint32_t i = 0; i < code.memory.num_functions(); ++i) out.func_offsets.push_back(code.memory.func_offset(i));
  out.trap_sites = code.traps.sites();
  return out;
}

std::vector<uint8_t> large_generated_module(uint64_t seed) {
  test::GenConfig config;
  config.max_funcs = 40;
  config.max_body_nodes = 400;
  return test::generate_module(config, seed).bytes;
}

TEST(JitParallel, CodeIsTheSameBytesForAnyThreadCount) {
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    std::vector<uint8_t> wasm = large_generated_module(seed);
    for (bool metering : {false, true}) {
      Code one = compiled(wasm, 1, metering);
      EXPECT_GT(one.func_offsets.size(), 0u);
      for (uint32_t threads : {2u, 3u, 8u}) {
        // Compiled twice: the split among workers differs from run to run.
        for (int run = 0; run < 2; ++run)
          EXPECT_TRUE(compiled(wasm, threads, metering) == one)
              << "seed " << seed << ", " << threads << " threads, metering " << metering;
      }
    }
  }
}

// The same for the other target, cross-compiled: its artifact's bytes.
TEST(JitParallel, AArch64CodeIsTheSameBytesForAnyThreadCount) {
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    std::vector<uint8_t> wasm = large_generated_module(seed);
    auto artifact = [&](uint32_t threads) {
      EngineConfig c = with_threads(threads, true);
      c.target = Target::baseline(Arch::AArch64);
      Engine engine(c);
      return Module::compile(engine, wasm).serialize();
    };
    std::vector<uint8_t> one = artifact(1);
    for (uint32_t threads : {2u, 3u})
      for (int run = 0; run < 2; ++run)
        EXPECT_TRUE(artifact(threads) == one) << "seed " << seed << ", " << threads << " threads";
  }
}

TEST(JitParallel, ParallelCodeRunsLikeTheInterpreter) {
  for (uint64_t seed = 20; seed <= 25; ++seed) {
    test::GeneratedModule m = test::generate_module(test::GenConfig{}, seed);
    EngineConfig interp;
    Engine reference(interp);
    Store rs(reference);
    test::Outcome want = test::run_module(rs, Module::compile(reference, m.bytes), m.plan());
    Engine parallel(with_threads(4, false));
    Store ps(parallel);
    test::Outcome got = test::run_module(ps, Module::compile(parallel, m.bytes), m.plan());
    EXPECT_EQ(test::compare_outcomes(want, got), "") << "seed " << seed;
  }
}

// 60 functions of 400 bytes each; the ones listed are invalid (an i32.add
// with nothing on the stack).
std::vector<uint8_t> module_with_invalid_bodies(std::vector<uint32_t> invalid) {
  test::SimpleModuleBuilder b;
  uint32_t type = b.add_type({}, {});
  for (uint32_t f = 0; f < 60; ++f) {
    std::vector<uint8_t> body;
    for (int k = 0; k < 100; ++k) body.insert(body.end(), {0x41, 0x07, 0x1A, 0x01});  // i32.const 7 drop nop
    if (std::find(invalid.begin(), invalid.end(), f) != invalid.end()) body.push_back(0x6A);  // i32.add
    b.add_function(type, {}, body);
  }
  return b.build();
}

std::string error_of(const std::vector<uint8_t>& wasm, uint32_t threads) {
  Engine engine(with_threads(threads, false));
  try {
    Module::compile(engine, wasm);
  } catch (const ModuleError& e) {
    return std::string(to_string(e.kind())) + " at " + std::to_string(e.offset()) + ": " + e.message();
  }
  return "accepted";
}

TEST(JitParallel, TheFirstInvalidBodyIsReportedWhateverTheThreads) {
  for (const std::vector<uint32_t>& invalid :
       {std::vector<uint32_t>{37}, std::vector<uint32_t>{12, 50}, std::vector<uint32_t>{59, 3}}) {
    std::vector<uint8_t> wasm = module_with_invalid_bodies(invalid);
    std::string in_order = error_of(wasm, 1);
    EXPECT_NE(in_order, "accepted");
    for (uint32_t threads : {2u, 8u}) EXPECT_EQ(error_of(wasm, threads), in_order);
  }
  // A truncated module whose bodies before the cut include an invalid one:
  // the invalid body comes first in the module, so its error wins.
  std::vector<uint8_t> wasm = module_with_invalid_bodies({5});
  wasm.resize(wasm.size() - 700);
  std::string in_order = error_of(wasm, 1);
  EXPECT_NE(in_order.find("invalid"), std::string::npos) << in_order;
  EXPECT_EQ(error_of(wasm, 4), in_order);
}

}  // namespace
}  // namespace detwasm::jit
