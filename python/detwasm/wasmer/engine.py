"""Engines as wasmer-python 1.0 names them. detwasm has one compiler (its
singlepass JIT, or its interpreter); every engine here runs it, and a
compiler argument is accepted and ignored."""

from typing import Any, Optional

import detwasm as _dw


class _Engine:
    """An engine: detwasm's JIT unless `tier` says "interpreter"."""

    def __init__(self, compiler: Optional[Any] = None, tier: str = "jit", consume_fuel: bool = False):
        config = _dw.Config()
        config.tier = tier
        config.consume_fuel = consume_fuel
        self.compiler = compiler
        self._engine = _dw.Engine(config)

    @property
    def name(self) -> str:
        return type(self).__name__


class Universal(_Engine):
    """wasmer's universal engine: code compiled in memory."""


class JIT(Universal):
    """The name wasmer-python 1.0 had for the universal engine."""


class Dylib(_Engine):
    """wasmer's shared-object engine; here the same as Universal."""


class Native(Dylib):
    """The name wasmer-python 1.0 had for the shared-object engine."""
