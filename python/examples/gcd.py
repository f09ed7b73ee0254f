# Euclid's algorithm in Wasm, called from Python.
import detwasm as wasmtime

engine = wasmtime.Engine()
store = wasmtime.Store(engine)
module = wasmtime.Module(engine, """
  (module
    (func $gcd (export "gcd") (param i32 i32) (result i32)
      (local i32)
      block
        block
          local.get 0
          br_if 0
          local.get 1
          local.set 2
          br 1
        end
        loop
          local.get 1
          local.get 0
          local.tee 2
          i32.rem_u
          local.set 0
          local.get 2
          local.set 1
          local.get 0
          br_if 0
        end
      end
      local.get 2))
""")
instance = wasmtime.Instance(store, module, [])
gcd = instance.exports(store)["gcd"]
print("gcd(6, 27) = %d" % gcd(store, 6, 27))
