"""The servers a benchmark run measures side by side, each a real process on 127.0.0.1, and the
tools that load and measure them: wrk for throughput, sequential requests for latency, /proc for
memory.

* ``eventgraph serve`` over the embedded store, and over a remote store (an Oxigraph server);
* the ``oxigraph`` PyPI package's Rust server (``serve-read-only``) over the same quads,
  bulk-loaded by ``oxigraph load``;
* rdflib-endpoint over the same triples (only at small sizes: rdflib holds ~1.7 KiB per quad).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import requests

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A started server: its process, its SPARQL query URL and its name in the tables."""

    name: str
    proc: subprocess.Popen[bytes]
    sparql: str
    base: str

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=30)

    def rss_peak_mib(self) -> float:
        """Peak resident memory (VmHWM) of the process and its children (query workers), in MiB."""
        return round(_vm(self.proc.pid, "VmHWM") / 1024, 1)


def _descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (granian's worker, and its query workers)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        children = Path(f"/proc/{p}/task/{p}/children")
        with contextlib.suppress(OSError):
            todo += [int(c) for c in children.read_text().split()]
    return out


def _vm(pid: int, field: str) -> int:
    pids = _descendants(pid)
    total = 0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith(field + ":"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def _wait(server: Server, probe: str, seconds: float = 600) -> Server:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"{server.name} exited with {server.proc.returncode}")
        try:
            if requests.get(probe, timeout=5).status_code < 500:
                return server
        except requests.RequestException:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"{server.name} did not start within {seconds:g} s")


def eventgraph(
    name: str,
    store: str,
    workers: int | None = None,
    *,
    server: str = "waitress",
    threads: int | None = None,
    processes: int = 1,
    code: Path | None = None,
    settings: dict[str, str] | None = None,
) -> Server:
    """``eventgraph serve`` (waitress) over ``store``; with ``server="granian"``, the same app under
    granian (``bench/granian_serve.py``, ``processes`` worker processes). ``code``: the folder of
    another version's source tree (e.g. ``git worktree add DIR REF``), served instead of this one.
    ``settings``: more ``EVENTGRAPH_*`` variables (a write token, limits)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVENTGRAPH_")}
    env["EVENTGRAPH_BASE_IRI"] = "http://localhost:8000/"
    env["EVENTGRAPH_QUERY_TIMEOUT"] = "60"
    if workers:
        env["EVENTGRAPH_QUERY_WORKERS"] = str(workers)
    if threads:
        env["EVENTGRAPH_THREADS"] = str(threads)
    if server != "granian" and processes > 1:
        env["EVENTGRAPH_PROCESSES"] = str(processes)  # serve --processes N
    env.update(settings or {})
    if server == "granian":
        command = [sys.executable, "-m", "bench.granian_serve", "--store", store, "--port", str(port),
                   "--workers", str(processes)]  # fmt: skip
    elif code is not None:
        env["PYTHONPATH"] = str(code)
        command = [sys.executable, "-m", "service", "serve", "--store", store, "--port", str(port)]
    else:
        command = [str(BIN / "eventgraph"), "serve", "--store", store, "--port", str(port)]
    proc = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=code or Path(__file__).resolve().parent.parent,
    )
    base = f"http://127.0.0.1:{port}"
    # Ready once a query is answered (/api/stats counts the whole store first: minutes at 1M events).
    return _wait(Server(name, proc, base + "/sparql", base), base + "/sparql?query=ASK%7B%7D")


def oxigraph_server(location: Path, *, writable: bool = False) -> Server:
    port = free_port()
    command = "serve" if writable else "serve-read-only"
    proc = subprocess.Popen(
        [str(BIN / "oxigraph"), command, "--location", str(location), "--bind", f"127.0.0.1:{port}",
         "--union-default-graph"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    return _wait(Server("oxigraph server", proc, base + "/query", base), base + "/query?query=ASK%7B%7D")


def oxigraph_load(location: Path, nquads: Path) -> float:
    """Bulk-load with ``oxigraph load``; the seconds it took."""
    started = time.perf_counter()
    subprocess.run(
        [str(BIN / "oxigraph"), "load", "--location", str(location), "--file", str(nquads)],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def rdflib_endpoint(ntriples: Path) -> Server:
    port = free_port()
    proc = subprocess.Popen(
        [str(BIN / "rdflib-endpoint"), "serve", str(ntriples), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    # rdflib-endpoint answers SPARQL at its root
    return _wait(Server("rdflib-endpoint", proc, base + "/", base), base + "/?query=ASK%7B%7D", 1800)


def wrk_available() -> str | None:
    return shutil.which("wrk")


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def wrk(
    url: str, connections: int, seconds: int = 10, script: Path | None = None, env: dict[str, str] | None = None
) -> dict[str, float]:
    """Throughput and latency percentiles of GET ``url`` under ``connections`` connections (with a Lua ``script``:
    the requests it makes, e.g. ``bench/rotate.lua`` rotating over many targets)."""
    threads = min(2, connections)
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--latency", "--timeout", "30s"]
    command += ["-s", str(script)] if script else []
    out = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, env={**os.environ, **(env or {})}
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    latency = {
        m.group(1): float(m.group(2)) * _UNITS[m.group(3)]
        for m in re.finditer(r"\s(50|99)%\s+([\d.]+)(us|ms|s|m)\b", out)
    }
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    failed = (int(non2xx.group(1)) if non2xx else 0) + (sum(map(int, errors.groups())) if errors else 0)
    return {"rps": rate, "p50_ms": latency.get("50", float("nan")), "p99_ms": latency.get("99", float("nan")),
            "failed": failed}  # fmt: skip


def query_url(endpoint: str, query: str) -> str:
    return endpoint + "?" + urlencode({"query": query})


def sequential_ms(url: str, runs: int, headers: dict[str, str] | None = None) -> list[float]:
    """Latencies of ``runs`` GETs on one keep-alive connection, in milliseconds (after 10 warm-up requests)."""
    with requests.Session() as http:
        for _ in range(10):
            http.get(url, headers=headers, timeout=120).raise_for_status()
        out = []
        for _ in range(runs):
            started = time.perf_counter()
            http.get(url, headers=headers, timeout=120).raise_for_status()
            out.append((time.perf_counter() - started) * 1000)
    return out


def median(values: list[float]) -> float:
    return round(statistics.median(values), 3)
