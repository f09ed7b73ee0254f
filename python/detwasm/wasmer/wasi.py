"""WASI as wasmer-python 1.0 configures it: StateBuilder, Environment, Version."""

import enum
from typing import TYPE_CHECKING, Dict, List, Optional

import detwasm as _dw

if TYPE_CHECKING:
    from . import ImportObject, Module, Store


class Version(enum.IntEnum):
    """WASI versions; detwasm has preview 1 (snapshot1)."""

    LATEST = 1
    SNAPSHOT0 = 2
    SNAPSHOT1 = 3


def get_version(module: "Module", strict: bool = False) -> Optional[Version]:
    """The WASI version `module` imports, or None if it imports no WASI."""
    namespaces = {i.module for i in module.imports}
    if "wasi_snapshot_preview1" in namespaces:
        return Version.SNAPSHOT1
    if "wasi_unstable" in namespaces:
        return Version.SNAPSHOT0
    return None


class Environment:
    """A finished WASI state, ready to give import objects."""

    def __init__(self, config: "_dw.WasiConfig"):
        self._config = config

    def generate_import_object(self, store: "Store", wasi_version: Version = Version.LATEST) -> "ImportObject":
        if wasi_version == Version.SNAPSHOT0:
            raise RuntimeError("detwasm implements WASI preview 1 (snapshot1) only")
        from . import ImportObject
        imports = ImportObject()
        imports._wasi = self._config
        return imports

    def generate_imports(self, store: "Store", wasi_version: Version = Version.LATEST) -> "ImportObject":
        return self.generate_import_object(store, wasi_version)


class StateBuilder:
    """Builds what a WASI program sees: arguments, environment, directories.
    Standard streams are the host's, as in wasmer."""

    def __init__(self, program_name: str):
        self._args: List[str] = [program_name]
        self._env: Dict[str, str] = {}
        self._dirs: List[tuple] = []

    def argument(self, argument: str) -> "StateBuilder":
        self._args.append(argument)
        return self

    def arguments(self, arguments: List[str]) -> "StateBuilder":
        self._args.extend(arguments)
        return self

    def environment(self, key: str, value: str) -> "StateBuilder":
        self._env[key] = value
        return self

    def environments(self, environments: Dict[str, str]) -> "StateBuilder":
        self._env.update(environments)
        return self

    def preopen_directory(self, path: str) -> "StateBuilder":
        self._dirs.append((path, path))
        return self

    def preopen_directories(self, paths: List[str]) -> "StateBuilder":
        for p in paths:
            self.preopen_directory(p)
        return self

    def map_directory(self, alias: str, path: str) -> "StateBuilder":
        self._dirs.append((path, alias))
        return self

    def map_directories(self, directories: Dict[str, str]) -> "StateBuilder":
        for alias, path in directories.items():
            self.map_directory(alias, path)
        return self

    def finalize(self) -> Environment:
        config = _dw.WasiConfig()
        config.argv = list(self._args)
        config.env = sorted(self._env.items())
        for host, guest in self._dirs:
            config.preopen_dir(host, guest)
        config.inherit_stdin()
        config.inherit_stdout()
        config.inherit_stderr()
        return Environment(config)
