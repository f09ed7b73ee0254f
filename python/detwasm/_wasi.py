"""Permissions of a preopened directory, as wasmtime-py names them."""

import enum


class DirPerms(enum.IntEnum):
    READ_ONLY = 1
    WRITE_ONLY = 2
    READ_WRITE = 3


class FilePerms(enum.IntEnum):
    READ_ONLY = 1
    WRITE_ONLY = 2
    READ_WRITE = 3
