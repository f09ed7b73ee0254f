// Small functions compiled to Wasm for `detwasm run` (scripts/build-examples.sh):
//   detwasm run build/examples/math.wasm --invoke fib 20
// No C library: the module has no imports and runs as it is.

#define EXPORT(name) __attribute__((export_name(name)))

EXPORT("add") int add(int a, int b) { return a + b; }

// Traps with integer_divide_by_zero when b is 0.
EXPORT("divide") int divide(int a, int b) { return a / b; }

EXPORT("factorial") long long factorial(int n) {
  long long result = 1;
  for (int i = 2; i <= n; ++i) result *= i;
  return result;
}

EXPORT("fib") unsigned fib(unsigned n) {
  unsigned a = 0, b = 1;
  while (n-- > 0) {
    unsigned next = a + b;
    a = b;
    b = next;
  }
  return a;
}

EXPORT("hypot") double hypot(double x, double y) { return __builtin_sqrt(x * x + y * y); }

// Uses linear memory: writes n bytes (at most 1024) into a static buffer,
// then hashes them back.
static volatile unsigned char buffer[1024];

EXPORT("checksum") unsigned checksum(unsigned n) {
  if (n > sizeof buffer) n = sizeof buffer;
  for (unsigned i = 0; i < n; ++i) buffer[i] = (unsigned char)(i * i % 251);
  unsigned hash = 0;
  for (unsigned i = 0; i < n; ++i) hash = hash * 31 + buffer[i];
  return hash;
}
