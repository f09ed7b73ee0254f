// What an artifact buys: loading a module's compiled form against compiling
// it, in alternation so that both halves see the same load on the machine,
// and instantiating a small module. Metering on, as a node runs contracts.
#include <benchmark/benchmark.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "benchmarks.hpp"
#include "tiers.hpp"

namespace detwasm::bench {

namespace {

// A store with the module instantiated, every imported function a host
// function that returns zeros (real modules import WASI).
void instantiate_with_stub_imports(Engine& engine, const Module& module) {
  Store store(engine);
  std::vector<Extern> imports;
  for (const ImportType& i : module.imports()) {
    if (i.kind != ExternKind::Func) throw std::runtime_error("the benchmark stubs function imports only");
    imports.push_back(store.new_host_func(i.func, [](Caller&, std::span<const Value>, std::span<Value> results) {
      for (Value& r : results) r.bits = 0;
      return std::optional<Trap>();
    }));
  }
  Instantiation inst = store.instantiate(module, imports);
  if (inst.trap) throw std::runtime_error("instantiation trapped: " + inst.trap->to_string());
  benchmark::DoNotOptimize(inst);
}

// Each iteration compiles the module, loads its artifact from memory, and
// loads it from a file (its code mapped, not copied) and instantiates it,
// in turn first; the iteration's time is that load from the file and
// instantiation, as a node starts a contract from its cache. Counters:
// compile_ms, load_ms (from memory), load_file_ms, load_instantiate_ms (the
// mean, each after a compile has emptied the caches) and its best,
// speedup (compile over load from the file and instantiate) and
// artifact_per_wasm_byte.
void load_vs_compile(benchmark::State& state, Tier tier, const std::vector<uint8_t>& wasm) {
  Engine& engine = engine_for(tier, true);
  std::vector<uint8_t> artifact;
  try {
    artifact = Module::compile(engine, wasm).serialize();
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  std::filesystem::path file =
      std::filesystem::temp_directory_path() / ("detwasm-bench-" + std::to_string(::getpid()) + ".art");
  std::ofstream(file, std::ios::binary)
      .write(reinterpret_cast<const char*>(artifact.data()), static_cast<std::streamsize>(artifact.size()));
  double compile_s = 0, load_s = 0, file_s = 0, both_s = 0, best_both_s = 1e9;
  uint64_t iteration = 0;
  for (auto _ : state) {
    auto time = [](auto&& f) {
      double start = thread_cpu_seconds();
      f();
      return thread_cpu_seconds() - start;
    };
    auto compile = [&] { return time([&] { benchmark::DoNotOptimize(Module::compile(engine, wasm)); }); };
    auto load = [&] { return time([&] { benchmark::DoNotOptimize(Module::deserialize(engine, artifact)); }); };
    double file_only = 0;
    auto load_file = [&] {
      return time([&] {
        double start = thread_cpu_seconds();
        Module m = Module::deserialize_file(engine, file.string());
        file_only = thread_cpu_seconds() - start;
        instantiate_with_stub_imports(engine, m);
      });
    };
    double f;
    if (iteration++ % 2 == 0) {
      compile_s += compile();
      load_s += load();
      f = load_file();
    } else {
      f = load_file();
      load_s += load();
      compile_s += compile();
    }
    file_s += file_only;
    both_s += f;
    best_both_s = std::min(best_both_s, f);
    state.SetIterationTime(f);
  }
  std::filesystem::remove(file);
  double n = static_cast<double>(state.iterations());
  state.counters["compile_ms"] = compile_s * 1e3 / n;
  state.counters["load_ms"] = load_s * 1e3 / n;
  state.counters["load_file_ms"] = file_s * 1e3 / n;
  state.counters["load_instantiate_ms"] = both_s * 1e3 / n;
  // The best iteration: caches warm rather than emptied by the compile.
  state.counters["load_instantiate_best_ms"] = best_both_s * 1e3;
  state.counters["speedup"] = compile_s / both_s;
  state.counters["artifact_per_wasm_byte"] = static_cast<double>(artifact.size()) / static_cast<double>(wasm.size());
}

// (module (memory 1) (global (mut i32) (i32.const 0)) (table 2 funcref)
//   (elem (i32.const 0) $inc $dbl) (data (i32.const 0) "hi")
//   (func $inc ...) (func $dbl ...) (func (export "f") ...)), by wat2wasm.
const std::vector<uint8_t> kSmallModule = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x03,
    0x04, 0x03, 0x00, 0x00, 0x00, 0x04, 0x04, 0x01, 0x70, 0x00, 0x02, 0x05, 0x03, 0x01, 0x00, 0x01, 0x06,
    0x06, 0x01, 0x7f, 0x01, 0x41, 0x00, 0x0b, 0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x02, 0x09, 0x08, 0x01,
    0x00, 0x41, 0x00, 0x0b, 0x02, 0x00, 0x01, 0x0a, 0x1a, 0x03, 0x07, 0x00, 0x20, 0x00, 0x41, 0x01, 0x6a,
    0x0b, 0x07, 0x00, 0x20, 0x00, 0x41, 0x02, 0x6c, 0x0b, 0x08, 0x00, 0x20, 0x00, 0x10, 0x00, 0x10, 0x01,
    0x0b, 0x0b, 0x08, 0x01, 0x00, 0x41, 0x00, 0x0b, 0x02, 0x68, 0x69};

}  // namespace

void register_artifact_benchmarks(const std::vector<std::filesystem::path>& modules) {
  for (const TierInfo& t : tiers()) {
    if (!t.available) continue;
    Tier tier = t.tier;
    for (const auto& path : modules) {
      std::string name = "artifact/" + std::string(t.name) + "/" + path.stem().string();
      benchmark::RegisterBenchmark(name.c_str(), [tier, path](benchmark::State& state) {
        static std::map<std::filesystem::path, std::vector<uint8_t>> files;
        auto it = files.find(path);
        if (it == files.end()) it = files.emplace(path, read_file(path)).first;
        load_vs_compile(state, tier, it->second);
      })->UseManualTime()->Unit(benchmark::kMillisecond);
    }
    // A store and an instance of a small module: one memory, a table, a
    // global, a data and an element segment, three functions.
    benchmark::RegisterBenchmark(("instantiate/" + std::string(t.name) + "/small").c_str(),
                                 [tier](benchmark::State& state) {
                                   Engine& engine = engine_for(tier, true);
                                   Module module = Module::deserialize(engine, Module::compile(engine, kSmallModule).serialize());
                                   for (auto _ : state) {
                                     Store store(engine);
                                     benchmark::DoNotOptimize(store.instantiate(module, std::vector<Extern>{}));
                                   }
                                 })
        ->Unit(benchmark::kMicrosecond);
  }
}

}  // namespace detwasm::bench
