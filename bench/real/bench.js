// A JavaScript workload for bench/real/run-real-programs.py, run by Duktape's
// command-line program (ES5 with print()). Each part prints a checksum, so
// that every engine and the native build can be compared by their output. No
// clock, no Math.random, no transcendental functions: the output depends on
// nothing but the script.
//
//   duk bench.js [SCALE]   (SCALE is read from the global `scale`, default 1)

var SCALE = typeof scale === 'number' ? scale : 1;

// A deterministic pseudo-random stream (xorshift32).
var seed = 2463534242;
function rand(n) {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) % n;
}

// Allocation: binary trees, built and walked.
function Tree(left, right) {
  this.left = left;
  this.right = right;
}
function build(depth) {
  return depth === 0 ? new Tree(null, null) : new Tree(build(depth - 1), build(depth - 1));
}
function count(t) {
  return t.left === null ? 1 : 1 + count(t.left) + count(t.right);
}
function trees() {
  var total = 0;
  for (var i = 0; i < 6 * SCALE; ++i) total += count(build(12));
  return total;
}

// Floating point: an n-body step loop (sqrt only, which is exact).
function nbody() {
  var bodies = [];
  for (var i = 0; i < 5; ++i) {
    bodies.push({ x: i, y: i * 0.5, z: -i, vx: 0.01 * i, vy: 0, vz: -0.02 * i, m: 1 + i * 0.1 });
  }
  var dt = 0.01;
  for (var step = 0; step < 20000 * SCALE; ++step) {
    for (var a = 0; a < bodies.length; ++a) {
      var p = bodies[a];
      for (var b = a + 1; b < bodies.length; ++b) {
        var q = bodies[b];
        var dx = p.x - q.x, dy = p.y - q.y, dz = p.z - q.z;
        var d2 = dx * dx + dy * dy + dz * dz + 0.01;
        var mag = dt / (d2 * Math.sqrt(d2));
        p.vx -= dx * q.m * mag; p.vy -= dy * q.m * mag; p.vz -= dz * q.m * mag;
        q.vx += dx * p.m * mag; q.vy += dy * p.m * mag; q.vz += dz * p.m * mag;
      }
    }
    for (var c = 0; c < bodies.length; ++c) {
      var r = bodies[c];
      r.x += dt * r.vx; r.y += dt * r.vy; r.z += dt * r.vz;
    }
  }
  var e = 0;
  for (var k = 0; k < bodies.length; ++k) e += bodies[k].x + bodies[k].y + bodies[k].z;
  return e.toFixed(9);
}

// Strings and regular expressions: build a text, split, count, replace.
var WORDS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa'];
function text() {
  var parts = [];
  for (var i = 0; i < 40000 * SCALE; ++i) parts.push(WORDS[rand(WORDS.length)] + (i % 17 === 0 ? '.' : ''));
  var s = parts.join(' ');
  var sentences = s.split('. ');
  var counts = {};
  var words = s.split(/[ .]+/);
  for (var j = 0; j < words.length; ++j) counts[words[j]] = (counts[words[j]] || 0) + 1;
  var upper = s.replace(/\b(a|e)(\w*)/g, function (m, first, rest) { return first.toUpperCase() + rest; });
  var vowels = upper.match(/[AE]/g).length;
  var keys = Object.keys(counts).sort();
  var out = [];
  for (var k = 0; k < keys.length; ++k) out.push(keys[k] + ':' + counts[keys[k]]);
  return sentences.length + ' ' + vowels + ' ' + out.join(',');
}

// JSON: records serialized and parsed back.
function json() {
  var records = [];
  for (var i = 0; i < 5000 * SCALE; ++i) {
    records.push({ id: i, name: 'user' + rand(100000), tags: [rand(10), rand(10), rand(10)], score: rand(1000) / 8 });
  }
  var total = 0, length = 0;
  for (var round = 0; round < 4; ++round) {
    var s = JSON.stringify(records);
    length += s.length;
    var back = JSON.parse(s);
    for (var j = 0; j < back.length; ++j) total += back[j].score + back[j].tags[1];
  }
  return length + ' ' + total;
}

// Arrays and closures: sort with a comparator, map, filter, reduce.
function arrays() {
  var a = [];
  for (var i = 0; i < 30000 * SCALE; ++i) a.push(rand(1000000));
  a.sort(function (x, y) { return x - y; });
  var sorted = true;
  for (var j = 1; j < a.length; ++j) if (a[j - 1] > a[j]) sorted = false;
  var sum = a.map(function (x) { return x * 3 + 1; })
             .filter(function (x) { return x % 2 === 0; })
             .reduce(function (s, x) { return (s + x) % 1000000007; }, 0);
  return sorted + ' ' + a[0] + ' ' + a[a.length - 1] + ' ' + sum;
}

// Integers: a sieve in a plain array, and a hash over it.
function sieve() {
  var n = 300000 * SCALE;
  var composite = [];
  for (var i = 0; i <= n; ++i) composite.push(false);
  var primes = 0, h = 0;
  for (var p = 2; p <= n; ++p) {
    if (composite[p]) continue;
    ++primes;
    h = (h * 31 + p) | 0;
    for (var m = p * p; m <= n; m += p) composite[m] = true;
  }
  return primes + ' ' + h;
}

print('trees ' + trees());
print('nbody ' + nbody());
print('text ' + text());
print('json ' + json());
print('arrays ' + arrays());
print('sieve ' + sieve());
