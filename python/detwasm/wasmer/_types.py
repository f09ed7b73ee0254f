"""Type objects and values of detwasm.wasmer, as wasmer-python 1.0 has them."""

import enum
from typing import Any, List, Optional

import detwasm as _dw


def _runtime_error(e: BaseException) -> RuntimeError:
    err = RuntimeError(str(e))
    err.__cause__ = e
    return err


class _Handle:
    """A Python object over a native one of a store: made by its class's own
    constructor, or around a native object the store handed out."""

    @classmethod
    def _from_native(cls, store: Any, native: Any) -> Any:
        obj = cls.__new__(cls)
        obj._store = store
        obj._native = native
        return obj


class Type(enum.IntEnum):
    """A value type."""

    I32 = 1
    I64 = 2
    F32 = 3
    F64 = 4
    V128 = 5
    EXTERN_REF = 6
    FUNC_REF = 7


_TO_VALTYPE = {
    Type.I32: _dw.ValType.i32, Type.I64: _dw.ValType.i64, Type.F32: _dw.ValType.f32, Type.F64: _dw.ValType.f64,
    Type.EXTERN_REF: _dw.ValType.externref, Type.FUNC_REF: _dw.ValType.funcref,
}
_FROM_NAME = {"i32": Type.I32, "i64": Type.I64, "f32": Type.F32, "f64": Type.F64, "externref": Type.EXTERN_REF,
              "funcref": Type.FUNC_REF}


def _valtype(t: Type) -> "_dw.ValType":
    if t not in _TO_VALTYPE:
        raise RuntimeError("type %s is not supported" % t)
    return _TO_VALTYPE[t]()


def _type(v: "_dw.ValType") -> Type:
    return _FROM_NAME[str(v)]


class FunctionType:
    """Parameter and result types of a function."""

    def __init__(self, params: List[Type], results: List[Type]):
        self.params = list(params)
        self.results = list(results)

    def _native(self) -> "_dw.FuncType":
        return _dw.FuncType([_valtype(t) for t in self.params], [_valtype(t) for t in self.results])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FunctionType) and (self.params, self.results) == (other.params, other.results)

    def __repr__(self) -> str:
        return "FunctionType(params: %s, results: %s)" % (self.params, self.results)


class MemoryType:
    """Minimum and maximum size in pages."""

    def __init__(self, minimum: int, maximum: Optional[int] = None, shared: bool = False):
        self.minimum = minimum
        self.maximum = maximum
        self.shared = shared

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MemoryType) and (self.minimum, self.maximum) == (other.minimum, other.maximum)


class GlobalType:
    """A global's value type and mutability."""

    def __init__(self, type: Type, mutable: bool):
        self.type = type
        self.mutable = mutable

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GlobalType) and (self.type, self.mutable) == (other.type, other.mutable)


class TableType:
    """A table's element type and limits."""

    def __init__(self, type: Type, minimum: int, maximum: Optional[int] = None):
        self.type = type
        self.minimum = minimum
        self.maximum = maximum

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TableType) and (self.type, self.minimum, self.maximum) == (
            other.type, other.minimum, other.maximum)


def _extern_type(t: Any) -> Any:
    if isinstance(t, _dw.FuncType):
        return FunctionType([_type(p) for p in t.params], [_type(r) for r in t.results])
    if isinstance(t, _dw.MemoryType):
        return MemoryType(t.limits.min, t.limits.max)
    if isinstance(t, _dw.GlobalType):
        return GlobalType(_type(t.content), t.mutable)
    return TableType(_type(t.element), t.limits.min, t.limits.max)


class ExportType:
    """An export's name and type."""

    def __init__(self, name: str, type: Any):
        self.name = name
        self.type = type


class ImportType:
    """An import's module, name and type."""

    def __init__(self, module: str, name: str, type: Any):
        self.module = module
        self.name = name
        self.type = type


class Value:
    """A typed value, for arguments that must be of one type."""

    def __init__(self, value: Any, type: Type):
        self.value = value
        self.type = type

    @staticmethod
    def i32(value: int) -> "Value":
        return Value(value, Type.I32)

    @staticmethod
    def i64(value: int) -> "Value":
        return Value(value, Type.I64)

    @staticmethod
    def f32(value: float) -> "Value":
        return Value(value, Type.F32)

    @staticmethod
    def f64(value: float) -> "Value":
        return Value(value, Type.F64)

    def __repr__(self) -> str:
        return "%s(%r)" % (self.type.name, self.value)
