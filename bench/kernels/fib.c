// Calls: the doubly recursive Fibonacci function.
#include "kernel.h"

static uint32_t fib(uint32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

KERNEL_BENCH_N(30)

KERNEL_RUN { return fib(n); }
