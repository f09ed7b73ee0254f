"""Permissions of a preopened directory, as wasmtime-py names them."""

import enum


class DirPerms(enum.IntEnum):
    """What a program may do with a preopened directory itself."""

    READ_ONLY = 1
    WRITE_ONLY = 2
    READ_WRITE = 3


class FilePerms(enum.IntEnum):
    """What a program may do with the files below a preopened directory."""

    READ_ONLY = 1
    WRITE_ONLY = 2
    READ_WRITE = 3
