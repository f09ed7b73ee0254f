#!/usr/bin/env bash
# Writes every module of the .wast files in <spec-dir> into <out-dir> as .wasm
# files (via wabt's wast2json), as a seed corpus for fuzz_load.
# Usage: make_seed_corpus.sh <spec-dir> <out-dir>
set -euo pipefail
spec=${1:?spec test directory}
out=${2:?output directory}
command -v wast2json > /dev/null || { echo "wast2json (wabt) is needed" >&2; exit 1; }
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for wast in "$spec"/*.wast; do
  name=$(basename "$wast" .wast)
  # Some files use syntax this wabt does not know; their modules are skipped.
  wast2json --enable-all "$wast" -o "$work/$name.json" > /dev/null 2>&1 || continue
done
shopt -s nullglob
n=0
for wasm in "$work"/*.wasm; do
  cp "$wasm" "$out/$(basename "$wasm")"
  n=$((n + 1))
done
echo "$n seed modules in $out"
