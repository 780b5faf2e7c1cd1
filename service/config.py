"""Settings: defaults, then ``EVENTGRAPH_*`` environment variables, then explicit overrides.

This is the only module that reads ``os.environ``. Everything below receives a
:class:`Settings` (or the fields it needs) as an argument.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any


def default_data_dir() -> Path:
    """``$XDG_DATA_HOME/eventgraph`` (``~/.local/share/eventgraph`` when unset)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "eventgraph"


def _meta(help: str) -> dict[str, Any]:
    return {"help": help}


@dataclass(frozen=True)
class Settings:
    """Every setting a user can change. The README's configuration table lists these."""

    store: str = field(
        default_factory=lambda: str(default_data_dir() / "store"),
        metadata=_meta(
            "Store location: a directory for the embedded Oxigraph store, or an http(s):// SPARQL endpoint."
        ),
    )
    store_update_url: str | None = field(
        default=None,
        metadata=_meta("SPARQL Update URL of a remote store (default: derived from EVENTGRAPH_STORE)."),
    )
    store_user: str | None = field(default=None, metadata=_meta("User name for a remote store (HTTP basic auth)."))
    store_password: str | None = field(default=None, repr=False, metadata=_meta("Password for a remote store."))
    base_iri: str = field(
        default="http://localhost:8000/",
        metadata=_meta("Base IRI under which documents, events and actors are minted (end it with '/')."),
    )
    host: str = field(default="127.0.0.1", metadata=_meta("Address `serve` listens on."))
    port: int = field(default=8000, metadata=_meta("Port `serve` listens on."))
    token: str | None = field(
        default=None,
        repr=False,  # nor in a traceback or a log line that shows the settings
        metadata=_meta("Bearer token required for writes (update, Graph Store writes, ingest); unset = read-only."),
    )
    curator: str = field(
        default="analyst",
        metadata=_meta("Name recorded as the curator of corrections made with the token, unless a request gives one."),
    )
    query_timeout: float = field(default=10.0, metadata=_meta("Seconds a SPARQL query may run before it is stopped."))
    service_allow: tuple[str, ...] = field(
        default=("https://query.wikidata.org/sparql",),
        metadata=_meta("Endpoints a SERVICE clause may call (space-separated in the environment)."),
    )
    max_document_bytes: int = field(
        default=5_000_000, metadata=_meta("Largest document (bytes) that ingest or extract accepts.")
    )
    max_document_chars: int = field(
        default=200_000,
        metadata=_meta(
            "Longest document text (characters) that ingest or extract accepts; "
            "extraction time grows faster than the length (a few seconds at 200,000, most of a minute at 1,000,000)."
        ),
    )
    fetch_timeout: float = field(
        default=20.0,
        metadata=_meta(
            "Seconds `ingest URL` and `extract URL` wait for a web server, to connect and for the whole answer "
            "(whose size EVENTGRAPH_MAX_DOCUMENT_BYTES bounds)."
        ),
    )
    extract_timeout: float = field(
        default=120.0,
        metadata=_meta(
            "Seconds the server gives the documents of one POST /documents to be read, and as many to be extracted "
            "(in a process of their own); past them nothing is stored and the post is refused."
        ),
    )
    extract_memory_mb: int = field(
        default=1024,
        metadata=_meta(
            "MiB of address space the process that reads and extracts posted documents may take beyond its loaded "
            "models; a post that needs more is refused."
        ),
    )
    max_request_bytes: int = field(
        default=10_000_000,
        metadata=_meta(
            "Largest HTTP request body (bytes): a longer one is refused as soon as its length is known, "
            "before it is read."
        ),
    )
    max_result_rows: int = field(
        default=100_000, metadata=_meta("Most rows a SELECT answered over HTTP may return before it is cut off.")
    )
    gazetteer: str | None = field(
        default=None, metadata=_meta("Extra gazetteer file (TSV or JSONL) of actors, added to the shipped one.")
    )
    batch_dir: str | None = field(
        default=None,
        metadata=_meta(
            "Folder of the batch ingest's runs (shards, manifests), default $XDG_DATA_HOME/eventgraph/batch; "
            "with --cluster, one every worker can write (a shared filesystem)."
        ),
    )
    threads: int = field(default=8, metadata=_meta("Worker threads of the WSGI server."))
    connections: int = field(
        default=1000,
        metadata=_meta(
            "Most open connections each server process keeps; idle ones count too (waitress's own default, 100, "
            "let 100 silent sockets shut everyone else out)."
        ),
    )
    processes: int = field(
        default=1,
        metadata=_meta(
            "Server processes answering on the port (embedded on-disk store): one holds the store and takes "
            "the writes, the others answer reads through query workers of their own and pass writes to it. "
            "Set it to the number of cores for the most reads a second."
        ),
    )
    query_workers: int = field(
        default=0,
        metadata=_meta(
            "Query worker processes kept ready (0 = one per core, at least 2; with EVENTGRAPH_PROCESSES above 1, "
            "the cores shared among the processes, at least 1 each); every query, lookup and API read "
            "runs in one, under the time and memory limits."
        ),
    )
    query_workers_max: int = field(
        default=0,
        metadata=_meta(
            "Most query workers alive at once (0 = twice EVENTGRAPH_QUERY_WORKERS): extra ones start while heavy "
            "queries hold the others and stop after 30 s idle."
        ),
    )
    query_memory_mb: int = field(
        default=1024,
        metadata=_meta(
            "MiB of address space a query worker may take beyond its store's own; a query that needs more is stopped."
        ),
    )
    max_query_chars: int = field(
        default=200_000, metadata=_meta("Longest SPARQL query or update (characters) the endpoint accepts.")
    )
    max_describe_terms: int = field(default=100, metadata=_meta("Most resources one DESCRIBE query may name."))
    max_filter_values: int = field(
        default=100, metadata=_meta("Most values one API filter (actors, types, documents) may list.")
    )
    search_index: str | None = field(
        default=None,
        metadata=_meta(
            "The text index (SQLite file) behind the timeline's search (default: `{store}.search.sqlite` beside an "
            "embedded store; a remote store has none unless this names one, and searches scan the store)."
        ),
    )

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy with every non-None override applied."""
        clean = {k: v for k, v in overrides.items() if v is not None}
        return replace(self, **clean) if clean else self


SECRETS = ("token", "store_user", "store_password")  # the settings no child process is given


def without_secrets(settings: Settings) -> Settings:
    """``settings`` without the write token and a remote store's credentials: what a process that
    parses clients' text (a query worker, a reading server process) or runs others' documents (a
    batch worker) is given."""
    cleared: dict[str, Any] = dict.fromkeys(SECRETS)
    return replace(settings, **cleared)


def forget_secret_variables(environ: MutableMapping[str, str] | None = None) -> None:
    """Remove the secrets' ``EVENTGRAPH_*`` variables from this process's environment once they are
    read. Every process it starts — query workers, reading server
    processes, a batch cluster — inherits the environment, and none of them may hold a secret; the
    settings they are given carry none either (:func:`without_secrets`)."""
    env = os.environ if environ is None else environ
    for name in SECRETS:
        env.pop(_variable(name), None)


def _variable(name: str) -> str:
    return f"EVENTGRAPH_{name.upper()}"


def _convert(raw: str, current: Any) -> Any:
    """``raw`` as the type of the setting's default (int, float, a space-separated tuple, or text)."""
    if isinstance(current, int):
        return int(raw)
    if isinstance(current, float):
        return float(raw)
    if isinstance(current, tuple):
        return tuple(part for part in raw.split() if part)
    return raw


def from_env(environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
    """Build Settings from ``EVENTGRAPH_<NAME>`` variables, then apply ``overrides``.

    >>> from_env({"EVENTGRAPH_PORT": "9000"}).port
    9000
    """
    env = os.environ if environ is None else environ
    base = Settings()
    values: dict[str, Any] = {}
    for f in fields(Settings):
        key = _variable(f.name)
        if key in env and env[key] != "":
            try:
                values[f.name] = _convert(env[key], getattr(base, f.name))
            except ValueError as exc:
                raise ValueError(f"{key}={env[key]!r} is not valid: {exc}") from None
    return replace(base, **values).with_overrides(**overrides)


def setting_docs() -> list[tuple[str, str, str, str]]:
    """(name, environment variable, default, help) of every setting, for the README and `--help`."""
    out = []
    base = Settings(store="$XDG_DATA_HOME/eventgraph/store")
    for f in fields(Settings):
        default = getattr(base, f.name)
        if isinstance(default, tuple):
            default = " ".join(default)
        out.append((f.name, _variable(f.name), "" if default is None else str(default), f.metadata["help"]))
    return out
