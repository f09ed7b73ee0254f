"""detwasm: a deterministic, gas-metered WebAssembly engine.

At the top level, the API of wasmtime-py: ``import detwasm as wasmtime`` runs
wasmtime-py code. Fuel is detwasm's gas: ``Config.consume_fuel`` meters
execution with the gas schedule, ``Store.set_fuel``/``get_fuel`` set and read
the gas left, and ``Store.fuel_consumed`` is the gas used, to the unit.
"""

from ._errors import ExitTrap, Frame, Trap, TrapCode, WasmtimeError
from ._detwasm import (
    Caller,
    Config,
    Engine,
    ExportType,
    Func,
    FuncType,
    Global,
    GlobalType,
    ImportType,
    Instance,
    InstanceExports,
    Limits,
    Linker,
    Memory,
    MemoryType,
    Module,
    Store,
    Table,
    TableType,
    ValType,
    WasiConfig,
    wat2wasm,
)
from ._value import Val
from ._wasi import DirPerms, FilePerms

__all__ = [
    "Caller", "Config", "DirPerms", "Engine", "ExitTrap", "ExportType", "FilePerms", "Frame", "Func",
    "FuncType", "Global", "GlobalType", "ImportType", "Instance", "InstanceExports", "Limits", "Linker",
    "Memory", "MemoryType", "Module", "Store", "Table", "TableType", "Trap", "TrapCode", "Val",
    "ValType", "WasiConfig", "WasmtimeError", "wat2wasm",
]
