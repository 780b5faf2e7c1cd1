"""The machine's facts and the results as Markdown (``bench/RESULTS.md``), goals marked met or missed."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

PACKAGES = (
    "eventgraph",
    "pyoxigraph",
    "oxigraph",
    "rdflib",
    "rdflib-endpoint",
    "flask",
    "waitress",
    "granian",
    "spacy",
)


OUT = Path(__file__).resolve().parent / "out"


def save(name: str, result: dict[str, Any]) -> Path:
    """Add this machine's facts to ``result`` and write it to ``bench/out/NAME.json``."""
    result["machine"] = machine()
    OUT.mkdir(exist_ok=True)
    path = OUT / f"{name}.json"
    path.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return path


def machine() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in _read("/proc/cpuinfo").splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    mem = next((line.split()[1] for line in _read("/proc/meminfo").splitlines() if line.startswith("MemTotal")), "0")
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "missing"
    try:
        wrk = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0]
    except OSError:
        wrk = "missing"
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(int(mem) / 1024 / 1024, 1),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "packages": versions,
        "wrk": wrk.strip() or "wrk",
    }


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _goal(ok: bool) -> str:
    return "met" if ok else "**missed**"


def _n(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:,.2f}"


def markdown(results: dict[str, Any], command: str) -> str:
    m = results["machine"]
    out = [
        "# Benchmark results",
        "",
        f"Measured {m['date']} with `{command}` (reproduce: `make bench`, or `python -m bench --sizes …`). "
        "Every figure is a median; every ratio is to a peer measured in the same run on the same machine.",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, {m['system']}, Python {m['python']}; "
        + ", ".join(f"{k} {v}" for k, v in m["packages"].items())
        + f"; {m['wrk']}. The machine is shared and noisy, and the load generator (wrk, 2 threads) runs on "
        "the same two cores as the servers.",
        "",
    ]
    e = results["extraction"]
    out += [
        "## Extraction",
        "",
        f"A {e['words']:,}-word document in the seeds' genre: {e['ms_per_document']} ms "
        f"({e['documents_per_s']} documents/s on one core); spaCy's tokenizer and sentencizer alone on the "
        f"same text take {e['spacy_floor_ms']} ms, so the whole extraction costs {e['ratio_to_floor']}× its "
        "tokenization.",
        "",
    ]
    for label, r in results["sizes"].items():
        out += _size(label, r)
    return "\n".join(out) + "\n"


def _size(label: str, r: dict[str, Any]) -> list[str]:
    out = [f"## {label}: {r['events']:,} events, {r['quads']:,} quads", ""]
    ie = r["ingest_embedded"]
    out += [
        "### Ingest",
        "",
        "| backend | Eventgraph quads/s (one transaction per document) | peer | peer quads/s | ratio | goal ≥ 0.8× |",
        "| --- | ---: | --- | ---: | ---: | --- |",
        f"| embedded | {_n(ie['quads_per_s'])} | pyoxigraph `bulk_load` | {_n(ie['peer_quads_per_s'])} | "
        f"{ie['ratio']}× | {_goal(ie['ratio'] >= 0.8)} |",
    ]
    if "ingest_remote" in r:
        ir = r["ingest_remote"]
        out.append(
            f"| remote (Oxigraph server) | {_n(ir['quads_per_s'])} | `oxigraph load` | {_n(ir['peer_quads_per_s'])} "
            f"| {ir['ratio']}× | {_goal(ir['ratio'] >= 0.8)} |"
        )
        out += ["", f"Remote ingest sent {ir['requests_per_document']} requests per document."]
    d = r["disk_bytes_per_event"]
    out += [
        "",
        f"Store size on disk: {d['eventgraph']:,} bytes per event as ingest writes it, {d['bulk_load']:,} after "
        "pyoxigraph's bulk load of the same quads.",
        "",
        "### SPARQL endpoint (wrk)",
        "",
        "| query, connections | server | requests/s | p50 ms | p99 ms | failed | ratio to the Oxigraph server |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for case, row in r["endpoint"].items():
        peer = row.get("oxigraph server", {}).get("rps") or float("nan")
        for name, f in row.items():
            ratio = f["rps"] / peer if peer == peer else float("nan")
            out.append(
                f"| {case} | {name} | {_n(f['rps'])} | {f['p50_ms']:.2f} | {f['p99_ms']:.2f} | {f['failed']} | "
                f"{ratio:.2f}× |"
            )
    out += ["", _endpoint_goals(r["endpoint"]), ""]
    h, t = r["http_overhead_ms"], r["timeline_api_ms"]
    out += [
        "### Latency",
        "",
        "| figure | median | goal |",
        "| --- | ---: | --- |",
        f"| point lookup over HTTP (one connection) | {h['http_p50']:.3f} ms | |",
        f"| the same query in-process (pyoxigraph, JSON serialised) | {h['in_process_p50']:.3f} ms | |",
        f"| HTTP layer's overhead | {h['overhead_p50']:.3f} ms | ≤ 1 ms: {_goal(h['overhead_p50'] <= 1)} |",
        f"| `/api/timeline` window (two months) | {t['window_p50']:.1f} ms (p99 {t['window_p99']:.1f}) | "
        f"< 50 ms: {_goal(t['window_p50'] < 50)} |",
        f"| `/api/events/histogram` events per month, whole corpus | {t['events_per_month_p50']:.1f} ms | "
        f"< 1 s: {_goal(t['events_per_month_p50'] < 1000)} |",
        f"| peak memory of `eventgraph serve` (process and query workers) | {r['serve_peak_rss_mib']:,} MiB | |",
        "",
    ]
    return out


def _endpoint_goals(endpoint: dict[str, dict[str, dict[str, float]]]) -> str:
    vs_ox, vs_rdflib = [], []
    for row in endpoint.values():
        ours = row.get("eventgraph (embedded)", {}).get("rps")
        if ours and row.get("oxigraph server"):
            vs_ox.append(ours / row["oxigraph server"]["rps"])
        if ours and row.get("rdflib-endpoint"):
            vs_rdflib.append(ours / row["rdflib-endpoint"]["rps"])
    parts = []
    if vs_ox:
        parts.append(
            f"Against the Oxigraph server: {min(vs_ox):.2f}× to {max(vs_ox):.2f}× its throughput "
            f"(goal ≥ 0.5×: {_goal(min(vs_ox) >= 0.5)})."
        )
    if vs_rdflib:
        parts.append(
            f"Against rdflib-endpoint: {min(vs_rdflib):.1f}× to {max(vs_rdflib):.1f}× "
            f"(goal ≥ 10×: {_goal(min(vs_rdflib) >= 10)})."
        )
    return " ".join(parts)
