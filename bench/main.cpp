// detwasm-bench: compile throughput, hostile module shapes, kernel run time
// and metering overhead, with the ratios between them printed at the end.
//
//   detwasm-bench [--modules=A.wasm,B.wasm] [--kernels=DIR] [--benchmark_...]
//   detwasm-bench --dump-shapes=DIR    writes the generated modules and exits
//
// Real modules also come from DETWASM_BENCH_MODULES (paths separated by ':'),
// kernels (*.wasm exporting run and bench_n) from DETWASM_BENCH_KERNELS;
// by default, the kernels built with this binary.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "benchmarks.hpp"
#include "summary.hpp"
#include "tiers.hpp"

namespace {

void split_into(std::string_view list, char separator, std::vector<std::filesystem::path>& out) {
  while (!list.empty()) {
    size_t end = list.find(separator);
    std::string_view item = list.substr(0, end);
    if (!item.empty()) out.emplace_back(item);
    if (end == std::string_view::npos) break;
    list.remove_prefix(end + 1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace detwasm::bench;
  std::vector<std::filesystem::path> modules;
  std::optional<std::filesystem::path> kernel_dir;
  std::string format = "console";
  if (const char* env = std::getenv("DETWASM_BENCH_MODULES")) split_into(env, ':', modules);
  if (const char* env = std::getenv("DETWASM_BENCH_KERNELS")) kernel_dir = std::filesystem::path(env);

  // Our own options leave argv before Google Benchmark sees it.
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.starts_with("--modules=")) {
      split_into(arg.substr(10), ',', modules);
    } else if (arg.starts_with("--dump-shapes=")) {
      return dump_shapes(std::filesystem::path(arg.substr(14)));
    } else if (arg.starts_with("--kernels=")) {
      kernel_dir = std::filesystem::path(arg.substr(10));
    } else {
      if (arg.starts_with("--benchmark_format=")) format = arg.substr(19);
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  // Which tiers ran goes into the context (and the JSON output).
  for (const TierInfo& t : tiers())
    benchmark::AddCustomContext("tier_" + std::string(t.name),
                                t.available ? "available" : "unavailable: " + t.unavailable_reason);

  register_compile_benchmarks(modules);
  register_artifact_benchmarks(modules);
  register_shape_benchmarks();
  register_kernel_benchmarks(kernel_dir);

  Summary summary;
  auto reporter = make_reporter(format, summary);
  benchmark::RunSpecifiedBenchmarks(reporter.get());
  // Keep a machine-readable stdout clean.
  summary.print(format == "console" ? std::cout : std::cerr);
  benchmark::Shutdown();
  return 0;
}
