#!/bin/sh
# Writes the artifacts the headless tests load, with a detwasm that compiles:
#   make_artifacts.sh PRODUCER WAT2WASM MODULE.wat OUTDIR
# OUTDIR gets module.wasm, TIER-METERING.dwa for both tiers and metering
# modes, a key pair, jit-plain-signed.dwa signed with it, and div-jit.dwa.
set -eu
producer=$1 wat2wasm=$2 wat=$3 out=$4
rm -rf "$out"
mkdir -p "$out"
"$wat2wasm" "$wat" -o "$out/module.wasm"
"$producer" keygen "$out/key"
for tier in jit interp; do
  "$producer" --tier $tier compile "$out/module.wasm" -o "$out/$tier-plain.dwa" > /dev/null
  "$producer" --tier $tier compile --metered "$out/module.wasm" -o "$out/$tier-metered.dwa" > /dev/null
done
"$producer" --tier jit compile "$out/module.wasm" -o "$out/jit-plain-signed.dwa" --sign "$out/key" > /dev/null
# One without imports, for the command line.
printf '(module (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1))))' \
  > "$out/div.wat"
"$wat2wasm" "$out/div.wat" -o "$out/div.wasm"
"$producer" --tier jit compile "$out/div.wasm" -o "$out/div-jit.dwa" > /dev/null
