// Floating point and strided memory: n multiplications of 128x128 f64
// matrices, each product feeding the next.
#include "kernel.h"

#define DIM 128
static double a[DIM][DIM], b[DIM][DIM], c[DIM][DIM];

KERNEL_BENCH_N(4)

KERNEL_RUN {
  for (int i = 0; i < DIM; ++i)
    for (int j = 0; j < DIM; ++j) {
      a[i][j] = (double)((i * 7 + j * 3) % 17) / 16.0;
      b[i][j] = (double)((i * 5 + j * 11) % 13) / 12.0 - 0.5;
    }
  for (uint32_t round = 0; round < n; ++round) {
    for (int i = 0; i < DIM; ++i)
      for (int j = 0; j < DIM; ++j) c[i][j] = 0;
    for (int i = 0; i < DIM; ++i)
      for (int k = 0; k < DIM; ++k) {
        double aik = a[i][k];
        for (int j = 0; j < DIM; ++j) c[i][j] += aik * b[k][j];
      }
    // Keep the values bounded: a <- c scaled.
    for (int i = 0; i < DIM; ++i)
      for (int j = 0; j < DIM; ++j) a[i][j] = c[i][j] / DIM;
  }
  uint64_t sum = 0;
  for (int i = 0; i < DIM; ++i) {
    union {
      double d;
      uint64_t u;
    } v = {a[i][(i * 13) % DIM]};
    sum = sum * 31u + v.u;
  }
  return kernel_fold64(sum);
}
