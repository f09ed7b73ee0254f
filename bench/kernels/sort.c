// Memory: fills n 32-bit keys (at most 1 Mi), copies them in blocks, sorts
// them (quicksort with insertion sort for small ranges) and checks the order.
#include "kernel.h"

#define SORT_MAX (1u << 20)
static uint32_t keys[SORT_MAX], copy[SORT_MAX];

static void insertion_sort(uint32_t* v, int32_t lo, int32_t hi) {
  for (int32_t i = lo + 1; i <= hi; ++i) {
    uint32_t x = v[i];
    int32_t j = i - 1;
    while (j >= lo && v[j] > x) {
      v[j + 1] = v[j];
      --j;
    }
    v[j + 1] = x;
  }
}

static void quicksort(uint32_t* v, int32_t lo, int32_t hi) {
  while (hi - lo > 16) {
    uint32_t pivot = v[lo + (hi - lo) / 2];
    int32_t i = lo, j = hi;
    while (i <= j) {
      while (v[i] < pivot) ++i;
      while (v[j] > pivot) --j;
      if (i <= j) {
        uint32_t t = v[i];
        v[i++] = v[j];
        v[j--] = t;
      }
    }
    // Recurse into the smaller side, loop on the larger.
    if (j - lo < hi - i) {
      quicksort(v, lo, j);
      lo = i;
    } else {
      quicksort(v, i, hi);
      hi = j;
    }
  }
  insertion_sort(v, lo, hi);
}

KERNEL_BENCH_N(250000)

KERNEL_RUN {
  if (n > SORT_MAX) n = SORT_MAX;
  uint32_t x = 12345;
  for (uint32_t i = 0; i < n; ++i) {
    x = x * 1664525u + 1013904223u;
    keys[i] = x;
  }
  // Block copies, rotated by a few thousand keys.
  uint32_t shift = n / 3;
  __builtin_memcpy(copy, keys + shift, (n - shift) * sizeof(uint32_t));
  __builtin_memcpy(copy + (n - shift), keys, shift * sizeof(uint32_t));
  if (n) quicksort(copy, 0, (int32_t)n - 1);
  uint32_t sum = 0, disorder = 0;
  for (uint32_t i = 0; i < n; ++i) {
    sum = sum * 31u + copy[i];
    if (i && copy[i - 1] > copy[i]) ++disorder;
  }
  return sum + disorder;
}
