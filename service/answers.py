"""Reading what a process that parses clients' text answers: pickles that may name only the classes
the reader allows.

A query worker, the update process and the extraction process parse what clients send (queries,
RDF bodies, HTML, PDF) with parsers written in C and Rust. Should a crafted input ever take one of
them over, its answer is the one way back into the server: read with plain ``pickle.loads``, an
answer may name any function (``os.system``) or walk attributes to one (a class's
``__init__.__builtins__``) and have the server call it. :func:`load_answer` resolves only the
exact (module, name) pairs the reader allows — classes, never a dotted path — so a hostile answer
fails to load instead. Imports nothing else of ours.
"""

from __future__ import annotations

import io
import pickle
from collections.abc import Iterable, Mapping
from typing import Any

Allowed = Mapping[tuple[str, str], type]


def classes(types: Iterable[type]) -> dict[tuple[str, str], type]:
    """The (module, name) under which pickle names each of ``types``."""
    return {(t.__module__, t.__qualname__): t for t in types}


def subclasses(base: type) -> list[type]:
    """``base`` and every class derived from it that is defined at module level (imported so far)."""
    found: list[type] = []
    todo = [base]
    while todo:
        cls = todo.pop()
        if "." not in cls.__qualname__ and "<" not in cls.__qualname__:
            found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


class _Only(pickle.Unpickler):
    def __init__(self, data: bytes, allowed: Allowed) -> None:
        super().__init__(io.BytesIO(data))
        self._allowed = allowed

    def find_class(self, module: str, name: str) -> Any:
        try:
            return self._allowed[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of an answer") from None


def load_answer(data: bytes, allowed: Allowed) -> Any:
    """The value pickled in ``data``, which may name only the classes in ``allowed``.

    :raises pickle.UnpicklingError: it names anything else (or whatever a broken pickle raises).
    """
    return _Only(data, allowed).load()
