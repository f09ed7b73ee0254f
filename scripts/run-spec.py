#!/usr/bin/env python3
"""Runs the official spec suite with `detwasm spec` and checks pinned totals.

Runs `detwasm --tier TIER spec` on every SUITE/*.wast, read as a script by
detwasm's own text front end (or, with --front-end json, first converted by
wabt's wast2json into OUT/NAME/, which skips the malformed text modules),
prints the counts per file and per command kind, then the total line
"N passed, N failed, N skipped". With
--expected, the totals must equal the pinned ones exactly: a change either
way (a new failure, or a new pass not yet pinned) fails the run.
"""
import argparse
import concurrent.futures
import os
import re
import subprocess
import sys
from pathlib import Path

COUNTS = r"(\d+) passed, (\d+) failed, (\d+) skipped"
FILE_LINE = re.compile(rf"^(\S+\.(?:json|wast)): {COUNTS}$", re.M)
KIND_LINE = re.compile(rf"^  (\w+): {COUNTS}$", re.M)
FAILURE_LINES_SHOWN = 20  # failures and notes, per file


def convert(wast2json, wast, out_dir):
    """wast2json SUITE/x.wast -> OUT/x/x.json, unless already up to date."""
    target = out_dir / wast.stem / (wast.stem + ".json")
    if target.exists() and target.stat().st_mtime >= wast.stat().st_mtime:
        return target, None
    target.parent.mkdir(parents=True, exist_ok=True)
    run = subprocess.run([wast2json, str(wast), "-o", str(target)], capture_output=True, text=True)
    if run.returncode != 0:
        return None, run.stderr.strip()
    return target, None


def run_file(args, wast):
    """Returns (name, counts or None, by_kind, lines worth showing)."""
    if args.front_end == "wast":
        target = wast
    else:
        target, error = convert(args.wast2json, wast, Path(args.out))
        if error:
            return wast.name, None, {}, [f"wast2json failed: {error}"]
    extra = (["--metered"] if args.metered else []) + (["--via-artifact"] if args.via_artifact else [])
    if args.cache_dir:
        extra += ["--cache-dir", args.cache_dir]
    if args.producer:
        # The producer fills the cache with every module, compile errors
        # included; then the run under test finds them all there.
        fill = subprocess.run([args.producer, "--tier", args.tier, "spec", str(target)] + extra,
                              capture_output=True, text=True)
        if fill.returncode not in (0, 1):
            tail = (fill.stdout + fill.stderr).strip().splitlines()[-5:]
            return wast.name, None, {}, [f"the producer exited with status {fill.returncode}"] + tail
    run = subprocess.run([args.detwasm, "--tier", args.tier, "spec", str(target), "--by-kind"] + extra,
                         capture_output=True, text=True)
    m = FILE_LINE.search(run.stdout)
    if run.returncode not in (0, 1) or not m:
        tail = (run.stdout + run.stderr).strip().splitlines()[-5:]
        return wast.name, None, {}, [f"detwasm spec exited with status {run.returncode}"] + tail
    counts = tuple(int(g) for g in m.groups()[1:])
    by_kind = {k: tuple(int(g) for g in rest) for k, *rest in KIND_LINE.findall(run.stdout)}
    failures = [line for line in run.stdout.splitlines() if ": FAILED: " in line or ": note: " in line]
    if len(failures) > FAILURE_LINES_SHOWN:
        failures = failures[:FAILURE_LINES_SHOWN] + [f"... and {len(failures) - FAILURE_LINES_SHOWN} more"]
    return wast.name, counts, by_kind, failures


def format_counts(c):
    return f"{c[0]} passed, {c[1]} failed, {c[2]} skipped"


def add(a, b):
    return tuple(x + y for x, y in zip(a, b))


def read_pins(path):
    pins = {}
    for line in Path(path).read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, value = line.split()
            pins[key] = int(value)
    return tuple(pins.get(k, 0) for k in ("passed", "failed", "skipped"))


def write_pins(path, totals, tier):
    Path(path).write_text(
        f"# Spec-suite totals (core/) for the {tier} tier, checked exactly by the\n"
        "# spec CTest test. Update with DETWASM_BLESS=1 when a change is intended.\n"
        f"passed {totals[0]}\nfailed {totals[1]}\nskipped {totals[2]}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--detwasm", required=True, help="the detwasm binary")
    parser.add_argument("--suite", required=True, help="folder of .wast files")
    parser.add_argument("--out", help="folder for the converted files (json front end)")
    parser.add_argument("--tier", default="interp", choices=["interp", "jit"])
    parser.add_argument("--front-end", choices=["wast", "json"], default="wast",
                        help="read the .wast scripts directly (default) or wast2json's conversion")
    parser.add_argument("--wast2json", default="wast2json")
    parser.add_argument("--metered", action="store_true",
                        help="compile with gas metering (unlimited gas): results must not change")
    parser.add_argument("--via-artifact", action="store_true",
                        help="run every module from its serialized artifact: results must not change")
    parser.add_argument("--cache-dir", help="run every module through this compile cache")
    parser.add_argument("--producer",
                        help="a detwasm that compiles: it runs each file first, filling --cache-dir, so that "
                             "--detwasm (a headless build) finds every module there")
    parser.add_argument("--expected", help="file of pinned totals to compare with")
    parser.add_argument("--bless", action="store_true",
                        help="write the totals to --expected instead of comparing (also DETWASM_BLESS=1)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    if args.front_end == "json" and not args.out:
        parser.error("--front-end json needs --out")
    if args.producer and not args.cache_dir:
        parser.error("--producer needs --cache-dir")

    wasts = sorted(Path(args.suite).glob("*.wast"))
    if not wasts:
        sys.exit(f"no .wast files in {args.suite}")
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(lambda w: run_file(args, w), wasts))

    totals = (0, 0, 0)
    kinds = {}
    broken = []
    for name, counts, by_kind, lines in results:
        if counts is None:
            broken.append(name)
            print(f"{name}: ERROR")
        else:
            totals = add(totals, counts)
            print(f"{name}: {format_counts(counts)}")
        for line in lines:
            print(f"    {line}")
        for kind, c in by_kind.items():
            kinds[kind] = add(kinds.get(kind, (0, 0, 0)), c)
    print("by command kind:")
    for kind in sorted(kinds):
        print(f"  {kind}: {format_counts(kinds[kind])}")
    print(format_counts(totals))

    if broken:
        print(f"{len(broken)} file(s) could not be run: {', '.join(broken)}", file=sys.stderr)
        sys.exit(1)
    if not args.expected:
        sys.exit(1 if totals[1] else 0)
    if args.bless or os.environ.get("DETWASM_BLESS") == "1":
        write_pins(args.expected, totals, args.tier)
        print(f"pinned totals written to {args.expected}")
        return
    pinned = read_pins(args.expected)
    if totals != pinned:
        print(f"spec totals changed: got {format_counts(totals)}, pinned {format_counts(pinned)} "
              f"in {args.expected}.\nIf the change is intended (a fix, or a new failure explained in the "
              f"commit), update the pins with: DETWASM_BLESS=1 ctest --test-dir BUILD -R spec.core.{args.tier}",
              file=sys.stderr)
        sys.exit(1)
    print(f"totals match {args.expected}")


if __name__ == "__main__":
    main()
