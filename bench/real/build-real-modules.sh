#!/bin/bash
# Builds real programs for wasm32-wasi from their Debian source packages, as
# large modules for the compile benchmarks and as whole programs to run
# (bench/real/run-real-programs.py):
#   OUTDIR/sqlite3.wasm   SQLite (amalgamation, FTS5, R*Tree, JSON, math) and
#                         a main running a SQL workload in memory
#                         (sqlite_main.c; its argument is the table's rows)
#   OUTDIR/lua.wasm       the Lua 5.4 interpreter with its standard library
#   OUTDIR/duktape.wasm   Duktape's command-line program (duk) with print():
#                         an ECMAScript engine running script files
#   OUTDIR/zstd.wasm      libzstd, single-threaded, and a main compressing and
#                         decompressing generated data (zstd_main.c)
# and the same programs for this machine, by clang -O2, for comparison:
#   OUTDIR/native/{sqlite3,lua,duktape,zstd}
#
#   bench/real/build-real-modules.sh OUTDIR [WORKDIR]
#
# Sources come from `apt-get source` (a deb-src entry for the release is added
# beside the existing apt sources when none exists) into WORKDIR (default:
# bench/work), which is never committed. Needs root or sudo to install what is
# missing. A program already built is kept, unless a file of bench/real it is
# built from is newer.
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
for package in sqlite3 lua5.4 duktape libzstd; do
  if [ -z "$(source_dir "$package")" ]; then
    (cd "$work/src" && apt-get source -qq "$package")
  fi
done
sqlite_src=$(source_dir sqlite3)
lua_src=$(source_dir lua5.4)
duktape_src=$(source_dir duktape)
zstd_src=$(source_dir libzstd)
echo "sources: $(basename "$sqlite_src") $(basename "$lua_src") $(basename "$duktape_src") $(basename "$zstd_src")"

# wasi-libc's headers live in /usr/include/wasm32-wasi; with --sysroot=/usr,
# clang would also search /usr/include and find glibc's. This sysroot holds
# only the WASI side.
sysroot=$work/wasi-sysroot
mkdir -p "$sysroot/include" "$sysroot/lib"
ln -sfn /usr/include/wasm32-wasi "$sysroot/include/wasm32-wasi"
ln -sfn /usr/lib/wasm32-wasi "$sysroot/lib/wasm32-wasi"
cc_wasm=(clang --target=wasm32-wasi "--sysroot=$sysroot" -O2)
cc_native=(clang -O2)
mkdir -p "$out/native"

# Whether OUTPUT must be built: it is missing, or older than one of the
# files of bench/real given.
stale() {
  local output=$1 input
  shift
  [ -s "$output" ] || return 0
  for input in "$@"; do
    [ "$output" -nt "$input" ] || return 0
  done
  return 1
}

# compile KIND OUTPUT ARGS...: the C compiler for KIND (wasm or native).
compile() {
  local kind=$1 output=$2
  shift 2
  echo "building $output"
  if [ "$kind" = wasm ]; then
    "${cc_wasm[@]}" -o "$output" "$@"
  else
    "${cc_native[@]}" -o "$output" "$@"
  fi
}

# OUTPUT for KIND: OUTDIR/NAME.wasm or OUTDIR/native/NAME.
output_for() { if [ "$1" = wasm ]; then echo "$out/$2.wasm"; else echo "$out/native/$2"; fi; }

# --- SQLite -----------------------------------------------------------------
build=$work/build/sqlite
if [ ! -s "$build/sqlite3.c" ]; then
  mkdir -p "$build"
  # The amalgamation is generated with tclsh and a host C compiler.
  (cd "$build" && CC=clang "$sqlite_src/configure" --disable-tcl >configure.log && make -s sqlite3.c >make.log)
fi
for kind in wasm native; do
  output=$(output_for $kind sqlite3)
  stale "$output" "$here/sqlite_main.c" || continue
  libs=()
  [ $kind = native ] && libs=(-lm)
  compile $kind "$output" -I"$build" \
    -DSQLITE_OS_OTHER=1 -DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_OMIT_WAL \
    -DSQLITE_TEMP_STORE=3 -DSQLITE_ENABLE_FTS5 -DSQLITE_ENABLE_RTREE -DSQLITE_ENABLE_MATH_FUNCTIONS \
    -DSQLITE_ENABLE_DBSTAT_VTAB \
    "$build/sqlite3.c" "$here/sqlite_main.c" "${libs[@]}"
done

# --- Lua --------------------------------------------------------------------
lua_sources=()
for c in "$lua_src"/src/*.c; do
  [ "$(basename "$c")" = luac.c ] || lua_sources+=("$c")
done
for kind in wasm native; do
  output=$(output_for $kind lua)
  if [ $kind = wasm ]; then
    stale "$output" "$here/lua_wasi.h" "$here/lua_wasi.c" "$here/include/setjmp.h" || continue
  else
    stale "$output" || continue
  fi
  build=$work/build/lua-$kind
  mkdir -p "$build"
  # Debian's luaconf.h includes this header for its module paths.
  if [ $kind = wasm ]; then
    echo '#define DEB_HOST_MULTIARCH "wasm32-wasi"' >"$build/lua5.4-deb-multiarch.h"
    compile $kind "$output" -I"$build" -I"$here/include" -include "$here/lua_wasi.h" \
      -DLUA_COMPAT_5_3 -D_WASI_EMULATED_SIGNAL -D_WASI_EMULATED_PROCESS_CLOCKS -Wno-deprecated-declarations \
      "${lua_sources[@]}" "$here/lua_wasi.c" \
      -lwasi-emulated-signal -lwasi-emulated-process-clocks
  else
    echo "#define DEB_HOST_MULTIARCH \"$(dpkg-architecture -qDEB_HOST_MULTIARCH)\"" >"$build/lua5.4-deb-multiarch.h"
    compile $kind "$output" -I"$build" -DLUA_COMPAT_5_3 -DLUA_USE_LINUX "${lua_sources[@]}" -lm -ldl
  fi
done

# --- Duktape ----------------------------------------------------------------
# The distributed single-file build (src/duktape.c) and the command-line
# program of its examples, with print() and alert() from its extras. For
# wasm32-wasi, setjmp comes from include/setjmp.h: an ECMAScript error that
# would be caught ends the program instead.
duktape_sources=("$duktape_src/src/duktape.c" "$duktape_src/examples/cmdline/duk_cmdline.c"
                 "$duktape_src/extras/print-alert/duk_print_alert.c")
for kind in wasm native; do
  output=$(output_for $kind duktape)
  if [ $kind = wasm ]; then
    stale "$output" "$here/include/setjmp.h" || continue
    include=(-I"$here/include")
  else
    stale "$output" || continue
    include=()
  fi
  compile $kind "$output" "${include[@]}" -I"$duktape_src/src" -I"$duktape_src/extras/print-alert" \
    -DDUK_CMDLINE_PRINTALERT_SUPPORT "${duktape_sources[@]}" -lm
done

# --- zstd -------------------------------------------------------------------
# libzstd without ZSTD_MULTITHREAD (no threads), zstd's data generator and
# zstd_main.c. The native build has the x86-64 assembly Huffman decoder, as
# Debian's libzstd has; other hosts compile without it.
zstd_sources=("$zstd_src"/lib/common/*.c "$zstd_src"/lib/compress/*.c "$zstd_src"/lib/decompress/*.c
              "$zstd_src/programs/datagen.c" "$here/zstd_main.c")
for kind in wasm native; do
  output=$(output_for $kind zstd)
  stale "$output" "$here/zstd_main.c" || continue
  extra=()
  if [ $kind = native ]; then
    case $(uname -m) in
      x86_64) extra=("$zstd_src/lib/decompress/huf_decompress_amd64.S") ;;
      *) extra=(-DZSTD_DISABLE_ASM) ;;
    esac
  fi
  compile $kind "$output" -I"$zstd_src/lib" -I"$zstd_src/lib/common" -I"$zstd_src/programs" \
    "${zstd_sources[@]}" "${extra[@]}"
done

ls -l "$out"/*.wasm "$out"/native/*
