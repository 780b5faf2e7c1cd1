"""Opening a document file: only a regular file is ever opened.

A FIFO named ``notes.txt`` blocks whoever opens it for reading until a writer comes, which may be
never; a character device such as ``/dev/zero`` never ends. Both are refused from their ``stat``
before any ``open``, and the file is then opened non-blocking and checked again, so that one
swapped in between the two cannot block the reader either.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from service.errors import DocumentRefused

KINDS = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFDIR: "a directory",
}


def open_regular(path: Path) -> BinaryIO:
    """``path`` opened for binary reading, following a symbolic link.

    :raises DocumentRefused: when it is not a regular file (nothing was opened then).
    :raises IsADirectoryError: for a directory; FileNotFoundError, PermissionError… as ``open`` does.
    """
    refuse_irregular(os.stat(path).st_mode)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        refuse_irregular(os.fstat(fd).st_mode)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def refuse_irregular(mode: int) -> None:
    """Raise unless ``mode`` (an ``st_mode``) is a regular file's."""
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(21, "Is a directory")
    if not stat.S_ISREG(mode):
        raise DocumentRefused(f"not a regular file: it is {kind_of(mode)}, which is never read")


def kind_of(mode: int) -> str:
    """What a non-regular file is, for a message: "a FIFO (named pipe)", "a socket"…"""
    return KINDS.get(stat.S_IFMT(mode), "not a regular file")
