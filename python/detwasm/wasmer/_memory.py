"""Memory and its typed views, as wasmer-python 1.0 has them."""

from typing import TYPE_CHECKING, Any, Union

import detwasm as _dw

from ._types import MemoryType, _extern_type, _Handle, _runtime_error

if TYPE_CHECKING:
    from . import Store


def _view_class(fmt: str, size: int, name: str) -> type:
    class View:
        """A typed view of a memory from an offset, indexed in elements."""

        bytes_per_element = size

        def __init__(self, memory: "Memory", offset: int = 0):
            self._memory = memory
            self._offset = offset

        def _view(self) -> memoryview:
            raw = self._memory._native.buffer(self._memory._store._store)
            end = len(raw) - (len(raw) - self._offset) % size
            return raw[self._offset:end].cast(fmt)

        def __len__(self) -> int:
            return len(self._view())

        def __getitem__(self, index: Union[int, slice]) -> Any:
            v = self._view()[index]
            return v.tolist() if isinstance(v, memoryview) else v

        def __setitem__(self, index: Union[int, slice], value: Any) -> None:
            view = self._view()
            if isinstance(index, slice):
                start, stop, step = index.indices(len(view))
                for i, x in zip(range(start, stop, step), value):
                    view[i] = x
            else:
                view[index] = value

    View.__name__ = View.__qualname__ = name
    return View


Uint8Array = _view_class("B", 1, "Uint8Array")
Int8Array = _view_class("b", 1, "Int8Array")
Uint16Array = _view_class("H", 2, "Uint16Array")
Int16Array = _view_class("h", 2, "Int16Array")
Uint32Array = _view_class("I", 4, "Uint32Array")
Int32Array = _view_class("i", 4, "Int32Array")
Uint64Array = _view_class("Q", 8, "Uint64Array")
Int64Array = _view_class("q", 8, "Int64Array")
Float32Array = _view_class("f", 4, "Float32Array")
Float64Array = _view_class("d", 8, "Float64Array")


class Memory(_Handle):
    """A linear memory."""

    def __init__(self, store: "Store", memory_type: MemoryType):
        self._store = store
        try:
            self._native = _dw.Memory(store._store, _dw.MemoryType(_dw.Limits(memory_type.minimum, memory_type.maximum)))
        except _dw.WasmtimeError as e:
            raise _runtime_error(e) from e

    @property
    def size(self) -> int:
        """Pages."""
        return self._native.size(self._store._store)

    @property
    def data_size(self) -> int:
        """Bytes."""
        return self._native.data_len(self._store._store)

    @property
    def type(self) -> MemoryType:
        return _extern_type(self._native.type(self._store._store))

    @property
    def buffer(self) -> memoryview:
        """The bytes, writable and not copied: a memoryview of the size the memory has now."""
        return self._native.buffer(self._store._store)

    def grow(self, delta: int) -> int:
        try:
            return self._native.grow(self._store._store, delta)
        except _dw.WasmtimeError as e:
            raise _runtime_error(e) from e

    def uint8_view(self, offset: int = 0) -> Any:
        return Uint8Array(self, offset)

    def int8_view(self, offset: int = 0) -> Any:
        return Int8Array(self, offset)

    def uint16_view(self, offset: int = 0) -> Any:
        return Uint16Array(self, offset)

    def int16_view(self, offset: int = 0) -> Any:
        return Int16Array(self, offset)

    def uint32_view(self, offset: int = 0) -> Any:
        return Uint32Array(self, offset)

    def int32_view(self, offset: int = 0) -> Any:
        return Int32Array(self, offset)

    def uint64_view(self, offset: int = 0) -> Any:
        return Uint64Array(self, offset)

    def int64_view(self, offset: int = 0) -> Any:
        return Int64Array(self, offset)

    def float32_view(self, offset: int = 0) -> Any:
        return Float32Array(self, offset)

    def float64_view(self, offset: int = 0) -> Any:
        return Float64Array(self, offset)
