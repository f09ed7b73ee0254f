// Integer and byte memory: the sieve of Eratosthenes below n (at most 8 Mi).
#include "kernel.h"

#define SIEVE_MAX (8u << 20)
static uint8_t composite[SIEVE_MAX];

KERNEL_BENCH_N(2000000)

KERNEL_RUN {
  if (n > SIEVE_MAX) n = SIEVE_MAX;
  for (uint32_t i = 0; i < n; ++i) composite[i] = 0;
  uint32_t count = 0, sum = 0;
  for (uint32_t i = 2; i < n; ++i) {
    if (composite[i]) continue;
    ++count;
    sum = sum * 7u + i;
    for (uint64_t j = (uint64_t)i * i; j < n; j += i) composite[j] = 1;
  }
  return count ^ sum;
}
