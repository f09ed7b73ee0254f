"""Traps: message, trap code, frames and trace."""

import pytest

import detwasm as wasmtime
from detwasm import Trap, TrapCode
from conftest import instantiate

NAMED_WAT = """
(module $calc
  (func $fail (export "fail") unreachable)
  (func $middle (call $fail))
  (func $outer (export "outer") (call $middle))
  (func (export "div") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)
  (func (export "oob") (result i32) i32.const 70000 i32.load)
  (func (export "conv") (param f64) (result i32) local.get 0 i32.trunc_f64_s)
  (func $deep (export "deep") call $deep)
  (memory 1))
"""


def trap_of(fn, *args):
    with pytest.raises(Trap) as info:
        fn(*args)
    return info.value


def test_trap_frames_carry_names_and_offsets(store):
    ex = instantiate(store, NAMED_WAT).exports(store)
    t = trap_of(ex["outer"], store)
    assert t.trap_code == TrapCode.UNREACHABLE
    assert "unreachable" in t.message
    assert "wasm backtrace" in str(t)
    assert [f.func_name for f in t.frames] == ["fail", "middle", "outer"]
    assert [f.func_index for f in t.frames] == [0, 1, 2]
    assert all(f.module_name == "calc" for f in t.frames)
    assert all(isinstance(f.module_offset, int) and isinstance(f.func_offset, int) for f in t.frames)
    # The innermost frame is the unreachable itself; callers are at their calls.
    assert t.frames[0].module_offset < t.frames[1].module_offset < t.frames[2].module_offset
    assert t.trace[0].startswith("0: 0x%x - calc!fail" % t.frames[0].module_offset)
    assert len(t.trace) == 3


def test_trap_codes(store):
    ex = instantiate(store, NAMED_WAT).exports(store)
    assert trap_of(ex["div"], store, 1, 0).trap_code == TrapCode.INTEGER_DIVISION_BY_ZERO
    assert trap_of(ex["div"], store, -(1 << 31), -1).trap_code == TrapCode.INTEGER_OVERFLOW
    assert trap_of(ex["oob"], store).trap_code == TrapCode.MEMORY_OUT_OF_BOUNDS
    assert trap_of(ex["conv"], store, float("nan")).trap_code == TrapCode.BAD_CONVERSION_TO_INTEGER
    deep = trap_of(ex["deep"], store)
    assert deep.trap_code == TrapCode.STACK_OVERFLOW
    assert deep.frames and all(f.func_name == "deep" for f in deep.frames)


def test_both_tiers_report_the_same_frames():
    def frames(tier):
        config = wasmtime.Config()
        config.tier = tier
        store = wasmtime.Store(wasmtime.Engine(config))
        t = trap_of(instantiate(store, NAMED_WAT).exports(store)["outer"], store)
        return [(f.func_index, f.func_name, f.module_offset, f.func_offset) for f in t.frames]

    assert frames("jit") == frames("interpreter")


def test_trap_in_start_function(store):
    with pytest.raises(Trap) as info:
        instantiate(store, '(module (func $s unreachable) (start $s))')
    assert info.value.trap_code == TrapCode.UNREACHABLE


def test_trap_is_not_a_wasmtime_error(store):
    # As in wasmtime-py: traps and errors are separate exception classes.
    assert not issubclass(Trap, wasmtime.WasmtimeError)
    assert issubclass(wasmtime.ExitTrap, wasmtime.WasmtimeError)
