"""Errors and traps, as wasmtime-py raises them."""

import enum
from typing import List, Optional, Sequence


class WasmtimeError(Exception):
    """A module that does not load or link, or a misused API."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ExitTrap(WasmtimeError):
    """A WASI program ended with proc_exit; `code` is its exit status."""

    def __init__(self, message: str, code: int):
        super().__init__(message)
        self.code = code


class TrapCode(enum.IntEnum):
    """Why Wasm trapped."""

    STACK_OVERFLOW = 0
    MEMORY_OUT_OF_BOUNDS = 1
    HEAP_MISALIGNED = 2
    TABLE_OUT_OF_BOUNDS = 3
    INDIRECT_CALL_TO_NULL = 4
    BAD_SIGNATURE = 5
    INTEGER_OVERFLOW = 6
    INTEGER_DIVISION_BY_ZERO = 7
    BAD_CONVERSION_TO_INTEGER = 8
    UNREACHABLE = 9
    INTERRUPT = 10
    OUT_OF_FUEL = 11


class Frame:
    """One Wasm activation a trap unwound, innermost first."""

    def __init__(self, func_index: int, func_name: Optional[str], module_name: Optional[str],
                 func_offset: Optional[int], module_offset: Optional[int]):
        self.func_index = func_index
        self.func_name = func_name
        self.module_name = module_name
        self.func_offset = func_offset
        self.module_offset = module_offset

    def __repr__(self) -> str:
        return ("Frame(func_index=%d, func_name=%r, module_name=%r, func_offset=%r, module_offset=%r)" %
                (self.func_index, self.func_name, self.module_name, self.func_offset, self.module_offset))


class Trap(Exception):
    """Wasm trapped. `message` says why, with the Wasm backtrace as wasmtime prints it;
    `frames` are the Wasm frames, innermost first; `trap_code` is a TrapCode, or None
    for a host function's failure."""

    def __init__(self, message: str, frames: Sequence[Frame] = (), trap_code: Optional[TrapCode] = None,
                 full_message: Optional[str] = None):
        text = full_message if full_message is not None else message
        super().__init__(text)
        self.message = text
        self.reason = message
        self.frames: List[Frame] = list(frames)
        self.trap_code = trap_code

    @property
    def trace(self) -> List[str]:
        """The backtrace, one line per frame, as wasmtime prints it."""
        lines = []
        for i, f in enumerate(self.frames):
            where = "0x%x" % f.module_offset if f.module_offset is not None else "?"
            module = f.module_name or "<unknown>"
            func = f.func_name or "<wasm function %d>" % f.func_index
            lines.append("%d: %s - %s!%s" % (i, where, module, func))
        return lines

    def __str__(self) -> str:
        return self.message


class _OutOfFuel(Exception):
    """Raised by Caller.consume_fuel when too little fuel is left: the host
    function's call then ends with the engine's out-of-fuel trap."""
