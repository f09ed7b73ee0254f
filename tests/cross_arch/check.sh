#!/bin/sh
# Cross-architecture checks between an x86-64 build and an AArch64 build
# run under qemu-aarch64:
#   check.sh X64_BUILD A64_BUILD [PROGRAMS]
# 1. Generated programs (tests/support/module_gen) give the same digests of
#    everything observable (results, traps, frames, memories, globals,
#    tables, gas) in both tiers, metered and not, on both.
# 2. Artifacts compiled on one architecture for the other run there and
#    give what a fresh compile gives natively, metered and not; and each
#    is byte for byte the artifact the other architecture compiles for
#    itself (the code may not depend on the machine or the C++ compiler
#    that built the engine).
set -eu
x64=$1 a64=$2 programs=${3:-1000}
here=$(cd "$(dirname "$0")" && pwd)
emu=${DETWASM_EMULATOR:-qemu-aarch64}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

"$x64/tests/detwasm-program-digests" 0 "$programs" > "$tmp/x64.txt"
$emu "$a64/tests/detwasm-program-digests" 0 "$programs" > "$tmp/a64.txt"
if cmp -s "$tmp/x64.txt" "$tmp/a64.txt"; then
  echo "generated programs: $programs the same on x86-64 and AArch64"
else
  seed=$(diff "$tmp/x64.txt" "$tmp/a64.txt" | sed -n 's/^< \([0-9]*\) .*/\1/p' | head -1)
  echo "generated programs: seed $seed differs"
  echo "--- x86-64"; "$x64/tests/detwasm-program-digests" 0 1 --show "$seed"
  echo "--- AArch64"; $emu "$a64/tests/detwasm-program-digests" 0 1 --show "$seed"
  status=1
fi

# run DETWASM [EMULATOR] MODULE GAS ARGS...: the JSON result without timings.
run() {
  "$@" --no-cache --json 2>&1 | sed 's/,"cache".*//' || true
}
calls="fac:20 sum:1000 indirect:0:15 indirect:1:77 indirect:2:1 floats:0:0 floats:-2.5:0.5
trunc:-1 trunc:3e9 trunc:nan divs:-7:2 divs:-2147483648:-1 divs:1:0 bits:0x8000000000000010
load:0 load:10 grow:1 grow:5 deep:100 deep:100000"
checked=0
for metering in plain metered; do
  gas=""
  compile_flag=""
  if [ $metering = metered ]; then gas="--gas 100000000"; compile_flag=--metered; fi
  "$x64/src/detwasm" compile $compile_flag --target aarch64 "$here/kernels.wat" -o "$tmp/for-a64.dwa" > /dev/null
  $emu "$a64/src/detwasm" compile $compile_flag --target x86_64 "$here/kernels.wat" -o "$tmp/for-x64.dwa" > /dev/null
  "$x64/src/detwasm" compile $compile_flag "$here/kernels.wat" -o "$tmp/x64-native.dwa" > /dev/null
  $emu "$a64/src/detwasm" compile $compile_flag "$here/kernels.wat" -o "$tmp/a64-native.dwa" > /dev/null
  for pair in for-x64:x64-native for-a64:a64-native; do
    if ! cmp -s "$tmp/${pair%%:*}.dwa" "$tmp/${pair#*:}.dwa"; then
      echo "artifacts ($metering): ${pair%%:*}.dwa, cross-compiled, differs from ${pair#*:}.dwa"
      status=1
    fi
  done
  for call in $calls; do
    args=$(echo "$call" | tr ':' ' ')
    name=${args%% *}
    rest=${args#"$name"}
    # shellcheck disable=SC2086
    want=$(run "$x64/src/detwasm" run $gas "$here/kernels.wat" --invoke $name $rest)
    # shellcheck disable=SC2086
    on_a64=$(run $emu "$a64/src/detwasm" run $gas "$tmp/for-a64.dwa" --invoke $name $rest)
    # shellcheck disable=SC2086
    on_x64=$(run "$x64/src/detwasm" run $gas "$tmp/for-x64.dwa" --invoke $name $rest)
    if [ "$want" != "$on_a64" ] || [ "$want" != "$on_x64" ]; then
      echo "artifacts ($metering) $call: native $want; compiled on x86-64 for AArch64 $on_a64; compiled on AArch64 for x86-64 $on_x64"
      status=1
    fi
    checked=$((checked + 1))
  done
done
echo "cross-compiled artifacts: $checked calls compared"
exit $status
