"""detwasm.loader: `import name` of name.wasm or name.wat, as wasmtime-py's loader."""

import os
import subprocess
import sys
import textwrap


def test_import_a_wasm_module(tmp_dir):
    with open(os.path.join(tmp_dir, "pyhelpers.py"), "w") as f:
        f.write("def triple(x):\n    return 3 * x\n")
    with open(os.path.join(tmp_dir, "mathlib.wat"), "w") as f:
        f.write("""
          (module
            (import "pyhelpers" "triple" (func $triple (param i32) (result i32)))
            (memory (export "memory") 1)
            (func (export "triple_plus_one") (param i32) (result i32)
              local.get 0 call $triple i32.const 1 i32.add))""")
    with open(os.path.join(tmp_dir, "user.wat"), "w") as f:
        f.write("""
          (module
            (import "mathlib" "triple_plus_one" (func $f (param i32) (result i32)))
            (func (export "twice") (param i32) (result i32) local.get 0 call $f call $f))""")
    program = textwrap.dedent("""
        import detwasm.loader
        import mathlib, user
        print(mathlib.triple_plus_one(2), user.twice(1))
        print(mathlib.memory.data_len(detwasm.loader.store))
    """)
    r = subprocess.run([sys.executable, "-c", program], cwd=tmp_dir, capture_output=True, text=True,
                       env=dict(os.environ, PYTHONPATH=os.pathsep.join([tmp_dir, os.environ.get("PYTHONPATH", "")])))
    assert r.returncode == 0, r.stderr
    assert r.stdout == "7 13\n65536\n"
