"""Shared fixtures of the Python package's tests.

They run against the package the build made (ctest sets PYTHONPATH to it),
with `import detwasm as wasmtime` as wasmtime-py code would.
"""

import os
import shutil
import tempfile

import pytest

import detwasm as wasmtime


@pytest.fixture(params=["jit", "interpreter"])
def tier(request):
    """Each test that takes it runs in both tiers, which must agree."""
    return request.param


@pytest.fixture
def engine(tier):
    config = wasmtime.Config()
    config.tier = tier
    return wasmtime.Engine(config)


@pytest.fixture
def fuel_engine(tier):
    config = wasmtime.Config()
    config.tier = tier
    config.consume_fuel = True
    return wasmtime.Engine(config)


@pytest.fixture
def store(engine):
    return wasmtime.Store(engine)


@pytest.fixture
def tmp_dir():
    base = os.environ.get("DETWASM_TEST_TMP")
    if base:
        os.makedirs(base, exist_ok=True)
    path = tempfile.mkdtemp(dir=base)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def instantiate(store, text, imports=()):
    module = wasmtime.Module(store.engine, text)
    return wasmtime.Instance(store, module, list(imports))


def cli():
    """The detwasm tool of the same build, if the test run was told where it is."""
    path = os.environ.get("DETWASM_CLI")
    return path if path and os.path.exists(path) else None
