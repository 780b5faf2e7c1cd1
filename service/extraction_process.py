"""Posted documents are read and extracted in a process of their own, under a time and a memory limit.

A document posted to ``/documents`` is the sender's bytes: HTML that lxml parses (trafilatura), a
PDF that pypdf parses, text that the tokenizer, the parser and the rules read. In the server's
own process a crafted file could take its memory or hold it for minutes, and a long document's
extraction holds the interpreter's lock for seconds, during which every read that process answers
waits (bench/RESULTS.md, "Reads while documents are posted"). So the server hands the bytes to one
process (``eg-extract``), started at the first post and kept for the next ones:

* it has no network (:func:`service.limits.forbid_network`) and may take at most
  ``extract_memory_mb`` MiB beyond what it holds once its models are loaded (``RLIMIT_AS``);
* a request's documents get ``extract_timeout`` seconds to be read, and as many to be extracted;
  past them the process is killed, nothing is stored, and the post is refused naming the limit;
* it says which code it runs (:mod:`service.code`) before it takes work: one started after the
  code was upgraded under the running server is not used, and posts are answered 503 until a restart;
* only its answers reach the server: the documents read, their extractions, and their quads as
  N-Quads, which pyoxigraph reads back. They are unpickled with only the model's classes allowed, so
  that a process taken over by a crafted file cannot run code in the server through its answer.
  The server checks the store and writes, as before.

One request is in the process at a time; the others wait for it (ingest is one writer anyway).
"""

from __future__ import annotations

import io
import math
import multiprocessing
import pickle
import select
import signal
import threading
import time
from collections.abc import Sequence
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from pyoxigraph import RdfFormat, parse, serialize

from service.code import code_fingerprint, code_on_disk, import_packages
from service.config import Settings, without_secrets
from service.errors import DocumentRefused, EventgraphError
from service.limits import forbid_network, limit_address_space, name_process
from service.model import Document
from service.store import Store

if TYPE_CHECKING:
    from service.pipeline import Extracted, Upload

_HELLO = b"V"
START_TIMEOUT = 120.0  # seconds the process may take to import the code and load its models
# Read and extracted before the memory limit is set: it loads the tokenizer, the rules and the
# gazetteer, dateparser's English, and (second sentence) the dependency parser.
_WARM_UP = (
    b"Japan delivered 1.5 million doses of vaccine to Viet Nam on 3 May 2021, the ministry said. "
    b"Australia sent a medical team to Fiji."
)


class ExtractionUnavailable(EventgraphError):
    """The process that reads posted documents could not be started, or runs other code than the server."""

    status = 503


def open_extractor(settings: Settings, store: Store) -> ExtractionProcess | None:
    """What the server reads and extracts posted documents with: a process of their own, except for
    an in-memory store (tests), whose queries run in the server's process too (None: the pipeline's
    in-process extractor). Nothing is started before the first post; the server does not load the
    extraction stack at all."""
    from service.store.oxigraph import MEMORY, OxigraphStore

    if isinstance(store, OxigraphStore) and store.location == MEMORY:
        return None
    return ExtractionProcess(settings)


class ExtractionProcess:
    """The server's :class:`~service.pipeline.Extractor`: one ``eg-extract`` process, started at the
    first call and started again after one is killed."""

    def __init__(self, settings: Settings) -> None:
        self._settings = without_secrets(settings)  # what the process is given: no write token
        self._lock = threading.Lock()
        self._conn: Connection | None = None
        self._process: Any = None
        self._closed = False

    def read(self, uploads: Sequence[Upload], settings: Settings) -> list[Document]:
        documents: list[Document] = self._call(("read", list(uploads)), settings, "read")
        return documents

    def extract(self, parts: Sequence[tuple[int, Document]], total: int, settings: Settings) -> list[Extracted]:
        answers = self._call(("extract", list(parts), total), settings, "extracted")
        return [
            (extraction, list(parse(quads, format=RdfFormat.N_QUADS)), list(parse(shared, format=RdfFormat.N_QUADS)))
            for extraction, quads, shared in answers
        ]

    def close(self) -> None:
        """Stop the process (a request in it is abandoned)."""
        self._closed = True
        self._stop()

    def _call(self, message: tuple[Any, ...], settings: Settings, done: str) -> Any:
        """Send ``message`` and wait for its answer. A process that ends without one (killed from
        outside while idle, or by the document) is started again and given the request once more."""
        timeout = settings.extract_timeout
        payload = pickle.dumps((*message, without_secrets(settings)))
        with self._lock:
            deadline = 0.0
            for attempt in (1, 2):
                if self._closed:
                    raise ExtractionUnavailable("the server is stopping: post the documents again once it is back")
                conn = self._started()
                if attempt == 1:  # the time a start takes is not the documents': a retry has what is left
                    deadline = time.monotonic() + timeout
                try:
                    conn.send_bytes(payload)
                    frame = _receive(conn, deadline)
                except (EOFError, OSError):
                    frame = b""
                if frame is None:
                    self._stop()
                    raise DocumentRefused(
                        f"the posted documents were not {done} within {timeout:g} s and nothing was stored: send "
                        "fewer or shorter documents, or raise EVENTGRAPH_EXTRACT_TIMEOUT"
                    )
                if frame:
                    break
                code = self._stop()
                if attempt == 2:
                    raise DocumentRefused(
                        f"the process reading the posted documents ended ({_ending(code)}) before they were {done}, "
                        f"twice, and nothing was stored: the documents may need more than the "
                        f"{self._settings.extract_memory_mb} MiB it may use (EVENTGRAPH_EXTRACT_MEMORY_MB), or one "
                        "of them is damaged"
                    )
            answer = _answer(frame or b"")
            if answer[0] == "failed":  # the process may be in a poor state (a failed allocation): a fresh one next
                self._stop()
            if answer[0] == "memory":
                self._stop()
                raise DocumentRefused(
                    f"the posted documents needed more than the {self._settings.extract_memory_mb} MiB that reading "
                    "and extracting them may use, and nothing was stored: send fewer or shorter documents, or raise "
                    "EVENTGRAPH_EXTRACT_MEMORY_MB"
                )
        if answer[0] == "ok":
            return answer[1]
        if answer[0] == "refused":
            raise _refusals().get(answer[1], DocumentRefused)(answer[2])
        raise DocumentRefused(
            f"the posted documents could not be {done} ({answer[1]}), and nothing was stored: one may be damaged, or "
            f"need more than the {self._settings.extract_memory_mb} MiB that reading and extracting them may use "
            "(EVENTGRAPH_EXTRACT_MEMORY_MB)"
        )

    def _started(self) -> Connection:
        if self._conn is not None and self._process is not None and self._process.is_alive():
            return self._conn
        self._stop()
        context = multiprocessing.get_context("spawn")  # the server has threads: no fork
        self._conn, child = context.Pipe(duplex=True)
        self._process = context.Process(
            target=_main, args=(child, self._settings), daemon=True, name="eventgraph-extract"
        )
        try:
            self._process.start()
        except OSError as exc:
            self._stop()
            raise ExtractionUnavailable(f"the process that reads posted documents could not start ({exc})") from None
        finally:
            child.close()
        try:
            hello = _receive(self._conn, time.monotonic() + START_TIMEOUT)
        except (EOFError, OSError):
            hello = b""
        if hello is None or not hello.startswith(_HELLO):
            code = self._stop()
            ending = "took too long to start" if hello is None else f"ended as it started ({_ending(code)})"
            raise ExtractionUnavailable(f"the process that reads posted documents {ending}; see the server's log")
        if hello[1:].decode() != code_fingerprint():
            self._stop()
            raise ExtractionUnavailable(
                "the code on disk is not the code this server runs (it was upgraded under the running server): "
                "restart the server to read posted documents"
            )
        return self._conn

    def _stop(self) -> int | None:
        """Kill the process, if any, and reap it; its exit code."""
        process, conn = self._process, self._conn
        self._process = self._conn = None
        code = None
        if process is not None:
            if process.is_alive():
                process.kill()
            process.join(5)
            code = process.exitcode
        if conn is not None:
            conn.close()
        return code


class _ModelOnly(pickle.Unpickler):
    """Unpickles what the process answers: plain values and the model's dataclasses, nothing else."""

    ALLOWED = frozenset({("datetime", "date"), ("datetime", "datetime")})

    def find_class(self, module: str, name: str) -> Any:
        if module == "service.model" or (module, name) in self.ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not part of an answer")


def _answer(frame: bytes) -> tuple[Any, ...]:
    try:
        answer = _ModelOnly(io.BytesIO(frame)).load()
    except Exception as exc:  # whatever a broken or hostile answer makes the unpickler raise
        return ("failed", f"its answer could not be read: {type(exc).__name__}")
    return answer if isinstance(answer, tuple) and answer and isinstance(answer[0], str) else ("failed", "no answer")


def _refusals() -> dict[str, type[DocumentRefused]]:
    """DocumentRefused and its subclasses by name (a refusal keeps its class: DocumentTooLong is a 413)."""
    found: dict[str, type[DocumentRefused]] = {}
    todo: list[type[DocumentRefused]] = [DocumentRefused]
    while todo:
        cls = todo.pop()
        found[cls.__name__] = cls
        todo.extend(cls.__subclasses__())
    return found


def _receive(conn: Connection, deadline: float) -> bytes | None:
    """The next frame, or None when the deadline passes first (EOFError when the process ended)."""
    poller = select.poll()
    poller.register(conn.fileno(), select.POLLIN)
    while True:
        wait_ms = math.ceil(max(0.0, deadline - time.monotonic()) * 1000)
        if poller.poll(wait_ms):
            return conn.recv_bytes()
        if time.monotonic() >= deadline:
            return None


def _ending(code: int | None) -> str:
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


def _main(conn: Connection, settings: Settings) -> None:
    """The process: load, seal, say which code it runs, then answer one request at a time."""
    from service.pipeline import extract_parts, read_uploads

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server, which stops this process
    import_packages("service.documents", "service.extract", "service.rdf")
    fingerprint = code_on_disk()  # after the imports: a change between them shows as other code
    name_process("eg-extract")
    # Load what extraction loads at its first use (tokenizer, parser, gazetteer, language model),
    # so that the memory limit counts only what a request adds.
    warm = read_uploads([("warm-up.txt", "text/plain", _WARM_UP)], settings)
    extract_parts([(1, warm[0])], 1, settings)
    forbid_network()
    limit_address_space(settings.extract_memory_mb)
    conn.send_bytes(_HELLO + fingerprint.encode())
    while True:
        try:
            kind, *args, sent = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):  # the server closed the pipe: it is stopping or gave up on us
            return
        try:
            if kind == "read":
                answer: tuple[Any, ...] = ("ok", read_uploads(args[0], sent))
            else:
                extracted = extract_parts(args[0], args[1], sent)  # the gazetteer is cached per file and change
                answer = ("ok", [(e, _nquads(quads), _nquads(shared)) for e, quads, shared in extracted])
            payload = pickle.dumps(answer)
        except DocumentRefused as exc:
            payload = pickle.dumps(("refused", type(exc).__name__, exc.message))
        except MemoryError:
            conn.send_bytes(pickle.dumps(("memory",)))
            return  # the process may be in a poor state: a fresh one takes the next request
        except Exception as exc:  # a parser's or a rule's failure on odd input, or an allocation past the limit
            conn.send_bytes(pickle.dumps(("failed", f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}")))
            return  # the process may be in a poor state: a fresh one takes the next request
        conn.send_bytes(payload)


def _nquads(quads: Sequence[Any]) -> bytes:
    return serialize(quads, format=RdfFormat.N_QUADS) or b""
