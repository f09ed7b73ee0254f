// Integer: 64- and 32-bit multiply, shift, rotate and xor in registers.
#include "kernel.h"

KERNEL_BENCH_N(4000000)

KERNEL_RUN {
  uint64_t h = 0x9E3779B97F4A7C15ull;
  uint32_t a = 1;
  for (uint32_t i = 0; i < n; ++i) {
    h ^= i;
    h *= 0xFF51AFD7ED558CCDull;
    h ^= h >> 33;
    h = (h << 13) | (h >> 51);
    a = a * 31u + (uint32_t)(h >> 7);
    a ^= a >> 11;
  }
  return kernel_fold64(h) ^ a;
}
