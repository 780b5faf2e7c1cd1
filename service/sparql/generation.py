"""The store's generation: a number every write through the server bumps. Query workers reopen
their read-only snapshot when it moves, and entity tags (``ETag``) and cached figures key on it.

One server process keeps it in memory (:class:`Generation`). Several server processes over one
store (``serve --processes N``) share it through a small file mapped into each of them
(:class:`SharedGeneration`): the process that writes bumps it, the others read it on every
request — a read of shared memory, no system call. The file also holds the run's epoch, the
random part of every entity tag, so that every process of a run makes the same tags.
"""

from __future__ import annotations

import mmap
import os
import secrets
import struct
import threading
from pathlib import Path

_LAYOUT = struct.Struct("<Q8s")  # generation (unsigned 64-bit), epoch (8 ASCII hex digits)


class Generation:
    """The generation of a store only this process writes."""

    def __init__(self) -> None:
        self.epoch = secrets.token_hex(4)
        self._value = 0
        self._lock = threading.Lock()

    @property
    def value(self) -> int:
        return self._value

    def bump(self) -> None:
        with self._lock:
            self._value += 1


class SharedGeneration:
    """The generation in a file mapped by every server process of one run.

    The writing process creates the file (:meth:`create`); the others open it (:meth:`attach`).
    Only the writing process bumps it, so an aligned 8-byte store is all a bump needs: readers see
    the old or the new number, never a torn one.
    """

    def __init__(self, path: Path, *, create: bool = False) -> None:
        self.path = path
        flags = os.O_RDWR | (os.O_CREAT | os.O_EXCL if create else 0)
        fd = os.open(path, flags, 0o600)
        try:
            if create:
                os.write(fd, _LAYOUT.pack(0, secrets.token_hex(4).encode("ascii")))
            self._map = mmap.mmap(fd, _LAYOUT.size)
        finally:
            os.close(fd)
        self.epoch = _LAYOUT.unpack_from(self._map)[1].decode("ascii")
        self._lock = threading.Lock()

    @classmethod
    def create(cls, path: Path) -> SharedGeneration:
        return cls(path, create=True)

    @classmethod
    def attach(cls, path: Path) -> SharedGeneration:
        return cls(path)

    @property
    def value(self) -> int:
        generation: int = struct.unpack_from("<Q", self._map)[0]
        return generation

    def bump(self) -> None:
        with self._lock:
            struct.pack_into("<Q", self._map, 0, self.value + 1)

    def close(self) -> None:
        self._map.close()
