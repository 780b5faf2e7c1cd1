"""Posted documents are read and extracted in a process of their own, under a time and a memory limit.

A document posted to ``/documents`` is the sender's bytes: HTML that lxml parses (trafilatura), a
PDF that pypdf parses, text that the tokenizer, the parser and the rules read. In the server's
own process a crafted file could take its memory or hold it for minutes, and a long document's
extraction holds the interpreter's lock for seconds, during which every read that process answers
waits (bench/RESULTS.md, "Reads while documents are posted"). So the server hands the bytes to one
process (``eg-extract``), started at the first post and kept for the next ones:

* it has no network (:func:`service.limits.forbid_network`), may take at most ``extract_memory_mb``
  MiB beyond what it holds once its models are loaded (``RLIMIT_AS``), and ends when the server does;
* a request's documents get ``extract_timeout`` seconds to be read, and as many to be extracted;
  past them the process is killed, nothing is stored, and the post is refused naming the limit;
* it says which code it runs (:mod:`service.code`) before it takes work: one started after the
  code was upgraded under the running server is not used, and posts are answered 503 until a restart;
* only its answers reach the server: the documents it read and their extractions, as pickles that
  may name nothing but the model's own classes (and dates), so that a process taken over by a
  crafted file cannot run code in the server through its answer. The server checks their shape,
  maps them to quads itself (a few tens of milliseconds for a long release), checks the store and
  writes, as before.

One request is in the process at a time; a few more may wait for it, and past those a post is
answered 503 at once (each waiting post holds one of the server's threads).
"""

from __future__ import annotations

import math
import multiprocessing
import os
import pickle
import select
import signal
import threading
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from service import errors, model
from service.answers import NotAnAnswer, checked, classes, load_answer
from service.code import code_fingerprint, code_on_disk, import_packages
from service.config import Settings, without_secrets
from service.errors import DocumentRefused, EventgraphError, UserError
from service.limits import forbid_network, limit_address_space, name_process
from service.model import Document, Extraction
from service.store import Store

if TYPE_CHECKING:
    from service.pipeline import Extracted, Upload

_HELLO = b"V"
START_TIMEOUT = 120.0  # seconds the process may take to import the code and load its models
MAX_ANSWER = 256 * 1024 * 1024  # bytes: the extractions of a request's 10 MB are a few MB
# Read and extracted before the memory limit is set: it loads the tokenizer, the rules and the
# gazetteer, dateparser's English, and (second sentence) the dependency parser.
_WARM_UP = (
    b"Japan delivered 1.5 million doses of vaccine to Viet Nam on 3 May 2021, the ministry said. "
    b"Australia sent a medical team to Fiji."
)


class ExtractionUnavailable(EventgraphError):
    """The process that reads posted documents could not be started, runs other code than the
    server, is busy with more posts than may wait, or answered something that is no answer."""

    status = 503


def open_extractor(settings: Settings, store: Store) -> ExtractionProcess | None:
    """What the server reads and extracts posted documents with: a process of their own, except for
    an in-memory store (tests), whose queries run in the server's process too (None: the pipeline's
    in-process extractor). Nothing is started before the first post; the server does not load the
    extraction stack at all.

    :raises UserError: EVENTGRAPH_EXTRACT_TIMEOUT is not a positive number of seconds.
    """
    from service.store.oxigraph import MEMORY, OxigraphStore

    if not (math.isfinite(settings.extract_timeout) and settings.extract_timeout > 0):
        raise UserError(f"EVENTGRAPH_EXTRACT_TIMEOUT={settings.extract_timeout:g}: give a positive number of seconds")
    if isinstance(store, OxigraphStore) and store.location == MEMORY:
        return None
    return ExtractionProcess(settings)


class ExtractionProcess:
    """The server's :class:`~service.pipeline.Extractor`: one ``eg-extract`` process, started at the
    first call and started again after one is killed."""

    def __init__(self, settings: Settings) -> None:
        self._settings = without_secrets(settings)  # what the process is given: no write token
        self._lock = threading.Lock()
        self._waiting = threading.BoundedSemaphore(max(1, settings.threads // 2))  # posts in or before the process
        self._conn: Connection | None = None
        self._process: Any = None
        self._closed = False
        self._outdated = False  # a process started and named other code: none is started again

    def read(self, uploads: Sequence[Upload], settings: Settings) -> list[Document]:
        documents: list[Document] = self._call(("read", list(uploads)), settings, "read")
        try:  # exact types all the way down, before anything here uses a value
            checked(documents, list[Document])
        except NotAnAnswer as exc:
            raise self._misbehaved(f"its answer is not the documents read ({exc})") from None
        ids = {d.id for d in documents}
        if len(documents) != len(uploads) or len(ids) != len(documents) or not all(0 < len(i) <= 300 for i in ids):
            raise self._misbehaved("its answer does not hold one document per part, each with an id of its own")
        if any(len(d.text) > settings.max_document_chars for d in documents):
            raise self._misbehaved("its answer holds a text longer than EVENTGRAPH_MAX_DOCUMENT_CHARS")
        return documents

    def extract(self, parts: Sequence[tuple[int, Document]], total: int, settings: Settings) -> list[Extracted]:
        from service.pipeline import mapped

        found = self._call(("extract", list(parts), total), settings, "extracted")
        try:  # exact types all the way down, at most answers.NODES values a document
            if type(found) is not list or len(found) != len(parts):
                raise NotAnAnswer("not one extraction per document")
            for extraction in found:
                checked(extraction, Extraction)
        except NotAnAnswer as exc:
            raise self._misbehaved(f"its answer is not the documents' extractions ({exc})") from None
        out = []
        for (_, document), extraction in zip(parts, found, strict=True):
            if extraction.document.id != document.id or len(extraction.events) > 1 + len(document.text) // 10:
                raise self._misbehaved("its answer holds something other than the documents' extractions")
            try:  # the quads are made here, from the model: the process only says what it found
                out.append(mapped(replace(extraction, document=document), settings))
            except Exception as exc:  # a field of the wrong type: the answer is not one the extractor gives
                raise self._misbehaved(f"its extraction does not map ({type(exc).__name__})") from None
        return out

    def close(self) -> None:
        """Stop the process (a request in it is abandoned)."""
        self._closed = True
        self._stop()

    def _misbehaved(self, what: str) -> ExtractionUnavailable:
        self._stop()
        return ExtractionUnavailable(f"the process reading the posted documents failed: {what}; nothing was stored")

    def _call(self, message: tuple[Any, ...], settings: Settings, done: str) -> Any:
        """Send ``message`` and wait for its answer. A process that ends without one (killed from
        outside, or by the document) is started again and given the request once more."""
        if not self._waiting.acquire(blocking=False):
            raise ExtractionUnavailable(
                "other posts are being read and extracted, and as many as may wait are waiting: post again shortly",
                retry_after=5,
            )
        try:
            with self._lock:
                return self._exchange(pickle.dumps((*message, without_secrets(settings))), settings, done)
        finally:
            self._waiting.release()

    def _exchange(self, payload: bytes, settings: Settings, done: str) -> Any:
        timeout = settings.extract_timeout
        deadline = 0.0
        for attempt in (1, 2):
            conn, process = self._started()
            if attempt == 1:  # the time a start takes is not the documents': a retry has what is left
                deadline = time.monotonic() + timeout
            try:
                conn.send_bytes(payload)
                frame = _receive(conn, process, deadline)
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
        if answer[0] == "ok":
            return answer[1]
        self._stop()  # after a failure the process may be in a poor state (a failed allocation): a fresh one next
        if answer[0] == "refused":
            raise _refusals().get(answer[1], DocumentRefused)(answer[2])
        if answer[0] == "memory":
            raise DocumentRefused(
                f"the posted documents needed more than the {self._settings.extract_memory_mb} MiB that reading "
                "and extracting them may use, and nothing was stored: send fewer or shorter documents, or raise "
                "EVENTGRAPH_EXTRACT_MEMORY_MB"
            )
        raise DocumentRefused(
            f"the posted documents could not be {done} ({answer[-1]}), and nothing was stored: one may be damaged, or "
            f"need more than the {self._settings.extract_memory_mb} MiB that reading and extracting them may use "
            "(EVENTGRAPH_EXTRACT_MEMORY_MB)"
        )

    def _started(self) -> tuple[Connection, Any]:
        conn, process = self._conn, self._process
        if conn is not None and process is not None and process.is_alive():
            return conn, process
        self._stop()
        if self._closed:
            raise ExtractionUnavailable("the server is stopping: post the documents again once it is back")
        if self._outdated:
            raise _outdated()
        context = multiprocessing.get_context("spawn")  # the server has threads: no fork
        conn, child = context.Pipe(duplex=True)
        process = context.Process(
            target=_main, args=(child, self._settings, os.getpid()), daemon=True, name="eventgraph-extract"
        )
        try:
            process.start()
        except OSError as exc:
            conn.close()
            raise ExtractionUnavailable(f"the process that reads posted documents could not start ({exc})") from None
        finally:
            child.close()
        self._conn, self._process = conn, process
        try:
            hello = _receive(conn, process, time.monotonic() + START_TIMEOUT)
        except (EOFError, OSError):
            hello = b""
        if self._closed:  # close() came meanwhile: this process is not used
            self._stop()
            raise ExtractionUnavailable("the server is stopping: post the documents again once it is back")
        if hello is None or not hello.startswith(_HELLO):
            code = self._stop()
            ending = "took too long to start" if hello is None else f"ended as it started ({_ending(code)})"
            raise ExtractionUnavailable(f"the process that reads posted documents {ending}; see the server's log")
        if hello[1:] != code_fingerprint().encode():
            self._stop()
            self._outdated = True
            raise _outdated()
        return conn, process

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


def _outdated() -> ExtractionUnavailable:
    return ExtractionUnavailable(
        "the code on disk is not the code this server runs (it was upgraded under the running server): "
        "restart the server to read posted documents"
    )


# What the process's answers may name: the model's own classes, and dates (service.answers).
_ALLOWED = classes(
    [value for value in vars(model).values() if isinstance(value, type) and value.__module__ == "service.model"]
    + [date, datetime]
)


def _answer(frame: bytes) -> tuple[Any, ...]:
    """("ok", what), ("refused", class name, message), ("memory",) or ("failed", reason): the frame's, of
    exactly those types (``what`` is checked by the caller), or ("failed", why not)."""
    try:
        answer = load_answer(frame, _ALLOWED)
    except Exception as exc:  # whatever a broken or hostile answer makes the unpickler raise
        return ("failed", f"its answer could not be read: {type(exc).__name__}")
    if type(answer) is not tuple or not answer or type(answer[0]) is not str:
        return ("failed", "no answer")
    shapes = {"ok": 2, "refused": 3, "memory": 1, "failed": 2}
    if shapes.get(answer[0]) != len(answer) or not all(type(part) is str and len(part) <= 2000 for part in answer[2:]):
        return ("failed", "no answer")
    if answer[0] in ("refused", "failed") and (type(answer[1]) is not str or len(answer[1]) > 2000):
        return ("failed", "no answer")
    return answer


def _refusals() -> dict[str, type[DocumentRefused]]:
    """DocumentRefused and its subclasses in service.errors by name (DocumentTooLong stays a 413)."""
    return {
        name: value
        for name, value in vars(errors).items()
        if isinstance(value, type) and issubclass(value, DocumentRefused)
    }


def _receive(conn: Connection, process: Any, deadline: float) -> bytes | None:
    """The next frame, or None when the deadline passes before it starts (EOFError or OSError when the
    process ended, or its frame was longer than MAX_ANSWER). A frame that starts but does not end by
    the deadline (a process taken over could send a length and stall) ends with the process, killed."""
    poller = select.poll()
    poller.register(conn.fileno(), select.POLLIN)
    while True:
        wait_ms = math.ceil(max(0.0, deadline - time.monotonic()) * 1000)
        if poller.poll(wait_ms):
            break
        if time.monotonic() >= deadline:
            return None
    watchdog = threading.Timer(max(0.0, deadline - time.monotonic()) + 1.0, process.kill)
    watchdog.daemon = True
    watchdog.start()
    try:
        return conn.recv_bytes(MAX_ANSWER)
    finally:
        watchdog.cancel()


def _ending(code: int | None) -> str:
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


def _follow(server: int) -> None:
    """End this process once the server is gone, however it ended (its work is nobody's then)."""
    while os.getppid() == server:
        time.sleep(1.0)
    os._exit(0)


def _main(conn: Connection, settings: Settings, server: int) -> None:
    """The process: load, seal, say which code it runs, then answer one request at a time."""
    from service.pipeline import extractions, read_uploads

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server, which stops this process
    threading.Thread(target=_follow, args=(server,), daemon=True).start()
    import_packages("service.documents", "service.extract", "service.rdf")
    fingerprint = code_on_disk()  # after the imports: a change between them shows as other code
    name_process("eg-extract")
    # Load what extraction loads at its first use (tokenizer, parser, gazetteer, language model),
    # so that the memory limit counts only what a request adds.
    warm = read_uploads([("warm-up.txt", "text/plain", _WARM_UP)], settings)
    extractions([(1, warm[0])], 1, settings)
    forbid_network()
    limit_address_space(settings.extract_memory_mb)
    conn.send_bytes(_HELLO + fingerprint.encode())
    while True:
        try:
            kind, *args, sent = pickle.loads(conn.recv_bytes())  # the server's own message
        except (EOFError, OSError):  # the server closed the pipe: it is stopping or gave up on us
            return
        try:
            if kind == "read":
                payload = pickle.dumps(("ok", read_uploads(args[0], sent)))
            else:  # the gazetteer is cached per file and change
                found = extractions(args[0], args[1], sent)
                payload = pickle.dumps(("ok", [replace(e, document=replace(e.document, text="")) for e in found]))
        except DocumentRefused as exc:
            payload = pickle.dumps(("refused", type(exc).__name__, exc.message))
        except MemoryError:
            conn.send_bytes(pickle.dumps(("memory",)))
            return  # the process may be in a poor state: a fresh one takes the next request
        except Exception as exc:  # a parser's or a rule's failure on odd input, or an allocation past the limit
            conn.send_bytes(pickle.dumps(("failed", f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}")))
            return  # the process may be in a poor state: a fresh one takes the next request
        conn.send_bytes(payload)
