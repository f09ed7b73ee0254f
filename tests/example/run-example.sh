#!/bin/sh
# Builds examples/math.c as setup does and checks what `detwasm run` prints.
# Usage: run-example.sh DETWASM OUTDIR
set -eu
detwasm=$1
out=$2
"$(dirname "$0")/../../scripts/build-examples.sh" "$out" >/dev/null
module=$out/math.wasm
failures=0

# expect STATUS OUTPUT FUNCTION ARG...
expect() {
  want_status=$1 want_out=$2
  shift 2
  status=0
  got=$("$detwasm" run "$module" --invoke "$@" 2>/dev/null) || status=$?
  if [ "$status" != "$want_status" ] || [ "$got" != "$want_out" ]; then
    echo "detwasm run math.wasm --invoke $*: expected status $want_status and '$want_out'," \
         "got status $status and '$got'" >&2
    failures=$((failures + 1))
  fi
}

expect 0 "i32:5" add 2 3
expect 0 "i32:-1" add 2147483647 -2147483648
expect 0 "i64:2432902008176640000" factorial 20
expect 0 "i32:6765" fib 20
expect 0 "f64:5" hypot 3 4
expect 0 "i32:655449478" checksum 100   # hash of i*i%251 for i < 100, written to memory first
expect 0 "i32:3" divide 7 2
expect 1 "" divide 1 0

# The JSON output ends with the cache outcome and timings, which vary.
json=$("$detwasm" run "$module" --invoke hypot 3 4 --json)
case $json in
  '{"results":[{"type":"f64","value":"0x4014000000000000"}],"trap":null,"cache":"'*'"timings":{"load_us":'*) ;;
  *) echo "unexpected --json output: $json" >&2; failures=$((failures + 1)) ;;
esac

[ "$failures" = 0 ] && echo "example: all checks passed"
exit "$failures"
