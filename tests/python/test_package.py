"""The package itself: its names, stubs and documentation."""

import ast
import os

import detwasm
import detwasm._detwasm as native


def stub_names():
    path = os.path.join(os.path.dirname(detwasm.__file__), "_detwasm.pyi")
    tree = ast.parse(open(path).read())
    classes = {}
    functions = set()
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            members = set()
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    members.add(item.name)
                elif isinstance(item, ast.AnnAssign):
                    members.add(item.target.id)
            classes[node.name] = members
        elif isinstance(node, ast.FunctionDef):
            functions.add(node.name)
    return classes, functions


def test_stubs_describe_every_public_name():
    classes, functions = stub_names()
    for name in dir(native):
        if name.startswith("_"):
            continue
        obj = getattr(native, name)
        if isinstance(obj, type):
            assert name in classes, "no stub for class %s" % name
            public = {m for m in dir(obj) if not m.startswith("_")}
            missing = public - classes[name]
            assert not missing, "%s: no stub for %s" % (name, sorted(missing))
        else:
            assert name in functions, "no stub for %s" % name


def test_top_level_is_wasmtime_py_api():
    for name in ("Config", "Engine", "Store", "Module", "Instance", "Linker", "Func", "Caller", "FuncType",
                 "ValType", "GlobalType", "MemoryType", "TableType", "Limits", "ImportType", "ExportType", "Val",
                 "Memory", "Global", "Table", "Trap", "WasmtimeError", "ExitTrap", "Frame", "TrapCode",
                 "WasiConfig", "DirPerms", "FilePerms", "wat2wasm"):
        assert hasattr(detwasm, name), name
    assert set(detwasm.__all__) <= set(dir(detwasm))


def test_typed_and_documented():
    here = os.path.dirname(detwasm.__file__)
    assert os.path.exists(os.path.join(here, "py.typed"))
    for name in detwasm.__all__:
        obj = getattr(detwasm, name)
        if isinstance(obj, type) and obj.__module__.startswith("detwasm"):
            assert obj.__doc__, "%s has no docstring" % name
