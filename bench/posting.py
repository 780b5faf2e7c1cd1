"""Reads while documents are posted: the latency of small reads from ``eventgraph serve`` while a
token holder posts documents to ``POST /documents``, for this tree and, on request, another
version's (``--against DIR``, e.g. ``git worktree add DIR REF``), alternated in one run.

One connection reads (a SPARQL count over a store of the seeds plus what was posted, every 5 ms)
while another posts, one after another:

* ``3,000 words`` — the first 3,000 words of the real gold documents (``tests/gold/real/dev``),
  under a new name each time;
* ``170,000 characters`` — those documents four times over (the longest text the default
  ``EVENTGRAPH_MAX_DOCUMENT_CHARS`` allows, about);
* ``HTML bomb`` — 4.5 MB of HTML in 150,000 small blocks (what a crafted upload may be): this
  tree's server refuses it at its ``EVENTGRAPH_EXTRACT_TIMEOUT``, set to ``--bomb-seconds``; the
  client gives up 30 s later (an older version reads it for minutes).

    python -m bench.posting [--against DIR] [--rounds 2] [--posts 4]

Prints, per version and case, the reads' p50 / p99 / max in ms while idle and while posting, and
the posts' median seconds and statuses; writes ``bench/out/posting.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import requests

from bench import servers

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TOKEN = "bench-posting-token-0123456789ab"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def cases(bomb_seconds: float) -> list[tuple[str, bytes, str, float]]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((REPO / "tests/gold/real/dev").glob("*.txt"))]
    whole = "\n\n".join(texts)
    words = " ".join(whole.split()[:3000])
    bomb = b"<html><body>" + b"<div><p>Aid arrived.</p></div>" * 150_000 + b"</body></html>"
    return [
        ("3,000 words", words.encode(), "text/plain", 300.0),
        ("170,000 characters", "\n\n".join([whole] * 4).encode(), "text/plain", 300.0),
        ("HTML bomb", bomb, "text/html", bomb_seconds + 30),  # the client waits past the server's limit
    ]


def _summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "n": len(ordered),
        "p50": round(statistics.median(ordered), 2),
        "p99": round(ordered[max(0, int(len(ordered) * 0.99) - 1)], 1),
        "max": round(ordered[-1], 1),
    }


def measure(base: str, body: bytes, media_type: str, posts: int, seconds: float, tag: str) -> dict[str, Any]:
    stop = threading.Event()
    reads: list[float] = []

    def reader() -> None:
        session = requests.Session()
        while not stop.is_set():
            started = time.perf_counter()
            session.get(base + "/sparql", params={"query": COUNT}, headers={"Accept": "application/json"}, timeout=600)
            reads.append((time.perf_counter() - started) * 1000)
            time.sleep(0.005)

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    time.sleep(2)
    idle = list(reads)
    reads.clear()
    outcomes: list[tuple[float, str]] = []
    session = requests.Session()
    for number in range(posts):
        started = time.perf_counter()
        try:
            resp = session.post(
                base + "/documents",
                params={"name": f"{tag}-{number}.{'html' if media_type == 'text/html' else 'txt'}"},
                data=body + f"\n\nRevision {number}.".encode(),
                headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": media_type, "Accept": "application/json"},
                timeout=seconds,
            )
            status = str(resp.status_code)
        except requests.Timeout:
            status = "gave up"
        outcomes.append((time.perf_counter() - started, status))
    stop.set()
    thread.join(600)
    return {
        "idle": _summary(idle),
        "posting": _summary(reads),
        "post_seconds": round(statistics.median(t for t, _ in outcomes), 2),
        "statuses": [s for _, s in outcomes],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--against", type=Path, help="another version's source tree, measured alternately")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--posts", type=int, default=4, help="posts per case (the bomb: 1)")
    parser.add_argument("--bomb-seconds", type=float, default=20.0)
    args = parser.parse_args()
    versions: list[tuple[str, Path | None]] = [("this tree", None)]
    if args.against:
        versions.append((f"{args.against.name}", args.against))
    results: list[dict[str, Any]] = []
    for round_ in range(1, args.rounds + 1):
        for name, code in versions:
            for case, body, media_type, seconds in cases(args.bomb_seconds):
                with tempfile.TemporaryDirectory() as folder:
                    store = str(Path(folder) / "store")
                    settings = {"EVENTGRAPH_TOKEN": TOKEN, "EVENTGRAPH_EXTRACT_TIMEOUT": str(args.bomb_seconds)}
                    server = servers.eventgraph(name, store, code=code, settings=settings)
                    try:
                        warm = requests.post(  # the extraction stack loads at the first post: not measured
                            server.base + "/documents",
                            params={"name": "warm.txt"},
                            data=b"Japan delivered vaccines to Viet Nam on 3 May 2021.",
                            headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/plain"},
                            timeout=300,
                        )
                        warm.raise_for_status()
                        posts = 1 if case == "HTML bomb" else args.posts
                        row = measure(server.base, body, media_type, posts, seconds, f"r{round_}")
                    finally:
                        server.stop()
                row.update(round=round_, version=name, case=case)
                results.append(row)
                print(json.dumps(row), flush=True)
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    (out / "posting.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    head = "| version | case | reads idle p50 / p99 / max (ms) | reads while posting p50 / p99 / max | post s |"
    print("\n" + head + " statuses |")
    print("| --- | --- | --- | --- | ---: | --- |")
    for r in results:
        i, p = r["idle"], r["posting"]
        print(
            f"| {r['version']} (round {r['round']}) | {r['case']} | {i['p50']} / {i['p99']} / {i['max']} | "
            f"{p['p50']} / {p['p99']} / {p['max']} | {r['post_seconds']} | {' '.join(r['statuses'])} |"
        )


if __name__ == "__main__":
    main()
