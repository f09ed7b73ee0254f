#!/bin/sh
# Installs the Debian 12 packages that building and testing detwasm need,
# when any is missing. Runs apt-get as root (or through sudo).
set -eu

packages="cmake ninja-build g++ clang lld pkg-config python3 wabt wasi-libc
  libasmjit-dev libsodium-dev libxxhash-dev nlohmann-json3-dev
  libgtest-dev librapidcheck-dev libbenchmark-dev"

missing=""
for p in $packages; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing="$missing $p"
  fi
done
[ -z "$missing" ] && exit 0

echo "installing:$missing"
sudo=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "error: need root (or sudo) to install:$missing" >&2; exit 1; }
  sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086  # one word per package
$sudo apt-get install -y -qq $missing </dev/null
