# A WASI program: the linker defines WASI, the store holds its configuration.
import os
import sys
import tempfile

import detwasm as wasmtime

engine = wasmtime.Engine()
linker = wasmtime.Linker(engine)
linker.define_wasi()
module = wasmtime.Module(engine, """
  (module
    (import "wasi_snapshot_preview1" "fd_write"
      (func $fd_write (param i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 8) "hello world\\n")
    (func $main (export "_start")
      (i32.store (i32.const 0) (i32.const 8))
      (i32.store (i32.const 4) (i32.const 12))
      (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 20))
      drop))
""")

with tempfile.TemporaryDirectory() as d:
    out = os.path.join(d, "stdout")
    config = wasmtime.WasiConfig()
    config.argv = ["hello"]
    config.stdout_file(out)
    store = wasmtime.Store(engine)
    store.set_wasi(config)
    instance = linker.instantiate(store, module)
    start = instance.exports(store)["_start"]
    start(store)
    with open(out) as f:
        sys.stdout.write(f.read())
