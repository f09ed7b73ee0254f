// The module generator keeps its promises: deterministic output, every
// operator of Wasm 2.0 (SIMD apart) and every trap kind it aims at shows up,
// and an independent validator (wabt's, when installed) accepts its modules.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>

#include "decode/opcodes.hpp"
#include "module/module_data.hpp"
#include "support/code_walk.hpp"
#include "support/module_gen.hpp"
#include "support/module_runner.hpp"
#include "support/wasm_builder.hpp"

namespace detwasm::test {
namespace {

using internal::Opcode;

constexpr uint64_t kSeeds = 300;

TEST(ModuleGen, SameSeedSameModule) {
  for (uint64_t seed = 0; seed < 20; ++seed) {
    GeneratedModule a = generate_module(GenConfig{}, seed);
    GeneratedModule b = generate_module(GenConfig{}, seed);
    EXPECT_EQ(a.bytes, b.bytes) << "seed " << seed;
  }
  EXPECT_NE(generate_module(GenConfig{}, 1).bytes, generate_module(GenConfig{}, 2).bytes);
}

TEST(ModuleGen, CoversEveryOperator) {
  std::set<uint16_t> seen;
  Engine engine;
  for (uint64_t seed = 0; seed < kSeeds; ++seed) {
    GeneratedModule m = generate_module(GenConfig{}, seed);
    Module module = Module::compile(engine, m.bytes);
    for (uint32_t i = 0; i < module.data()->functions.size(); ++i) {
      bool ok = walk_body(function_body(module, i), [&](const Instr& in) { seen.insert(uint16_t(in.op)); });
      ASSERT_TRUE(ok) << "seed " << seed << " function " << i;
    }
  }
  std::vector<std::string> missing;
#define DETWASM_CONTROL_OP(Name, opcode, text, ...) \
  if (!seen.count(opcode)) missing.push_back(text);
#define DETWASM_NUMERIC_OP(Name, opcode, text, In1, In2, Out, ...) \
  if (!seen.count(opcode)) missing.push_back(text);
#define DETWASM_LOAD_OP(Name, opcode, text, Out, size_log2, ...) \
  if (!seen.count(opcode)) missing.push_back(text);
#define DETWASM_STORE_OP(Name, opcode, text, In, size_log2, ...) \
  if (!seen.count(opcode)) missing.push_back(text);
#include "decode/opcodes.def"
  std::string list;
  for (const auto& s : missing) list += " " + s;
  EXPECT_TRUE(missing.empty()) << "never generated:" << list;
}

TEST(ModuleGen, ReachesEveryTrapKindItAimsAt) {
  std::set<std::string> seen;
  Engine engine;
  for (uint64_t seed = 0; seed < kSeeds; ++seed) {
    GeneratedModule m = generate_module(GenConfig{}, seed);
    Store store(engine);
    Outcome out = run_module(store, Module::compile(engine, m.bytes), m.plan());
    ASSERT_EQ(out.stage, "ok") << "seed " << seed;
    for (const std::string& call : out.calls) {
      auto at = call.find("-> trap ");
      if (at != std::string::npos) seen.insert(call.substr(at + 8, call.find(' ', at + 8) - at - 8));
    }
  }
  for (TrapKind kind : {TrapKind::Unreachable, TrapKind::MemoryOutOfBounds, TrapKind::TableOutOfBounds,
                        TrapKind::IndirectCallToNull, TrapKind::IndirectCallSignature,
                        TrapKind::IntegerDivideByZero, TrapKind::IntegerOverflow, TrapKind::InvalidConversion})
    EXPECT_TRUE(seen.count(trap_kind_name(kind))) << "never trapped with " << trap_kind_name(kind);
}

// Independent of detwasm: wabt's validator accepts the generated modules.
TEST(ModuleGen, WabtAcceptsGeneratedModules) {
  if (std::system("wasm-validate --version > /dev/null 2>&1") != 0) GTEST_SKIP() << "wabt is not installed";
  std::string path = testing::TempDir() + "detwasm-gen.wasm";
  for (uint64_t seed = 0; seed < 40; ++seed) {
    GeneratedModule m = generate_module(GenConfig{}, seed);
    write_file(path, m.bytes);
    int status = std::system(("wasm-validate " + path).c_str());
    EXPECT_EQ(status, 0) << "seed " << seed << ":\n" << render_module(m.bytes);
  }
  std::remove(path.c_str());
}

TEST(ModuleGen, RenderShowsText) {
  GeneratedModule m = generate_module(GenConfig{}, 7);
  std::string text = render_module(m.bytes);
  EXPECT_NE(text.find("func"), std::string::npos) << text;
  EXPECT_NE(hex_dump(m.bytes).find("00 61 73 6d"), std::string::npos);
}

// The step bound: a loop or any recursion is unbounded; otherwise calls add up.
TEST(StepBound, LoopsAndRecursionAreUnbounded) {
  ModuleBuilder b;
  uint32_t t = b.add_type({});
  uint32_t leaf = b.add_func(t, {}, Code().nop().nop());                        // 3 steps with end
  uint32_t twice = b.add_func(t, {}, Code().call(leaf).call(leaf));             // 3 + 2 * 3
  uint32_t loops = b.add_func(t, {}, Code().loop().end());
  uint32_t self = b.add_func(t, {}, Code().call(3));
  uint32_t indirect = b.add_func(t, {}, Code().i32_const(0).call_indirect(t));  // may reach them all
  b.add_table({ValType::FuncRef, {1, std::nullopt}});
  Engine engine;
  Module module = Module::compile(engine, b.build());
  StepBound bound(module);
  EXPECT_EQ(bound.of(leaf), 3u);
  EXPECT_EQ(bound.of(twice), 9u);
  EXPECT_EQ(bound.of(loops), std::nullopt);
  EXPECT_EQ(bound.of(self), std::nullopt);
  EXPECT_EQ(bound.of(indirect), std::nullopt);
}

}  // namespace
}  // namespace detwasm::test
