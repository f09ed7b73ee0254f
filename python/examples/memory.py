# Reading, writing and growing a memory from Python and from Wasm.
import detwasm as wasmtime

store = wasmtime.Store()
module = wasmtime.Module(store.engine, """
  (module
    (memory (export "memory") 2 3)
    (func (export "size") (result i32) (memory.size))
    (func (export "load") (param i32) (result i32)
      (i32.load8_s (local.get 0)))
    (func (export "store") (param i32 i32)
      (i32.store8 (local.get 0) (local.get 1)))
    (data (i32.const 0x1000) "\\01\\02\\03\\04"))
""")
instance = wasmtime.Instance(store, module, [])
exports = instance.exports(store)
memory = exports["memory"]
size, load, store_fn = exports["size"], exports["load"], exports["store"]

assert memory.size(store) == 2
assert memory.data_len(store) == 0x20000
assert size(store) == 2
assert load(store, 0x1000) == 1
assert load(store, 0x1003) == 4
assert load(store, 0x1ffff) == 0
try:
    load(store, 0x20000)
    raise AssertionError("expected a trap")
except wasmtime.Trap:
    pass

store_fn(store, 0x1002, 5)
assert memory.read(store, 0x1000, 0x1004) == bytearray(b"\x01\x02\x05\x04")
memory.write(store, b"\x07", 0x1003)
assert load(store, 0x1003) == 7

assert memory.grow(store, 1) == 2
assert memory.size(store) == 3
try:
    memory.grow(store, 1)
    raise AssertionError("expected growing past the maximum to fail")
except Exception as e:
    print("grow past the maximum:", type(e).__name__)
print("memory ok")
