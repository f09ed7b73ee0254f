"""Module: binary or text, files, validation, serialization."""

import os

import pytest

import detwasm as wasmtime

ADD_WAT = '(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))'


def test_text_and_binary_give_the_same_module(engine):
    binary = wasmtime.wat2wasm(ADD_WAT)
    assert binary[:4] == b"\0asm"
    a = wasmtime.Module(engine, ADD_WAT)
    b = wasmtime.Module(engine, binary)
    c = wasmtime.Module(engine, ADD_WAT.encode())  # text as bytes, as wasmtime takes it
    assert a.hash == b.hash == c.hash
    assert [e.name for e in b.exports] == ["add"]


def test_from_file(engine, tmp_dir):
    wat = os.path.join(tmp_dir, "add.wat")
    wasm = os.path.join(tmp_dir, "add.wasm")
    with open(wat, "w") as f:
        f.write(ADD_WAT)
    with open(wasm, "wb") as f:
        f.write(wasmtime.wat2wasm(ADD_WAT))
    for path in (wat, wasm):
        store = wasmtime.Store(engine)
        inst = wasmtime.Instance(store, wasmtime.Module.from_file(engine, path), [])
        assert inst.exports(store)["add"](store, 40, 2) == 42
    with pytest.raises(wasmtime.WasmtimeError, match="cannot read"):
        wasmtime.Module.from_file(engine, os.path.join(tmp_dir, "missing.wasm"))


def test_validate(engine):
    wasmtime.Module.validate(engine, wasmtime.wat2wasm(ADD_WAT))
    wasmtime.Module.validate(engine, ADD_WAT)
    bad = wasmtime.wat2wasm('(module (func (result i32) i64.const 1))')
    with pytest.raises(wasmtime.WasmtimeError, match="invalid"):
        wasmtime.Module.validate(engine, bad)
    with pytest.raises(wasmtime.WasmtimeError):
        wasmtime.Module(engine, bad)


def test_malformed_input_is_a_clean_error(engine):
    with pytest.raises(wasmtime.WasmtimeError, match="offset"):
        wasmtime.Module(engine, b"\0asm\x01\0\0\0\x01")
    with pytest.raises(wasmtime.WasmtimeError, match="1:"):
        wasmtime.Module(engine, "(module (func (param i23)))")
    with pytest.raises(wasmtime.WasmtimeError):
        wasmtime.wat2wasm("(module")
    with pytest.raises(TypeError):
        wasmtime.Module(engine, 42)
    with pytest.raises(TypeError):
        wasmtime.Module("not an engine", ADD_WAT)


def test_unsupported_features_are_refused(engine):
    with pytest.raises(wasmtime.WasmtimeError):
        wasmtime.Module(engine, '(module (memory 1 1 shared))')


def test_serialize_and_deserialize(engine, tmp_dir):
    module = wasmtime.Module(engine, ADD_WAT)
    art = module.serialize()
    assert isinstance(art, bytearray)
    loaded = wasmtime.Module.deserialize(engine, art)
    assert loaded.hash == module.hash
    path = os.path.join(tmp_dir, "add.art")
    with open(path, "wb") as f:
        f.write(art)
    from_file = wasmtime.Module.deserialize_file(engine, path)
    store = wasmtime.Store(engine)
    for m in (loaded, from_file):
        assert wasmtime.Instance(store, m, []).exports(store)["add"](store, 1, 2) == 3
    # An artifact is not a module, nor a damaged artifact an artifact.
    with pytest.raises(wasmtime.WasmtimeError, match="deserialize"):
        wasmtime.Module(engine, art)
    damaged = bytearray(art)
    damaged[len(damaged) // 2] ^= 0xFF
    with pytest.raises(wasmtime.WasmtimeError):
        wasmtime.Module.deserialize(engine, damaged)
    with pytest.raises(wasmtime.WasmtimeError):
        wasmtime.Module.deserialize(engine, wasmtime.wat2wasm(ADD_WAT))


def test_artifact_of_another_configuration_is_refused(tier):
    plain = wasmtime.Engine()
    config = wasmtime.Config()
    config.consume_fuel = True
    metered = wasmtime.Engine(config)
    art = wasmtime.Module(plain, ADD_WAT).serialize()
    with pytest.raises(wasmtime.WasmtimeError):
        wasmtime.Module.deserialize(metered, art)


def test_module_of_another_engine_is_refused(engine):
    module = wasmtime.Module(wasmtime.Engine(), ADD_WAT)
    with pytest.raises(wasmtime.WasmtimeError, match="another engine"):
        wasmtime.Instance(wasmtime.Store(engine), module, [])
