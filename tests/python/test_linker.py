"""Linker: definitions, host functions per store, instances, modules, shadowing."""

import pytest

import detwasm as wasmtime
from detwasm import FuncType, Global, GlobalType, Linker, Memory, MemoryType, Limits, ValType

I32 = ValType.i32()

USER_WAT = """
(module
  (import "env" "double" (func $double (param i32) (result i32)))
  (import "env" "base" (global $base i32))
  (func (export "run") (param i32) (result i32) local.get 0 call $double global.get $base i32.add))
"""


def test_define_and_define_func(engine):
    linker = Linker(engine)
    linker.define_func("env", "double", FuncType([I32], [I32]), lambda x: 2 * x)
    module = wasmtime.Module(engine, USER_WAT)
    # The same linker serves any number of stores: its host function is made in each.
    for base in (100, 200):
        store = wasmtime.Store(engine)
        linker.allow_shadowing = True
        linker.define(store, "env", "base", Global(store, GlobalType(I32, False), base))
        assert linker.instantiate(store, module).exports(store)["run"](store, 5) == base + 10


def test_missing_import_is_a_clean_error(engine):
    store = wasmtime.Store(engine)
    linker = Linker(engine)
    linker.define_func("env", "double", FuncType([I32], [I32]), lambda x: 2 * x)
    with pytest.raises(wasmtime.WasmtimeError, match="unknown import.*base"):
        linker.instantiate(store, wasmtime.Module(engine, USER_WAT))


def test_wrong_import_type_is_a_clean_error(engine):
    store = wasmtime.Store(engine)
    linker = Linker(engine)
    linker.define_func("env", "double", FuncType([], []), lambda: None)
    linker.define(store, "env", "base", Global(store, GlobalType(I32, False), 1))
    with pytest.raises(wasmtime.WasmtimeError):
        linker.instantiate(store, wasmtime.Module(engine, USER_WAT))
    with pytest.raises(wasmtime.WasmtimeError, match="expected 2 imports, found 0"):
        wasmtime.Instance(store, wasmtime.Module(engine, USER_WAT), [])
    with pytest.raises(TypeError):
        wasmtime.Instance(store, wasmtime.Module(engine, USER_WAT), [1, 2])
    memory = Memory(store, MemoryType(Limits(1)))
    g = Global(store, GlobalType(I32, False), 1)
    with pytest.raises(wasmtime.WasmtimeError):
        wasmtime.Instance(store, wasmtime.Module(engine, USER_WAT), [memory, g])


def test_shadowing(engine):
    store = wasmtime.Store(engine)
    linker = Linker(engine)
    linker.define_func("env", "f", FuncType([], [I32]), lambda: 1)
    with pytest.raises(wasmtime.WasmtimeError, match="defined twice"):
        linker.define_func("env", "f", FuncType([], [I32]), lambda: 2)
    linker.allow_shadowing = True
    linker.define_func("env", "f", FuncType([], [I32]), lambda: 3)
    inst = linker.instantiate(store, wasmtime.Module(engine, '(module (import "env" "f" (func (result i32))) (export "f" (func 0)))'))
    assert inst.exports(store)["f"](store) == 3
    assert linker.get(store, "env", "f")(store) == 3
    with pytest.raises(wasmtime.WasmtimeError):
        linker.get(store, "env", "nothing")


def test_define_instance_and_module(engine):
    store = wasmtime.Store(engine)
    linker = Linker(engine)
    lib = wasmtime.Module(engine, """
      (module (func (export "double") (param i32) (result i32) local.get 0 i32.const 2 i32.mul)
              (global (export "base") i32 (i32.const 7)))""")
    linker.define_instance(store, "env", wasmtime.Instance(store, lib, []))
    user = wasmtime.Module(engine, USER_WAT)
    assert linker.instantiate(store, user).exports(store)["run"](store, 4) == 15
    with pytest.raises(wasmtime.WasmtimeError):
        linker.define_instance(store, "env", wasmtime.Instance(store, lib, []))

    other = Linker(engine)
    other.define_module(store, "env", lib)
    assert other.instantiate(store, user).exports(store)["run"](store, 1) == 9


def test_get_default(engine):
    store = wasmtime.Store(engine)
    linker = Linker(engine)
    linker.define_module(store, "cmd", wasmtime.Module(engine, """
      (module (global $g (export "g") (mut i32) (i32.const 0))
              (func (export "_start") i32.const 5 global.set $g))"""))
    linker.get_default(store, "cmd")(store)
    assert linker.get(store, "cmd", "g").value(store) == 5
    assert linker.get_default(store, "nothing")(store) is None


def test_linker_items_of_another_store_are_refused(engine):
    a = wasmtime.Store(engine)
    b = wasmtime.Store(engine)
    linker = Linker(engine)
    with pytest.raises(wasmtime.WasmtimeError, match="another store"):
        linker.define(b, "env", "g", Global(a, GlobalType(I32, False), 1))
    linker.define(a, "env", "base", Global(a, GlobalType(I32, False), 1))
    linker.define_func("env", "double", FuncType([I32], [I32]), lambda x: x)
    with pytest.raises(wasmtime.WasmtimeError, match="another store"):
        linker.instantiate(b, wasmtime.Module(engine, USER_WAT))
