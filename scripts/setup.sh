#!/bin/sh
# Sets detwasm up on Debian 12: installs what is missing, configures and
# builds in build/, makes the Python package importable by `python3`
# (scripts/python-link.sh), compiles the C example to
# build/examples/math.wasm and runs one of its exports.
set -eu
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build -G Ninja
cmake --build build -j2
if [ -d build/python/detwasm ]; then
  scripts/python-link.sh build
fi
scripts/build-examples.sh build/examples

echo "+ build/src/detwasm run build/examples/math.wasm --invoke fib 20"
build/src/detwasm run build/examples/math.wasm --invoke fib 20
