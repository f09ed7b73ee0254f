// What every compute kernel provides: run(n), which does work proportional
// to n and returns a checksum, and bench_n(), the n the benchmarks use.
//
// The same source is compiled to wasm32 (exports "run" and "bench_n") and for
// the host, where KERNEL_NAME prefixes the symbols so that every kernel links
// into one native binary. Checksums use fixed-width types only, so both builds
// return the same value.
#pragma once

#include <stdint.h>

#define KERNEL_CAT2(a, b) a##b
#define KERNEL_CAT(a, b) KERNEL_CAT2(a, b)

#ifdef KERNEL_NAME
#define KERNEL_RUN uint32_t KERNEL_CAT(KERNEL_NAME, _run)(uint32_t n)
#define KERNEL_BENCH_N(value) \
  uint32_t KERNEL_CAT(KERNEL_NAME, _bench_n)(void) { return value; }
#else
#define KERNEL_RUN uint32_t run(uint32_t n)
#define KERNEL_BENCH_N(value) \
  uint32_t bench_n(void) { return value; }
#endif

// Folds a 64-bit value into a 32-bit checksum.
static inline uint32_t kernel_fold64(uint64_t x) { return (uint32_t)(x ^ (x >> 32)); }
