"""WASI through Linker.define_wasi and Store.set_wasi, as wasmtime-py does it."""

import os
import shutil
import subprocess

import pytest

import detwasm as wasmtime
from detwasm import DirPerms, FilePerms, Linker, WasiConfig

HELLO_WAT = """
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 8) "hello from wasi\\n")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 8))
    (i32.store (i32.const 4) (i32.const 16))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 100))))
  (func (export "exit_with") (param i32) local.get 0 call $exit))
"""


def run_wasi(engine, module, config, export="_start", *args):
    store = wasmtime.Store(engine)
    store.set_wasi(config)
    linker = Linker(engine)
    linker.define_wasi()
    instance = linker.instantiate(store, module)
    return instance.exports(store)[export](store, *args)


def test_hello_to_a_file(engine, tmp_dir):
    out = os.path.join(tmp_dir, "out.txt")
    config = WasiConfig()
    config.stdout_file(out)
    assert run_wasi(engine, wasmtime.Module(engine, HELLO_WAT), config) is None
    with open(out) as f:
        assert f.read() == "hello from wasi\n"


def test_exit_is_an_exit_trap(engine):
    with pytest.raises(wasmtime.ExitTrap) as info:
        run_wasi(engine, wasmtime.Module(engine, HELLO_WAT), WasiConfig(), "exit_with", 3)
    assert info.value.code == 3
    assert isinstance(info.value, wasmtime.WasmtimeError)


def test_wasi_needs_a_configuration(engine):
    store = wasmtime.Store(engine)
    linker = Linker(engine)
    linker.define_wasi()
    with pytest.raises(wasmtime.WasmtimeError, match="set_wasi"):
        linker.instantiate(store, wasmtime.Module(engine, HELLO_WAT))


def test_config_properties(tmp_dir):
    config = WasiConfig()
    config.argv = ["prog", "a"]
    config.env = [("A", "1"), ("B", "x=y")]
    assert config.argv == ["prog", "a"]
    assert config.env == [("A", "1"), ("B", "x=y")]
    config.preopen_dir(tmp_dir, "/data", DirPerms.READ_ONLY, FilePerms.READ_ONLY)
    config.random_seed = 7
    assert config.random_seed == 7
    with pytest.raises(ValueError):
        config.env = [("A=B", "1")]
    with pytest.raises(TypeError):
        config.argv = "not a list of strings" and 5


def test_a_missing_preopen_is_a_clean_error(engine, tmp_dir):
    config = WasiConfig()
    config.preopen_dir(os.path.join(tmp_dir, "missing"), "/x")
    with pytest.raises(wasmtime.WasmtimeError):
        run_wasi(engine, wasmtime.Module(engine, HELLO_WAT), config)


def compile_c(name, tmp_dir):
    clang = shutil.which("clang") or shutil.which("clang-14")
    programs = os.environ.get("DETWASM_WASI_PROGRAMS",
                              os.path.join(os.path.dirname(__file__), "..", "wasi", "programs"))
    if not clang or not os.path.exists("/usr/lib/wasm32-wasi/libc.a"):
        pytest.skip("no clang with wasi-libc for wasm32-wasi")
    out = os.path.join(tmp_dir, name + ".wasm")
    r = subprocess.run([clang, "--target=wasm32-wasi", "--sysroot=/usr", "-O2",
                        os.path.join(programs, name + ".c"), "-o", out], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.fail("compiling %s failed: %s" % (name, r.stderr))
    return out


def test_c_program(engine, tmp_dir):
    wasm = compile_c("basics", tmp_dir)
    files = {n: os.path.join(tmp_dir, n) for n in ("in", "out", "err")}
    with open(files["in"], "w") as f:
        f.write("line one\n")
    config = WasiConfig()
    config.argv = ["basics", "4", "word"]
    config.env = [("GREETING", "hi")]
    config.stdin_file(files["in"])
    config.stdout_file(files["out"])
    config.stderr_file(files["err"])
    with pytest.raises(wasmtime.ExitTrap) as info:
        run_wasi(engine, wasmtime.Module.from_file(engine, wasm), config)
    assert info.value.code == 4
    with open(files["out"]) as f:
        assert f.read() == "argc=3\nargv[1]=4\nargv[2]=word\nenviron=1\nGREETING=hi\nstdin: line one\n"
    with open(files["err"]) as f:
        assert f.read() == "to stderr\n"


def test_preopened_directory(engine, tmp_dir):
    data = os.path.join(tmp_dir, "data")
    os.mkdir(data)
    with open(os.path.join(data, "note.txt"), "w") as f:
        f.write("kept")
    wat = """
    (module
      (import "wasi_snapshot_preview1" "path_open"
        (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
      (memory (export "memory") 1)
      (data (i32.const 16) "note.txt")
      ;; Opens note.txt below the first preopen (fd 3), for reading or writing; returns the errno.
      (func (export "open") (param $write i32) (result i32)
        (call $open (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 8) (i32.const 0)
          (select (i64.const 64) (i64.const 2) (local.get $write)) (i64.const 0) (i32.const 0) (i32.const 64))))
    """
    module = wasmtime.Module(engine, wat)
    rw = WasiConfig()
    rw.preopen_dir(data, "/data")
    assert run_wasi(engine, module, rw, "open", 0) == 0
    assert run_wasi(engine, module, rw, "open", 1) == 0
    ro = WasiConfig()
    ro.preopen_dir(data, "/data", DirPerms.READ_ONLY, FilePerms.READ_ONLY)
    assert run_wasi(engine, module, ro, "open", 0) == 0
    assert run_wasi(engine, module, ro, "open", 1) == 76  # ENOTCAPABLE


@pytest.mark.skipif(not os.environ.get("DETWASM_CLI"), reason="DETWASM_CLI is not set: run through ctest")
def test_a_wasi_program_uses_the_gas_the_detwasm_tool_counts(tier, tmp_dir):
    import json
    wasm = compile_c("basics", tmp_dir)
    stdin = os.path.join(tmp_dir, "in")
    with open(stdin, "w") as f:
        f.write("line one\n")
    tool_tier = "jit" if tier == "jit" else "interp"
    out = subprocess.run([os.environ["DETWASM_CLI"], "run", wasm, "4", "word", "--env", "GREETING=hi",
                          "--stdin", stdin, "--gas", "100000000", "--json", "--no-cache", "--tier", tool_tier],
                         capture_output=True, text=True)
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["exit_code"] == 4

    config = wasmtime.Config()
    config.tier = tier
    config.consume_fuel = True
    engine = wasmtime.Engine(config)
    wasi_config = WasiConfig()
    wasi_config.argv = [wasm, "4", "word"]  # as the tool gives them: the module's path first
    wasi_config.env = [("GREETING", "hi")]
    wasi_config.stdin_file(stdin)
    store = wasmtime.Store(engine)
    store.set_wasi(wasi_config)
    store.set_fuel(100000000)
    linker = Linker(engine)
    linker.define_wasi()
    instance = linker.instantiate(store, wasmtime.Module.from_file(engine, wasm))
    with pytest.raises(wasmtime.ExitTrap) as info:
        instance.exports(store)["_start"](store)
    assert info.value.code == 4
    assert store.fuel_consumed() == report["gas_used"]
