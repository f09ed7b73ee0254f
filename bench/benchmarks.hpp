// Registration of each benchmark family. Names are "<family>/<tier>/...":
//   compile/<tier>/<module>            compile a real module (from a file)
//   shape/<tier>/<shape>/<size>        compile a generated module of one shape
//   kernel/<tier>/<kernel>             run a compute kernel (unmetered)
//   kernel/native/<kernel>             the same kernel compiled for the host
//   metering/<tier>/<kernel>           the kernel metered against unmetered
// Tiers this build does not offer register no benchmarks.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <time.h>
#include <vector>

#include <detwasm/detwasm.hpp>

namespace detwasm::bench {

// One engine per configuration, kept for the whole process.
Engine& engine_for(Tier tier, bool metering);

std::vector<uint8_t> read_file(const std::filesystem::path& path);

// The calling thread's CPU time. Compiling and running Wasm are
// single-threaded, and on a shared machine CPU time is far less disturbed by
// other load than wall time.
inline double thread_cpu_seconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void register_compile_benchmarks(const std::vector<std::filesystem::path>& modules);
void register_shape_benchmarks();
// Loading each module's artifact against compiling it, and instantiating a
// small module.
void register_artifact_benchmarks(const std::vector<std::filesystem::path>& modules);
// Writes every generated module to DIR/<shape>-<size>.wasm.
int dump_shapes(const std::filesystem::path& dir);
// Without a directory, the kernels built with the benchmark.
void register_kernel_benchmarks(const std::optional<std::filesystem::path>& kernel_dir);

}  // namespace detwasm::bench
