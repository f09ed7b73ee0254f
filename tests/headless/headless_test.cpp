// What a build without the compiler (DETWASM_HEADLESS) must do: run the
// artifacts another build compiled (make_artifacts.sh writes them from
// module.wat), with the results and gas of the module itself; refuse every
// damaged or untrusted one; and refuse to compile, with a clear error. The
// test uses nothing but the runtime API, so a full build runs it too.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <detwasm/detwasm.hpp>

#include "support/artifact_damage.hpp"
#include "support/artifact_module.hpp"

namespace detwasm::test {
namespace {

namespace fs = std::filesystem;

const fs::path kDir = DETWASM_HEADLESS_ARTIFACTS;

std::vector<uint8_t> read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string() + " (run the headless.artifacts test first)");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::array<uint8_t, 32> read_public_key(const fs::path& file) {
  std::ifstream in(file);
  std::string hex;
  in >> hex;
  std::array<uint8_t, 32> key{};
  if (hex.size() != 64) throw std::runtime_error("not a public key: " + file.string());
  for (size_t i = 0; i < 32; ++i) key[i] = static_cast<uint8_t>(std::stoul(hex.substr(2 * i, 2), nullptr, 16));
  return key;
}

EngineConfig config_for(Tier tier, bool metering) {
  EngineConfig c;
  c.tier = tier;
  c.metering = metering;
  return c;
}

struct Case {
  const char* file;
  Tier tier;
  bool metering;
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.file; }

class FromArtifact : public ::testing::TestWithParam<Case> {};

TEST_P(FromArtifact, RunsWithTheModulesResults) {
  const Case& c = GetParam();
  Engine engine(config_for(c.tier, c.metering));
  Module m = Module::deserialize_file(engine, (kDir / c.file).string());
  ModuleRun out = run_artifact_module(engine, m);
  EXPECT_EQ(out.results, kArtifactModuleResults);
  if (c.metering) {
    EXPECT_GT(out.gas, 0u);
    // Both tiers charge the same gas, as they do for a fresh compile.
    Engine other_engine(config_for(c.tier == Tier::Jit ? Tier::Interpreter : Tier::Jit, true));
    const char* other = c.tier == Tier::Jit ? "interp-metered.dwa" : "jit-metered.dwa";
    EXPECT_EQ(run_artifact_module(other_engine, Module::deserialize_file(other_engine, (kDir / other).string())).gas, out.gas);
  } else {
    EXPECT_EQ(out.gas, 0u);
  }
  // Loaded from bytes as from a file.
  EXPECT_EQ(run_artifact_module(engine, Module::deserialize(engine, read_bytes(kDir / c.file))).results, out.results);
}

// Every single-bit flip and every truncation is refused.
TEST_P(FromArtifact, EveryFlipAndEveryCutIsRefused) {
  const Case& c = GetParam();
  Engine engine(config_for(c.tier, c.metering));
  std::vector<uint8_t> bytes = read_bytes(kDir / c.file);
  EXPECT_EQ(accepted_damage(bytes, [&](std::span<const uint8_t> b) { Module::deserialize(engine, b); }), 0u);
}

INSTANTIATE_TEST_SUITE_P(Artifacts, FromArtifact,
                         ::testing::Values(Case{"jit-plain.dwa", Tier::Jit, false},
                                           Case{"jit-metered.dwa", Tier::Jit, true},
                                           Case{"interp-plain.dwa", Tier::Interpreter, false},
                                           Case{"interp-metered.dwa", Tier::Interpreter, true}),
                         [](const auto& info) {
                           return std::string(info.param.tier == Tier::Jit ? "Jit" : "Interp") +
                                  (info.param.metering ? "Metered" : "Plain");
                         });

TEST(Headless, LoadsOnlyWhatTrustedKeysSigned) {
  EngineConfig c = config_for(Tier::Jit, false);
  c.trusted_keys = {read_public_key(kDir / "key.pub")};
  Engine engine(c);
  Module m = Module::deserialize_file(engine, (kDir / "jit-plain-signed.dwa").string());
  EXPECT_EQ(run_artifact_module(engine, m).results, kArtifactModuleResults);
  try {
    Module::deserialize_file(engine, (kDir / "jit-plain.dwa").string());
    FAIL() << "an unsigned artifact was loaded by an engine with trusted keys";
  } catch (const ArtifactError& e) {
    EXPECT_EQ(e.reason(), ArtifactError::Reason::Untrusted);
  }
}

#ifdef DETWASM_HEADLESS
// No compiler: compiling is refused with a clear error, and so is a module
// its engine's cache does not hold; validating still works.
TEST(Headless, RefusesToCompile) {
  std::vector<uint8_t> wasm = read_bytes(kDir / "module.wasm");
  for (Tier tier : {Tier::Jit, Tier::Interpreter}) {
    Engine engine(config_for(tier, false));
    try {
      Module::compile(engine, wasm);
      FAIL() << "a headless build compiled a module";
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find("no compiler"), std::string::npos) << e.what();
    }
    EXPECT_NO_THROW(Module::validate(engine, wasm));
  }
  EngineConfig cached = config_for(Tier::Jit, false);
  cached.cache.dir = (fs::temp_directory_path() / ("detwasm-headless-" + std::to_string(::getpid()))).string();
  Engine engine(cached);
  EXPECT_THROW(Module::compile(engine, wasm), UsageError);
  fs::remove_all(cached.cache.dir);
}
#endif

}  // namespace
}  // namespace detwasm::test
