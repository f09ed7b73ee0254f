#!/bin/sh
# Makes the Python package of a build importable (`import detwasm`) by the
# given Python interpreters (default: the `python3` first on PATH and
# /usr/bin/python3): writes detwasm.pth, naming BUILD/python, into each
# one's site-packages. An interpreter whose extension suffix differs from
# the built extension's (another Python version) is skipped with a warning.
# Usage: scripts/python-link.sh [BUILD_DIR [PYTHON...]]
set -eu
cd "$(dirname "$0")/.."

build=${1:-build}
[ $# -gt 0 ] && shift
pkg="$(cd "$build/python" 2>/dev/null && pwd)" || { echo "error: $build/python does not exist: build the _detwasm target first" >&2; exit 1; }
ext=$(ls "$pkg"/detwasm/_detwasm*.so 2>/dev/null | head -1)
[ -n "$ext" ] || { echo "error: no _detwasm extension in $pkg/detwasm: build the _detwasm target first" >&2; exit 1; }

if [ $# -eq 0 ]; then
  set -- python3
  [ -x /usr/bin/python3 ] && set -- "$@" /usr/bin/python3
fi

done_list=""
for py in "$@"; do
  command -v "$py" >/dev/null 2>&1 || { echo "warning: no $py" >&2; continue; }
  real=$("$py" -c 'import sys; print(sys.executable)')
  case " $done_list " in *" $real "*) continue ;; esac
  done_list="$done_list $real"
  suffix=$("$py" -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')
  case "$ext" in
    *"$suffix") ;;
    *) echo "warning: $real wants extensions named *$suffix; the build has $(basename "$ext"): skipped" >&2; continue ;;
  esac
  # The first site-packages directory the interpreter reads .pth files from.
  site=$("$py" -c 'import site, sysconfig; print((site.getsitepackages() or [sysconfig.get_paths()["purelib"]])[0])')
  mkdir -p "$site"
  echo "$pkg" > "$site/detwasm.pth"
  "$py" -c 'import detwasm' && echo "$real: import detwasm reads $pkg ($site/detwasm.pth)"
done
