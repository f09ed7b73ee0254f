#!/usr/bin/env python3
"""Checks that `detwasm spec` notices a wrong expectation.

Converts runner-check.wast with wast2json, optionally alters one command of
the JSON, runs `detwasm spec` on it and checks the exit status and counts:
unaltered, every command passes (the text module is skipped); altered, exactly
that command fails and its line is named.
"""
import argparse
import json
import re
import subprocess
import sys
from pathlib import Path


def set_expected(value):
    def alter(cmd):
        cmd["expected"][0]["value"] = value
    return alter


def set_field(key, value):
    def alter(cmd):
        cmd[key] = value
    return alter


# name -> (line of the altered command in runner-check.wast, alteration)
ALTERATIONS = {
    "return-value": (18, set_expected("4")),
    "nan-expected": (21, set_expected("1065353216")),  # 1.0 instead of nan:canonical
    "externref": (22, set_expected("8")),
    "trap-kind": (26, set_field("text", "integer overflow")),
    "accepted-module": (37, set_field("filename", "check.0.wasm")),  # a valid module
    "unlinkable": (40, set_field("filename", "check.1.wasm")),  # a module that links
}

UNALTERED_COUNTS = (19, 0, 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--detwasm", required=True)
    parser.add_argument("--wast2json", default="wast2json")
    parser.add_argument("--wast", required=True)
    parser.add_argument("--out", required=True, help="scratch directory")
    parser.add_argument("--tier", default="interp")
    parser.add_argument("--alter", choices=["none"] + sorted(ALTERATIONS), default="none")
    args = parser.parse_args()

    out = Path(args.out) / args.alter
    out.mkdir(parents=True, exist_ok=True)
    json_path = out / "check.json"
    subprocess.run([args.wast2json, args.wast, "-o", str(json_path)], check=True)

    line = None
    if args.alter != "none":
        line, alter = ALTERATIONS[args.alter]
        doc = json.loads(json_path.read_text())
        [cmd] = [c for c in doc["commands"] if c["line"] == line]
        alter(cmd)
        json_path.write_text(json.dumps(doc))

    run = subprocess.run([args.detwasm, "--tier", args.tier, "spec", str(json_path)],
                         capture_output=True, text=True)
    print(run.stdout, end="")
    print(run.stderr, end="", file=sys.stderr)
    m = re.search(r"^check\.json: (\d+) passed, (\d+) failed, (\d+) skipped$", run.stdout, re.M)
    if not m:
        sys.exit(f"no counts line in the output (exit status {run.returncode})")
    counts = tuple(int(g) for g in m.groups())

    problems = []
    if line is None:
        if run.returncode != 0:
            problems.append(f"exit status {run.returncode}, expected 0")
        if counts != UNALTERED_COUNTS:
            problems.append(f"counts {counts}, expected {UNALTERED_COUNTS}")
    else:
        passed, failed, skipped = UNALTERED_COUNTS
        want = (passed - 1, failed + 1, skipped)
        if run.returncode == 0:
            problems.append("exit status 0 although an expectation was altered")
        if counts != want:
            problems.append(f"counts {counts}, expected {want}")
        if not re.search(rf"^runner-check\.wast:{line}: \S+: FAILED: ", run.stdout, re.M):
            problems.append(f"no failure line naming line {line}")
    for p in problems:
        print("runner check:", p, file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
