"""The API of wasmer-python 1.0, on detwasm: ``import detwasm.wasmer as wasmer``.

Store, Module(store, bytes|text), Instance(module, import_object), exports as
attributes (``instance.exports.sum(1, 2)``), ImportObject or a plain dict of
imports, Function(store, callable) with its type from annotations, Memory
with the buffer protocol and typed views, Global, Table, the type objects,
``engine`` (JIT, Universal, Native, Dylib) and ``wasi`` (StateBuilder).
Traps, link and compile errors are RuntimeError, as in wasmer-python.
"""

from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple, Union

import detwasm as _dw

from . import engine, wasi
from ._memory import (Float32Array, Float64Array, Int8Array, Int16Array, Int32Array, Int64Array, Memory,
                      Uint8Array, Uint16Array, Uint32Array, Uint64Array)
from ._types import (ExportType, FunctionType, GlobalType, ImportType, MemoryType, TableType, Type, Value,
                     _extern_type, _Handle, _runtime_error, _valtype)

__all__ = [
    "Exports", "ExportType", "Function", "FunctionType", "Global", "GlobalType", "ImportObject",
    "ImportType", "Instance", "Memory", "MemoryType", "Module", "Store", "Table", "TableType", "Type", "Value",
    "engine", "wasi", "wat2wasm", "wasm2wat",
    "Uint8Array", "Int8Array", "Uint16Array", "Int16Array", "Uint32Array", "Int32Array", "Uint64Array",
    "Int64Array", "Float32Array", "Float64Array",
]


class Store:
    """Holds the engine and every object instances make."""

    def __init__(self, engine: Optional["engine._Engine"] = None):
        self.engine = engine if engine is not None else engine_module.JIT()
        self._store = _dw.Store(self.engine._engine)

    @property
    def engine_name(self) -> str:
        return self.engine.name

    @property
    def compiler_name(self) -> Optional[str]:
        return "singlepass"


engine_module = engine


def _unwrap(v: Any) -> Any:
    if isinstance(v, Value):
        return _dw.Val(_valtype(v.type), v.value)
    if isinstance(v, (Function, Memory, Global, Table)):
        return v._native
    return v


def _call(store: Store, native: "_dw.Func", args: Tuple[Any, ...]) -> Any:
    try:
        out = native(store._store, *[_unwrap(a) for a in args])
    except (_dw.Trap, _dw.WasmtimeError) as e:
        raise _runtime_error(e) from e
    if isinstance(out, list):
        return tuple(_wrap(store, v) for v in out)
    return _wrap(store, out)


def _wrap(store: Store, v: Any) -> Any:
    if isinstance(v, _dw.Func):
        return Function._from_native(store, v)
    if isinstance(v, _dw.Memory):
        return Memory._from_native(store, v)
    if isinstance(v, _dw.Global):
        return Global._from_native(store, v)
    if isinstance(v, _dw.Table):
        return Table._from_native(store, v)
    return v


_ANNOTATIONS = {"i32": Type.I32, "I32": Type.I32, int: Type.I32, "int": Type.I32, "i64": Type.I64, "I64": Type.I64,
                "f32": Type.F32, "F32": Type.F32, float: Type.F32, "float": Type.F32, "f64": Type.F64,
                "F64": Type.F64}


def _annotation_type(a: Any) -> Type:
    if isinstance(a, Type):
        return a
    try:
        return _ANNOTATIONS[a]
    except (KeyError, TypeError):
        raise RuntimeError("Type `%s` is not a supported type" % (a,)) from None


class Function(_Handle):
    """A function: a Wasm export, or a Python callable made a host function.
    Without a FunctionType its type comes from the callable's annotations
    (int is i32, float is f32; the strings "i32", "i64", "f32", "f64" too)."""

    def __init__(self, store: Store, function: Callable, function_type: Optional[FunctionType] = None):
        if not callable(function):
            raise ValueError("Function must be a callable")
        if function_type is None:
            annotations = getattr(function, "__annotations__", None)
            if annotations is None:
                raise ValueError("The function must have type annotations")
            params = [_annotation_type(t) for n, t in annotations.items() if n != "return"]
            results = []
            if "return" in annotations and annotations["return"] is not None:
                r = annotations["return"]
                results = [_annotation_type(t) for t in r] if isinstance(r, (tuple, list)) else [_annotation_type(r)]
            function_type = FunctionType(params, results)
        self._store = store
        self._native = _dw.Func(store._store, function_type._native(), function)

    def __call__(self, *args: Any) -> Any:
        return _call(self._store, self._native, args)

    @property
    def type(self) -> FunctionType:
        return _extern_type(self._native.type(self._store._store))


class Global(_Handle):
    """A global variable: `value` reads it, and sets it when mutable."""

    def __init__(self, store: Store, value: Value, mutable: bool = False):
        self._store = store
        self._native = _dw.Global(store._store, _dw.GlobalType(_valtype(value.type), mutable), value.value)

    @property
    def mutable(self) -> bool:
        return self._native.type(self._store._store).mutable

    @property
    def type(self) -> GlobalType:
        return _extern_type(self._native.type(self._store._store))

    @property
    def value(self) -> Any:
        return self._native.value(self._store._store)

    @value.setter
    def value(self, v: Any) -> None:
        try:
            self._native.set_value(self._store._store, _unwrap(v))
        except _dw.WasmtimeError as e:
            raise _runtime_error(e) from e


class Table(_Handle):
    """A table of references."""

    def __init__(self, store: Store, table_type: TableType, initial_value: Any = None):
        self._store = store
        ty = _dw.TableType(_valtype(table_type.type), _dw.Limits(table_type.minimum, table_type.maximum))
        self._native = _dw.Table(store._store, ty, _unwrap(initial_value))

    @property
    def size(self) -> int:
        return self._native.size(self._store._store)

    @property
    def type(self) -> TableType:
        return _extern_type(self._native.type(self._store._store))


class Module:
    """A compiled module, from bytes or text: ``Module(store, bytes)``, or
    ``Module(bytes)`` as wasmer-python 0.x has it (in a store of its own)."""

    def __init__(self, store: Any, bytes: Union[bytes, bytearray, str, None] = None):
        if bytes is None and not isinstance(store, Store):
            store, bytes = Store(), store
        self.store = store
        try:
            self._native = _dw.Module(store.engine._engine, bytes)
        except _dw.WasmtimeError as e:
            raise _runtime_error(e) from e
        self.name: Optional[str] = None

    @staticmethod
    def validate(store: Store, bytes: Union[bytes, bytearray, str]) -> bool:
        try:
            _dw.Module.validate(store.engine._engine, bytes)
            return True
        except _dw.WasmtimeError:
            return False

    @property
    def exports(self) -> List[ExportType]:
        return [ExportType(e.name, _extern_type(e.type)) for e in self._native.exports]

    @property
    def imports(self) -> List[ImportType]:
        return [ImportType(i.module, i.name, _extern_type(i.type)) for i in self._native.imports]

    def serialize(self) -> bytes:
        return bytes(self._native.serialize())

    def instantiate(self, import_object: Any = None) -> "Instance":
        """wasmer-python 0.x: an instance of this module."""
        return Instance(self, import_object)

    @staticmethod
    def deserialize(store: Store, bytes: Union[bytes, bytearray]) -> "Module":
        m = Module.__new__(Module)
        m.store = store
        m.name = None
        try:
            m._native = _dw.Module.deserialize(store.engine._engine, bytes)
        except _dw.WasmtimeError as e:
            raise _runtime_error(e) from e
        return m


class ImportObject:
    """Imports by namespace: ``register("env", {"sum": Function(...)})``."""

    def __init__(self) -> None:
        self._namespaces: Dict[str, Dict[str, Any]] = {}
        self._wasi: Optional[_dw.WasiConfig] = None

    def register(self, namespace_name: str, namespace: Dict[str, Any]) -> None:
        self._namespaces.setdefault(namespace_name, {}).update(namespace)

    def contains_namespace(self, namespace_name: str) -> bool:
        return namespace_name in self._namespaces or (self._wasi is not None and
                                                      namespace_name == "wasi_snapshot_preview1")

    def to_dict(self) -> Dict[str, Dict[str, Any]]:
        return {k: dict(v) for k, v in self._namespaces.items()}


class Exports:
    """An instance's exports, as attributes (``exports.sum``) or by name."""

    def __init__(self, store: Store, native: "_dw.InstanceExports"):
        self._items = {name: _wrap(store, item) for name, item in native.items()}

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["_items"][name]
        except KeyError:
            raise LookupError("Export `%s` does not exist." % name) from None

    def __getitem__(self, name: str) -> Any:
        return self.__getattr__(name)

    def __iter__(self) -> Iterator[Tuple[str, Any]]:
        return iter(self._items.items())

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, name: str) -> bool:
        return name in self._items


class Instance:
    """An instantiated module; ``import_object`` is an ImportObject or a dict of dicts."""

    def __init__(self, module: Union[Module, bytes, bytearray, str],
                 import_object: Union[ImportObject, Dict[str, Dict[str, Any]], None] = None):
        if not isinstance(module, Module):
            module = Module(Store(), module)  # wasmer-python 0.x: Instance(bytes, imports)
        store = module.store
        native_engine = store.engine._engine
        linker = _dw.Linker(native_engine)
        linker.allow_shadowing = True
        namespaces: Dict[str, Dict[str, Any]] = {}
        if isinstance(import_object, ImportObject):
            namespaces = import_object._namespaces
            if import_object._wasi is not None:
                store._store.set_wasi(import_object._wasi)
                linker.define_wasi()
        elif isinstance(import_object, dict):
            namespaces = import_object
        elif import_object is not None:
            raise TypeError("expected an ImportObject or a dict of imports")
        for ns, items in namespaces.items():
            for name, item in items.items():
                if callable(item) and not isinstance(item, (Function, _dw.Func)):
                    item = Function(store, item)  # wasmer-python 0.x: a plain annotated function
                native = _unwrap(item)
                if not isinstance(native, (_dw.Func, _dw.Memory, _dw.Global, _dw.Table)):
                    raise TypeError("import `%s`.`%s` is not a Function, Memory, Global or Table" % (ns, name))
                linker.define(store._store, ns, name, native)
        try:
            self._native = linker.instantiate(store._store, module._native)
        except (_dw.Trap, _dw.WasmtimeError) as e:
            raise _runtime_error(e) from e
        self.exports = Exports(store, self._native.exports(store._store))
        # wasmer-python 0.x: the module's first exported memory.
        self.memory = next((v for _, v in self.exports if isinstance(v, Memory)), None)


def wat2wasm(wat: Union[str, bytes]) -> bytes:
    """The binary module a module in the text format denotes."""
    return _dw.wat2wasm(wat)


def wasm2wat(bytes: bytes) -> str:
    """Not available: detwasm has no binary-to-text printer."""
    raise NotImplementedError("detwasm cannot print a module as text")
