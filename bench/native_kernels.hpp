// The compute kernels compiled for the host (bench/kernels/*.c, with the
// same clang and -O2 as their Wasm builds), linked into the benchmark.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace detwasm::bench {

struct NativeKernel {
  std::string_view name;
  uint32_t (*run)(uint32_t n);
  uint32_t (*bench_n)();
};

std::span<const NativeKernel> native_kernels();

}  // namespace detwasm::bench
