#!/bin/sh
# Installs the Debian 12 packages that building and testing detwasm need,
# when any is missing, and sets up running AArch64 binaries under qemu-user
# (the cross-built test suite). Runs apt-get as root (or through sudo).
set -eu

packages="cmake ninja-build g++ clang lld pkg-config python3 wabt wasi-libc
  libasmjit-dev libsodium-dev libxxhash-dev nlohmann-json3-dev
  libclang-rt-14-dev-wasm32
  libgtest-dev librapidcheck-dev libbenchmark-dev
  pybind11-dev python3-dev python3-pytest python3-hypothesis python3-setuptools
  qemu-user qemu-user-binfmt g++-aarch64-linux-gnu
  libasmjit-dev:arm64 libsodium-dev:arm64 libxxhash-dev:arm64 libgtest-dev:arm64 librapidcheck-dev:arm64"

sudo=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "error: need root (or sudo) to install packages" >&2; exit 1; }
  sudo=sudo
fi

missing=""
for p in $packages; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing="$missing $p"
  fi
done

if [ -n "$missing" ]; then
  echo "installing:$missing"
  export DEBIAN_FRONTEND=noninteractive
  # The arm64 -dev packages install beside the amd64 ones (multiarch).
  dpkg --print-foreign-architectures | grep -qx arm64 || $sudo dpkg --add-architecture arm64
  $sudo apt-get update -qq
  # shellcheck disable=SC2086  # one word per package
  $sudo apt-get install -y -qq $missing </dev/null
fi

# AArch64 programs that the cross-built tests start (the CLI, from the CLI
# tests) run through binfmt_misc; register qemu there if it is not yet.
binfmt=/proc/sys/fs/binfmt_misc
if [ ! -e "$binfmt/qemu-aarch64" ]; then
  [ -e "$binfmt/register" ] || $sudo mount -t binfmt_misc binfmt_misc "$binfmt" 2>/dev/null || true
  if [ -e "$binfmt/register" ] && [ -r /usr/lib/binfmt.d/qemu-aarch64.conf ]; then
    $sudo sh -c "cat /usr/lib/binfmt.d/qemu-aarch64.conf > $binfmt/register" 2>/dev/null || true
  fi
  [ -e "$binfmt/qemu-aarch64" ] || echo "warning: cannot register qemu-aarch64 with binfmt_misc: AArch64 tests that start programs will fail" >&2
fi
exit 0
