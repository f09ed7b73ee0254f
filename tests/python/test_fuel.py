"""Fuel is gas: exactly what the C++ API and `detwasm run --gas` count."""

import json
import os
import subprocess

import pytest

import detwasm as wasmtime
from detwasm import Func, FuncType
from conftest import cli, instantiate

FIB_WAT = """
(module
  (func $fib (export "fib") (param i64) (result i64)
    local.get 0 i64.const 2 i64.lt_u
    if (result i64) local.get 0
    else local.get 0 i64.const 1 i64.sub call $fib local.get 0 i64.const 2 i64.sub call $fib i64.add end)
  (func (export "loop") (param i32) (result i32) (local i32)
    block loop local.get 0 i32.eqz br_if 1
      local.get 0 i32.const 1 i32.sub local.set 0
      local.get 1 i32.const 3 i32.add local.set 1 br 0 end end local.get 1))
"""


def fuel_store(tier):
    config = wasmtime.Config()
    config.tier = tier
    config.consume_fuel = True
    return wasmtime.Store(wasmtime.Engine(config))


def test_without_consume_fuel(store):
    with pytest.raises(wasmtime.WasmtimeError, match="fuel is not configured"):
        store.set_fuel(10)
    with pytest.raises(wasmtime.WasmtimeError):
        store.get_fuel()
    assert store.fuel_consumed() is None


def test_a_store_starts_with_no_fuel(tier):
    store = fuel_store(tier)
    assert store.get_fuel() == 0
    fib = instantiate(store, FIB_WAT).exports(store)["fib"]
    with pytest.raises(wasmtime.Trap) as info:
        fib(store, 10)
    assert info.value.trap_code == wasmtime.TrapCode.OUT_OF_FUEL


def test_fuel_accounting(tier):
    store = fuel_store(tier)
    ex = instantiate(store, FIB_WAT).exports(store)
    store.set_fuel(1_000_000)
    assert ex["fib"](store, 15) == 610
    used = store.fuel_consumed()
    assert used > 0
    assert store.get_fuel() == 1_000_000 - used
    # Deterministic: the same call uses the same gas again.
    ex["fib"](store, 15)
    assert store.fuel_consumed() == 2 * used
    store.add_fuel(5)
    assert store.get_fuel() == 1_000_000 - 2 * used + 5
    assert store.fuel_consumed() == 2 * used
    assert store.consume_fuel(5) == 1_000_000 - 2 * used
    assert store.fuel_consumed() == 2 * used + 5
    with pytest.raises(wasmtime.WasmtimeError):
        store.consume_fuel(10 ** 12)
    store.set_fuel(7)
    assert store.get_fuel() == 7
    assert store.fuel_consumed() == 2 * used + 5


def test_out_of_fuel_leaves_what_was_used(tier):
    store = fuel_store(tier)
    ex = instantiate(store, FIB_WAT).exports(store)
    store.set_fuel(1000)
    with pytest.raises(wasmtime.Trap) as info:
        ex["fib"](store, 25)
    assert info.value.trap_code == wasmtime.TrapCode.OUT_OF_FUEL
    assert info.value.frames[0].func_name == "fib"
    assert 0 < store.fuel_consumed() <= 1000
    assert store.get_fuel() == 1000 - store.fuel_consumed()


def test_both_tiers_use_the_same_gas():
    def gas(tier, name, arg):
        store = fuel_store(tier)
        store.set_fuel(10 ** 9)
        instantiate(store, FIB_WAT).exports(store)[name](store, arg)
        return store.fuel_consumed()

    for name, arg in (("fib", 12), ("loop", 1000)):
        assert gas("jit", name, arg) == gas("interpreter", name, arg)


def test_host_functions_are_charged_per_call(tier):
    store = fuel_store(tier)
    f = Func(store, FuncType([], []), lambda: None)
    inst = instantiate(store, '(module (import "" "f" (func $f)) (func (export "run") call $f call $f))', [f])
    store.set_fuel(10 ** 6)
    inst.exports(store)["run"](store)
    two = store.fuel_consumed()
    inst2 = instantiate(store, '(module (import "" "f" (func $f)) (func (export "run") call $f))', [f])
    inst2.exports(store)["run"](store)
    assert two > store.fuel_consumed() - two > 0


@pytest.mark.skipif(cli() is None, reason="DETWASM_CLI is not set: run through ctest")
@pytest.mark.parametrize("name,arg,limit", [("fib", 15, 10 ** 8), ("loop", 500, 10 ** 8), ("fib", 25, 1000)])
def test_gas_is_what_the_detwasm_tool_counts(tier, tmp_dir, name, arg, limit):
    path = os.path.join(tmp_dir, "fib.wat")
    with open(path, "w") as f:
        f.write(FIB_WAT)
    tool_tier = "jit" if tier == "jit" else "interp"
    out = subprocess.run([cli(), "run", path, "--invoke", name, str(arg), "--gas", str(limit), "--json",
                          "--no-cache", "--tier", tool_tier], capture_output=True, text=True)
    report = json.loads(out.stdout.strip().splitlines()[-1])

    store = fuel_store(tier)
    fn = instantiate(store, FIB_WAT).exports(store)[name]
    store.set_fuel(limit)
    try:
        fn(store, arg)
        assert report["trap"] is None
    except wasmtime.Trap as t:
        assert report["trap"]["kind"] == "out_of_gas"
        assert t.trap_code == wasmtime.TrapCode.OUT_OF_FUEL
    assert store.fuel_consumed() == report["gas_used"]


CALLS_HOST_WAT = '(module (import "" "f" (func $f)) (func (export "run") call $f))'


def test_host_function_fuel_cost_and_consume_fuel(tier):
    store = fuel_store(tier)
    store.set_fuel(10 ** 6)

    def gas_of_run(func):
        run = instantiate(store, CALLS_HOST_WAT, [func]).exports(store)["run"]
        before = store.fuel_consumed()
        run(store)
        return store.fuel_consumed() - before

    free = gas_of_run(Func(store, FuncType([], []), lambda: None, fuel_cost=0))
    assert gas_of_run(Func(store, FuncType([], []), lambda: None, fuel_cost=1000)) == free + 1000
    assert gas_of_run(Func(store, FuncType([], []), lambda: None)) >= free  # the schedule's default

    seen = []

    def charging(caller):
        seen.append(caller.consume_fuel(500))

    assert gas_of_run(Func(store, FuncType([], []), charging, access_caller=True, fuel_cost=0)) == free + 500
    assert seen == [store.get_fuel()]

    linker = wasmtime.Linker(store.engine)
    linker.define_func("", "f", FuncType([], []), lambda: None, fuel_cost=77)
    run = linker.instantiate(store, wasmtime.Module(store.engine, CALLS_HOST_WAT)).exports(store)["run"]
    before = store.fuel_consumed()
    run(store)
    assert store.fuel_consumed() - before == free + 77


def test_consume_fuel_running_out_is_the_out_of_fuel_trap(tier):
    store = fuel_store(tier)

    def charging(caller):
        caller.consume_fuel(10 ** 9)

    inst = instantiate(store, CALLS_HOST_WAT, [Func(store, FuncType([], []), charging, access_caller=True)])
    store.set_fuel(10 ** 4)
    with pytest.raises(wasmtime.Trap) as info:
        inst.exports(store)["run"](store)
    assert info.value.trap_code == wasmtime.TrapCode.OUT_OF_FUEL
    assert info.value.frames and info.value.frames[0].func_index == 1
    assert store.get_fuel() + store.fuel_consumed() == 10 ** 4
    assert store.get_fuel() > 0  # nothing was charged for the refused amount


def test_consume_fuel_needs_metering(store):
    f = Func(store, FuncType([], []), lambda caller: caller.consume_fuel(1), access_caller=True)
    with pytest.raises(wasmtime.WasmtimeError, match="fuel is not configured"):
        f(store)
