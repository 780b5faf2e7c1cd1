"""Several server processes on one port (``serve --processes N``): reads scale with the cores.

One Python process answers at most about one core's worth of requests (the interpreter's lock),
however many threads it runs. With ``N`` processes, every one listens on the same port with a
socket of its own (``SO_REUSEPORT``: the kernel spreads new connections over them) and evaluates
queries in query workers of its own, under the same time and memory limits:

* the **writing process** — the one ``serve`` started — holds the store read-write, as a single
  process does, and also listens on a Unix socket in the run's private folder (mode 0700);
* every **reading process** answers reads through its query workers (which open the store
  read-only) and passes every other request — writes, queries sent by POST, the Graph Store — to
  that socket (:mod:`service.web.forward`). It holds no token: the writing process checks it.

They share the store's generation and the run's epoch through a small mapped file
(:class:`~service.sparql.generation.SharedGeneration`): after a write every process's workers
reopen their snapshot before their next query, and every process makes the same entity tags.

A reading process that dies is started again (at most :data:`RESTARTS` times a minute), unless it
found that the code on disk is no longer the code the writing process runs (upgraded under the
running server): it then exits with :data:`CODE_CHANGED` and is not started again. One whose
writing process dies stops (it reads the end of a pipe only the writing process holds, and asks
the kernel for a signal when its parent goes) and removes the run's folder. A run killed all at
once (SIGKILL of the whole process group, the OOM killer) leaves its folder: the next run removes
it (:func:`remove_stale_runs`), going by the owner file that names the writing process.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from service.code import code_fingerprint, code_on_disk
from service.config import Settings, without_secrets
from service.errors import EventgraphError
from service.sparql.generation import SharedGeneration

WsgiApp = Any  # a WSGI application (Flask's app)
SETTINGS, GENERATION, WRITER, OWNER = "settings.pickle", "generation", "writer.sock", "owner"
RUN_PREFIX = "eventgraph-run-"
RESTARTS = 5  # restarts of reading processes allowed in a minute before the writing process gives up on them
CODE_CHANGED = 3  # a reading process's exit status when its code is not the writing process's
STOP_WAIT = 10.0  # seconds a reading process has to finish its requests before it is killed
_PR_SET_PDEATHSIG = 1


class ProcessesFailed(EventgraphError):
    """A reading server process did not start."""

    status = 503


class Fleet:
    """The reading processes of one run, started and watched by the writing process."""

    def __init__(self, settings: Settings, probe: socket.socket, processes: int) -> None:
        # The port was taken by ``probe`` (a plain socket: a second server on it is refused, however
        # it listens); each process now listens on a socket of its own with SO_REUSEPORT, so that the
        # kernel spreads new connections over them evenly. One shared socket would not: the process
        # that has just accepted is the first to poll again and takes nearly every connection.
        self.settings = settings
        self.family, self.address = probe.family, probe.getsockname()[:2]
        probe.close()
        self.listener = listening(self.family, self.address)
        self.count = max(0, processes - 1)
        if stale := remove_stale_runs(Path(tempfile.gettempdir())):
            _say(f"removed {len(stale)} run folder(s) of servers that were killed: {', '.join(map(str, stale))}")
        self.folder = Path(tempfile.mkdtemp(prefix=RUN_PREFIX))  # mode 0700
        (self.folder / OWNER).write_text(f"{os.getpid()} {_started(os.getpid())}\n", encoding="ascii")
        self.generation = SharedGeneration.create(self.folder / GENERATION)
        self.writer = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.writer.bind(str(self.folder / WRITER))
        # Readers hold no token: the writing process checks it on every forwarded write.
        (self.folder / SETTINGS).write_bytes(pickle.dumps(without_secrets(settings)))
        self._alive_read, self._alive_write = os.pipe()  # readers see its end when this process ends
        self._processes: list[subprocess.Popen[bytes]] = []
        self._restarts: list[float] = []
        self._retired: set[int] = set()  # the slots of reading processes that found other code on disk
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._writes: Any = None  # the waitress server of the forwarded requests

    def start(self, app: WsgiApp) -> None:
        """Answer the forwarded requests with ``app`` (a waitress server of their own on the Unix
        socket, in a thread: waitress serves Internet or Unix sockets, not both), then start the
        reading processes."""
        from waitress.server import create_server

        self._writes = create_server(app, sockets=[self.writer], **waitress_options(self.settings))
        threading.Thread(target=self._writes.run, name="eventgraph-writes", daemon=True).start()
        with self._lock:
            self._processes = [self._spawn() for _ in range(self.count)]
        for process in self._processes:  # each says "ready" once its query workers are up
            assert process.stdout is not None
            if process.stdout.readline().strip() != b"ready":
                if (code := process.wait()) == CODE_CHANGED:
                    raise ProcessesFailed(
                        "a reading server process could not start: the code on disk changed while the server "
                        "started (an upgrade under way?); start the server again"
                    )
                raise ProcessesFailed(f"a reading server process could not start (exit {code}): see above")
        threading.Thread(target=self._watch, name="eventgraph-fleet", daemon=True).start()

    def _spawn(self) -> subprocess.Popen[bytes]:
        fds = (self._alive_read,)
        # This process's own import path, as multiprocessing gives its children: the reading process
        # runs the very code this one runs, whatever folder it was started from (`python -m` would
        # put the working folder first, and a `service` folder there would be imported instead).
        start = (
            f"import sys; sys.path[:] = {sys.path!r}; from {__name__} import reader_main; "
            "sys.exit(reader_main(sys.argv[1:]))"
        )
        where = [str(int(self.family)), str(self.address[0]), str(self.address[1])]
        return subprocess.Popen(
            [sys.executable, "-c", start, *where, str(self._alive_read), str(self.folder), code_fingerprint()],
            pass_fds=fds,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,  # one line, "ready"
        )

    def _watch(self) -> None:
        gave_up = False
        while not self._stopping.wait(1.0):
            with self._lock:
                for index, process in enumerate(self._processes):
                    code = process.poll()
                    if code is None or gave_up or self._stopping.is_set() or index in self._retired:
                        continue
                    # A new one would run the code on disk: not if it is not ours (upgraded under the server).
                    if code == CODE_CHANGED or code_on_disk() != code_fingerprint():
                        self._retired.add(index)
                        if process.stdout is not None:
                            process.stdout.close()
                        _say(
                            f"a reading server process exited ({code}): the code on disk is not the code this server "
                            "runs (it was upgraded under it); not started again: restart the server to serve on every "
                            "core"
                        )
                        continue
                    now = time.monotonic()
                    self._restarts = [t for t in self._restarts if now - t < 60] + [now]
                    if len(self._restarts) > RESTARTS:
                        gave_up = True
                        _say(f"a reading server process exited ({code}) again: not restarted; the others serve on")
                        continue
                    _say(f"a reading server process exited ({code}): starting another")
                    if process.stdout is not None:
                        process.stdout.close()
                    self._processes[index] = self._spawn()

    def stop(self) -> None:
        """Stop the reading processes (SIGTERM: each closes its query workers; killed if it has not
        ended after STOP_WAIT seconds), then remove the run's folder."""
        self._stopping.set()
        with self._lock:
            processes, self._processes = self._processes, []
        for process in processes:
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
        deadline = time.monotonic() + STOP_WAIT
        for process in processes:
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if process.stdout is not None:
                process.stdout.close()
        os.close(self._alive_write)
        os.close(self._alive_read)
        if self._writes is not None:
            from waitress import wasyncore

            writes = self._writes
            with contextlib.suppress(OSError):
                writes.trigger.pull_trigger(lambda: wasyncore.close_all(writes._map))
            writes.task_dispatcher.shutdown()
        self.writer.close()
        self.listener.close()
        self.generation.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def remove_stale_runs(where: Path) -> list[Path]:
    """Remove the run folders in ``where`` whose writing process is gone, and say which.

    Only this user's own directories (never a symbolic link) whose owner file names a process that
    no longer runs — or a process id since reused by another process (its start time differs) — are
    removed; a folder without an owner file (a run being set up, or another program's) is left.
    """
    removed = []
    for path in sorted(where.glob(RUN_PREFIX + "*")):
        try:
            info = path.lstat()
            if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
                continue
            owner = (path / OWNER).read_text(encoding="ascii").split()
        except (OSError, UnicodeDecodeError):
            continue
        if len(owner) == 2 and owner[0].isdigit() and _gone(int(owner[0]), owner[1]):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def _gone(pid: int, started: str) -> bool:
    """True when process ``pid`` does not run, or runs but started at another time than ``started``."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # another user's process: running
        return False
    now = _started(pid)
    return now != "-" and started != "-" and now != started


def _started(pid: int) -> str:
    """When process ``pid`` started (clock ticks after boot, /proc's field 22), or "-" where unknown."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    except (OSError, IndexError, UnicodeDecodeError):
        return "-"
    return fields[19] if len(fields) > 19 else "-"


def waitress_options(settings: Settings) -> dict[str, Any]:
    """What every waitress server of a run is given, besides its sockets.

    A request body over ``max_request_bytes`` is refused when its length is read (waitress's 413),
    not after waitress has spooled up to its own limit of 1 GiB to disk; ``connections`` open
    connections are kept (idle ones count: a client that opens many and sends nothing, or a byte a
    minute, holds them), watched with poll() — select() stops at 1,024 descriptors — and the
    process may open that many files (:func:`allow_open_files`)."""
    return {
        "threads": settings.threads,
        "ident": "eventgraph",
        "max_request_body_size": settings.max_request_bytes,
        "connection_limit": settings.connections,
        "asyncore_use_poll": True,
    }


def allow_open_files(settings: Settings) -> None:
    """Raise this process's soft limit on open files to what ``connections`` connections need, up to
    the hard limit (often 1,024 soft against 500,000 hard)."""
    import resource

    want = settings.connections + 256  # the store's files, the query workers' pipes, logs
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want if hard == resource.RLIM_INFINITY else min(want, hard), hard))


def quiet_waitress() -> None:
    """No "Task queue depth is N" warning from waitress: it is logged whenever a request waits for one
    of the few threads, which under load is most requests (thousands of lines a second on stderr, and
    about 8 % of a server process's time, bench/RESULTS.md). Requests wait for a thread by design:
    the query workers, not the threads, bound how many run at once."""
    import logging

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)


def listening(family: socket.AddressFamily, address: tuple[str, int]) -> socket.socket:
    """A socket listening on ``address`` beside the other processes of the run (SO_REUSEPORT)."""
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(address)
        sock.listen(1024)
    except OSError:
        sock.close()
        raise
    return sock


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


_hung_up: list[bool] = []  # SIGHUP came: the kernel says the parent died (or somebody sent it)
_orphaned = threading.Event()  # the pipe only the writing process holds has ended: it is gone for sure


def _follow_parent(alive: int) -> None:
    """End this process when the writing process ends, however it ends: SIGHUP from the kernel when
    the parent dies (Linux), or the end of a pipe only the parent holds."""
    signal.signal(signal.SIGHUP, _hang_up)
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGHUP), 0, 0, 0)

    def wait() -> None:
        with contextlib.suppress(OSError):
            while os.read(alive, 1):
                pass
        _orphaned.set()
        os.kill(os.getpid(), signal.SIGHUP)

    threading.Thread(target=wait, name="eventgraph-parent", daemon=True).start()


def _hang_up(*_: object) -> None:
    # No lock in a signal handler: the kernel's signal and the pipe's can come one inside the other.
    _ignore_stops()
    _hung_up.append(True)
    sys.exit(0)


def reader_main(argv: list[str]) -> int:
    """A reading process, started by :meth:`Fleet._spawn` with ``FAMILY HOST PORT ALIVE_FD FOLDER CODE``
    (``CODE``: the writing process's :func:`~service.code.code_fingerprint`)."""
    if argv[5:6] != [code_fingerprint()]:  # started after an upgrade: other code than the writing process's
        return CODE_CHANGED
    import logging

    from waitress.server import create_server

    from service.store.elsewhere import Elsewhere
    from service.web import create_app
    from service.web.runtime import app_runtime

    family, host, port = socket.AddressFamily(int(argv[0])), argv[1], int(argv[2])
    alive, folder = int(argv[3]), Path(argv[4])
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the writing process, which stops us
    _follow_parent(alive)
    logging.getLogger("waitress").setLevel(logging.WARNING)  # the writing process says where it serves
    quiet_waitress()
    settings: Settings = pickle.loads((folder / SETTINGS).read_bytes())  # our parent wrote it (folder 0700)
    allow_open_files(settings)
    generation = SharedGeneration.attach(folder / GENERATION)
    app = create_app(settings, store=Elsewhere(settings.store), generation=generation, forward_to=str(folder / WRITER))
    runtime = app_runtime(app)
    listener = listening(family, (host, port))
    try:
        runtime.evaluator.start()
        server = create_server(app, sockets=[listener], **waitress_options(settings))
        print("ready", flush=True)  # the writing process waits for this line before it says it serves
        server.run()
    finally:
        # The writing process died without its clean-up (SIGKILL, a crash): the run's folder is ours to
        # remove. A SIGHUP while it lives only stops this process (the writing one starts another).
        if _hung_up and _orphaned.wait(2.0):
            shutil.rmtree(folder, ignore_errors=True)
        runtime.close()
        generation.close()
    return 0


def _stop(*_: object) -> None:
    """SIGTERM: leave through the clean-up, once."""
    _ignore_stops()
    sys.exit(0)


def _ignore_stops() -> None:
    """From the first stop on, no signal interrupts the clean-up."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
