"""Properties, checked with Hypothesis over both tiers."""

import struct

from hypothesis import given, settings, strategies as st

import detwasm as wasmtime

ARITH_WAT = """
(module
  (memory (export "memory") 1)
  (func (export "i32.add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  (func (export "i32.sub") (param i32 i32) (result i32) local.get 0 local.get 1 i32.sub)
  (func (export "i32.mul") (param i32 i32) (result i32) local.get 0 local.get 1 i32.mul)
  (func (export "i32.xor") (param i32 i32) (result i32) local.get 0 local.get 1 i32.xor)
  (func (export "i32.shl") (param i32 i32) (result i32) local.get 0 local.get 1 i32.shl)
  (func (export "i64.add") (param i64 i64) (result i64) local.get 0 local.get 1 i64.add)
  (func (export "i64.sub") (param i64 i64) (result i64) local.get 0 local.get 1 i64.sub)
  (func (export "i64.mul") (param i64 i64) (result i64) local.get 0 local.get 1 i64.mul)
  (func (export "i64.rem_u") (param i64 i64) (result i64) local.get 0 local.get 1 i64.rem_u)
  (func (export "f64.add") (param f64 f64) (result f64) local.get 0 local.get 1 f64.add)
  (func (export "sum") (param i32 i32) (result i64) (local i64)
    block loop
      local.get 1 i32.eqz br_if 1
      local.get 2 local.get 0 i64.load8_u i64.add local.set 2
      local.get 0 i32.const 1 i32.add local.set 0
      local.get 1 i32.const 1 i32.sub local.set 1
      br 0 end end
    local.get 2))
"""


def make(tier):
    config = wasmtime.Config()
    config.tier = tier
    store = wasmtime.Store(wasmtime.Engine(config))
    inst = wasmtime.Instance(store, wasmtime.Module(store.engine, ARITH_WAT), [])
    return store, inst.exports(store)


TIERS = {tier: make(tier) for tier in ("jit", "interpreter")}


def signed(v, bits):
    v &= (1 << bits) - 1
    return v - (1 << bits) if v >> (bits - 1) else v


I32_OPS = {
    "i32.add": lambda a, b: a + b,
    "i32.sub": lambda a, b: a - b,
    "i32.mul": lambda a, b: a * b,
    "i32.xor": lambda a, b: a ^ b,
    "i32.shl": lambda a, b: a << (b & 31),
}
I64_OPS = {
    "i64.add": lambda a, b: a + b,
    "i64.sub": lambda a, b: a - b,
    "i64.mul": lambda a, b: a * b,
}

i32s = st.integers(-(1 << 31), (1 << 32) - 1)
i64s = st.integers(-(1 << 63), (1 << 64) - 1)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(I32_OPS)), i32s, i32s, st.sampled_from(sorted(TIERS)))
def test_i32_arithmetic_is_python_arithmetic_mod_2_32(op, a, b, tier):
    store, ex = TIERS[tier]
    assert ex[op](store, a, b) == signed(I32_OPS[op](a, b), 32)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(I64_OPS)), i64s, i64s, st.sampled_from(sorted(TIERS)))
def test_i64_arithmetic_is_python_arithmetic_mod_2_64(op, a, b, tier):
    store, ex = TIERS[tier]
    assert ex[op](store, a, b) == signed(I64_OPS[op](a, b), 64)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, (1 << 64) - 1), st.integers(1, (1 << 64) - 1), st.sampled_from(sorted(TIERS)))
def test_i64_rem_u(a, b, tier):
    store, ex = TIERS[tier]
    assert ex["i64.rem_u"](store, a, b) & ((1 << 64) - 1) == a % b


@settings(max_examples=200, deadline=None)
@given(st.floats(allow_nan=False), st.floats(allow_nan=False), st.sampled_from(sorted(TIERS)))
def test_f64_add_is_ieee(a, b, tier):
    store, ex = TIERS[tier]
    got = ex["f64.add"](store, a, b)
    want = a + b
    assert struct.pack("<d", got) == struct.pack("<d", want) or (got != got and want != want)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 65536), st.binary(max_size=512), st.sampled_from(sorted(TIERS)))
def test_memory_write_read_round_trip(offset, data, tier):
    store, ex = TIERS[tier]
    mem = ex["memory"]
    offset = min(offset, 65536 - max(len(data), 1))
    if data:
        assert mem.write(store, data, offset) == len(data)
    assert bytes(mem.read(store, offset, offset + len(data))) == data
    # Wasm sees what Python wrote, and Python sees it through the zero-copy view.
    assert ex["sum"](store, offset, len(data)) == sum(data)
    assert bytes(mem.buffer(store)[offset:offset + len(data)]) == data


FUEL_WAT = """
(module
  (memory 1)
  (func (export "work") (param i32) (result i32) (local i32)
    block loop
      local.get 0 i32.eqz br_if 1
      local.get 0 i32.const 1 i32.sub local.set 0
      local.get 1 local.get 0 i32.const 7 i32.mul i32.add local.set 1
      local.get 0 i32.const 255 i32.and local.get 1 i32.store8
      br 0 end end
    local.get 1))
"""


def fuel_run(tier, n, fuel):
    config = wasmtime.Config()
    config.tier = tier
    config.consume_fuel = True
    store = wasmtime.Store(wasmtime.Engine(config))
    work = wasmtime.Instance(store, wasmtime.Module(store.engine, FUEL_WAT), []).exports(store)["work"]
    store.set_fuel(fuel)
    try:
        result = work(store, n)
    except wasmtime.Trap as t:
        result = t.trap_code
    return result, store.fuel_consumed(), store.get_fuel()


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 300), st.integers(0, 20000))
def test_fuel_runs_out_at_the_same_point_in_both_tiers(n, fuel):
    jit = fuel_run("jit", n, fuel)
    assert jit == fuel_run("interpreter", n, fuel)
    result, used, left = jit
    assert used + left == fuel


ID_WAT = """
(module
  (func (export "i32") (param i32) (result i32) local.get 0)
  (func (export "i64") (param i64) (result i64) local.get 0)
  (func (export "f32") (param f32) (result f32) local.get 0)
  (func (export "f64") (param f64) (result f64) local.get 0)
  (func (export "f64_bits") (param f64) (result i64) local.get 0 i64.reinterpret_f64))
"""

ID = {}
for _tier in ("jit", "interpreter"):
    _config = wasmtime.Config()
    _config.tier = _tier
    _store = wasmtime.Store(wasmtime.Engine(_config))
    ID[_tier] = (_store, wasmtime.Instance(_store, wasmtime.Module(_store.engine, ID_WAT), []).exports(_store))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(ID)), i32s, i64s, st.floats(width=32), st.floats())
def test_values_cross_the_boundary_unchanged(tier, a, b, c, d):
    store, ex = ID[tier]
    assert ex["i32"](store, a) == signed(a, 32)
    assert ex["i64"](store, b) == signed(b, 64)
    got = ex["f32"](store, c)
    assert struct.pack("<f", got) == struct.pack("<f", c) or (got != got and c != c)
    # f64 keeps every bit, NaN payloads included.
    assert struct.pack("<d", ex["f64"](store, d)) == struct.pack("<d", d)
    assert ex["f64_bits"](store, d) == signed(struct.unpack("<Q", struct.pack("<d", d))[0], 64)
