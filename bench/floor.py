"""The floor under issue 19's point-lookup figure: what the least possible isolated lookup serves,
beside ``eventgraph serve`` and the Oxigraph server, in one run.

A lookup as the design requires it has two parts that no code of ours can remove: Flask (the web
framework the project is built on) under a WSGI server, and a hop to another process, where the
client's text is parsed and evaluated. The bare apps below are those parts and nothing else — no
planning or checks of the text, no time or memory limit, no entity tag, no headers of ours:

* **Flask alone** — a view that answers a fixed body the size of a lookup's answer (no query);
* **Flask + hop** — a view that pipes the query text to a worker process of its own, which runs the
  DESCRIBE in pyoxigraph (read-only store, union default graph) and pipes the Turtle back.

Each runs as ``eventgraph serve --processes N`` runs: N server processes on one port
(``SO_REUSEPORT``), ``--threads`` threads each, under waitress, and under granian (``--workers N
--blocking-threads T``) when it is installed. wrk rotates over ``DESCRIBE <event>`` for up to
2,000 events of the store (``bench/rotate.lua``). Besides requests/s, p50 and the ratio to the
Oxigraph server, the machine's busy time a request (``/proc/stat``, all cores) says what a request
costs in CPU, whichever process spends it.

    python -m bench.floor --store PATH [--processes 2] [--threads 3] [--connections 1,8,32] [--seconds 10]

The store is opened read-only by every server (stop any ``eventgraph serve`` on it first, as it
takes the store's lock). Prints a Markdown table; writes ``bench/out/floor.json``.
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import multiprocessing
import os
import queue
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import quote

from flask import Flask, Response, request

HERE = Path(__file__).resolve().parent
STORE_VARIABLE = "EVENTGRAPH_FLOOR_STORE"
BODY = b"x" * 1400  # about the size of a lookup's Turtle answer

app = Flask(__name__)
_idle: queue.LifoQueue[Connection] = queue.LifoQueue()
_started: list[bool] = []
_starting = threading.Lock()


def _describe_in_worker(conn: Connection, location: str) -> None:
    """The worker: DESCRIBE the text it receives, answer Turtle."""
    from pyoxigraph import RdfFormat, serialize
    from pyoxigraph import Store as OxStore

    store = OxStore.read_only(location)
    while True:
        try:
            text = conn.recv_bytes().decode()
        except EOFError:
            return
        triples = list(store.query(text, use_default_graph_as_union=True))
        conn.send_bytes(serialize(triples, None, RdfFormat.TURTLE) or b"")


def _worker() -> Connection:
    """One worker per server process, started at the first request (spawned: the server has threads)."""
    with _starting:
        if not _started:
            context = multiprocessing.get_context("spawn")
            mine, theirs = context.Pipe()
            context.Process(target=_describe_in_worker, args=(theirs, os.environ[STORE_VARIABLE]), daemon=True).start()
            _idle.put(mine)
            _started.append(True)
    return _idle.get()


@app.get("/flask")
def flask_alone() -> Response:
    return Response(BODY, content_type="text/turtle")


@app.get("/sparql")
def flask_and_hop() -> Response:
    text = request.args["query"]
    conn = _worker()
    try:
        conn.send_bytes(text.encode())
        data = conn.recv_bytes()
    finally:
        _idle.put(conn)
    return Response(data, content_type="text/turtle")


def _serve_waitress(port: int, threads: int) -> None:
    """One server process of the bare app under waitress, on a port shared with the others."""
    from waitress.server import create_server

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(1024)
    create_server(app, sockets=[sock], threads=threads).run()


class _Group:
    """Server processes started together, stopped together."""

    def __init__(self, commands: list[list[str]], env: dict[str, str]) -> None:
        root = HERE.parent
        self.procs = [
            subprocess.Popen(c, env=env, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for c in commands
        ]

    def stop(self) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=30)


def _ready(url: str, group: _Group, seconds: float = 600) -> None:
    import requests

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in group.procs):
            raise RuntimeError(f"a server for {url} exited")
        try:
            if requests.get(url, timeout=30).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds:g} s")


def _busy() -> tuple[int, int]:
    fields = [int(f) for f in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return sum(fields), fields[3] + fields[4]  # all, idle + iowait


def _measured(base: str, targets: Path, connections: int, seconds: int) -> dict[str, float]:
    from bench.serving import wrk_rotating

    total, idle = _busy()
    row = wrk_rotating(base, targets, connections, seconds)
    total2, idle2 = _busy()
    busy_s = ((total2 - total) - (idle2 - idle)) / os.sysconf("SC_CLK_TCK")
    row["machine_ms_per_request"] = round(busy_s * 1000 / max(1.0, row["rps"] * seconds), 3)
    return row


def measure(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    from bench import servers
    from bench.serving import _targets, _write, warm_up

    events, _ = _targets(args.store, 2000)
    describe = _write([f"/sparql?query={quote(f'DESCRIBE <{e}>', safe='')}" for e in events], work / "describe.txt")
    peer = _write([f"/query?query={quote(f'DESCRIBE <{e}>', safe='')}" for e in events], work / "peer.txt")
    alone = _write(["/flask"] * 10, work / "flask.txt")
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVENTGRAPH_")}
    env[STORE_VARIABLE] = str(args.store)
    python = sys.executable
    granian = importlib.util.find_spec("granian") is not None
    result: dict[str, Any] = {"lookups": len(events), "processes": args.processes, "threads": args.threads, "rows": {}}

    def run(name: str, base: str, targets: Path, stop: Any) -> None:
        try:
            warm_up(base, (targets,), args.warmup)
            for connections in args.connections:
                row = _measured(base, targets, connections, args.seconds)
                result["rows"][f"{name}, {connections}"] = row
                print(name, connections, row, flush=True)
        finally:
            stop()

    port = servers.free_port()
    bare = [[python, "-c", f"from bench.floor import _serve_waitress; _serve_waitress({port}, {args.threads})"]]
    group = _Group(bare * args.processes, env)
    base = f"http://127.0.0.1:{port}"
    _ready(base + "/flask", group)
    run("waitress: Flask alone", base, alone, lambda: None)
    run("waitress: Flask + hop", base, describe, group.stop)
    if granian:
        port = servers.free_port()
        command = [str(Path(python).parent / "granian"), "--interface", "wsgi", "--workers", str(args.processes),
                   "--blocking-threads", str(args.threads), "--port", str(port), "--log-level", "error",
                   "bench.floor:app"]  # fmt: skip
        group = _Group([command], env)
        base = f"http://127.0.0.1:{port}"
        _ready(base + "/flask", group)
        run("granian: Flask alone", base, alone, lambda: None)
        run("granian: Flask + hop", base, describe, group.stop)
    ours = servers.eventgraph(
        f"eventgraph serve --processes {args.processes}", str(args.store), threads=args.threads,
        processes=args.processes,
    )  # fmt: skip
    run(f"eventgraph serve --processes {args.processes}", ours.base, describe, ours.stop)
    oxigraph = servers.oxigraph_server(args.store)
    run("Oxigraph server", oxigraph.base, peer, oxigraph.stop)
    return result


def markdown(result: dict[str, Any]) -> str:
    rows = result["rows"]
    lines = [
        "| server, connections | requests/s | p50 ms | machine ms a request | failed | ratio to the Oxigraph server |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for key, row in rows.items():
        connections = key.rsplit(", ", 1)[1]
        peer = rows.get(f"Oxigraph server, {connections}")
        ratio = f"{row['rps'] / peer['rps']:.2f}×" if peer and peer["rps"] else ""
        lines.append(
            f"| {key} | {row['rps']:,.0f} | {row['p50_ms']:.2f} | {row['machine_ms_per_request']:.3f} | "
            f"{row['failed']:.0f} | {ratio} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    from bench import report, servers

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="an Eventgraph (or any Oxigraph) store")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--threads", type=int, default=3)
    parser.add_argument("--connections", default="1,8,32")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args(argv)
    args.connections = [int(c) for c in args.connections.split(",")]
    if servers.wrk_available() is None:
        raise SystemExit("wrk is missing: `apt-get install wrk`")
    work = Path(tempfile.mkdtemp(prefix="eventgraph-floor-"))
    try:
        result = measure(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report.save("floor", result)
    print(markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
