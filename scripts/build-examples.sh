#!/bin/sh
# Compiles examples/*.c to freestanding Wasm modules: build-examples.sh OUTDIR
set -eu
out=${1:?usage: build-examples.sh OUTDIR}
src=$(cd "$(dirname "$0")/.." && pwd)/examples
mkdir -p "$out"
for c in "$src"/*.c; do
  name=$(basename "$c" .c)
  clang --target=wasm32 -O2 -nostdlib -Wl,--no-entry -o "$out/$name.wasm" "$c"
  echo "built $out/$name.wasm"
done
