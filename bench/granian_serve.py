"""The Flask app under granian (a Rust HTTP server), for the serving benchmark only
(``bench/serving.py``): ``eventgraph serve`` runs waitress, and granian is not part of it (see
bench/RESULTS.md, "Serving throughput", for why).

    python -m bench.granian_serve --store PATH --port 8000 [--threads 8] [--workers 1]

One worker process (the default) opens the store read-write, as ``eventgraph serve`` does, with
its own query workers. ``--workers 2`` or more is an experiment: every process opens the store
read-only (writes refused, and a process never sees another's writes), to measure what several
processes would read at.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import signal
from functools import partial
from multiprocessing.util import Finalize
from typing import Any

from service.config import Settings, from_env

_PR_SET_PDEATHSIG = 1


def _app(settings: Settings, read_only: bool) -> Any:
    """In a granian worker process: the app and its query workers, closed when the process ends."""
    from service.store import open_configured
    from service.web import create_app
    from service.web.runtime import app_runtime

    with contextlib.suppress(OSError, AttributeError):  # die with the supervisor, however it dies
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    store = open_configured(settings, read_only=read_only)
    app = create_app(settings, store=store)
    runtime = app_runtime(app)
    runtime.evaluator.start()
    Finalize(app, lambda: (runtime.close(), store.close()), exitpriority=10)
    return app


def main(argv: list[str] | None = None) -> int:
    from granian.constants import Interfaces
    from granian.log import LogLevels
    from granian.server import Server

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=None, help="blocking threads (default: EVENTGRAPH_THREADS)")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    settings = from_env(store=args.store, port=args.port)
    server = Server(
        "service.web:create_app",  # not imported by this name: the loader below builds the app
        address=settings.host,
        port=settings.port,
        interface=Interfaces.WSGI,
        workers=args.workers,
        blocking_threads=args.threads or settings.threads,
        log_level=LogLevels.error,
    )
    server.serve(target_loader=partial(_app, settings, args.workers > 1), wrap_loader=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
