// Registration of each benchmark family. Names are "<family>/<tier>/...":
//   compile/<tier>/<module>            compile a real module (from a file)
//   shape/<tier>/<shape>/<size>        compile a generated module of one shape
//   kernel/<tier>/<metered|unmetered>/<kernel>   run a compute kernel
//   kernel/native/<kernel>             the same kernel compiled for the host
// Tiers this build does not offer register no benchmarks.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <detwasm/detwasm.hpp>

namespace detwasm::bench {

// One engine per configuration, kept for the whole process.
Engine& engine_for(Tier tier, bool metering);

std::vector<uint8_t> read_file(const std::filesystem::path& path);

void register_compile_benchmarks(const std::vector<std::filesystem::path>& modules);
void register_shape_benchmarks();
// Writes every generated module to DIR/<shape>-<size>.wasm.
int dump_shapes(const std::filesystem::path& dir);
// Without a directory, the kernels built with the benchmark.
void register_kernel_benchmarks(const std::optional<std::filesystem::path>& kernel_dir);

}  // namespace detwasm::bench
