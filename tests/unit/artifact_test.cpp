// Artifacts: a module serialized and loaded again behaves as the module
// compiled fresh, in both tiers and both metering modes; its bytes are the
// same every time; anything damaged, foreign or forged is refused with its
// reason and never run.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include <sodium.h>

#include <detwasm/detwasm.hpp>

#include "artifact/artifact.hpp"
#include "support/artifact_damage.hpp"
#include "support/artifact_module.hpp"
#include "support/module_gen.hpp"
#include "support/module_runner.hpp"
#include "support/wat.hpp"
#include "unit/test_util.hpp"

namespace detwasm::test {
namespace {

// tests/headless/module.wat, which the headless tests run from artifacts too.
std::vector<uint8_t> module_wasm() {
  return wat_file_to_wasm(std::filesystem::path(DETWASM_SOURCE_DIR) / "tests" / "headless" / "module.wat");
}

struct Config {
  Tier tier;
  bool metering;
};

EngineConfig engine_config(Config c) {
  EngineConfig e;
  e.tier = c.tier;
  e.metering = c.metering;
  return e;
}

// The exports' results and gas, as a string to compare and print.
std::string run_all(Engine& engine, const Module& module) {
  ModuleRun r = run_artifact_module(engine, module);
  return r.results + " gas " + std::to_string(r.gas);
}

class Artifacts : public ::testing::TestWithParam<Config> {
 protected:
  Artifacts() : wasm(module_wasm()), engine(engine_config(GetParam())) {}
  std::vector<uint8_t> wasm;
  Engine engine;
};

TEST_P(Artifacts, ALoadedArtifactRunsAsTheFreshModule) {
  Module fresh = Module::compile(engine, wasm);
  std::vector<uint8_t> bytes = fresh.serialize();
  EXPECT_TRUE(Module::is_artifact(bytes));
  EXPECT_FALSE(Module::is_artifact(wasm));
  // Loaded by another engine with the same configuration, as another
  // process would.
  Engine other(engine_config(GetParam()));
  Module loaded = Module::deserialize(other, bytes);
  EXPECT_EQ(loaded.hash(), fresh.hash());
  std::string want = run_all(engine, fresh);
  EXPECT_EQ(want.substr(0, want.find(" gas")), kArtifactModuleResults);
  EXPECT_EQ(run_all(other, loaded), want);
  EXPECT_EQ(loaded.exports().size(), fresh.exports().size());
  EXPECT_EQ(loaded.imports().size(), 1u);
  // From a file, its code mapped rather than copied.
  std::filesystem::path file = std::filesystem::temp_directory_path() / ("detwasm-artifact-" + std::to_string(::getpid()));
  std::ofstream(file, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  Module mapped = Module::deserialize_file(other, file.string());
  std::filesystem::remove(file);  // the mapping outlives the name
  EXPECT_EQ(run_all(other, mapped), want);
  EXPECT_EQ(mapped.serialize(), bytes);
  EXPECT_THROW(Module::deserialize_file(other, file.string()), Error);
}

TEST_P(Artifacts, TheSameModuleGivesTheSameBytes) {
  std::vector<uint8_t> a = Module::compile(engine, wasm).serialize();
  EngineConfig threaded = engine_config(GetParam());
  threaded.compile_threads = 3;
  threaded.parallel_compile_min_bytes = 0;
  Engine other(threaded);
  EXPECT_EQ(Module::compile(other, wasm).serialize(), a);
  // Loading and writing again changes nothing either.
  EXPECT_EQ(Module::deserialize(other, a).serialize(), a);
}

TEST_P(Artifacts, AForeignArtifactIsRefusedWithItsReason) {
  std::vector<uint8_t> bytes = Module::compile(engine, wasm).serialize();
  auto reason_for = [&](EngineConfig c) -> std::optional<ArtifactError::Reason> {
    Engine e(c);
    try {
      Module::deserialize(e, bytes);
      return std::nullopt;
    } catch (const ArtifactError& err) {
      return err.reason();
    }
  };
  EngineConfig c = engine_config(GetParam());
  c.metering = !c.metering;
  EXPECT_EQ(reason_for(c), ArtifactError::Reason::Configuration);
  if (jit_here()) {
    c = engine_config(GetParam());
    c.tier = c.tier == Tier::Jit ? Tier::Interpreter : Tier::Jit;
    EXPECT_EQ(reason_for(c), ArtifactError::Reason::Configuration);
  }
  c = engine_config(GetParam());
  c.limits.max_memory_pages = 100;
  EXPECT_EQ(reason_for(c), ArtifactError::Reason::Configuration);
  if (GetParam().tier == Tier::Interpreter) {  // a JIT engine must run its target: the interpreter need not
    c = engine_config(GetParam());
    c.target = c.target.with(CpuFeature::Lzcnt);
    EXPECT_EQ(reason_for(c), ArtifactError::Reason::Target);
  }
  try {
    Module::deserialize(engine, wasm);
    FAIL() << "a Wasm module is not an artifact";
  } catch (const ArtifactError& err) {
    EXPECT_EQ(err.reason(), ArtifactError::Reason::NotAnArtifact);
    EXPECT_NE(std::string(err.what()).find("not an artifact"), std::string::npos) << err.what();
  }
}

// Every single-bit flip and every truncation of the artifact is refused.
TEST_P(Artifacts, EveryFlipAndEveryCutIsDetected) {
  std::vector<uint8_t> bytes = Module::compile(engine, wasm).serialize();
  EXPECT_EQ(accepted_damage(bytes, [&](std::span<const uint8_t> b) { Module::deserialize(engine, b); }), 0u);
  EXPECT_NO_THROW(Module::deserialize(engine, bytes));
}

// Signed artifacts: an engine with trusted keys loads only what one of them
// signed; a signature that does not verify is refused everywhere.
TEST_P(Artifacts, AnEngineWithTrustedKeysLoadsOnlyWhatTheySigned) {
  Module fresh = Module::compile(engine, wasm);
  SigningKey ours = SigningKey::generate(), theirs = SigningKey::generate();
  std::vector<uint8_t> signed_bytes = fresh.serialize(ours);
  EXPECT_EQ(fresh.serialize(ours), signed_bytes);  // Ed25519 signatures are deterministic
  std::vector<uint8_t> unsigned_bytes = fresh.serialize();
  auto reason = [&](std::vector<std::array<uint8_t, 32>> keys,
                    const std::vector<uint8_t>& bytes) -> std::optional<ArtifactError::Reason> {
    EngineConfig c = engine_config(GetParam());
    c.trusted_keys = std::move(keys);
    Engine e(c);
    try {
      Module m = Module::deserialize(e, bytes);
      EXPECT_EQ(run_all(e, m), run_all(engine, fresh));
      return std::nullopt;
    } catch (const ArtifactError& err) {
      return err.reason();
    }
  };
  EXPECT_EQ(reason({ours.public_key()}, signed_bytes), std::nullopt);
  EXPECT_EQ(reason({theirs.public_key(), ours.public_key()}, signed_bytes), std::nullopt);
  EXPECT_EQ(reason({}, signed_bytes), std::nullopt);
  EXPECT_EQ(reason({theirs.public_key()}, signed_bytes), ArtifactError::Reason::Untrusted);
  EXPECT_EQ(reason({ours.public_key()}, unsigned_bytes), ArtifactError::Reason::Untrusted);
  // A changed byte with the digest made to match: the signature catches it.
  std::vector<uint8_t> changed = signed_bytes;
  changed[changed.size() / 2] ^= 1;
  artifact::reseal(changed);
  EXPECT_EQ(reason({}, changed), ArtifactError::Reason::Untrusted);
  EXPECT_EQ(reason({ours.public_key()}, changed), ArtifactError::Reason::Untrusted);
}

INSTANTIATE_TEST_SUITE_P(Tiers, Artifacts,
                         ::testing::ValuesIn([] {
                           std::vector<Config> configs;
                           for (Tier t : tiers_here()) configs.insert(configs.end(), {Config{t, false}, Config{t, true}});
                           return configs;
                         }()),
                         [](const auto& info) {
                           return std::string(info.param.tier == Tier::Interpreter ? "interp" : "jit") +
                                  (info.param.metering ? "_metered" : "");
                         });

// Generated modules round-trip: the loaded artifact runs exactly as the
// fresh module, and writes the same bytes again.
RC_GTEST_PROP(ArtifactProps, GeneratedModulesRoundTrip, ()) {
  Tier tier = *rc::gen::elementOf(tiers_here());
  bool metering = *rc::gen::arbitrary<bool>();
  GenConfig gen;
  GeneratedModule m = *gen_module(gen);
  EngineConfig config;
  config.tier = tier;
  config.metering = metering;
  Engine engine(config);
  Module fresh = Module::compile(engine, m.bytes);
  std::vector<uint8_t> bytes = fresh.serialize();
  Module loaded = Module::deserialize(engine, bytes);
  RC_ASSERT(loaded.serialize() == bytes);
  RunPlan plan = m.plan();
  if (metering) plan.gas_limit = uint64_t{1} << 40;
  Store a(engine), b(engine);
  Outcome want = run_module(a, fresh, plan), got = run_module(b, loaded, plan);
  RC_ASSERT(compare_outcomes(want, got).empty());
}

// A forged artifact (contents changed, digest recomputed to match) is
// refused or loads; reading it never goes out of bounds (the sanitizers
// watch) and nothing of it runs here.
RC_GTEST_PROP(ArtifactProps, ForgedContentsNeverCrashTheReader, ()) {
  static const std::vector<uint8_t> kArtifact = [] {
    Engine e;
    return Module::compile(e, module_wasm()).serialize();
  }();
  std::vector<uint8_t> bytes = kArtifact;
  constexpr size_t kDigest = 16;
  size_t body = bytes.size() - kDigest;
  int edits = *rc::gen::inRange(1, 6);
  for (int i = 0; i < edits; ++i) {
    size_t at = *rc::gen::inRange<size_t>(0, body);
    bytes[at] = *rc::gen::arbitrary<uint8_t>();
  }
  if (*rc::gen::arbitrary<bool>()) {  // cut, then sign the cut
    size_t keep = *rc::gen::inRange<size_t>(0, body);
    bytes.erase(bytes.begin() + keep, bytes.begin() + body);
    body = keep;
    bytes.resize(body + kDigest);
  }
  artifact::reseal(bytes);
  Engine e;
  try {
    Module::deserialize(e, bytes);
  } catch (const ArtifactError&) {
  }
}

}  // namespace
}  // namespace detwasm::test
