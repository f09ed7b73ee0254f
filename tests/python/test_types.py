"""Type objects and Val."""

import pytest

import detwasm as wasmtime
from detwasm import FuncType, GlobalType, Limits, MemoryType, TableType, Val, ValType


def test_val_types():
    assert ValType.i32() == ValType.i32()
    assert ValType.i32() != ValType.i64()
    assert str(ValType.f64()) == "f64"
    assert str(ValType.externref()) == "externref"
    assert repr(ValType.funcref()) == "ValType.funcref()"
    assert len({ValType.i32(), ValType.i32(), ValType.f32()}) == 2


def test_func_type():
    ty = FuncType([ValType.i32(), ValType.i64()], [ValType.f32()])
    assert ty.params == [ValType.i32(), ValType.i64()]
    assert ty.results == [ValType.f32()]
    assert ty == FuncType([ValType.i32(), ValType.i64()], [ValType.f32()])
    assert FuncType([], []).params == []


def test_func_type_refuses_non_types():
    with pytest.raises(TypeError):
        FuncType([1], [])
    with pytest.raises(TypeError):
        FuncType(ValType.i32(), [])


def test_limits_and_memory_type():
    lim = Limits(1, None)
    assert lim.min == 1 and lim.max is None
    ty = MemoryType(Limits(1, 3))
    assert ty.limits.min == 1 and ty.limits.max == 3
    assert not ty.is_64
    with pytest.raises(wasmtime.WasmtimeError):
        MemoryType(Limits(2, 1))
    with pytest.raises(wasmtime.WasmtimeError):
        MemoryType(Limits(1), is_64=True)
    with pytest.raises(TypeError):
        Limits(-1)


def test_table_and_global_types():
    t = TableType(ValType.funcref(), Limits(1, 10))
    assert t.element == ValType.funcref() and t.limits.max == 10
    with pytest.raises(wasmtime.WasmtimeError):
        TableType(ValType.i32(), Limits(1))
    g = GlobalType(ValType.i64(), True)
    assert g.content == ValType.i64() and g.mutable


def test_val():
    assert Val.i32(5).value == 5
    assert Val.i32(0xFFFFFFFF).value == -1
    assert Val.i64(1 << 63).value == -(1 << 63)
    assert Val.f32(0.1).value == pytest.approx(0.1, rel=1e-7)
    assert Val.f64(0.5).value == 0.5
    assert Val.i32(3).type == ValType.i32()
    assert Val.i32(3).as_i32() == 3 and Val.i32(3).as_i64() is None
    obj = object()
    assert Val.externref(obj).value is obj
    assert Val.ref_null(ValType.funcref()).value is None
    with pytest.raises(TypeError):
        Val.i32("3")
    with pytest.raises(wasmtime.WasmtimeError):
        Val.ref_null(ValType.i32())


def test_import_and_export_types(engine):
    module = wasmtime.Module(engine, """
      (module
        (import "env" "f" (func (param i32) (result i64)))
        (import "env" "m" (memory 1 2))
        (import "env" "t" (table 3 funcref))
        (import "env" "g" (global (mut f32)))
        (func (export "h") (param f64))
        (global (export "k") i32 (i32.const 1)))
    """)
    imports = module.imports
    assert [(i.module, i.name) for i in imports] == [("env", "f"), ("env", "m"), ("env", "t"), ("env", "g")]
    assert imports[0].type == FuncType([ValType.i32()], [ValType.i64()])
    assert imports[1].type == MemoryType(Limits(1, 2))
    assert imports[2].type == TableType(ValType.funcref(), Limits(3))
    assert imports[3].type == GlobalType(ValType.f32(), True)
    exports = module.exports
    assert [e.name for e in exports] == ["h", "k"]
    assert exports[0].type == FuncType([ValType.f64()], [])
    assert exports[1].type == GlobalType(ValType.i32(), False)
