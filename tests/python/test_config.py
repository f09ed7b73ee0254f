"""Config and Engine: tier, fuel, limits, cache and the wasmtime-py feature switches."""

import os

import pytest

import detwasm as wasmtime
from detwasm import Config, Engine, Limits, Memory, MemoryType


def test_defaults():
    config = Config()
    assert config.tier == "jit"
    assert not config.consume_fuel
    assert config.limits == "default"
    assert config.cache is False
    engine = Engine()
    assert engine.tier == "jit" and not engine.consume_fuel
    assert Engine(None).tier == "jit"


def test_tier_and_strategy():
    config = Config()
    config.tier = "interpreter"
    assert Engine(config).tier == "interpreter"
    config.strategy = "cranelift"
    assert config.tier == "jit"
    config.tier = "interp"
    assert config.strategy == "interpreter"
    with pytest.raises(ValueError):
        config.strategy = "lightbeam"
    with pytest.raises(TypeError):
        Engine("jit")


def test_limits():
    config = Config()
    config.max_memory_pages = 4
    store = wasmtime.Store(Engine(config))
    Memory(store, MemoryType(Limits(4)))
    with pytest.raises(wasmtime.WasmtimeError):
        Memory(store, MemoryType(Limits(5)))
    with pytest.raises(wasmtime.WasmtimeError):
        wasmtime.Instance(store, wasmtime.Module(store.engine, "(module (memory 5))"), [])
    contract = Config()
    contract.limits = "contract"
    assert contract.limits == "contract"
    assert contract.max_memory_pages == 512  # 32 MiB
    with pytest.raises(ValueError):
        contract.limits = "huge"


def test_features():
    config = Config()
    config.wasm_reference_types = True
    config.wasm_bulk_memory = True
    config.wasm_multi_value = True
    config.wasm_threads = False
    config.wasm_simd = False
    config.debug_info = True
    config.parallel_compilation = True
    assert config.parallel_compilation
    for name in ("wasm_threads", "wasm_simd", "wasm_memory64", "wasm_multi_memory"):
        with pytest.raises(wasmtime.WasmtimeError):
            setattr(config, name, True)
    for name in ("wasm_reference_types", "wasm_bulk_memory", "wasm_multi_value"):
        with pytest.raises(wasmtime.WasmtimeError):
            setattr(config, name, False)
    with pytest.raises(AttributeError):
        config.no_such_setting = 1
    # Parallel compilation changes nothing but speed.
    wat = "(module " + " ".join('(func (export "f%d") (result i32) i32.const %d)' % (i, i) for i in range(200)) + ")"
    module = wasmtime.Module(Engine(config), wat)
    assert module.serialize() == wasmtime.Module(Engine(), wat).serialize()


def test_cache_directory(tmp_dir):
    config = Config()
    config.cache = os.path.join(tmp_dir, "cache")
    assert config.cache == os.path.join(tmp_dir, "cache")
    engine = Engine(config)
    wat = '(module (func (export "f") (result i32) i32.const 5))'
    wasmtime.Module(engine, wat)
    files = [f for _, _, fs in os.walk(os.path.join(tmp_dir, "cache")) for f in fs]
    assert files
    store = wasmtime.Store(engine)
    again = wasmtime.Module(Engine(config), wat)
    assert wasmtime.Instance(store, wasmtime.Module(engine, wat), []).exports(store)["f"](store) == 5
    assert again.hash == wasmtime.Module(engine, wat).hash
    config.cache = False
    assert config.cache is False
    with pytest.raises(TypeError):
        config.cache = 5


def test_store_data():
    payload = {"k": [1, 2]}
    store = wasmtime.Store(Engine(), payload)
    assert store.data() is payload
    assert wasmtime.Store().data() is None
    store.gc()
