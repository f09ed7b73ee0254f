// Measures V8's Liftoff (the singlepass baseline compiler) on the same inputs
// as detwasm-bench; node's built-ins only. Run node with Liftoff forced and
// everything else that would blur the figure switched off, as
// bench/run-side-by-side.sh does:
//
//   node --liftoff --no-wasm-tier-up --no-wasm-dynamic-tiering \
//        --no-wasm-lazy-compilation --single-threaded --expose-gc \
//        bench/liftoff.mjs compile [--min-ms=N] A.wasm...   (compile time)
//   node ... bench/liftoff.mjs run K1.wasm K2.wasm...           (kernel run time)
//
// Prints one JSON object. Every figure is given as the median and the best
// of several repetitions, as wall time (performance.now()) and as CPU time
// (process.cpuUsage(), which with --single-threaded is the main thread's).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const [mode, ...args] = process.argv.slice(2);
// Each module is compiled for at least this long (wall time) in all.
const minMsArg = args.find((a) => a.startsWith('--min-ms='));
const compileMinMs = minMsArg ? Number(minMsArg.slice(9)) : 2000;
const files = args.filter((a) => !a.startsWith('--'));
if (!['compile', 'run'].includes(mode) || files.length === 0) {
  console.error('usage: liftoff.mjs compile [--min-ms=N] FILE.wasm... | run FILE.wasm...');
  process.exit(2);
}

const gc = globalThis.gc ?? (() => {});

function cpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

// Times fn() `reps` times at least, and for at least `minMs` of wall time
// (at most `maxReps`).
function measure(fn, { reps = 5, minMs = 1000, maxReps = 50 } = {}) {
  const wall = [];
  const cpu = [];
  let result;
  const start = performance.now();
  for (let i = 0; i < maxReps && (i < reps || performance.now() - start < minMs); ++i) {
    gc();
    const c0 = cpuMs();
    const t0 = performance.now();
    result = fn(i);
    const t1 = performance.now();
    cpu.push(cpuMs() - c0);
    wall.push(t1 - t0);
  }
  return { wall_ms: summarize(wall), cpu_ms: summarize(cpu), reps: wall.length, result };
}

function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, best: sorted[0] };
}

// V8 shares compiled modules with identical bytes, so each repetition
// compiles a copy that differs by a trailing custom section.
function withNonce(bytes, nonce) {
  const name = new TextEncoder().encode('bench-nonce');
  const payload = new TextEncoder().encode(String(nonce).padStart(8, '0'));
  const size = 1 + name.length + payload.length;  // fits one LEB byte
  const out = new Uint8Array(bytes.length + 2 + size);
  out.set(bytes);
  let p = bytes.length;
  out[p++] = 0;  // custom section
  out[p++] = size;
  out[p++] = name.length;
  out.set(name, p);
  out.set(payload, p + name.length);
  return out;
}

const results = [];
if (mode === 'compile') {
  for (const file of files) {
    const bytes = readFileSync(file);
    const copies = Array.from({ length: 50 }, (_, i) => withNonce(bytes, i));
    new WebAssembly.Module(copies[0]);  // warm up the compiler itself
    const m = measure((i) => new WebAssembly.Module(copies[i + 1]), { reps: 7, minMs: compileMinMs, maxReps: 49 });
    results.push({ module: basename(file, '.wasm'), bytes: bytes.length, reps: m.reps, wall_ms: m.wall_ms, cpu_ms: m.cpu_ms });
  }
} else {
  for (const file of files) {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(file)));
    const n = instance.exports.bench_n();
    instance.exports.run(n);  // warm up
    const m = measure(() => instance.exports.run(n) >>> 0, { reps: 5, minMs: 1000, maxReps: 50 });
    results.push({ kernel: basename(file, '.wasm'), n, checksum: m.result, reps: m.reps, wall_ms: m.wall_ms, cpu_ms: m.cpu_ms });
  }
}

console.log(JSON.stringify({ engine: 'v8-liftoff', node: process.version, v8: process.versions.v8, flags: process.execArgv, mode, results }, null, 1));
