// Runs a WASI command (preview 1) under node, as `detwasm run` does:
//
//   node [V8 FLAGS] bench/real/wasi-run.mjs [--dir HOST[::GUEST]]... [--timing] [--] PROGRAM.wasm [ARG...]
//
// The program sees ARGs after its own name (the file's base name), the
// directories given (read-write), an empty environment, and node's stdin,
// stdout and stderr; its exit code is the process's. --timing prints one
// JSON line to stderr at the end: compile and run time in ms (wall).
//
// node 20's node:wasi can crash after the program's memory grows unless the
// fast API calls are off: bench/real/run-real-programs.py runs node with
// --no-turbo-fast-api-calls.
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { WASI } from 'node:wasi';

const argv = process.argv.slice(2);
const preopens = {};
let timing = false;
while (argv.length > 0 && argv[0].startsWith('--')) {
  const option = argv.shift();
  if (option === '--') break;
  if (option === '--timing') {
    timing = true;
  } else if (option === '--dir') {
    const spec = argv.shift();
    const [host, guest] = spec.includes('::') ? spec.split('::') : [spec, spec];
    preopens[guest] = resolve(host);
  } else {
    console.error(`wasi-run.mjs: unknown option ${option}`);
    process.exit(2);
  }
}
const file = argv.shift();
if (!file) {
  console.error('usage: wasi-run.mjs [--dir HOST[::GUEST]]... [--timing] [--] PROGRAM.wasm [ARG...]');
  process.exit(2);
}

const t0 = performance.now();
const module = await WebAssembly.compile(readFileSync(file));
const t1 = performance.now();
const wasi = new WASI({ version: 'preview1', args: [basename(file, '.wasm'), ...argv], env: {}, preopens,
                        returnOnExit: true });
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
const code = wasi.start(instance);
const t2 = performance.now();
if (timing) console.error(JSON.stringify({ compile_ms: t1 - t0, run_ms: t2 - t1 }));
process.exitCode = code;
