#!/bin/sh
# Installs the build into a fresh prefix, then builds and runs a small C
# program against it twice: found by CMake (find_package) and by pkg-config;
# then every C example, built with pkg-config, checked against its output.
# Usage: install_test.sh BUILD_DIR CONSUMER_SOURCE_DIR WORK_DIR EXAMPLES_DIR
set -eu
build=$1 consumer=$2 work=$3 examples=$4
rm -rf "$work"
mkdir -p "$work"
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null

for f in include/wasm.h include/detwasm.h include/detwasm/detwasm.hpp bin/detwasm; do
  [ -e "$prefix/$f" ] || { echo "not installed: $f" >&2; exit 1; }
done
libdir=$(dirname "$(find "$prefix" -name detwasm.pc)")/..
libdir=$(cd "$libdir" && pwd)
[ -e "$libdir/libdetwasm.a" ] || { echo "not installed: libdetwasm.a" >&2; exit 1; }

# Only the C and C++ APIs are exported.
if nm -D --defined-only "$libdir/libdetwasm.so" | awk '{print $3}' |
    grep -v -E '^(wasm_|detwasm_|_ZN7detwasm|_ZNK7detwasm|_ZT[ISV]N7detwasm)' | grep -q .; then
  echo "libdetwasm.so exports more than the C and C++ APIs:" >&2
  nm -D --defined-only "$libdir/libdetwasm.so" | awk '{print $3}' |
    grep -v -E '^(wasm_|detwasm_|_ZN7detwasm|_ZNK7detwasm|_ZT[ISV]N7detwasm)' | head >&2
  exit 1
fi

echo "== find_package"
cmake -S "$consumer" -B "$work/cmake-build" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/cmake-build" >/dev/null
"$work/cmake-build/consumer"

echo "== pkg-config"
export PKG_CONFIG_PATH="$libdir/pkgconfig"
# shellcheck disable=SC2046
cc -o "$work/consumer-pc" "$consumer/consumer.c" $(pkg-config --cflags --libs detwasm) \
  -Wl,-rpath,"$(pkg-config --variable=libdir detwasm)"
"$work/consumer-pc"

echo "== the C examples"
for source in "$examples"/*.c; do
  name=$(basename "$source" .c)
  # shellcheck disable=SC2046
  cc -std=c11 -o "$work/example-$name" "$source" $(pkg-config --cflags --libs detwasm) -lpthread \
    -Wl,-rpath,"$(pkg-config --variable=libdir detwasm)"
  "$work/example-$name" > "$work/example-$name.out"
  if ! cmp -s "$work/example-$name.out" "$examples/expected/$name.txt"; then
    echo "example $name: output differs from expected/$name.txt" >&2
    diff "$examples/expected/$name.txt" "$work/example-$name.out" >&2 || true
    exit 1
  fi
  echo "$name: as expected"
done
echo "install test: passed"
