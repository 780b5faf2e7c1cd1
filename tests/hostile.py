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


def answers_with_a_gadget(conn: Connection, path: str | None, memory_mb: int, endpoints: tuple[str, ...] = ()) -> None:
    """A query worker taken over: it names the server's code, then answers every request with a
    frame (``EG_TEST_FRAME``: W, a whole answer; H, a head; E, an error; P, a plan) whose pickle would
    create the file ``EG_TEST_MARKER`` if the server loaded it."""
    from service.code import code_on_disk

    conn.send_bytes(b"V" + code_on_disk().encode())
    kind, payload = os.environ["EG_TEST_FRAME"].encode(), opens(os.environ["EG_TEST_MARKER"])
    while True:
        try:
            conn.recv_bytes()
        except (EOFError, OSError):
            return
        conn.send_bytes(kind + (len(payload).to_bytes(4, "big") if kind == b"W" else b"") + payload)
