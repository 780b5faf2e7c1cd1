"""What a process taken over by crafted input could answer the server: pickles that call a function
found by a name (for tests/sparql/test_evaluator.py and tests/reliability/test_posted_documents.py)."""

from __future__ import annotations

import os
from multiprocessing.connection import Connection


def gadget(module: str, name: str, *calls: str) -> bytes:
    """A protocol-4 pickle that looks up ``module``/``name`` (a dotted name walks attributes) and calls
    the result with each of ``calls`` in turn."""

    def text(value: str) -> bytes:
        data = value.encode()
        return b"\x8c" + len(data).to_bytes(1, "big") + data  # SHORT_BINUNICODE

    body = b"\x80\x04" + text(module) + text(name) + b"\x93"  # PROTO 4, STACK_GLOBAL
    for argument in calls:
        body += text(argument) + b"\x85R"  # TUPLE1, REDUCE
    return body + b"."


def opens(marker: str) -> bytes:
    """A gadget that would create the file ``marker`` (eval reached through a class's __init__)."""
    return gadget("service.sparql.results", "Head.__init__.__builtins__.get", "eval", f"open({marker!r}, 'w')")


def memo_bomb(levels: int = 40) -> list[object]:
    """A list that a pickle sends in a few hundred bytes and that holds 2**levels lists once walked."""
    value: list[object] = []
    for _ in range(levels):
        value = [value, value]
    return value


def answers_with_a_gadget(conn: Connection, path: str | None, memory_mb: int, endpoints: tuple[str, ...] = ()) -> None:
    """A query worker taken over: it names the server's code, then answers every request with a
    frame (``EG_TEST_FRAME``: W, a whole answer; H, a head; E, an error) whose payload
    (``EG_TEST_PAYLOAD``) is a gadget that would create the file ``EG_TEST_MARKER`` if the server
    loaded it, a head whose media type is a memo bomb (``bomb``), or an error that says it is a 200
    (``status``)."""
    import pickle

    from service.code import code_on_disk
    from service.errors import QueryError
    from service.sparql.results import Head

    conn.send_bytes(b"V" + code_on_disk().encode())
    kind, what = os.environ["EG_TEST_FRAME"].encode(), os.environ.get("EG_TEST_PAYLOAD", "gadget")
    if what == "bomb":
        payload = pickle.dumps(Head(memo_bomb(), "triples"))  # type: ignore[arg-type]
    elif what == "status":
        error = QueryError("a refusal")
        error.status = 200  # type: ignore[misc]
        payload = pickle.dumps(error)
    else:
        payload = opens(os.environ["EG_TEST_MARKER"])
    while True:
        try:
            conn.recv_bytes()
        except (EOFError, OSError):
            return
        conn.send_bytes(kind + (len(payload).to_bytes(4, "big") if kind == b"W" else b"") + payload)
