"""The example programs in python/examples, written as for wasmtime-py, run unchanged."""

import os
import subprocess
import sys

import pytest

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "python", "examples")

EXPECTED = {
    "hello.py": "Hello from Python!\n",
    "gcd.py": "gcd(6, 27) = 3\n",
    "memory.py": "grow past the maximum: WasmtimeError\nmemory ok\n",
    "wasi.py": "hello world\n",
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example(name):
    r = subprocess.run([sys.executable, os.path.join(EXAMPLES, name)], capture_output=True, text=True,
                       env=dict(os.environ))
    assert r.returncode == 0, r.stderr
    assert r.stdout == EXPECTED[name]


def test_examples_are_wasmtime_py_code():
    # They name detwasm once, in the import; the rest is wasmtime-py's API.
    for name in EXPECTED:
        with open(os.path.join(EXAMPLES, name)) as f:
            code = f.read()
        imports = [line for line in code.splitlines() if "detwasm" in line]
        assert len(imports) == 1 and imports[0] == "import detwasm as wasmtime", name
