// Helpers of the WASI tests: the C test programs compiled at test time, and
// a program run through the API with its output kept in memory.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include <detwasm/wasi.hpp>

#include "support/run_process.hpp"
#include "unit/test_util.hpp"

namespace detwasm::test {

// tests/wasi/programs/NAME.c compiled for wasm32-wasi (once per build: the
// result is kept in the build tree until the source changes); nullopt, with
// the reason in `why`, where this machine has no compiler for it.
inline std::optional<std::filesystem::path> wasi_program(const std::string& name, std::string* why) {
  namespace fs = std::filesystem;
  if (std::string(DETWASM_WASI_CLANG).empty()) {
    *why = "no clang with wasi-libc here (scripts/install-deps.sh installs them)";
    return std::nullopt;
  }
  fs::path src = fs::path(DETWASM_WASI_PROGRAMS) / (name + ".c");
  fs::path out_dir = DETWASM_WASI_BUILD_DIR;
  fs::create_directories(out_dir);
  fs::path out = out_dir / (name + ".wasm");
  if (fs::exists(out) && fs::last_write_time(out) >= fs::last_write_time(src)) return out;
  fs::path tmp = out_dir / (name + ".wasm." + std::to_string(::getpid()));
  ProcessResult r = run_process({DETWASM_WASI_CLANG, "--target=wasm32-wasi", std::string("--sysroot=") + DETWASM_WASI_SYSROOT,
                                 "-O2", "-Wall", src.string(), "-o", tmp.string()});
  if (r.exit_code != 0) {
    *why = "compiling " + src.string() + " failed: " + r.err;
    return std::nullopt;
  }
  fs::rename(tmp, out);
  return out;
}

inline std::vector<uint8_t> file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The bytes of a test program, or a skip of the test that needs it.
#define DETWASM_WASI_PROGRAM(var, name)                 \
  std::string var##_why;                                \
  auto var##_path = wasi_program(name, &var##_why);     \
  if (!var##_path) GTEST_SKIP() << var##_why;           \
  std::vector<uint8_t> var = file_bytes(*var##_path)

struct WasiRun {
  std::optional<uint32_t> exit_code;
  std::optional<Trap> trap;
  std::string out, err;
  uint64_t gas = 0;
};

// Runs a command with stdout and stderr kept in memory.
inline WasiRun run_wasi(const std::vector<uint8_t>& bytes, Tier tier, bool metered, WasiConfig config,
                        std::optional<uint64_t> gas_limit = std::nullopt) {
  EngineConfig ec;
  ec.tier = tier;
  ec.metering = metered;
  Engine engine(ec);
  Module module = Module::compile(engine, bytes);
  Store store(engine);
  if (gas_limit) store.set_gas_limit(*gas_limit);
  config.stdout_stream = WasiStdio::buffer();
  config.stderr_stream = WasiStdio::buffer();
  Wasi wasi(std::move(config));
  Linker linker;
  wasi.define(linker, store);
  Instantiation inst = linker.instantiate(store, module);
  WasiRun run;
  if (inst.trap) {
    run.trap = inst.trap;
    return run;
  }
  CommandOutcome outcome = run_command(store, inst.instance);
  run.exit_code = outcome.exit_code;
  run.trap = outcome.trap;
  run.out = wasi.output(1);
  run.err = wasi.output(2);
  run.gas = store.gas_used();
  return run;
}

inline const char* tier_name(Tier t) { return t == Tier::Jit ? "jit" : "interp"; }

// The tiers the WASI tests run in. A WASI call reports an errno by throwing
// inside the call, and compiled code calls the host on its own native
// stack, where AddressSanitizer cannot follow an unwinding exception ("ASan
// is ignoring requested __asan_handle_no_return ... False positive error
// reports may follow"): under it, the interpreter alone.
inline std::vector<Tier> wasi_tiers() {
#if defined(__SANITIZE_ADDRESS__)
  return {Tier::Interpreter};
#else
  return tiers_here();
#endif
}

}  // namespace detwasm::test
