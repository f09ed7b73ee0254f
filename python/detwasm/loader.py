"""Wasm modules imported as Python modules, as wasmtime-py's loader does it.

After ``import detwasm.loader``, ``import name`` finds ``name.wasm`` (or
``name.wat``) on sys.path, instantiates it in this module's ``store`` and
gives its exports as attributes: functions callable without a store, and
memories, tables and globals as they are (use them with ``store``). The
module's imports come from importing the Python (or Wasm) module each names
and taking the attribute of the import's name; a Python callable becomes a
host function of the import's type. ``wasi_snapshot_preview1`` is WASI with
the process's standard streams and arguments.
"""

import importlib
import os
import sys
from importlib.abc import Loader, MetaPathFinder
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any, Optional, Sequence

from . import Engine, Func, FuncType, Linker, Module, Store, WasiConfig

engine = Engine()
store = Store(engine)
linker = Linker(engine)
linker.allow_shadowing = True
linker.define_wasi()
_wasi = WasiConfig()
_wasi.inherit_argv()
_wasi.inherit_stdin()
_wasi.inherit_stdout()
_wasi.inherit_stderr()
store.set_wasi(_wasi)

_WASI = "wasi_snapshot_preview1"


def _export(item: Any) -> Any:
    if isinstance(item, Func):
        def call(*args: Any) -> Any:
            return item(store, *args)
        call.__wrapped__ = item  # type: ignore[attr-defined]
        return call
    return item


class _WasmLoader(Loader):
    def create_module(self, spec: ModuleSpec) -> Optional[ModuleType]:
        return None

    def exec_module(self, module: ModuleType) -> None:
        wasm = Module.from_file(engine, module.__spec__.origin)  # type: ignore[union-attr,arg-type]
        for imp in wasm.imports:
            if imp.module == _WASI:
                continue
            source = importlib.import_module(imp.module)
            item = getattr(source, imp.name)
            if isinstance(imp.type, FuncType) and not isinstance(item, Func):
                wrapped = getattr(item, "__wrapped__", None)  # an export of another Wasm module
                item = wrapped if isinstance(wrapped, Func) else Func(store, imp.type, item)
            linker.define(store, imp.module, imp.name, item)
        instance = linker.instantiate(store, wasm)
        for name, item in instance.exports(store).items():
            setattr(module, name, _export(item))


class _WasmFinder(MetaPathFinder):
    def find_spec(self, fullname: str, path: Optional[Sequence[str]], target: Any = None) -> Optional[ModuleSpec]:
        leaf = fullname.rsplit(".", 1)[-1]
        for entry in path or sys.path:
            for ext in (".wasm", ".wat"):
                candidate = os.path.join(entry or ".", leaf + ext)
                if os.path.isfile(candidate):
                    return ModuleSpec(fullname, _WasmLoader(), origin=candidate)
        return None


sys.meta_path.append(_WasmFinder())
