"""In a server process that does not hold the store (``serve --processes N``): pass the requests
that write, or that read the store outside the query workers, to the process that holds it.

That process listens on a Unix socket in the run's private folder (mode 0700) besides the public
port. A forwarded request keeps its method, target, headers (``Host`` too, so links in the answer
are the same) and body, streamed both ways; the answer comes back as the writing process gave it.
Writes need the token there as anywhere: this process checks nothing and adds nothing.

Forwarded: every method but GET, HEAD and OPTIONS (writes), and the Graph Store Protocol (its
reads dump graphs from the store itself). A SPARQL query sent by POST stays here, like one sent by
GET: directly (``application/sparql-query``), or in a form that has no ``update`` field (the form's
body is read to tell, and given back to the app).
"""

from __future__ import annotations

import http.client
import io
import socket
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import parse_qsl, quote

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WsgiApp = Callable[[Environ, StartResponse], Iterable[bytes]]

PIECE = 64 * 1024
_LOCAL = frozenset({"GET", "HEAD", "OPTIONS"})
_STORE_PATHS = ("/graph-store", "/graph/")
# Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection and are not passed on; the length and
# the framing of the body are set again for the next hop, and Expect was answered by this process.
_HOP = frozenset(
    {"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
     "content-length", "expect"}
)  # fmt: skip


def forwarded(environ: Environ) -> bool:
    """True when the request goes to the process that holds the store."""
    method = environ.get("REQUEST_METHOD", "GET")
    path = str(environ.get("PATH_INFO", ""))
    if method in _LOCAL:
        return path.startswith(_STORE_PATHS)
    return not (method == "POST" and path == "/sparql" and _posted_query(environ))


def _posted_query(environ: Environ) -> bool:
    """A query by POST (SPARQL 1.1 Protocol §2.1.2, §2.1.3), not an update: by its media type, or a
    form of known length without an ``update`` field (its body, read here, is put back for the app)."""
    media_type = str(environ.get("CONTENT_TYPE", "")).split(";")[0].strip().lower()
    if media_type == "application/sparql-query":
        return True
    length = str(environ.get("CONTENT_LENGTH") or "")
    if media_type != "application/x-www-form-urlencoded" or not length.isdigit():
        return False  # an update, or something the writing process refuses as it always did
    body = environ["wsgi.input"].read(int(length))
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    fields = {name for name, _ in parse_qsl(body.decode("latin-1"), keep_blank_values=True)}
    return "update" not in fields


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self.socket_path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(self.socket_path)
        except OSError:
            sock.close()
            raise
        self.sock = sock


class Forward:
    """WSGI middleware: ``app`` answers what this process can; the rest goes to ``socket_path``."""

    def __init__(self, app: WsgiApp, socket_path: str, timeout: float) -> None:
        self.app = app
        self.socket_path = socket_path
        self.timeout = timeout

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        if not forwarded(environ):
            return self.app(environ, start_response)
        conn = _UnixConnection(self.socket_path, self.timeout)
        try:
            answer = self._send(conn, environ)
        except ValueError:  # http.client refuses a header it cannot write (waitress should have refused it first)
            conn.close()
            return _plain(start_response, "400 Bad Request", "the request has a header that cannot be passed on")
        except (OSError, http.client.HTTPException):
            conn.close()
            return _plain(
                start_response,
                "503 Service Unavailable",
                "the server process that holds the store is not answering: try again in a moment",
                [("Retry-After", "1")],
            )
        headers = [(name, value) for name, value in answer.getheaders() if name.lower() not in _HOP]
        length = answer.getheader("Content-Length")
        if length is not None:
            headers.append(("Content-Length", length))
        start_response(f"{answer.status} {answer.reason}", headers)
        return _Body(answer, conn)

    def _send(self, conn: _UnixConnection, environ: Environ) -> http.client.HTTPResponse:
        target = environ.get("REQUEST_URI") or _target(environ)
        conn.putrequest(environ["REQUEST_METHOD"], target, skip_host=True, skip_accept_encoding=True)
        for key, value in environ.items():
            if key.startswith("HTTP_"):
                name = key[5:].replace("_", "-")
                if name.lower() not in _HOP:
                    conn.putheader(name, value)
        if environ.get("CONTENT_TYPE"):
            conn.putheader("Content-Type", environ["CONTENT_TYPE"])
        length = environ.get("CONTENT_LENGTH") or ""
        body = environ["wsgi.input"]
        if length.isdigit():
            conn.putheader("Content-Length", length)
            conn.endheaders()
            left = int(length)
            while left > 0 and (piece := body.read(min(PIECE, left))):
                conn.send(piece)
                left -= len(piece)
        elif environ.get("wsgi.input_terminated"):  # a chunked request body, read to its end
            conn.putheader("Transfer-Encoding", "chunked")
            conn.endheaders()
            while piece := body.read(PIECE):
                conn.send(b"%x\r\n%s\r\n" % (len(piece), piece))
            conn.send(b"0\r\n\r\n")
        else:
            conn.endheaders()
        return conn.getresponse()


def _plain(
    start_response: StartResponse, status: str, text: str, extra: list[tuple[str, str]] | None = None
) -> list[bytes]:
    """A one-line plain-text answer of this process's own."""
    message = (text + "\n").encode("utf-8")
    headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(message)))]
    start_response(status, headers + (extra or []))
    return [message]


def _target(environ: Environ) -> str:
    path = (str(environ.get("SCRIPT_NAME", "")) + str(environ.get("PATH_INFO", ""))).encode("latin-1")
    query = environ.get("QUERY_STRING")
    return quote(path, safe="/:@!$&'()*+,;=-._~%") + (f"?{query}" if query else "")


class _Body:
    """The forwarded answer's body, read as the client takes it; closed with the connection."""

    def __init__(self, answer: http.client.HTTPResponse, conn: _UnixConnection) -> None:
        self.answer = answer
        self.conn = conn

    def __iter__(self) -> Iterator[bytes]:
        while piece := self.answer.read(PIECE):
            yield piece

    def close(self) -> None:
        self.answer.close()
        self.conn.close()
