"""Func: calls with Python values, host functions, Caller, and Python exceptions."""

import math

import pytest

import detwasm as wasmtime
from detwasm import Func, FuncType, Val, ValType
from conftest import instantiate

I32 = ValType.i32()
I64 = ValType.i64()
F32 = ValType.f32()
F64 = ValType.f64()

NUMS_WAT = """
(module
  (func (export "none"))
  (func (export "i32") (param i32) (result i32) local.get 0)
  (func (export "i64") (param i64) (result i64) local.get 0)
  (func (export "f32") (param f32) (result f32) local.get 0)
  (func (export "f64") (param f64) (result f64) local.get 0)
  (func (export "swap") (param i32 i64) (result i64 i32) local.get 1 local.get 0))
"""


def test_results_as_wasmtime_py_gives_them(store):
    ex = instantiate(store, NUMS_WAT).exports(store)
    assert ex["none"](store) is None
    assert ex["i32"](store, -5) == -5
    assert ex["i32"](store, 0xFFFFFFFF) == -1
    assert ex["i64"](store, 1 << 63) == -(1 << 63)
    assert ex["f32"](store, 1.5) == 1.5
    assert ex["f32"](store, 3) == 3.0
    assert ex["f64"](store, math.pi) == math.pi
    assert math.isnan(ex["f64"](store, float("nan")))
    assert ex["swap"](store, 1, 2) == [2, 1]
    assert ex["i32"](store, Val.i32(7)) == 7


def test_wrong_arity_and_types_raise_cleanly(store):
    ex = instantiate(store, NUMS_WAT).exports(store)
    with pytest.raises(wasmtime.WasmtimeError, match="too few"):
        ex["swap"](store, 1)
    with pytest.raises(wasmtime.WasmtimeError, match="too many"):
        ex["i32"](store, 1, 2)
    with pytest.raises(TypeError):
        ex["i32"](store, "1")
    with pytest.raises(TypeError):
        ex["i32"](store, 1.5)
    with pytest.raises(TypeError):
        ex["f64"](store, None)
    with pytest.raises(TypeError):
        ex["i64"](store, Val.i32(1))
    with pytest.raises(OverflowError):
        ex["i32"](store, 1 << 32)
    with pytest.raises(OverflowError):
        ex["i64"](store, -(1 << 63) - 1)
    with pytest.raises(TypeError):
        ex["i32"]("not a store", 1)
    with pytest.raises(TypeError):
        ex["i32"]()


def test_object_of_another_store_is_refused(engine):
    a = wasmtime.Store(engine)
    b = wasmtime.Store(engine)
    f = instantiate(a, NUMS_WAT).exports(a)["i32"]
    with pytest.raises(wasmtime.WasmtimeError, match="another store"):
        f(b, 1)


def test_host_function(store):
    seen = []

    def add(x, y):
        seen.append((x, y))
        return x + y

    f = Func(store, FuncType([I32, I64], [I64]), add)
    assert f.type(store) == FuncType([I32, I64], [I64])
    assert f(store, 2, 3) == 5
    inst = instantiate(store, """
      (module (import "" "add" (func $add (param i32 i64) (result i64)))
        (func (export "run") (result i64) i32.const -1 i64.const 10 call $add))""", [f])
    assert inst.exports(store)["run"](store) == 9
    assert seen == [(2, 3), (-1, 10)]


def test_host_function_with_several_results(store):
    f = Func(store, FuncType([I32], [I32, F64]), lambda x: (x * 2, x / 2))
    assert f(store, 3) == [6, 1.5]
    g = Func(store, FuncType([], [I32, I32]), lambda: [1])
    with pytest.raises(wasmtime.WasmtimeError, match="wrong number of results"):
        g(store)


def test_host_function_bad_results_raise(store):
    f = Func(store, FuncType([], [I32]), lambda: "x")
    with pytest.raises(TypeError):
        f(store)
    g = Func(store, FuncType([], []), lambda: 1)
    with pytest.raises(wasmtime.WasmtimeError, match="produced results"):
        g(store)
    with pytest.raises(TypeError):
        Func(store, FuncType([], []), 42)


class Boom(Exception):
    pass


def test_python_exception_propagates_through_wasm(store):
    def fail(x):
        raise Boom("from the host: %d" % x)

    f = Func(store, FuncType([I32], []), fail)
    inst = instantiate(store, """
      (module (import "" "f" (func $f (param i32)))
        (func $inner (export "run") i32.const 7 call $f)
        (func (export "outer") call $inner))""", [f])
    with pytest.raises(Boom, match="from the host: 7"):
        inst.exports(store)["outer"](store)
    # The store is fine afterwards, and nothing is left pending.
    assert inst.exports(store)["run"] is not None
    ok = instantiate(store, '(module (func (export "ok") (result i32) i32.const 1))')
    assert ok.exports(store)["ok"](store) == 1


def test_exception_through_nested_host_calls(store):
    calls = []

    def inner():
        calls.append("inner")
        raise KeyError("deep")

    inner_f = Func(store, FuncType([], []), inner)
    inst = instantiate(store, '(module (import "" "i" (func $i)) (func (export "run") call $i))', [inner_f])
    run = inst.exports(store)["run"]

    def outer():
        calls.append("outer")
        run(store)  # raises KeyError, which is not caught here

    outer_f = Func(store, FuncType([], []), outer)
    inst2 = instantiate(store, '(module (import "" "o" (func $o)) (func (export "run") call $o))', [outer_f])
    with pytest.raises(KeyError, match="deep"):
        inst2.exports(store)["run"](store)
    assert calls == ["outer", "inner"]


def test_host_catching_a_trap_from_wasm(store):
    trapping = instantiate(store, '(module (func (export "t") unreachable))').exports(store)["t"]

    def host():
        with pytest.raises(wasmtime.Trap):
            trapping(store)
        return 5

    f = Func(store, FuncType([], [I32]), host)
    inst = instantiate(store, '(module (import "" "h" (func $h (result i32))) (func (export "run") (result i32) call $h))', [f])
    assert inst.exports(store)["run"](store) == 5


def test_caller(store):
    got = {}

    def host(caller, ptr, length):
        mem = caller["memory"]
        got["text"] = bytes(mem.read(caller, ptr, ptr + length))
        got["missing"] = caller.get("nothing")
        got["g"] = caller["g"]
        got["global"] = got["g"].value(caller)
        with pytest.raises(KeyError):
            caller["nothing"]
        got["caller"] = caller

    f = Func(store, FuncType([I32, I32], []), host, access_caller=True)
    inst = instantiate(store, """
      (module (import "" "log" (func $log (param i32 i32)))
        (memory (export "memory") 1)
        (global (export "g") i32 (i32.const 42))
        (data (i32.const 16) "hello, caller")
        (func (export "run") i32.const 16 i32.const 13 call $log))""", [f])
    inst.exports(store)["run"](store)
    assert got["text"] == b"hello, caller"
    assert got["missing"] is None
    assert got["global"] == 42
    # A Caller is valid only during its call.
    assert got["caller"].get("memory") is None
    with pytest.raises(KeyError):
        got["caller"]["g"]
    with pytest.raises(ValueError, match="no longer valid"):
        got["g"].value(got["caller"])


def test_caller_from_a_host_call_made_by_the_host(store):
    f = Func(store, FuncType([], [I32]), lambda caller: 0 if caller.get("memory") is None else 1, access_caller=True)
    assert f(store) == 0


def test_funcref_round_trip(store):
    inst = instantiate(store, """
      (module (func $f (export "f") (result i32) i32.const 9)
        (func (export "id") (param funcref) (result funcref) local.get 0)
        (func (export "get") (result funcref) ref.func $f))""")
    ex = inst.exports(store)
    f = ex["get"](store)
    assert isinstance(f, Func)
    assert f(store) == 9
    assert f == ex["f"]
    assert ex["id"](store, f) == f
    assert ex["id"](store, None) is None
    host = Func(store, FuncType([], [I32]), lambda: 3)
    assert ex["id"](store, host)(store) == 3
    with pytest.raises(TypeError):
        ex["id"](store, 5)


def test_a_store_runs_wasm_on_one_thread_at_a_time(store):
    import threading

    release = threading.Event()
    inside = threading.Event()

    def host():
        inside.set()
        release.wait(10)  # waiting releases the GIL
        return 1

    f = Func(store, FuncType([], [I32]), host)
    inst = instantiate(store, '(module (import "" "h" (func $h (result i32))) (func (export "run") (result i32) call $h))', [f])
    run = inst.exports(store)["run"]
    results = []
    t = threading.Thread(target=lambda: results.append(run(store)))
    t.start()
    assert inside.wait(10)
    with pytest.raises(wasmtime.WasmtimeError, match="another thread"):
        run(store)
    with pytest.raises(wasmtime.WasmtimeError, match="another thread"):
        inst.exports(store)["run"].type(store) and instantiate(store, '(module)')
    release.set()
    t.join(10)
    assert results == [1]
    assert run(store) == 1  # free again


def test_wasm_runs_without_the_gil(fuel_engine):
    """Wasm marks that it runs, then spins until another Python thread writes
    a flag into its memory. That thread needs the GIL to see the mark and to
    write: with the GIL held by the call, the loop could only end by running
    out of fuel, and the call would fail."""
    import threading
    import time

    store = wasmtime.Store(fuel_engine)
    store.set_fuel(2_000_000_000)
    inst = instantiate(store, """
      (module (memory (export "mem") 1)
        (func (export "spin") (result i32) (local $n i32)
          (i32.store (i32.const 4) (i32.const 1))
          (loop $wait
            (local.set $n (i32.add (local.get $n) (i32.const 1)))
            (br_if $wait (i32.eqz (i32.load (i32.const 0)))))
          (local.get $n)))""")
    ex = inst.exports(store)
    mem = ex["mem"]
    outcome = []

    def spin():
        try:
            outcome.append(ex["spin"](store))
        except wasmtime.Trap as trap:
            outcome.append(trap)

    spinner = threading.Thread(target=spin)
    spinner.start()
    deadline = time.monotonic() + 60
    while mem.read(store, 4, 5) != bytearray(b"\x01") and time.monotonic() < deadline:
        pass
    mem.write(store, b"\x01", 0)
    spinner.join(120)
    assert not spinner.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], int), outcome
