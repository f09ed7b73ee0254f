#!/bin/bash
# detwasm side by side with V8's Liftoff and with native code, in one run:
#   - compile time of real modules (SQLite, Lua, Duktape, zstd) in each detwasm tier and in
#     Liftoff (`new WebAssembly.Module`, single-threaded, eager);
#   - run time of the compute kernels (bench/kernels/*.c) in each detwasm
#     tier, metered and not, in Liftoff, and compiled natively by clang -O2;
#   - compile time of the generated hostile shapes against plain code, in
#     each detwasm tier and in Liftoff;
#   - loading the real modules' artifacts (from a file, as from the compile
#     cache) against compiling them, and instantiating a small module.
# Prints a table and writes bench/work/results.json.
#
#   bench/run-side-by-side.sh [--quick] [-- DETWASM-BENCH-ARGS...]
#
# --quick runs each detwasm benchmark for a shorter time. Installs what is
# missing with apt-get (root or sudo). Everything fetched or built goes to
# bench/work/ and build-bench/, neither of them committed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work=$root/bench/work
build=$root/build-bench

bench_args=()
while [ $# -gt 0 ]; do
  case $1 in
    --quick) bench_args+=(--benchmark_min_time=0.1) ;;
    --) shift; bench_args+=("$@"); break ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

echo "=== dependencies"
scripts/install-deps.sh
if ! command -v node >/dev/null; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq nodejs </dev/null
fi

echo "=== real modules"
bench/real/build-real-modules.sh "$work/modules" "$work"
modules=("$work"/modules/{sqlite3,lua,duktape,zstd}.wasm)

echo "=== detwasm-bench"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DDETWASM_BENCH=ON -DDETWASM_TESTS=OFF >/dev/null
cmake --build "$build" -j2 --target detwasm-bench detwasm-cli
kernels=("$build"/bench/kernels/*.wasm)

echo "=== artifacts: the same bytes every time"
# Each real module, in each tier, written by two processes with different
# compile thread counts: the artifacts must be identical.
same=0
differ=()
for m in "${modules[@]}"; do
  for tier in jit interp; do
    a=$work/$(basename "$m" .wasm)-$tier
    "$build/src/detwasm" --tier $tier --threads 1 compile --metered "$m" -o "$a.1.art" >/dev/null
    "$build/src/detwasm" --tier $tier --threads 2 compile --metered "$m" -o "$a.2.art" >/dev/null
    if cmp -s "$a.1.art" "$a.2.art"; then same=$((same + 1)); else differ+=("$(basename "$a")"); fi
    rm -f "$a.1.art" "$a.2.art"
  done
done
if [ ${#differ[@]} -eq 0 ]; then
  echo "identical ($same module and tier pairs)" >"$work/artifact-determinism.txt"
else
  echo "DIFFERENT for ${differ[*]}" >"$work/artifact-determinism.txt"
fi
cat "$work/artifact-determinism.txt"

echo "=== detwasm: compile, shapes and kernels"
# The console shows the run as it goes; the JSON file is what the report reads.
"$build/bench/detwasm-bench" "--modules=$(IFS=,; echo "${modules[*]}")" \
  "--benchmark_out=$work/detwasm.json" --benchmark_out_format=json "${bench_args[@]}"

echo "=== V8 Liftoff: compile and kernels"
# Liftoff only, never tiered up, every function compiled up front, and no
# background threads (detwasm compiles on one thread too).
node_flags=(--liftoff --no-wasm-tier-up --no-wasm-dynamic-tiering --no-wasm-lazy-compilation
            --single-threaded --expose-gc)
v8_options=$(node --v8-options)
grep -q -- "--liftoff-only" <<<"$v8_options" && node_flags+=(--liftoff-only)
node "${node_flags[@]}" bench/liftoff.mjs compile "${modules[@]}" >"$work/liftoff-compile.json"
node "${node_flags[@]}" bench/liftoff.mjs run "${kernels[@]}" >"$work/liftoff-run.json"
# The generated shapes too, as a reference for the ratios to plain code.
rm -rf "$work/shapes"
"$build/bench/detwasm-bench" "--dump-shapes=$work/shapes" >/dev/null
node "${node_flags[@]}" bench/liftoff.mjs compile --min-ms=500 "$work"/shapes/*.wasm >"$work/liftoff-shapes.json"

echo "=== side by side"
node bench/report.mjs "$work/detwasm.json" "$work/liftoff-compile.json" "$work/liftoff-run.json" \
  "$work/liftoff-shapes.json" "$work/results.json" "$work/artifact-determinism.txt" | tee "$work/results.txt"
