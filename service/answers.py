"""Reading what a process that parses clients' text answers: pickles that may name only the classes
the reader allows.

A query worker, the update process and the extraction process parse what clients send (queries,
RDF bodies, HTML, PDF) with parsers written in C and Rust. Should a crafted input ever take one of
them over, its answer is the one way back into the server: read with plain ``pickle.loads``, an
answer may name any function (``os.system``) or walk attributes to one (a class's
``__init__.__builtins__``) and have the server call it. :func:`load_answer` resolves only the
exact (module, name) pairs the reader allows — classes, never a dotted path — so a hostile answer
fails to load instead. What loads is then checked against the type the reader expects
(:func:`checked`): exact types all the way down, and a bounded size, so that an answer cannot be
small to send and huge to use (a pickle may refer back to what it built), nor put a container
where a string belongs. Imports nothing else of ours.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import functools
import io
import math
import pickle
import types
import typing
from collections.abc import Iterable, Mapping
from datetime import date, datetime
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


NODES = 500_000  # values an answer may hold, counted as a tree: a long release's extraction holds ~100,000


class NotAnAnswer(ValueError):
    """What a process answered is not of the shape the reader expects."""


def checked(value: Any, hint: Any, budget: list[int] | None = None) -> Any:
    """``value``, once it is exactly of type ``hint`` all the way down: a dataclass (its fields' types,
    no other attribute), ``str``, ``bytes``, ``int`` (64-bit), ``float`` (finite), ``bool``, a date,
    ``X | None``, ``tuple[X, ...]``, ``tuple[X, Y]``, ``list[X]`` or a sequence (a list or a tuple).
    The values are counted as a tree, at most ``NODES``: an answer whose parts are shared over and
    over (a pickle may refer back to what it built) would otherwise be small to send and huge to use.
    Nothing is hashed, compared or turned into text on the way.

    :raises NotAnAnswer: it is not.
    """
    budget = [NODES] if budget is None else budget
    budget[0] -= 1
    if budget[0] < 0:
        raise NotAnAnswer(f"it holds over {NODES:,} values")
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in typing.get_args(hint):
            return value
        (inner,) = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return checked(value, inner, budget)
    if origin in (tuple, list, collections.abc.Sequence):
        if type(value) not in {tuple: (tuple,), list: (list,)}.get(origin, (tuple, list)):
            raise NotAnAnswer(f"a {type(value).__name__} where a sequence belongs")
        args = typing.get_args(hint)
        if origin is tuple and args[-1] is not Ellipsis:  # tuple[str, int, bool]: so many, in order
            if len(value) != len(args):
                raise NotAnAnswer(f"{len(value)} values where {len(args)} belong")
            for item, inner in zip(value, args, strict=True):
                checked(item, inner, budget)
            return value
        for item in value:
            checked(item, args[0], budget)
        return value
    if hint is float:
        if type(value) not in (float, int) or (type(value) is float and not math.isfinite(value)):
            raise NotAnAnswer(f"a {type(value).__name__} where a number belongs")
        if type(value) is int:
            checked(value, int, budget)
        return value
    if hint is int:
        if type(value) is not int or not -(2**63) <= value < 2**63:
            raise NotAnAnswer(f"a {type(value).__name__} where an integer belongs")
        return value
    if hint in (str, bool, bytes):
        if type(value) is not hint:
            raise NotAnAnswer(f"a {type(value).__name__} where a {hint.__name__} belongs")
        return value
    if hint is date:
        if type(value) not in (date, datetime):
            raise NotAnAnswer(f"a {type(value).__name__} where a date belongs")
        return value
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        if type(value) is not hint or set(getattr(value, "__dict__", ())) != {f.name for f in dataclasses.fields(hint)}:
            raise NotAnAnswer(f"not a {hint.__name__} as this version makes it")
        for name, inner in _hints(hint).items():
            checked(vars(value)[name], inner, budget)
        return value
    raise NotAnAnswer(f"{hint!r} is not a type an answer may hold")


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    names = {f.name for f in dataclasses.fields(cls)}
    return {name: hint for name, hint in typing.get_type_hints(cls).items() if name in names}
