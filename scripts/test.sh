#!/bin/sh
# Builds detwasm and runs the whole test suite with ctest (unit, property,
# spec, CLI, example) in build/, the headless runtime's tests in
# build-headless/, and the suite cross-built for AArch64 under qemu in
# build-a64/. With --sanitize, or when CI=true, runs the
# same suite again under AddressSanitizer and UndefinedBehaviorSanitizer in
# build-asan/. Exits non-zero if any build or test fails.
set -eu
cd "$(dirname "$0")/.."

sanitize=no
for arg in "$@"; do
  case $arg in
    --sanitize) sanitize=yes ;;
    -h|--help) echo "usage: scripts/test.sh [--sanitize]"; exit 0 ;;
    *) echo "error: unknown argument $arg (usage: scripts/test.sh [--sanitize])" >&2; exit 2 ;;
  esac
done
[ "${CI:-}" = true ] && sanitize=yes

scripts/install-deps.sh

summaries=""
status=0

# suite BUILD_DIR [CMAKE_OPTION...]: configure, build and test one build.
suite() {
  dir=$1
  shift
  log="$dir/ctest.log"
  echo "=== $dir: configure and build"
  if ! { cmake -S . -B "$dir" -G Ninja "$@" && cmake --build "$dir" -j2; }; then
    summaries="$summaries
$dir: BUILD FAILED"
    status=1
    return
  fi
  echo "=== $dir: ctest"
  ctest --test-dir "$dir" -j2 --output-on-failure 2>&1 | tee "$log"
  grep -q "^100% tests passed" "$log" || status=1
  summaries="$summaries
$dir: $(grep "tests passed" "$log" || echo "ctest did not finish")"
}

suite build
# The runtime without the compiler, running what build/ compiled: artifacts,
# and the spec suite from a compile cache.
suite build-headless -DDETWASM_HEADLESS=ON -DDETWASM_ARTIFACT_PRODUCER="$PWD/build/src/detwasm"
# Cross-built for AArch64 and run under qemu-user: both tiers there, with
# the same spec totals, vectors and properties as on x86-64.
suite build-a64 -DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/toolchain-aarch64.cmake" -DCMAKE_BUILD_TYPE=Release
# The same generated programs and cross-compiled artifacts on both.
if [ -x build-a64/src/detwasm ] && [ -x build/src/detwasm ]; then
  echo "=== cross-architecture check"
  if tests/cross_arch/check.sh build build-a64 "${CROSS_ARCH_PROGRAMS:-2000}" > build-a64/cross-arch.log 2>&1; then
    cat build-a64/cross-arch.log
    summaries="$summaries
cross-architecture: $(grep -h "^generated programs\|^cross-compiled" build-a64/cross-arch.log | tr '\n' ';')"
  else
    tail -40 build-a64/cross-arch.log
    summaries="$summaries
cross-architecture: FAILED (see build-a64/cross-arch.log)"
    status=1
  fi
fi
if [ "$sanitize" = yes ]; then
  export UBSAN_OPTIONS=print_stacktrace=1
  suite build-asan -DDETWASM_SANITIZE=ON
fi

# A short fuzz smoke (decode/validate/instantiate, and the JIT against the
# interpreter) in CI; scripts/fuzz-smoke.sh alone runs it longer.
if [ "${CI:-}" = true ]; then
  echo "=== fuzz smoke"
  if FUZZ_SECONDS=${FUZZ_SECONDS:-20} scripts/fuzz-smoke.sh > build-fuzz.log 2>&1; then
    summaries="$summaries
fuzz smoke: $(grep -c '^Done' build-fuzz.log) harnesses, no crash"
  else
    tail -40 build-fuzz.log
    summaries="$summaries
fuzz smoke: FAILED (see build-fuzz.log)"
    status=1
  fi
fi

echo "=== summary$summaries"
exit "$status"
