# A host function called from Wasm, in the style of wasmtime-py's README:
# wasmtime-py code but for its first line.
import detwasm as wasmtime

store = wasmtime.Store()
module = wasmtime.Module(store.engine, """
  (module
    (func $hello (import "" "hello"))
    (func (export "run") (call $hello))
  )
""")


def say_hello():
    print("Hello from Python!")


hello = wasmtime.Func(store, wasmtime.FuncType([], []), say_hello)
instance = wasmtime.Instance(store, module, [hello])
run = instance.exports(store)["run"]
run(store)
