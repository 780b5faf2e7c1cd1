"""Which code a process runs: a digest of the package's Python files, for the processes a server starts.

A query worker or the process that extracts posted documents is a new interpreter that imports the
package from disk (spawn: the server has threads). Started after the code was upgraded under a
running server, it would run other code than the server, and the messages between them may no
longer fit. Each such process imports every module it may use first, then says which code it read;
the server uses only those that run its own.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import pkgutil
from pathlib import Path


@functools.cache
def code_fingerprint() -> str:
    """A digest of the package's Python files as they were on disk when this process first asked
    (the server asks when it imports the code: at the end of this module)."""
    return code_on_disk()


def code_on_disk() -> str:
    """:func:`code_fingerprint` read anew (a started process reads it once it has imported every module it uses)."""
    package = Path(__file__).resolve().parent
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(package.rglob("*.py")):
        relative = path.relative_to(package)
        if any(part.startswith(".") for part in relative.parts):
            continue  # an editor's lock or backup file, not code
        digest.update(relative.as_posix().encode() + b"\0")
        try:
            digest.update(path.read_bytes())
        except OSError as exc:  # removed or replaced while being read (an upgrade under way)
            digest.update(f"unreadable: {exc.errno}".encode())
    return digest.hexdigest()


def import_packages(*names: str) -> None:
    """Import every module of the packages ``names`` and of their subpackages: one imported later, at
    its first use, would come from the files on disk then, which an upgrade may have changed since
    the process said which code it runs."""
    for name in names:
        package = importlib.import_module(name)
        for module in pkgutil.walk_packages(getattr(package, "__path__", []), name + "."):
            importlib.import_module(module.name)


code_fingerprint()  # the server's: the code as it was when the server imported it
