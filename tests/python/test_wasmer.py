"""detwasm.wasmer: the API of wasmer-python 1.0."""

import pytest

from detwasm import wasmer
from detwasm.wasmer import (Function, FunctionType, Global, GlobalType, ImportObject, Instance, Memory, MemoryType,
                            Module, Store, Type, Value, engine, wasi)

SUM_WAT = """
(module
  (import "env" "sum" (func $sum (param i32 i32) (result i32)))
  (func (export "add_one") (param i32) (result i32) local.get 0 i32.const 1 call $sum)
  (func (export "pair") (param i64) (result i64 f64) local.get 0 f64.const 0.5)
  (func (export "boom") unreachable)
  (global (export "counter") (mut i32) (i32.const 7))
  (memory (export "memory") 1 2))
"""


def sum_(x: int, y: int) -> int:
    return x + y


@pytest.mark.parametrize("eng", [None, engine.JIT(), engine.Universal(), engine.Native(), engine.Dylib(),
                                 engine.Universal(tier="interpreter")])
def test_readme_example(eng):
    store = Store(eng) if eng is not None else Store()
    module = Module(store, """
      (module (type (func (param i32 i32) (result i32)))
        (func (type 0) local.get 0 local.get 1 i32.add) (export "sum" (func 0)))""")
    instance = Instance(module)
    assert instance.exports.sum(1, 2) == 3


def test_imports_exports_and_types():
    store = Store()
    module = Module(store, SUM_WAT)
    assert [e.name for e in module.exports] == ["add_one", "pair", "boom", "counter", "memory"]
    assert module.exports[0].type == FunctionType([Type.I32], [Type.I32])
    assert module.imports[0].module == "env" and module.imports[0].type == FunctionType([Type.I32, Type.I32], [Type.I32])
    host = Function(store, sum_)
    assert host.type == FunctionType([Type.I32, Type.I32], [Type.I32])
    imports = ImportObject()
    imports.register("env", {"sum": host})
    assert imports.contains_namespace("env")
    for import_object in (imports, {"env": {"sum": host}}):
        instance = Instance(module, import_object)
        assert instance.exports.add_one(41) == 42
        assert instance.exports.pair(3) == (3, 0.5)
        assert instance.exports["add_one"](1) == 2
        assert {name for name, _ in instance.exports} >= {"add_one", "memory"}
    with pytest.raises(LookupError):
        instance.exports.nothing


def test_errors_are_runtime_errors():
    store = Store()
    module = Module(store, SUM_WAT)
    with pytest.raises(RuntimeError):
        Instance(module)  # the import is missing
    instance = Instance(module, {"env": {"sum": Function(store, sum_)}})
    with pytest.raises(RuntimeError, match="unreachable"):
        instance.exports.boom()
    with pytest.raises(RuntimeError):
        Module(store, b"\0asm\x02\0\0\0")
    assert Module.validate(store, SUM_WAT)
    assert not Module.validate(store, b"\0asm")

    def fail(x: int, y: int) -> int:
        raise ValueError("no")

    failing = Instance(module, {"env": {"sum": Function(store, fail)}})
    with pytest.raises(ValueError):
        failing.exports.add_one(1)
    with pytest.raises(RuntimeError, match="not a supported type"):
        Function(store, _bad_annotation)


def _bad_annotation(x: str) -> int:
    return 0


def test_function_types_from_annotations_and_explicit():
    store = Store()

    def f(a, b):
        return a + b

    f.__annotations__ = {"a": "i64", "b": float, "return": "f64"}  # wasmer's type names, as strings

    assert Function(store, f).type == FunctionType([Type.I64, Type.F32], [Type.F64])
    g = Function(store, lambda a, b: a * b, FunctionType([Type.I32, Type.I32], [Type.I32]))
    assert g(6, 7) == 42
    with pytest.raises(ValueError):
        Function(store, 5)


def test_memory_views_and_buffer():
    store = Store()
    instance = Instance(Module(store, SUM_WAT), {"env": {"sum": Function(store, sum_)}})
    memory = instance.exports.memory
    assert memory.size == 1 and memory.data_size == 65536
    view = memory.uint8_view(offset=16)
    view[0:4] = [1, 2, 3, 4]
    assert view[0:4] == [1, 2, 3, 4]
    assert memory.uint32_view(16)[0] == 0x04030201
    assert memory.int8_view()[16] == 1
    memory.float64_view(64)[0] = 2.5
    assert memory.float64_view(64)[0] == 2.5
    assert bytearray(memory.buffer)[16:20] == bytearray(b"\x01\x02\x03\x04")
    assert memory.grow(1) == 1
    assert memory.size == 2
    with pytest.raises(RuntimeError):
        memory.grow(1)
    host_memory = Memory(store, MemoryType(1, 3))
    assert host_memory.type == MemoryType(1, 3)


def test_globals():
    store = Store()
    instance = Instance(Module(store, SUM_WAT), {"env": {"sum": Function(store, sum_)}})
    counter = instance.exports.counter
    assert counter.value == 7 and counter.mutable
    counter.value = 8
    assert counter.value == 8
    g = Global(store, Value.i64(5))
    assert g.type == GlobalType(Type.I64, False)
    with pytest.raises(RuntimeError):
        g.value = 6


def test_serialize():
    store = Store()
    module = Module(store, SUM_WAT)
    again = Module.deserialize(store, module.serialize())
    assert [e.name for e in again.exports] == [e.name for e in module.exports]


def test_wasi_state_builder(tmp_dir, capfd):
    store = Store()
    module = Module(store, """
      (module
        (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
        (memory (export "memory") 1)
        (data (i32.const 8) "wasmer wasi\\n")
        (func (export "_start")
          (i32.store (i32.const 0) (i32.const 8)) (i32.store (i32.const 4) (i32.const 12))
          (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 40)))))""")
    assert wasi.get_version(module) == wasi.Version.SNAPSHOT1
    env = wasi.StateBuilder("prog").argument("--x").environment("K", "V").map_directory("/d", tmp_dir).finalize()
    instance = Instance(module, env.generate_import_object(store, wasi.Version.SNAPSHOT1))
    instance.exports._start()
    assert capfd.readouterr().out == "wasmer wasi\n"


def test_wasmer_0x_style():
    wasm = wasmer.wat2wasm(SUM_WAT)

    def sum(x: int, y: int) -> int:
        return x + y

    instance = Instance(wasm, {"env": {"sum": sum}})
    assert instance.exports.add_one(1) == 2
    instance.memory.uint8_view(8)[0] = 9
    assert instance.memory.uint8_view()[8] == 9
    module = Module(wasm)
    assert module.instantiate({"env": {"sum": sum}}).exports.add_one(2) == 3
    assert Instance(Module(Store(), "(module)")).memory is None
