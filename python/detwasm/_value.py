"""Val: a Wasm value with its type, as wasmtime-py has it."""

from typing import Any, Optional

from ._detwasm import ValType


class Val:
    """A value and its ValType. Functions take Vals or plain Python values."""

    __slots__ = ("_type", "_value")

    def __init__(self, type: ValType, value: Any):
        if not isinstance(type, ValType):
            raise TypeError("expected a ValType")
        self._type = type
        self._value = value

    @staticmethod
    def i32(value: int) -> "Val":
        if not isinstance(value, int):
            raise TypeError("expected an int")
        value = value & 0xFFFFFFFF
        return Val(ValType.i32(), value - (1 << 32) if value >= 1 << 31 else value)

    @staticmethod
    def i64(value: int) -> "Val":
        if not isinstance(value, int):
            raise TypeError("expected an int")
        value = value & 0xFFFFFFFFFFFFFFFF
        return Val(ValType.i64(), value - (1 << 64) if value >= 1 << 63 else value)

    @staticmethod
    def f32(value: float) -> "Val":
        if not isinstance(value, (int, float)):
            raise TypeError("expected a float")
        import struct
        return Val(ValType.f32(), struct.unpack("<f", struct.pack("<f", float(value)))[0])

    @staticmethod
    def f64(value: float) -> "Val":
        if not isinstance(value, (int, float)):
            raise TypeError("expected a float")
        return Val(ValType.f64(), float(value))

    @staticmethod
    def externref(value: Any) -> "Val":
        return Val(ValType.externref(), value)

    @staticmethod
    def funcref(value: Any) -> "Val":
        return Val(ValType.funcref(), value)

    @staticmethod
    def ref_null(ty: ValType) -> "Val":
        if ty not in (ValType.funcref(), ValType.externref()):
            raise WasmtimeError("expected a reference type")
        return Val(ty, None)

    @property
    def type(self) -> ValType:
        return self._type

    @property
    def value(self) -> Any:
        return self._value

    def _as(self, ty: ValType) -> Optional[Any]:
        return self._value if self._type == ty else None

    def as_i32(self) -> Optional[int]:
        return self._as(ValType.i32())

    def as_i64(self) -> Optional[int]:
        return self._as(ValType.i64())

    def as_f32(self) -> Optional[float]:
        return self._as(ValType.f32())

    def as_f64(self) -> Optional[float]:
        return self._as(ValType.f64())

    def as_externref(self) -> Optional[Any]:
        return self._as(ValType.externref())

    def as_funcref(self) -> Optional[Any]:
        return self._as(ValType.funcref())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Val):
            return self._type == other._type and self._value == other._value
        return self._value == other

    def __repr__(self) -> str:
        return "Val(%r, %r)" % (self._type, self._value)


from ._errors import WasmtimeError  # noqa: E402
