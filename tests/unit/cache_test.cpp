// The compile cache on disk: hits and misses, eviction of the least
// recently used entries, compile errors remembered, a directory it cannot
// use, writers killed while they publish, and many processes at once.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>

#include <detwasm/detwasm.hpp>

#include "artifact/artifact.hpp"
#include "artifact/cache.hpp"
#include "support/wat.hpp"

namespace detwasm::test {
namespace {

namespace fs = std::filesystem;

// A module per n: f returns n * 3.
std::vector<uint8_t> module_returning(int n) {
  return wat_to_wasm("(module (func (export \"f\") (param i32) (result i32) (i32.mul (local.get 0) (i32.const " +
                     std::to_string(n) + "))))");
}

class Cache : public ::testing::Test {
 protected:
  Cache() : dir(fs::temp_directory_path() / ("detwasm-cache-" + std::to_string(::getpid()))) { fs::remove_all(dir); }
  ~Cache() override { fs::remove_all(dir); }
  EngineConfig config(uint64_t max_bytes = uint64_t{1} << 30) const {
    EngineConfig c;
    c.cache.dir = dir.string();
    c.cache.max_bytes = max_bytes;
    return c;
  }
  static int32_t call_f(Engine& engine, const Module& m, int32_t x) {
    Store store(engine);
    Instantiation inst = store.instantiate(m, std::vector<Extern>{});
    std::vector<Value> args{Value::i32(x)};
    CallResult r = inst.instance.get_func("f")->call(store, args);
    return r.results.at(0).as_i32();
  }
  uint64_t entries() const {
    uint64_t n = 0;
    if (!fs::exists(dir)) return 0;
    for (const auto& e : fs::recursive_directory_iterator(dir))
      if (e.is_regular_file() && e.path().extension() == ".entry") ++n;
    return n;
  }
  fs::path dir;
};

TEST_F(Cache, ASecondCompileLoadsWhatTheFirstStored) {
  std::vector<uint8_t> wasm = module_returning(3);
  Engine a(config());
  Module first = Module::compile(a, wasm);
  EXPECT_EQ(first.cache_outcome(), Module::CacheOutcome::Miss);
  Engine b(config());
  Module second = Module::compile(b, wasm);
  EXPECT_EQ(second.cache_outcome(), Module::CacheOutcome::Hit);
  EXPECT_EQ(call_f(b, second, 5), 15);
  EXPECT_EQ(second.serialize(), first.serialize());
  EXPECT_EQ(fs::status(dir).permissions() & fs::perms::all, fs::perms::owner_all);
  // Another configuration is another entry.
  EngineConfig metered = config();
  metered.metering = true;
  Engine c(metered);
  EXPECT_EQ(Module::compile(c, wasm).cache_outcome(), Module::CacheOutcome::Miss);
  EXPECT_EQ(entries(), 2u);
  // The engine's own entries need no signature, even when it trusts only
  // signed artifacts from outside.
  EngineConfig trusting = config();
  trusting.trusted_keys.push_back(SigningKey::generate().public_key());
  Engine d(trusting);
  EXPECT_EQ(Module::compile(d, wasm).cache_outcome(), Module::CacheOutcome::Hit);
}

TEST_F(Cache, ACompileErrorIsRememberedAsItWas) {
  std::vector<uint8_t> bad = wat_to_wasm("(module (func (result i32) (i64.const 1)))", false);
  std::string first;
  for (int i = 0; i < 2; ++i) {
    Engine e(config());
    try {
      Module::compile(e, bad);
      FAIL() << "an invalid module compiled";
    } catch (const ModuleError& err) {
      EXPECT_EQ(err.kind(), ModuleError::Kind::Invalid);
      if (i == 0) first = err.what();
      else EXPECT_EQ(err.what(), first);
    }
  }
  EXPECT_EQ(entries(), 1u);
}

TEST_F(Cache, TheLeastRecentlyUsedEntriesGoFirst) {
  // Each entry is a few hundred bytes: a bound of about four of them.
  Engine probe(config());
  size_t one = Module::compile(probe, module_returning(100)).serialize().size();
  fs::remove_all(dir);
  EngineConfig c = config(one * 4 + one / 2);
  {
    Engine e(c);
    for (int n = 0; n < 4; ++n) {
      Module::compile(e, module_returning(n));
      std::this_thread::sleep_for(std::chrono::milliseconds(5));  // distinct times
    }
    Module::compile(e, module_returning(0));  // a hit: 0 is now the most recent
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    Module::compile(e, module_returning(4));  // over the bound: 1 (the oldest) goes
  }
  EXPECT_LE(entries(), 4u);
  Engine e(c);
  EXPECT_EQ(Module::compile(e, module_returning(0)).cache_outcome(), Module::CacheOutcome::Hit);
  EXPECT_EQ(Module::compile(e, module_returning(4)).cache_outcome(), Module::CacheOutcome::Hit);
  EXPECT_EQ(Module::compile(e, module_returning(1)).cache_outcome(), Module::CacheOutcome::Miss);
}

TEST_F(Cache, ADirectoryItCannotUseDegradesToCompilingWithOneWarning) {
  EngineConfig c;
  c.cache.dir = "/proc/detwasm-cache";  // no one may create anything here
  Engine e(c);
  for (int i = 0; i < 3; ++i) {
    Module m = Module::compile(e, module_returning(7));
    EXPECT_EQ(call_f(e, m, 2), 14);
  }
  std::optional<std::string> warning = Module::cache_warning(e);
  ASSERT_TRUE(warning);
  EXPECT_NE(warning->find("/proc/detwasm-cache"), std::string::npos) << *warning;
}

TEST_F(Cache, AnEntryThatIsNotAnArtifactIsReplaced) {
  std::vector<uint8_t> wasm = module_returning(9);
  {
    Engine e(config());
    Module::compile(e, wasm);
  }
  for (const auto& f : fs::recursive_directory_iterator(dir))
    if (f.is_regular_file()) std::ofstream(f.path(), std::ios::binary) << "not an artifact at all";
  Engine e(config());
  Module m = Module::compile(e, wasm);
  EXPECT_EQ(m.cache_outcome(), Module::CacheOutcome::Miss);
  EXPECT_EQ(call_f(e, m, 2), 18);
  Engine again(config());
  EXPECT_EQ(Module::compile(again, wasm).cache_outcome(), Module::CacheOutcome::Hit);
}

// A writer killed with SIGKILL at a random point, 200 times: no reader ever
// sees a partial entry, and the next compile hits or recompiles cleanly.
TEST_F(Cache, WritersKilledWhilePublishingLeaveNothingHalfWritten) {
  std::vector<std::vector<uint8_t>> modules;
  for (int n = 0; n < 8; ++n) modules.push_back(module_returning(n));
  std::mt19937 rng(12345);
  for (int round = 0; round < 200; ++round) {
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      Engine e(config());
      for (int i = 0;; ++i) {
        // A fresh directory now and then, so that publication keeps happening.
        Module::compile(e, modules[static_cast<size_t>(i) % modules.size()]);
        if (i % modules.size() == modules.size() - 1) fs::remove_all(dir);
      }
    }
    std::this_thread::sleep_for(std::chrono::microseconds(rng() % 3000));
    ::kill(child, SIGKILL);
    int status = 0;
    ::waitpid(child, &status, 0);
    // Every entry there is whole (temporary files are not entries).
    if (fs::exists(dir)) {
      for (const auto& f : fs::recursive_directory_iterator(dir)) {
        if (!f.is_regular_file() || f.path().extension() != ".entry") continue;
        std::ifstream in(f.path(), std::ios::binary);
        std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        try {
          artifact::module_hash(bytes);
        } catch (const ArtifactError& err) {
          ADD_FAILURE() << "round " << round << ": " << f.path() << ": " << err.what();
        }
      }
    }
    // Whatever is there loads and runs right, or is a miss.
    Engine e(config());
    int n = static_cast<int>(rng() % modules.size());
    Module m = Module::compile(e, modules[static_cast<size_t>(n)]);
    ASSERT_EQ(call_f(e, m, 3), 3 * n) << "round " << round;
  }
  // verify finds nothing damaged among the entries (temporary files of the
  // killed writers are not entries).
  artifact::ArtifactCache cache(config().cache);
  Engine e(config());
  uint64_t bad = cache.verify([&](std::span<const uint8_t> bytes) {
    try {
      Module::deserialize(e, bytes);
      return true;
    } catch (const ArtifactError&) {
      return false;
    }
  });
  EXPECT_EQ(bad, 0u);
}

// 8 processes compiling and loading the same and different modules at once:
// every run is right, and the store ends consistent.
TEST_F(Cache, ManyProcessesShareOneCache) {
  std::vector<std::vector<uint8_t>> modules;
  for (int n = 0; n < 6; ++n) modules.push_back(module_returning(n + 10));
  std::vector<pid_t> children;
  for (int p = 0; p < 8; ++p) {
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      int failures = 0;
      for (int i = 0; i < 40; ++i) {
        size_t n = static_cast<size_t>(p * 7 + i * 3) % modules.size();
        EngineConfig c = config();
        c.metering = (i % 5) == 0;  // a second configuration of each module
        Engine e(c);
        Module m = Module::compile(e, modules[n]);
        if (call_f(e, m, 2) != 2 * (static_cast<int>(n) + 10)) ++failures;
      }
      ::_exit(failures == 0 ? 0 : 1);
    }
    children.push_back(child);
  }
  for (pid_t child : children) {
    int status = 0;
    ::waitpid(child, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "a process got a wrong result";
  }
  EXPECT_EQ(entries(), 12u);  // 6 modules x 2 configurations, nothing lost
  artifact::ArtifactCache cache(config().cache);
  EXPECT_EQ(cache.verify([](std::span<const uint8_t> b) { return artifact::is_artifact(b); }), 0u);
}

}  // namespace
}  // namespace detwasm::test
