#!/usr/bin/python3
"""Real programs side by side: detwasm, V8 (node 20's node:wasi) and native.

    bench/real/run-real-programs.py [--runs N] [--programs a,b] [--json FILE] ...

Builds the programs first (bench/real/build-real-modules.sh, which keeps what
is built), then runs each program as a whole process:

  detwasm metered    detwasm run --no-cache --gas LIMIT (JIT, gas metering on,
                     as a node runs a contract; compiled on every run)
  detwasm            detwasm run --no-cache (JIT, unmetered)
  Liftoff            node --liftoff --no-wasm-tier-up bench/real/wasi-run.mjs
  node default       node bench/real/wasi-run.mjs (Liftoff, then TurboFan)
  native             the same sources built by clang -O2 for this machine

Every run's stdout and exit code must equal the native run's: a difference
is printed and makes the script exit with status 1. Times are end to end
(process start, reading and compiling the module, running it) in wall time;
the configurations take turns in each round, in a rotating order, so that a
load on the machine falls on all of them. Times are the median of N runs
(--runs, default 5); a ratio is the median of the N ratios of the two
configurations' times in the same round.

Compile time is measured apart: `detwasm compile --metered --threads 1`
(its compile_ms) against Liftoff alone, single-threaded and eager
(bench/liftoff.mjs compile, node flags as bench/run-side-by-side.sh uses).
A last pass runs each Wasm configuration once more to split its time into
compile (load) and run.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

# name: (arguments, whether it reads files from bench/real)
PROGRAMS = {
    'sqlite3': (['200000'], False),
    'lua': (['bench.lua'], True),
    'duktape': (['bench.js'], True),
    'zstd': (['8'], False),
}
CONFIGS = ['detwasm-metered', 'detwasm', 'liftoff', 'node', 'native']
LABELS = {
    'detwasm-metered': 'detwasm metered',
    'detwasm': 'detwasm',
    'liftoff': 'Liftoff',
    'node': 'node default',
    'native': 'native',
}
# node 20's node:wasi can crash once the program's memory grows unless V8's
# fast API calls are off.
NODE_COMMON = ['--no-warnings', '--no-turbo-fast-api-calls']
NODE_LIFTOFF = ['--liftoff', '--no-wasm-tier-up']


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--runs', type=int, default=5, help='timed runs of each program in each configuration (5)')
    p.add_argument('--programs', default=','.join(PROGRAMS), help='comma-separated subset of ' + ','.join(PROGRAMS))
    p.add_argument('--modules', default=os.path.join(ROOT, 'bench/work/modules'),
                   help='where the programs are built (bench/work/modules)')
    p.add_argument('--work', default=os.path.join(ROOT, 'bench/work'), help='sources and builds (bench/work)')
    p.add_argument('--no-build', action='store_true', help='use the programs as they are in --modules')
    p.add_argument('--detwasm', default=None, help='the detwasm binary (default: build/src/detwasm)')
    p.add_argument('--node', default='node', help='node 20 or later (node)')
    p.add_argument('--gas', default='0x3fff_ffff_ffff_ffff', help='gas limit of the metered runs')
    p.add_argument('--json', default=None, help='also write every figure to this file')
    args = p.parse_args()
    if args.detwasm is None:
        args.detwasm = os.path.join(ROOT, 'build/src/detwasm')
    if not os.access(args.detwasm, os.X_OK):
        p.error(f'no detwasm at {args.detwasm}: build it, or give --detwasm PATH')
    args.programs = [x for x in args.programs.split(',') if x]
    for name in args.programs:
        if name not in PROGRAMS:
            p.error(f'unknown program {name}')
    if args.runs < 1:
        p.error('--runs must be at least 1')
    return args


def command(args, config, name):
    program_args, reads_files = PROGRAMS[name]
    module = os.path.join(args.modules, name + '.wasm')
    if config == 'native':
        return [os.path.join(args.modules, 'native', name)] + program_args
    if config.startswith('detwasm'):
        cmd = [args.detwasm, 'run', module, '--no-cache']
        if config == 'detwasm-metered':
            cmd += ['--gas', args.gas]
        if reads_files:
            cmd += ['--dir', '.']
        return cmd + ['--'] + program_args
    cmd = [args.node] + NODE_COMMON + (NODE_LIFTOFF if config == 'liftoff' else [])
    cmd += [os.path.join(HERE, 'wasi-run.mjs')]
    if reads_files:
        cmd += ['--dir', '.']
    return cmd + ['--', module] + program_args


def run(cmd):
    """Runs cmd in bench/real; returns (stdout bytes, stderr bytes, exit code, wall s, cpu s)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=HERE, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return out.read(), err.read(), proc.returncode, wall, usage.ru_utime + usage.ru_stime


def first_difference(a, b):
    la, lb = a.decode(errors='replace').splitlines(), b.decode(errors='replace').splitlines()
    for i in range(max(len(la), len(lb))):
        x = la[i] if i < len(la) else '<end of output>'
        y = lb[i] if i < len(lb) else '<end of output>'
        if x != y:
            return f'line {i + 1}: {x!r} against native {y!r}'
    return 'same lines, different bytes'


def median(values):
    return statistics.median(values)


def geomean(values):
    values = [v for v in values if v > 0]
    if not values:
        return float('nan')
    product = 1.0
    for v in values:
        product *= v
    return product ** (1 / len(values))


def liftoff_compile(args, modules):
    """Liftoff's compile time of each module: bench/liftoff.mjs, as bench/run-side-by-side.sh runs it."""
    flags = ['--liftoff', '--no-wasm-tier-up', '--no-wasm-dynamic-tiering', '--no-wasm-lazy-compilation',
             '--single-threaded', '--expose-gc']
    options = subprocess.run([args.node, '--v8-options'], capture_output=True, text=True).stdout
    if '--liftoff-only' in options:
        flags.append('--liftoff-only')
    result = subprocess.run([args.node] + flags + [os.path.join(ROOT, 'bench/liftoff.mjs'), 'compile',
                            '--min-ms=1000'] + modules, capture_output=True, text=True, check=True)
    return {r['module']: r for r in json.loads(result.stdout)['results']}


def detwasm_compile(args, module):
    """compile_ms of `detwasm compile --metered --threads 1`, one process a run."""
    times = []
    for _ in range(max(args.runs, 5)):
        result = subprocess.run([args.detwasm, '--threads', '1', 'compile', '--metered', '--json', module],
                                capture_output=True, text=True, check=True)
        times.append(json.loads(result.stdout.strip().splitlines()[-1])['compile_ms'])
    return {'median': median(times), 'best': min(times), 'runs': len(times)}


def breakdown(args, config, name):
    """One more run of a Wasm configuration, split into compile and run (ms)."""
    cmd = command(args, config, name)
    if config.startswith('detwasm'):
        cmd.insert(3, '--json')
        stdout, _, _, _, _ = run(cmd)
        timings = json.loads(stdout.decode(errors='replace').strip().splitlines()[-1])['timings']
        return {'compile_ms': timings['load_us'] / 1000,
                'run_ms': (timings['instantiate_us'] + timings['run_us']) / 1000}
    cmd.insert(cmd.index('--'), '--timing')
    _, stderr, _, _, _ = run(cmd)
    for line in reversed(stderr.decode(errors='replace').splitlines()):
        if line.startswith('{'):
            return json.loads(line)
    return {}


def main():
    args = parse_args()
    if not args.no_build:
        subprocess.run([os.path.join(HERE, 'build-real-modules.sh'), args.modules, args.work], check=True,
                       stdout=sys.stderr)
    node_version = subprocess.run([args.node, '--version'], capture_output=True, text=True).stdout.strip()
    print(f'# node {node_version}, detwasm {args.detwasm}, {args.runs} runs, wall time, medians', file=sys.stderr)

    mismatches = []
    results = {}
    for name in args.programs:
        cmds = {c: command(args, c, name) for c in CONFIGS}
        print(f'== {name}: ' + ' '.join(cmds['detwasm-metered']), file=sys.stderr)
        reference = run(cmds['native'])
        if reference[2] != 0:
            mismatches.append(f'{name}: native exit code {reference[2]}: {reference[1].decode(errors="replace")}')
        walls = {c: [] for c in CONFIGS}
        cpus = {c: [] for c in CONFIGS}
        for round_ in range(args.runs):
            order = CONFIGS[round_ % len(CONFIGS):] + CONFIGS[:round_ % len(CONFIGS)]
            for config in order:
                stdout, stderr, code, wall, cpu = run(cmds[config])
                if stdout != reference[0] or code != reference[2]:
                    what = (f'exit code {code}, native {reference[2]}' if code != reference[2]
                            else first_difference(stdout, reference[0]))
                    message = f'{name} under {LABELS[config]}: {what}; stderr: {stderr.decode(errors="replace")[-500:]}'
                    if message not in mismatches:
                        mismatches.append(message)
                        print('MISMATCH ' + message, file=sys.stderr)
                walls[config].append(wall)
                cpus[config].append(cpu)
            print(f'   round {round_ + 1}: ' + ', '.join(f'{LABELS[c]} {walls[c][-1]:.3f} s' for c in CONFIGS),
                  file=sys.stderr)
        results[name] = {
            'args': PROGRAMS[name][0],
            'wasm_bytes': os.path.getsize(os.path.join(args.modules, name + '.wasm')),
            'output_lines': len(reference[0].splitlines()),
            'wall_s': {c: {'median': median(walls[c]), 'best': min(walls[c]), 'all': walls[c]} for c in CONFIGS},
            'cpu_s': {c: {'median': median(cpus[c]), 'best': min(cpus[c])} for c in CONFIGS},
            'split_ms': {c: breakdown(args, c, name) for c in CONFIGS if c != 'native'},
            'detwasm_compile_ms': detwasm_compile(args, os.path.join(args.modules, name + '.wasm')),
        }

    lift = liftoff_compile(args, [os.path.join(args.modules, n + '.wasm') for n in args.programs])
    for name in args.programs:
        results[name]['liftoff_compile_ms'] = {'median': lift[name]['wall_ms']['median'],
                                               'best': lift[name]['wall_ms']['best'], 'runs': lift[name]['reps']}

    print(report(args, results, node_version, mismatches))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump({'node': node_version, 'runs': args.runs, 'gas': args.gas, 'programs': results,
                       'mismatches': mismatches}, f, indent=1)
    if mismatches:
        print('\nOUTPUT MISMATCH: ' + '\n'.join(mismatches), file=sys.stderr)
        return 1
    return 0


def report(args, results, node_version, mismatches):
    names = list(results)
    med = {n: {c: results[n]['wall_s'][c]['median'] for c in CONFIGS} for n in names}
    lines = [f'Real programs, end to end (wall time, median of {args.runs} runs; node {node_version})', '']
    lines.append('| program | arguments | Wasm KB | ' + ' | '.join(f'{LABELS[c]} s' for c in CONFIGS) + ' |')
    lines.append('|---|---|---:|' + '---:|' * len(CONFIGS))
    for n in names:
        r = results[n]
        lines.append(f'| {n} | {" ".join(r["args"])} | {r["wasm_bytes"] / 1024:.0f} | '
                     + ' | '.join(f'{med[n][c]:.3f}' for c in CONFIGS) + ' |')
    lines += ['', 'Ratios of end-to-end times, the median of the ratios within each round (target: detwasm metered',
              '/ Liftoff at most 0.80):', '']
    ratio_columns = [('detwasm-metered', 'liftoff'), ('detwasm-metered', 'node'), ('detwasm-metered', 'native'),
                     ('detwasm', 'liftoff'), ('detwasm', 'node'), ('detwasm', 'native'), ('liftoff', 'native'),
                     ('detwasm-metered', 'detwasm')]
    lines.append('| program | ' + ' | '.join(f'{LABELS[a]} / {LABELS[b]}' for a, b in ratio_columns) + ' |')
    lines.append('|---|' + '---:|' * len(ratio_columns))
    ratios = {}
    for n in names:
        walls = {c: results[n]['wall_s'][c]['all'] for c in CONFIGS}
        ratios[n] = [median([x / y for x, y in zip(walls[a], walls[b])]) for a, b in ratio_columns]
        results[n]['ratios'] = {f'{a}/{b}': r for (a, b), r in zip(ratio_columns, ratios[n])}
        lines.append(f'| {n} | ' + ' | '.join(f'{x:.2f}' for x in ratios[n]) + ' |')
    lines.append('| geometric mean | ' + ' | '.join(
        f'{geomean([ratios[n][i] for n in names]):.2f}' for i in range(len(ratio_columns))) + ' |')

    lines += ['', 'Compile time of the module alone (ms; detwasm: `compile --metered --threads 1`, its compile_ms;',
              'Liftoff: bench/liftoff.mjs, single-threaded and eager; medians):', '']
    lines.append('| program | detwasm ms | Liftoff ms | detwasm / Liftoff |')
    lines.append('|---|---:|---:|---:|')
    compile_ratios = []
    for n in names:
        d = results[n]['detwasm_compile_ms']['median']
        l = results[n]['liftoff_compile_ms']['median']
        compile_ratios.append(d / l)
        lines.append(f'| {n} | {d:.1f} | {l:.1f} | {d / l:.2f} |')
    lines.append(f'| geometric mean | | | {geomean(compile_ratios):.2f} |')

    lines += ['', 'Where the time goes, one more run each (ms: compile or load / instantiate and run; node: '
              'WebAssembly.compile / the rest, its compile may go on in background threads):', '']
    wasm_configs = [c for c in CONFIGS if c != 'native']
    lines.append('| program | ' + ' | '.join(LABELS[c] for c in wasm_configs) + ' |')
    lines.append('|---|' + '---:|' * len(wasm_configs))
    for n in names:
        cells = []
        for c in wasm_configs:
            s = results[n]['split_ms'][c]
            cells.append(f'{s.get("compile_ms", float("nan")):.1f} / {s.get("run_ms", float("nan")):.0f}')
        lines.append(f'| {n} | ' + ' | '.join(cells) + ' |')

    lines += ['', 'CPU time (user + system, s, medians; node uses background threads):', '']
    lines.append('| program | ' + ' | '.join(LABELS[c] for c in CONFIGS) + ' |')
    lines.append('|---|' + '---:|' * len(CONFIGS))
    for n in names:
        lines.append(f'| {n} | ' + ' | '.join(f'{results[n]["cpu_s"][c]["median"]:.3f}' for c in CONFIGS) + ' |')

    lines.append('')
    if mismatches:
        lines.append('Output: MISMATCH')
        lines += [f'- {m}' for m in mismatches]
    else:
        lines.append('Output: stdout and exit code identical in every run of every configuration.')
    return '\n'.join(lines)


if __name__ == '__main__':
    sys.exit(main())
