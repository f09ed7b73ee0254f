#!/usr/bin/env bash
# Builds the libFuzzer harnesses with clang (ASan + UBSan) in build-fuzz and
# runs each for a bounded time; exits nonzero if one finds a crash, a
# sanitizer report, a disagreement or a timeout.
#
# To fuzz longer, raise the time per harness, or run a harness yourself:
#   FUZZ_SECONDS=3600 scripts/fuzz-smoke.sh
#   build-fuzz/fuzz/fuzz_load -jobs=2 -workers=2 -rss_limit_mb=2048 -timeout=20 \
#       build-fuzz/fuzz/corpus/fuzz_load build-fuzz/fuzz/seeds
# A crashing input is written to build-fuzz/fuzz/artifacts/; rerun it with
#   build-fuzz/fuzz/fuzz_load build-fuzz/fuzz/artifacts/crash-...
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$src/build-fuzz}
seconds=${FUZZ_SECONDS:-60}
generator=()
command -v ninja > /dev/null && generator=(-G Ninja)

cmake -S "$src" -B "$build" "${generator[@]}" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DDETWASM_FUZZ=ON -DDETWASM_TESTS=OFF > /dev/null
cmake --build "$build" --target fuzz_load fuzz_differential fuzz_artifact fuzz_text

fuzz=$build/fuzz
if [ ! -d "$fuzz/seeds" ]; then
  "$src/fuzz/make_seed_corpus.sh" "$src/../shared/spec-testsuite/core" "$fuzz/seeds"
fi
# Reproducers of defects found before and seed modules, kept as text in fuzz/seeds.
for wat in "$src"/fuzz/seeds/*.wat; do
  wat2wasm "$wat" -o "$fuzz/seeds/$(basename "$wat" .wat).wasm"
done
if [ ! -d "$fuzz/text-seeds" ]; then
  "$src/fuzz/make_text_seed_corpus.py" "$src/../shared/spec-testsuite/core" "$fuzz/text-seeds"
fi
cp "$src"/fuzz/seeds/*.wat "$fuzz/text-seeds/"
mkdir -p "$fuzz/artifacts" "$fuzz/corpus/fuzz_load" "$fuzz/corpus/fuzz_differential" "$fuzz/corpus/fuzz_artifact" \
  "$fuzz/corpus/fuzz_text"

# Every harness starts from the spec modules (fuzz_differential also takes
# any other input as choices for the module generator; fuzz_artifact
# compiles each into artifacts it damages and forges).
for harness in fuzz_load fuzz_differential fuzz_artifact; do
  echo "== $harness for ${seconds}s"
  "$fuzz/$harness" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=20 -print_final_stats=1 \
    -artifact_prefix="$fuzz/artifacts/$harness-" "$fuzz/corpus/$harness" "$fuzz/seeds"
done
# fuzz_text starts from the spec suite's modules as text.
echo "== fuzz_text for ${seconds}s"
"$fuzz/fuzz_text" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=20 -print_final_stats=1 \
  -artifact_prefix="$fuzz/artifacts/fuzz_text-" "$fuzz/corpus/fuzz_text" "$fuzz/text-seeds"
echo "fuzz smoke: no crash"
