// Joins one run of detwasm-bench (Google Benchmark JSON) with the Liftoff
// figures of bench/liftoff.mjs, prints the side-by-side table and writes the
// same as JSON. node's built-ins only.
//
//   node bench/report.mjs DETWASM.json LIFTOFF-COMPILE.json LIFTOFF-RUN.json LIFTOFF-SHAPES.json OUT.json
//
// Every time is CPU time: detwasm's compile benchmarks time the compiling
// thread, its kernels report Google Benchmark's cpu_time, and Liftoff runs
// single-threaded under process.cpuUsage(). On a shared machine CPU time is
// the figure least disturbed by other load; wall times are in the JSON inputs.
import { readFileSync, writeFileSync } from 'node:fs';

const [detwasmFile, compileFile, runFile, shapesFile, outFile, determinismFile] = process.argv.slice(2);
// One line from the script's check that artifacts are written the same every time.
const determinism = determinismFile ? readFileSync(determinismFile, 'utf8').trim() : null;
if (!outFile) {
  console.error('usage: report.mjs DETWASM.json LIFTOFF-COMPILE.json LIFTOFF-RUN.json LIFTOFF-SHAPES.json OUT.json');
  process.exit(2);
}
const detwasm = JSON.parse(readFileSync(detwasmFile, 'utf8'));
const liftoffCompile = JSON.parse(readFileSync(compileFile, 'utf8'));
const liftoffRun = JSON.parse(readFileSync(runFile, 'utf8'));
const liftoffShapes = JSON.parse(readFileSync(shapesFile, 'utf8'));

const unitMs = { ns: 1e-6, us: 1e-3, ms: 1, s: 1e3 };
// Benchmarks by name without the parts Google Benchmark appends
// ("/min_time:2.000", "/manual_time"); with --benchmark_repetitions, the
// median stands for the benchmark.
const rows = new Map();
for (const b of detwasm.benchmarks) {
  const name = b.run_name.replace(/\/(min_time:[^/]*|manual_time)/g, '');
  if (b.run_type === 'aggregate' ? b.aggregate_name === 'median' : !rows.has(name)) rows.set(name, b);
}
const ms = (b) => (b && !b.error_occurred ? b.cpu_time * unitMs[b.time_unit] : null);
// Compile benchmarks time the compile alone as their (manual) real time.
const compileMs = (b) => (b && !b.error_occurred ? b.real_time * unitMs[b.time_unit] : null);
const ratio = (a, b) => (a != null && b != null && b > 0 ? a / b : null);

const tiers = Object.entries(detwasm.context)
  .filter(([k]) => k.startsWith('tier_'))
  .map(([k, v]) => ({ name: k.slice(5), available: v === 'available', note: v }));
const ran = tiers.filter((t) => t.available).map((t) => t.name);
const allTiers = tiers.map((t) => t.name);

const errors = [...rows.entries()].filter(([, b]) => b.error_occurred).map(([n, b]) => `${n}: ${b.error_message}`);

// Compile time of the real modules.
const compile = liftoffCompile.results.map((l) => {
  const row = { module: l.module, bytes: l.bytes, liftoff_ms: l.cpu_ms.median, detwasm_ms: {}, ratio_to_liftoff: {} };
  for (const t of allTiers) {
    const d = compileMs(rows.get(`compile/${t}/${l.module}`));
    row.detwasm_ms[t] = d;
    row.ratio_to_liftoff[t] = ratio(d, row.liftoff_ms);
  }
  row.mb_per_s = Object.fromEntries(
    [['liftoff', row.liftoff_ms], ...allTiers.map((t) => [t, row.detwasm_ms[t]])].map(([k, v]) => [
      k,
      v ? l.bytes / 1e6 / (v / 1e3) : null,
    ]),
  );
  return row;
});

// Run time of the kernels.
const kernels = liftoffRun.results.map((l) => {
  const native = rows.get(`kernel/native/${l.kernel}`);
  const row = {
    kernel: l.kernel,
    n: l.n,
    native_ms: ms(native),
    liftoff_ms: l.cpu_ms.median,
    checksums_agree: native ? native.checksum === l.checksum : null,
    detwasm_ms: {},
    // Both halves from the metering benchmark, which alternates them.
    metering: {},
    ratio_to_liftoff: {},
    ratio_to_native: {},
    metering_overhead: {},
  };
  row.liftoff_to_native = ratio(row.liftoff_ms, row.native_ms);
  for (const t of allTiers) {
    const off = ms(rows.get(`kernel/${t}/${l.kernel}`));
    // Metered and unmetered runs alternate in one benchmark, for the ratio.
    const metering = rows.get(`metering/${t}/${l.kernel}`);
    const ok = metering && !metering.error_occurred;
    row.detwasm_ms[t] = off;
    row.metering[t] = ok
      ? { unmetered_ms: metering.unmetered_ms, metered_ms: metering.metered_ms, gas: metering.gas }
      : null;
    row.ratio_to_liftoff[t] = ratio(off, row.liftoff_ms);
    row.ratio_to_native[t] = ratio(off, row.native_ms);
    row.metering_overhead[t] = ok ? metering.overhead : null;
  }
  return row;
});

// Hostile shapes: compile time per KB against the plain baseline, for each
// detwasm tier and for Liftoff (whose modules are named <shape>-<size>).
function shapeRatios(table) {
  const base = table.plain;
  if (!base) return null;
  const ratios = {};
  const worst = {};
  for (const [shape, sizes] of Object.entries(table)) {
    ratios[shape] = {};
    for (const [size, us] of Object.entries(sizes)) {
      const r = ratio(us, base[size]);
      ratios[shape][size] = r;
      if (r != null && (!worst[size] || r > worst[size].ratio)) worst[size] = { shape, ratio: r };
    }
  }
  return { us_per_KB: table, ratio_to_plain: ratios, worst };
}
const shapes = {};
for (const t of ran) {
  // detwasm compiles each shape alternately with plain code of the same
  // size and reports the ratio itself (vs_baseline).
  const table = {};
  const ratios = {};
  for (const [name, b] of rows) {
    const m = name.match(/^shape\/([^/]+)\/([^/]+)\/([^/]+)$/);
    if (!m || m[1] !== t || b.error_occurred) continue;
    (table[m[2]] ??= {})[m[3]] = b.us_per_KB;
    (ratios[m[2]] ??= {})[m[3]] = m[2] === 'plain' ? 1 : b.vs_baseline;
  }
  const s = shapeRatios(table);
  if (!s) continue;
  s.ratio_to_plain = ratios;
  s.worst = {};
  for (const [shape, sizes] of Object.entries(ratios))
    for (const [size, r] of Object.entries(sizes))
      if (r != null && (!s.worst[size] || r > s.worst[size].ratio)) s.worst[size] = { shape, ratio: r };
  shapes[t] = s;
}
{
  const table = {};
  for (const r of liftoffShapes.results) {
    const m = r.module.match(/^(.+)-([^-]+)$/);
    if (m) (table[m[1]] ??= {})[m[2]] = (r.cpu_ms.median * 1000) / (r.bytes / 1024);
  }
  const s = shapeRatios(table);
  if (s) shapes.liftoff = s;
}

// Artifacts: loading a module's compiled form (from a file, its code mapped)
// against compiling it, and instantiating a small module.
const artifacts = [];
for (const [name, b] of rows) {
  const m = name.match(/^artifact\/([^/]+)\/(.+)$/);
  if (!m || b.error_occurred) continue;
  artifacts.push({
    tier: m[1],
    module: m[2],
    compile_ms: b.compile_ms,
    load_file_ms: b.load_file_ms,
    load_instantiate_ms: b.load_instantiate_ms,
    load_instantiate_best_ms: b.load_instantiate_best_ms,
    load_ms: b.load_ms,
    speedup: b.speedup,
    artifact_per_wasm_byte: b.artifact_per_wasm_byte,
  });
}
const instantiateUs = Object.fromEntries(
  allTiers.map((t) => {
    const b = rows.get(`instantiate/${t}/small`);
    return [t, b && !b.error_occurred ? b.cpu_time * unitMs[b.time_unit] * 1e3 : null];
  }),
);

// Geometric means summarise a column of ratios.
function geomean(values) {
  const v = values.filter((x) => x != null && x > 0);
  return v.length ? Math.exp(v.reduce((s, x) => s + Math.log(x), 0) / v.length) : null;
}
const summary = {};
for (const t of allTiers) {
  summary[t] = {
    compile_vs_liftoff: geomean(compile.map((r) => r.ratio_to_liftoff[t])),
    run_vs_liftoff: geomean(kernels.map((r) => r.ratio_to_liftoff[t])),
    run_vs_native: geomean(kernels.map((r) => r.ratio_to_native[t])),
    metering_overhead: geomean(kernels.map((r) => r.metering_overhead[t])),
  };
}
summary.liftoff = { run_vs_native: geomean(kernels.map((r) => r.liftoff_to_native)) };

const results = {
  date: detwasm.context.date,
  host: { name: detwasm.context.host_name, cpus: detwasm.context.num_cpus, load_avg: detwasm.context.load_avg },
  time: 'cpu',
  tiers,
  liftoff: { node: liftoffRun.node, v8: liftoffRun.v8, flags: liftoffRun.flags },
  compile,
  kernels,
  shapes,
  artifacts,
  instantiate_small_us: instantiateUs,
  summary,
  errors,
};
writeFileSync(outFile, JSON.stringify(results, null, 1) + '\n');

// The table.
const f = (v, digits = 2) => (v == null ? 'n/a' : v.toFixed(digits));
const x = (v) => (v == null ? 'n/a' : `${v.toFixed(2)}x`);
function table(header, body) {
  const cells = [header, ...body];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i]).length)));
  for (const r of cells) console.log(r.map((c, i) => (i ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  '));
}

console.log(`detwasm vs V8 Liftoff (node ${liftoffRun.node}, V8 ${liftoffRun.v8}) vs native clang -O2; CPU time, one run`);
console.log(`host ${results.host.name}, ${results.host.cpus} CPUs, load average ${(results.host.load_avg ?? []).map((l) => l.toFixed(1)).join(' ')}`);
for (const t of tiers) if (!t.available) console.log(`tier ${t.name}: ${t.note} (its columns are n/a)`);

console.log('\nCompile time of real modules (ms; ratio detwasm/Liftoff, lower is better)');
table(
  ['module', 'KB', 'Liftoff', ...allTiers.flatMap((t) => [t, `${t}/Liftoff`]), 'Liftoff MB/s', ...allTiers.map((t) => `${t} MB/s`)],
  compile.map((r) => [
    r.module,
    (r.bytes / 1024).toFixed(0),
    f(r.liftoff_ms),
    ...allTiers.flatMap((t) => [f(r.detwasm_ms[t]), x(r.ratio_to_liftoff[t])]),
    f(r.mb_per_s.liftoff, 1),
    ...allTiers.map((t) => f(r.mb_per_s[t], 1)),
  ]),
);

console.log('\nRun time of kernels (ms per run; ratios detwasm/Liftoff, detwasm/native, and metered/unmetered in the same tier)');
table(
  [
    'kernel', 'native', 'Liftoff', 'Liftoff/native',
    ...allTiers.flatMap((t) => [t, `${t}/Liftoff`, `${t}/native`, `${t} metered`]),
    'checksum',
  ],
  kernels.map((r) => [
    r.kernel,
    f(r.native_ms, 3),
    f(r.liftoff_ms, 3),
    x(r.liftoff_to_native),
    ...allTiers.flatMap((t) => [f(r.detwasm_ms[t], 3), x(r.ratio_to_liftoff[t]), x(r.ratio_to_native[t]), x(r.metering_overhead[t])]),
    r.checksums_agree == null ? 'n/a' : r.checksums_agree ? 'ok' : 'MISMATCH',
  ]),
);
console.log('\nGeometric means');
table(
  ['tier', 'compile/Liftoff', 'run/Liftoff', 'run/native', 'metered/unmetered'],
  allTiers.map((t) => [t, x(summary[t].compile_vs_liftoff), x(summary[t].run_vs_liftoff), x(summary[t].run_vs_native), x(summary[t].metering_overhead)]),
);
console.log(`Liftoff run/native: ${x(summary.liftoff.run_vs_native)}; target for the JIT: metered/unmetered at most 1.10x`);

// One table: columns are <engine> <size>, rows are shapes.
{
  const engines = Object.keys(shapes);
  const sizes = engines.length ? Object.keys(shapes[engines[0]].ratio_to_plain.plain) : [];
  console.log('\nHostile shapes: compile time per Wasm KB relative to plain (target for detwasm: worst within 3x)');
  const names = engines.length ? Object.keys(shapes[engines[0]].ratio_to_plain) : [];
  table(
    ['shape', ...engines.flatMap((e) => sizes.map((z) => `${e} ${z}`))],
    [
      ...names.map((n) => [n, ...engines.flatMap((e) => sizes.map((z) => x(shapes[e].ratio_to_plain[n]?.[z])))]),
      ['plain us/KB', ...engines.flatMap((e) => sizes.map((z) => f(shapes[e].us_per_KB.plain[z], 1)))],
    ],
  );
  for (const e of engines)
    console.log(`${e}: ` + sizes.map((z) => `worst at ${z} ${shapes[e].worst[z].shape} ${x(shapes[e].worst[z].ratio)}`).join('; '));
}
console.log(
  '\nArtifacts: load from a file (code mapped) and instantiate vs compile, metered (targets: at least 20x, ' +
    'load + instantiate at most 1 ms for ~1.5 MB)',
);
table(
  ['tier', 'module', 'compile ms', 'load ms', 'load+inst ms', 'best', 'from memory ms', 'speedup', 'size/Wasm'],
  artifacts.map((a) => [
    a.tier, a.module, f(a.compile_ms, 2), f(a.load_file_ms, 3), f(a.load_instantiate_ms, 3),
    f(a.load_instantiate_best_ms, 3), f(a.load_ms, 3), x(a.speedup), x(a.artifact_per_wasm_byte),
  ]),
);
if (determinism) console.log(`Artifacts of the real modules, written twice (1 and 2 compile threads): ${determinism}`);
console.log(
  'Instantiating a small module (target at most 10 us): ' +
    allTiers.map((t) => `${t} ${f(instantiateUs[t], 1)} us`).join(', '),
);
if (errors.length) console.log(`\nBenchmarks that failed:\n  ${errors.join('\n  ')}`);
console.log(`\nwritten: ${outFile}`);
