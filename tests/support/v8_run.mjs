// Runs modules in V8 (Node.js) as an independent oracle for detwasm.
//
//   node v8_run.mjs <dir>
//
// For every <dir>/<case>.json (written by v8_oracle_test.cpp) it loads
// <case>.wasm, runs the plan and writes <case>.out: the lines of
// detwasm::test::Outcome (stage, calls, globals, tables) with float NaNs as
// "nan" (JavaScript numbers do not keep NaN bits), globals before tables,
// and trap kinds as detwasm names them; and <case>.mem.<export> with each exported memory's bytes.
import fs from 'node:fs';
import path from 'node:path';

const hex = (v, digits) => '0x' + v.toString(16).padStart(digits, '0');
const f32Bits = (x) => { const d = new DataView(new ArrayBuffer(4)); d.setFloat32(0, x, true); return d.getUint32(0, true); };
const f64Bits = (x) => { const d = new DataView(new ArrayBuffer(8)); d.setFloat64(0, x, true); return d.getBigUint64(0, true); };
const fromF32Bits = (b) => { const d = new DataView(new ArrayBuffer(4)); d.setUint32(0, b, true); return d.getFloat32(0, true); };
const fromF64Bits = (b) => { const d = new DataView(new ArrayBuffer(8)); d.setBigUint64(0, b, true); return d.getFloat64(0, true); };

function trapKind(e) {
  if (e instanceof RangeError && /call stack/.test(e.message)) return 'stack_exhausted';
  if (!(e instanceof WebAssembly.RuntimeError)) throw e;
  const m = e.message;
  const kinds = [
    [/unreachable/, 'unreachable'],
    [/memory access out of bounds|out of bounds memory/, 'memory_out_of_bounds'],
    [/divide by zero|remainder by zero/, 'integer_divide_by_zero'],
    // V8 words an out-of-range float-to-int conversion like a NaN one, so
    // these two compare as one kind (detwasm's integer_overflow and
    // invalid_conversion_to_integer).
    [/divide result unrepresentable|float unrepresentable/, 'overflow_or_conversion'],
    [/null function or function signature mismatch|function signature mismatch/, 'indirect_call'],
    [/table index is out of bounds|element segment out of bounds|table.*out of bounds/, 'table_out_of_bounds'],
  ];
  for (const [re, kind] of kinds) if (re.test(m)) return kind;
  return 'unknown(' + m + ')';
}

function runCase(dir, name) {
  const plan = JSON.parse(fs.readFileSync(path.join(dir, name + '.json'), 'utf8'));
  const bytes = fs.readFileSync(path.join(dir, name + '.wasm'));
  const lines = [];
  let instance;
  try {
    instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
  } catch (e) {
    lines.push(e instanceof WebAssembly.RuntimeError ? 'stage: instantiation trap ' + trapKind(e) : 'stage: error ' + e.message);
    return lines;
  }
  lines.push('stage: ok');
  const ex = instance.exports;
  const funcNames = new Map();
  for (const e of plan.exports) if (e.kind === 'func') funcNames.set(ex[e.name], e.name);
  const funcExports = plan.exports.filter((e) => e.kind === 'func').map((e) => ex[e.name]);

  const show = (type, v) => {
    switch (type) {
      case 'i32': return 'i32:' + hex(v >>> 0, 8);
      case 'i64': return 'i64:' + hex(BigInt.asUintN(64, v), 16);
      case 'f32': return Number.isNaN(v) ? 'f32:nan' : 'f32:' + hex(f32Bits(v), 8);
      case 'f64': return Number.isNaN(v) ? 'f64:nan' : 'f64:' + hex(f64Bits(v), 16);
      case 'externref': return v === null ? 'externref:null' : 'externref:' + v;
      case 'funcref': return v === null ? 'funcref:null' : 'funcref:' + (funcNames.get(v) ?? '?');
    }
    return '?';
  };
  const arg = ([type, bits]) => {
    const b = BigInt(bits);
    switch (type) {
      case 'i32': return Number(BigInt.asIntN(32, b));
      case 'i64': return BigInt.asIntN(64, b);
      case 'f32': return fromF32Bits(Number(b));
      case 'f64': return fromF64Bits(b);
      case 'externref': return b === 0n ? null : Number(b);
      case 'funcref': return b === 0n ? null : funcExports[Number(b) - 1];
    }
  };

  for (const call of plan.calls) {
    if (plan.budget) ex[plan.budget[0]].value = plan.budget[1];
    let line = call.name + ' ->';
    try {
      const r = ex[call.name](...call.args.map(arg));
      const results = call.results.length === 1 ? [r] : call.results.length === 0 ? [] : r;
      call.results.forEach((t, i) => { line += ' ' + show(t, results[i]); });
    } catch (e) {
      line += ' trap ' + trapKind(e);
    }
    lines.push(line);
  }
  for (const e of plan.exports) if (e.kind === 'global') lines.push(e.name + ' = ' + show(e.type, ex[e.name].value));
  for (const e of plan.exports) {
    if (e.kind === 'table') {
      const t = ex[e.name];
      const items = [];
      for (let i = 0; i < t.length; ++i) items.push(show(e.type, t.get(i)));
      lines.push(e.name + ' = [' + items.join(' ') + ']');
    }
    if (e.kind === 'memory') fs.writeFileSync(path.join(dir, name + '.mem.' + e.name), new Uint8Array(ex[e.name].buffer));
  }
  return lines;
}

const dir = process.argv[2];
for (const file of fs.readdirSync(dir)) {
  if (!file.endsWith('.json')) continue;
  const name = file.slice(0, -5);
  let lines;
  try {
    lines = runCase(dir, name);
  } catch (e) {
    lines = ['stage: runner error ' + e.message];
  }
  fs.writeFileSync(path.join(dir, name + '.out'), lines.join('\n') + '\n');
}
