// Run time of compute kernels: each bench/kernels/*.c built for wasm32 runs
// in every tier, and natively; the metering benchmarks set metered against
// unmetered runs in each tier. Every Wasm run's checksum is checked against
// the native one.
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
struct KernelInstance {
  std::unique_ptr<Store> store;
  Func run;
  uint32_t n = 0;
};

KernelInstance instantiate(Tier tier, bool metering, const std::filesystem::path& path) {
  Engine& engine = engine_for(tier, metering);
  Module module = Module::compile(engine, read_file(path));
  KernelInstance k;
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

std::optional<uint32_t> expected_checksum(const std::filesystem::path& path) {
  const NativeKernel* native = find_native(path.stem().string());
  if (!native) return std::nullopt;
  return native_checksum(*native);
}

// One call of run(n); an error message when it traps or its checksum differs.
std::optional<std::string> call(KernelInstance& k, bool metering, std::optional<uint32_t> expected, uint32_t& checksum) {
  Value args[] = {Value::i32(static_cast<int32_t>(k.n))};
  if (metering) k.store->set_gas_limit(kGasLimit);
  CallResult r;
  try {
    r = k.run.call(*k.store, args);  // UsageError for a run that is not (i32) -> i32
  } catch (const std::exception& e) {
    return e.what();
  }
  if (!r.ok()) return "trapped: " + r.trap->to_string();
  if (r.results.size() != 1) return "run returns " + std::to_string(r.results.size()) + " values";
  checksum = static_cast<uint32_t>(r.results.at(0).as_i32());
  if (expected && checksum != *expected)
    return "checksum " + std::to_string(checksum) + ", native gives " + std::to_string(*expected);
  return std::nullopt;
}

void run_wasm(benchmark::State& state, Tier tier, const std::filesystem::path& path) {
  KernelInstance k;
  try {
    k = instantiate(tier, false, path);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  std::optional<uint32_t> expected = expected_checksum(path);
  uint32_t checksum = 0;
  for (auto _ : state) {
    if (auto error = call(k, false, expected, checksum)) {
      state.SkipWithError(error->c_str());
      return;
    }
  }
  state.counters["n"] = k.n;
  state.counters["checksum"] = checksum;
}

// Metered against unmetered, interleaved call by call (in the order AB, BA,
// AB, ...) so that both see the same load on a shared machine. The
// iteration time is the metered call's CPU time; `overhead` is metered CPU
// time over unmetered CPU time, in total.
void run_metering(benchmark::State& state, Tier tier, const std::filesystem::path& path) {
  KernelInstance plain, metered;
  try {
    plain = instantiate(tier, false, path);
    metered = instantiate(tier, true, path);
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  std::optional<uint32_t> expected = expected_checksum(path);
  double plain_seconds = 0, metered_seconds = 0;
  uint32_t checksum = 0;
  uint64_t iteration = 0;
  for (auto _ : state) {
    bool metered_first = iteration++ % 2 == 1;
    for (bool is_metered : {metered_first, !metered_first}) {
      KernelInstance& k = is_metered ? metered : plain;
      double start = thread_cpu_seconds();
      if (auto error = call(k, is_metered, expected, checksum)) {
        state.SkipWithError(error->c_str());
        return;
      }
      double elapsed = thread_cpu_seconds() - start;
      (is_metered ? metered_seconds : plain_seconds) += elapsed;
      if (is_metered) state.SetIterationTime(elapsed);
    }
  }
  double runs = static_cast<double>(state.iterations());
  state.counters["unmetered_ms"] = plain_seconds * 1e3 / runs;
  state.counters["metered_ms"] = metered_seconds * 1e3 / runs;
  state.counters["overhead"] = metered_seconds / plain_seconds;
  state.counters["gas"] = static_cast<double>(metered.store->gas_used());
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
      Tier tier = t.tier;
      benchmark::RegisterBenchmark(("kernel/" + std::string(t.name) + "/" + kernel).c_str(),
                                   [tier, path](benchmark::State& state) { run_wasm(state, tier, path); })
          ->Unit(benchmark::kMillisecond);
      // At least a few pairs, even in the interpreter.
      benchmark::RegisterBenchmark(("metering/" + std::string(t.name) + "/" + kernel).c_str(),
                                   [tier, path](benchmark::State& state) { run_metering(state, tier, path); })
          ->UseManualTime()
          ->MinTime(2.0)
          ->Unit(benchmark::kMillisecond);
    }
  }
}

}  // namespace detwasm::bench
