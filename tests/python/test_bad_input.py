"""Bad input anywhere gives a clean Python exception, never a crash."""

import pytest

import detwasm as wasmtime
from detwasm import Func, FuncType, Global, GlobalType, Limits, Memory, MemoryType, Table, TableType, ValType

I32 = ValType.i32()


@pytest.fixture
def other(engine):
    s = wasmtime.Store(engine)
    return s, Func(s, FuncType([], []), lambda: None)


def test_externs_past_limits_or_of_the_wrong_type(store, other):
    with pytest.raises(wasmtime.WasmtimeError):
        Memory(store, MemoryType(Limits(70000)))
    with pytest.raises(TypeError):
        Table(store, TableType(ValType.funcref(), Limits(1)), 5)
    with pytest.raises(wasmtime.WasmtimeError, match="another store"):
        Table(store, TableType(ValType.funcref(), Limits(1)), other[1])
    with pytest.raises(wasmtime.WasmtimeError, match="another store"):
        Global(store, GlobalType(ValType.funcref(), True), other[1])
    mem = Memory(store, MemoryType(Limits(1)))
    with pytest.raises(wasmtime.WasmtimeError):
        mem.grow(store, 1 << 40)
    with pytest.raises(wasmtime.WasmtimeError, match="another store"):
        mem.size(other[0])


def test_host_functions_of_the_wrong_shape(store):
    with pytest.raises(TypeError):
        Func(store, FuncType([I32], []), lambda: None)(store, 1)
    with pytest.raises(OverflowError):
        Func(store, FuncType([], [I32]), lambda: 1 << 40)(store)
    with pytest.raises(KeyboardInterrupt):
        Func(store, FuncType([], []), lambda: (_ for _ in ()).throw(KeyboardInterrupt()))(store)


def test_bad_arguments_to_constructors(store):
    with pytest.raises(TypeError):
        wasmtime.Store("engine")
    with pytest.raises(TypeError):
        wasmtime.Instance(store, wasmtime.Module(store.engine, "(module)"), None)
    with pytest.raises(TypeError):
        wasmtime.Linker(store.engine).define(store, "a", "b", 5)
    with pytest.raises(ValueError):
        wasmtime.Config().tier = "fast"
    with pytest.raises(wasmtime.WasmtimeError):
        wasmtime.Config().wasm_threads = True
    with pytest.raises(wasmtime.WasmtimeError, match="magic"):
        wasmtime.Module(store.engine, "\0")


def test_host_and_wasm_recursing_without_end_traps(store):
    holder = {}

    def host(n):
        return holder["f"](store, n - 1) + 1 if n > 0 else 0

    hf = Func(store, FuncType([I32], [I32]), host)
    inst = wasmtime.Instance(store, wasmtime.Module(store.engine, """
      (module (import "" "h" (func $h (param i32) (result i32)))
        (func (export "f") (param i32) (result i32) local.get 0 call $h))"""), [hf])
    holder["f"] = inst.exports(store)["f"]
    assert holder["f"](store, 50) == 50
    with pytest.raises(wasmtime.Trap) as info:
        holder["f"](store, 100000)
    assert info.value.trap_code == wasmtime.TrapCode.STACK_OVERFLOW
    assert holder["f"](store, 3) == 3
