"""Memory, Table, Global, and externref values of any Python object."""

import ctypes

import pytest

import detwasm as wasmtime
from detwasm import Global, GlobalType, Limits, Memory, MemoryType, Table, TableType, ValType, Func, FuncType
from conftest import instantiate

MEM_WAT = """
(module
  (memory (export "memory") 1 4)
  (func (export "load") (param i32) (result i32) local.get 0 i32.load8_u)
  (func (export "store") (param i32 i32) local.get 0 local.get 1 i32.store8)
  (func (export "size") (result i32) memory.size)
  (data (i32.const 0) "\\01\\02\\03"))
"""


def test_memory_read_write(store):
    ex = instantiate(store, MEM_WAT).exports(store)
    mem = ex["memory"]
    assert isinstance(mem, Memory)
    assert mem.size(store) == 1
    assert mem.data_len(store) == 65536
    assert mem.type(store) == MemoryType(Limits(1, 4))
    assert mem.read(store, 0, 4) == bytearray(b"\x01\x02\x03\x00")
    assert mem.read(store, -2) == bytearray(2)
    assert mem.read(store, 5, 2) == bytearray()
    assert mem.write(store, b"abc", 100) == 3
    assert ex["load"](store, 101) == ord("b")
    ex["store"](store, 200, 0xEE)
    assert mem.read(store, 200, 201) == bytearray(b"\xee")
    assert mem.write(store, bytearray(b"z"), -1) == 1
    assert ex["load"](store, 65535) == ord("z")
    with pytest.raises(IndexError):
        mem.write(store, b"xx", 65535)
    with pytest.raises(IndexError):
        mem.write(store, b"x", 65536)
    with pytest.raises(TypeError):
        mem.write(store, "text", 0)


def test_memory_grow(store):
    ex = instantiate(store, MEM_WAT).exports(store)
    mem = ex["memory"]
    assert mem.grow(store, 2) == 1
    assert mem.size(store) == 3
    assert ex["size"](store) == 3
    assert mem.data_len(store) == 3 * 65536
    with pytest.raises(wasmtime.WasmtimeError):
        mem.grow(store, 2)  # past the maximum of 4
    with pytest.raises(wasmtime.WasmtimeError):
        mem.grow(store, -1)
    assert mem.size(store) == 3


def test_memory_zero_copy_views(store):
    ex = instantiate(store, MEM_WAT).exports(store)
    mem = ex["memory"]
    view = mem.buffer(store)
    assert len(view) == 65536 and not view.readonly
    view[300] = 77
    assert ex["load"](store, 300) == 77
    ex["store"](store, 301, 78)
    assert view[301] == 78
    arr = mem.get_buffer_ptr(store, 4, 300)
    assert list(arr) == [77, 78, 0, 0]
    arr[2] = 79
    assert ex["load"](store, 302) == 79
    ptr = mem.data_ptr(store)
    assert ptr[0] == 1 and ptr[302] == 79
    assert ctypes.addressof(ptr.contents) == ctypes.addressof(mem.get_buffer_ptr(store))
    with pytest.raises(IndexError):
        mem.get_buffer_ptr(store, 10, 65530)


def test_host_memory_imported(store):
    mem = Memory(store, MemoryType(Limits(1, 4)))
    inst = instantiate(store, """
      (module (import "" "m" (memory 1))
        (func (export "load") (param i32) (result i32) local.get 0 i32.load8_u))""", [mem])
    mem.write(store, b"\x2a", 9)
    assert inst.exports(store)["load"](store, 9) == 42


def test_globals(store):
    g = Global(store, GlobalType(ValType.i64(), True), 5)
    assert g.value(store) == 5
    assert g.type(store) == GlobalType(ValType.i64(), True)
    inst = instantiate(store, """
      (module (import "" "g" (global $g (mut i64)))
        (global (export "c") f64 (f64.const 2.5))
        (func (export "bump") global.get $g i64.const 1 i64.add global.set $g))""", [g])
    inst.exports(store)["bump"](store)
    assert g.value(store) == 6
    g.set_value(store, -1)
    inst.exports(store)["bump"](store)
    assert g.value(store) == 0
    c = inst.exports(store)["c"]
    assert c.value(store) == 2.5
    with pytest.raises(wasmtime.WasmtimeError, match="immutable"):
        c.set_value(store, 1.0)
    with pytest.raises(TypeError):
        g.set_value(store, "x")
    with pytest.raises(TypeError):
        Global(store, GlobalType(ValType.i32(), False), None)


def test_tables(store):
    f = Func(store, FuncType([], [ValType.i32()]), lambda: 11)
    table = Table(store, TableType(ValType.funcref(), Limits(2, 10)), None)
    assert table.size(store) == 2
    assert table.get(store, 0) is None
    table.set(store, 1, f)
    inst = instantiate(store, """
      (module (import "" "t" (table 2 funcref)) (type $t (func (result i32)))
        (func (export "call") (param i32) (result i32) local.get 0 call_indirect (type $t)))""", [table])
    assert inst.exports(store)["call"](store, 1) == 11
    with pytest.raises(wasmtime.Trap) as e:
        inst.exports(store)["call"](store, 0)
    assert e.value.trap_code == wasmtime.TrapCode.INDIRECT_CALL_TO_NULL
    assert table.grow(store, 3, f) == 2
    assert table.size(store) == 5
    assert inst.exports(store)["call"](store, 4) == 11
    assert table.get(store, 99) is None
    with pytest.raises(wasmtime.WasmtimeError):
        table.set(store, 99, f)
    with pytest.raises(TypeError):
        table.set(store, 0, 5)
    with pytest.raises(wasmtime.WasmtimeError):
        table.grow(store, 100, None)


class Payload:
    def __init__(self, n):
        self.n = n


@pytest.mark.parametrize("obj", [Payload(3), "text", 17, 2.5, [1, [2]], {"k": object()}, (None,), b"\0"])
def test_externref_round_trip(store, obj):
    inst = instantiate(store, """
      (module (table $t 4 externref)
        (func (export "id") (param externref) (result externref) local.get 0)
        (func (export "put") (param i32 externref) local.get 0 local.get 1 table.set $t)
        (func (export "get") (param i32) (result externref) local.get 0 table.get $t)
        (func (export "is_null") (param externref) (result i32) local.get 0 ref.is_null))""")
    ex = inst.exports(store)
    assert ex["id"](store, obj) is obj
    ex["put"](store, 2, obj)
    assert ex["get"](store, 2) is obj
    assert ex["get"](store, 1) is None
    assert ex["is_null"](store, obj) == 0
    assert ex["is_null"](store, None) == 1
    assert ex["id"](store, wasmtime.Val.externref(obj)) is obj


def test_externref_through_host_functions_and_globals(store):
    seen = []
    f = Func(store, FuncType([ValType.externref()], [ValType.externref()]), lambda x: seen.append(x) or {"wrapped": x})
    obj = Payload(1)
    out = f(store, obj)
    assert seen == [obj] and out == {"wrapped": obj}
    g = Global(store, GlobalType(ValType.externref(), True), obj)
    assert g.value(store) is obj
    g.set_value(store, None)
    assert g.value(store) is None


def test_memory_view_keeps_its_store_alive(engine):
    import gc
    store = wasmtime.Store(engine)
    view = instantiate(store, MEM_WAT).exports(store)["memory"].buffer(store)
    del store
    gc.collect()
    assert view[0:3] == b"\x01\x02\x03"
    view[3] = 9
    assert view.format == "B" and view.itemsize == 1


def test_memory_view_stays_valid_when_the_memory_grows(store):
    ex = instantiate(store, MEM_WAT).exports(store)
    mem = ex["memory"]
    view = mem.buffer(store)
    mem.grow(store, 3)
    view[65535] = 5
    assert ex["load"](store, 65535) == 5
    assert len(view) == 65536 and len(mem.buffer(store)) == 4 * 65536
