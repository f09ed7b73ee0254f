// Run time of compute kernels: each bench/kernels/*.c built for wasm32 runs
// in every tier, unmetered and metered, and natively. Every Wasm run's
// checksum is checked against the native one.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>

#include "benchmarks.hpp"
#include "native_kernels.hpp"
#include "tiers.hpp"

namespace detwasm::bench {
namespace {

// High enough never to run out; metered code still counts every unit.
constexpr uint64_t kGasLimit = uint64_t{1} << 60;

const NativeKernel* find_native(std::string_view name) {
  for (const NativeKernel& k : native_kernels())
    if (k.name == name) return &k;
  return nullptr;
}

// The native checksum, computed once per kernel.
uint32_t native_checksum(const NativeKernel& k) {
  static std::map<std::string_view, uint32_t> sums;
  auto it = sums.find(k.name);
  if (it == sums.end()) it = sums.emplace(k.name, k.run(k.bench_n())).first;
  return it->second;
}

// A kernel instantiated in one tier: `run` and the n it is benchmarked with.
struct Instance {
  std::unique_ptr<Store> store;
  Func run;
  uint32_t n = 0;
};

Instance instantiate(Tier tier, bool metering, const std::filesystem::path& path) {
  Engine& engine = engine_for(tier, metering);
  Module module = Module::compile(engine, read_file(path));
  Instance k;
  k.store = std::make_unique<Store>(engine);
  k.store->set_gas_limit(kGasLimit);
  Instantiation inst = k.store->instantiate(module, {});
  if (!inst.ok()) throw Error("instantiation trapped: " + inst.trap->to_string());
  auto run = inst.instance.get_func("run");
  auto bench_n = inst.instance.get_func("bench_n");
  if (!run || !bench_n) throw Error("the kernel exports no run or bench_n function");
  k.run = *run;
  CallResult n = bench_n->call(*k.store, {});
  if (!n.ok()) throw Error("bench_n trapped: " + n.trap->to_string());
  k.n = static_cast<uint32_t>(n.results.at(0).as_i32());
  return k;
}

void run_wasm(benchmark::State& state, Tier tier, bool metering, const std::filesystem::path& path) {
  Instance k;
  try {
    k = instantiate(tier, metering, path);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  const NativeKernel* native = find_native(path.stem().string());
  std::optional<uint32_t> expected;
  if (native) expected = native_checksum(*native);
  Value args[] = {Value::i32(static_cast<int32_t>(k.n))};
  uint64_t gas = 0;
  uint32_t checksum = 0;
  for (auto _ : state) {
    if (metering) k.store->set_gas_limit(kGasLimit);
    CallResult r = k.run.call(*k.store, args);
    if (!r.ok()) {
      state.SkipWithError(("trapped: " + r.trap->to_string()).c_str());
      return;
    }
    checksum = static_cast<uint32_t>(r.results.at(0).as_i32());
    if (expected && checksum != *expected) {
      state.SkipWithError(("checksum " + std::to_string(checksum) + ", native gives " + std::to_string(*expected)).c_str());
      return;
    }
    if (metering) gas = k.store->gas_used();
  }
  state.counters["n"] = k.n;
  state.counters["checksum"] = checksum;
  if (metering) state.counters["gas"] = static_cast<double>(gas);
}

void run_native(benchmark::State& state, const NativeKernel& k) {
  uint32_t n = k.bench_n();
  uint32_t checksum = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(n);
    checksum = k.run(n);
    benchmark::DoNotOptimize(checksum);
  }
  state.counters["n"] = n;
  state.counters["checksum"] = checksum;
}

}  // namespace

void register_kernel_benchmarks(const std::optional<std::filesystem::path>& kernel_dir) {
  std::vector<std::filesystem::path> kernels;
  if (kernel_dir) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(*kernel_dir, ec))
      if (entry.path().extension() == ".wasm") kernels.push_back(entry.path());
    std::sort(kernels.begin(), kernels.end());
  } else {
    // The kernels built with this binary, and only those.
    for (const NativeKernel& k : native_kernels())
      kernels.push_back(std::filesystem::path(DETWASM_BENCH_KERNEL_DIR) / (std::string(k.name) + ".wasm"));
  }
  for (const auto& path : kernels) {
    std::string kernel = path.stem().string();
    if (const NativeKernel* native = find_native(kernel))
      benchmark::RegisterBenchmark(("kernel/native/" + kernel).c_str(),
                                   [native](benchmark::State& state) { run_native(state, *native); })
          ->Unit(benchmark::kMillisecond);
    for (const TierInfo& t : tiers()) {
      if (!t.available) continue;
      for (bool metering : {false, true}) {
        std::string name =
            "kernel/" + std::string(t.name) + (metering ? "/metered/" : "/unmetered/") + kernel;
        Tier tier = t.tier;
        benchmark::RegisterBenchmark(name.c_str(), [tier, metering, path](benchmark::State& state) {
          run_wasm(state, tier, metering, path);
        })->Unit(benchmark::kMillisecond);
      }
    }
  }
}

}  // namespace detwasm::bench
