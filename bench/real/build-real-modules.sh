#!/bin/bash
# Builds real programs for wasm32-wasi from their Debian source packages, as
# large modules for the compile benchmarks:
#   OUTDIR/sqlite3.wasm   SQLite (amalgamation, FTS5, R*Tree, JSON, math) and
#                         a main running a small SQL workload in memory
#   OUTDIR/lua.wasm       the Lua 5.4 interpreter with its standard library
#
#   bench/real/build-real-modules.sh OUTDIR [WORKDIR]
#
# Sources come from `apt-get source` (a deb-src entry for the release is added
# beside the existing apt sources when none exists) into WORKDIR (default:
# bench/work), which is never committed. Needs root or sudo to install what is
# missing. A module already built is kept.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: build-real-modules.sh OUTDIR [WORKDIR]}
work=${2:-$here/../work}
mkdir -p "$out" "$work"
out=$(cd "$out" && pwd)
work=$(cd "$work" && pwd)

sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
export DEBIAN_FRONTEND=noninteractive

# --- packages -------------------------------------------------------------
packages="clang lld wasi-libc libclang-rt-14-dev-wasm32 dpkg-dev tcl make"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "installing:$missing"
  $sudo apt-get update -qq
  # shellcheck disable=SC2086  # one word per package
  $sudo apt-get install -y -qq $missing </dev/null
fi

# --- deb-src entry ----------------------------------------------------------
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")

# The URI of the first `deb` source for the release itself (not -security or
# -updates), from deb822 .sources files or one-line .list files.
mirror_uri() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk -v s="$codename" 'BEGIN { RS = ""; FS = "\n" } {
      types = ""; uris = ""; suites = ""
      for (i = 1; i <= NF; i++) {
        if ($i ~ /^Types:/) types = $i
        else if ($i ~ /^URIs:/) uris = $i
        else if ($i ~ /^Suites:/) suites = $i
      }
      if (types ~ /[ \t]deb([ \t]|$)/ && (suites " ") ~ ("[ \t]" s "[ \t]")) {
        sub(/^URIs:[ \t]*/, "", uris); split(uris, u, /[ \t]+/); print u[1]; exit
      }
    }' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk -v s="$codename" '$1 == "deb" {
      i = 2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
      if ($(i + 1) == s) { print $i; exit }
    }' "$f"
  done
}

if ! apt-cache showsrc sqlite3 lua5.4 2>/dev/null | grep -q "^Package: lua5.4"; then
  uri=$(mirror_uri | head -n 1)
  [ -n "$uri" ] || { echo "error: no deb entry for $codename in the apt sources" >&2; exit 1; }
  keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  echo "adding deb-src $uri $codename main"
  {
    echo "Types: deb-src"
    echo "URIs: $uri"
    echo "Suites: $codename"
    echo "Components: main"
    [ -f "$keyring" ] && echo "Signed-By: $keyring"
  } | $sudo tee /etc/apt/sources.list.d/detwasm-bench-src.sources >/dev/null
  $sudo apt-get update -qq
fi

# --- sources ----------------------------------------------------------------
mkdir -p "$work/src"
source_dir() { find "$work/src" -maxdepth 1 -type d -name "$1-*" | sort | tail -n 1; }
for package in sqlite3 lua5.4; do
  if [ -z "$(source_dir "$package")" ]; then
    (cd "$work/src" && apt-get source -qq "$package")
  fi
done
sqlite_src=$(source_dir sqlite3)
lua_src=$(source_dir lua5.4)
echo "sources: $(basename "$sqlite_src") $(basename "$lua_src")"

# wasi-libc's headers live in /usr/include/wasm32-wasi; with --sysroot=/usr,
# clang would also search /usr/include and find glibc's. This sysroot holds
# only the WASI side.
sysroot=$work/wasi-sysroot
mkdir -p "$sysroot/include" "$sysroot/lib"
ln -sfn /usr/include/wasm32-wasi "$sysroot/include/wasm32-wasi"
ln -sfn /usr/lib/wasm32-wasi "$sysroot/lib/wasm32-wasi"
cc_wasm=(clang --target=wasm32-wasi "--sysroot=$sysroot" -O2)

# --- SQLite -----------------------------------------------------------------
if [ ! -s "$out/sqlite3.wasm" ]; then
  build=$work/build/sqlite
  if [ ! -s "$build/sqlite3.c" ]; then
    mkdir -p "$build"
    # The amalgamation is generated with tclsh and a host C compiler.
    (cd "$build" && CC=clang "$sqlite_src/configure" --disable-tcl >configure.log && make -s sqlite3.c >make.log)
  fi
  echo "building $out/sqlite3.wasm"
  "${cc_wasm[@]}" -I"$build" \
    -DSQLITE_OS_OTHER=1 -DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_OMIT_WAL \
    -DSQLITE_TEMP_STORE=3 -DSQLITE_ENABLE_FTS5 -DSQLITE_ENABLE_RTREE -DSQLITE_ENABLE_MATH_FUNCTIONS \
    -DSQLITE_ENABLE_DBSTAT_VTAB \
    -o "$out/sqlite3.wasm" "$build/sqlite3.c" "$here/sqlite_main.c"
fi

# --- Lua --------------------------------------------------------------------
if [ ! -s "$out/lua.wasm" ]; then
  build=$work/build/lua
  mkdir -p "$build"
  # Debian's luaconf.h includes this header for its module paths.
  echo '#define DEB_HOST_MULTIARCH "wasm32-wasi"' >"$build/lua5.4-deb-multiarch.h"
  echo "building $out/lua.wasm"
  lua_sources=()
  for c in "$lua_src"/src/*.c; do
    [ "$(basename "$c")" = luac.c ] || lua_sources+=("$c")
  done
  "${cc_wasm[@]}" -I"$build" -I"$here/include" -include "$here/lua_wasi.h" \
    -DLUA_COMPAT_5_3 -D_WASI_EMULATED_SIGNAL -D_WASI_EMULATED_PROCESS_CLOCKS -Wno-deprecated-declarations \
    -o "$out/lua.wasm" "${lua_sources[@]}" "$here/lua_wasi.c" \
    -lwasi-emulated-signal -lwasi-emulated-process-clocks
fi

ls -l "$out/sqlite3.wasm" "$out/lua.wasm"
