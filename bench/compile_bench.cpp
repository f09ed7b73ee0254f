// Compile throughput: Module::compile on real modules and on generated
// shapes, timed alone in the thread's CPU time (manual time: neither reading
// nor generating the bytes, nor destroying the module, is counted). Each
// hostile shape is compiled in alternation with plain code of the same size,
// for a ratio that other load on the machine disturbs little.
#include <benchmark/benchmark.h>

#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>

#include "benchmarks.hpp"
#include "shapes.hpp"
#include "tiers.hpp"

namespace detwasm::bench {

Engine& engine_for(Tier tier, bool metering) {
  static std::map<std::pair<Tier, bool>, std::unique_ptr<Engine>> engines;
  auto& e = engines[{tier, metering}];
  if (!e) {
    EngineConfig config;
    config.tier = tier;
    config.metering = metering;
    e = std::make_unique<Engine>(config);
  }
  return *e;
}

std::vector<uint8_t> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

namespace {

double compile_seconds(Engine& engine, const std::vector<uint8_t>& bytes, std::optional<uint64_t>* code_bytes) {
  double start = thread_cpu_seconds();
  Module module = Module::compile(engine, bytes);
  double elapsed = thread_cpu_seconds() - start;
  if (code_bytes && !*code_bytes) *code_bytes = emitted_code_bytes(module);
  return elapsed;
}

// Compiles `bytes` once per iteration, the way a node compiles contracts
// (metering on). Counters: wasm_KB, us_per_KB and, when the JIT tells,
// code_per_wasm_byte (machine code bytes per Wasm byte).
//
// With a `baseline`, each iteration also compiles it, before or after in
// turn, so that both see the same load on a shared machine; `vs_baseline` is
// then the ratio of their compile times per KB.
void compile_loop(benchmark::State& state, Tier tier, const std::vector<uint8_t>& bytes,
                  const std::vector<uint8_t>* baseline = nullptr) {
  Engine& engine = engine_for(tier, true);
  double seconds = 0, baseline_seconds = 0;
  std::optional<uint64_t> code_bytes;
  uint64_t iteration = 0;
  for (auto _ : state) {
    try {
      bool baseline_first = iteration++ % 2 == 1;
      if (baseline && baseline_first) baseline_seconds += compile_seconds(engine, *baseline, nullptr);
      double elapsed = compile_seconds(engine, bytes, &code_bytes);
      if (baseline && !baseline_first) baseline_seconds += compile_seconds(engine, *baseline, nullptr);
      state.SetIterationTime(elapsed);
      seconds += elapsed;
    } catch (const std::exception& e) {
      state.SkipWithError(e.what());
      return;
    }
  }
  double kb = static_cast<double>(bytes.size()) / 1024;
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
  state.counters["wasm_KB"] = kb;
  state.counters["us_per_KB"] = seconds * 1e6 / static_cast<double>(state.iterations()) / kb;
  if (baseline)
    state.counters["vs_baseline"] =
        (seconds / static_cast<double>(bytes.size())) / (baseline_seconds / static_cast<double>(baseline->size()));
  if (code_bytes)
    state.counters["code_per_wasm_byte"] = static_cast<double>(*code_bytes) / static_cast<double>(bytes.size());
}

struct ShapeSize {
  const char* label;
  size_t bytes;
};
constexpr ShapeSize kShapeSizes[] = {{"100KB", 100 << 10}, {"1MB", 1 << 20}, {"4MB", 4 << 20}};

// Generated once, on first use, and shared by every tier.
const std::vector<uint8_t>& shape_bytes(const Shape& shape, const ShapeSize& size) {
  static std::map<std::string, std::vector<uint8_t>> cache;
  std::string key = std::string(shape.name) + "/" + size.label;
  auto it = cache.find(key);
  if (it == cache.end()) it = cache.emplace(key, shape.generate(size.bytes, ResourceLimits{})).first;
  return it->second;
}

}  // namespace

void register_compile_benchmarks(const std::vector<std::filesystem::path>& modules) {
  for (const TierInfo& t : tiers()) {
    if (!t.available) continue;
    for (const auto& path : modules) {
      std::string name = "compile/" + std::string(t.name) + "/" + path.stem().string();
      Tier tier = t.tier;
      benchmark::RegisterBenchmark(name.c_str(), [tier, path](benchmark::State& state) {
        static std::map<std::filesystem::path, std::vector<uint8_t>> files;
        auto it = files.find(path);
        if (it == files.end()) {
          try {
            it = files.emplace(path, read_file(path)).first;
          } catch (const std::exception& e) {
            state.SkipWithError(e.what());
            return;
          }
        }
        compile_loop(state, tier, it->second);
      })->UseManualTime()->Unit(benchmark::kMillisecond);
    }
  }
}

int dump_shapes(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  for (const Shape& shape : shapes()) {
    for (const ShapeSize& size : kShapeSizes) {
      auto path = dir / (std::string(shape.name) + "-" + size.label + ".wasm");
      const auto& bytes = shape_bytes(shape, size);
      std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
      std::cout << path.string() << "\n";
    }
  }
  return 0;
}

void register_shape_benchmarks() {
  for (const TierInfo& t : tiers()) {
    if (!t.available) continue;
    for (const Shape& shape : shapes()) {
      for (const ShapeSize& size : kShapeSizes) {
        std::string name = "shape/" + std::string(t.name) + "/" + std::string(shape.name) + "/" + size.label;
        Tier tier = t.tier;
        benchmark::RegisterBenchmark(name.c_str(), [tier, &shape, &size](benchmark::State& state) {
          const Shape& base = baseline_shape();
          bool is_base = shape.name == base.name;
          compile_loop(state, tier, shape_bytes(shape, size), is_base ? nullptr : &shape_bytes(base, size));
        })->UseManualTime()->Unit(benchmark::kMillisecond);
      }
    }
  }
}

}  // namespace detwasm::bench
