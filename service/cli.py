"""The ``eventgraph`` command: thin click commands over the same core functions the web uses.

Every error the core raises on purpose, and every library error that means bad input (a file
that cannot be read or written, a text that is not UTF-8, a gold file that is not JSON), becomes
a one-line message and a non-zero exit. Anything else is a bug and is named as unexpected.
"""

from __future__ import annotations

import errno
import json
import signal
import socket
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from service import __version__
from service.config import Settings, forget_secret_variables, from_env
from service.errors import EventgraphError, StoreUnavailable
from service.rdf.iris import Iris
from service.sparql.conneg import DATASET_FORMAT_NAMES, FORMAT_NAMES
from service.store import Store, on_disk, open_configured

if TYPE_CHECKING:
    from service.search import TextIndex
    from service.web.processes import Fleet

# Library errors that mean the input is at fault, not the program: a path that cannot be read or
# written (or a full disk, a network that is down), a query or gold file that is not UTF-8, a gold
# file that is not JSON. A ValueError of any other kind is a bug and must not pass for bad input.
INPUT_ERRORS: tuple[type[Exception], ...] = (OSError, UnicodeDecodeError, json.JSONDecodeError)


def _fail_cleanly(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn every error into click's one-line ``Error: …`` and exit status 1, never a traceback.

    The core's own errors and :data:`INPUT_ERRORS` carry their message; anything else (a bug) is
    named as unexpected, by its type, so that it never reads as the user's mistake.
    """

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except EventgraphError as exc:
            raise click.ClickException(_one_line(exc.message)) from None
        except INPUT_ERRORS as exc:
            raise click.ClickException(_one_line(str(exc))) from None
        except Exception as exc:  # the promise is one line, whatever failed
            raise click.ClickException(f"unexpected {type(exc).__name__}: {_one_line(str(exc))}") from None

    return wrapper


def _one_line(text: str) -> str:
    return " ".join(text.split()) or "(no message)"


def store_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--store",
        "store_path",
        envvar="EVENTGRAPH_STORE",
        metavar="PATH",
        help="Store location (default: $XDG_DATA_HOME/eventgraph/store).",
    )(fn)


def settings_from(ctx: click.Context, **overrides: Any) -> Settings:
    """The settings, with every value checked: a bad one (``EVENTGRAPH_PORT=abc``, a base IRI that
    is not http(s)) is a one-line error here, before any command starts its work."""
    try:
        settings = from_env(**overrides)
        Iris(settings.base_iri)
    except ValueError as exc:  # from_env and Iris raise it for a value that is not valid, and only then
        raise click.ClickException(str(exc)) from None
    forget_secret_variables()  # read now: no process this command starts inherits them
    return settings


# What a command that writes can do when another process (a running server) holds the store.
BUSY_ADVICE = {
    "ingest": (
        "stop that process and ingest again, or send the documents to the running server: "
        'curl -H "Authorization: Bearer $EVENTGRAPH_TOKEN" -F file=@report.pdf http://{host}:{port}/documents'
    ),
    "serve": "stop that process, or serve another store with --store PATH",
    "link": "stop that process, run link, then start it again",
}


def _open(settings: Settings, *, read_only: bool = False) -> Store:
    try:
        store = open_configured(settings, read_only=read_only)
    except StoreUnavailable as exc:
        # The embedded store's lock: only one process may write. Say what works for this command.
        if "in use by another process" not in exc.message:
            raise
        command = click.get_current_context(silent=True)
        advice = BUSY_ADVICE.get((command.info_name if command else None) or "", "stop that process first")
        raise click.ClickException(
            f"the store at {settings.store} is in use by another process (a running `eventgraph serve`?): "
            + advice.format(host=settings.host, port=settings.port)
        ) from None
    except RuntimeError as exc:  # RocksDB's own errors: a damaged store (a truncated CURRENT, bad files)
        message = _one_line(str(exc)).rstrip(".")
        hint = "; restore it from a backup, or ingest into a new --store" if "corrupt" in message.lower() else ""
        raise click.ClickException(f"cannot open the store at {settings.store}: {message}{hint}") from None
    # An interrupted bulk load (service.store.oxigraph): the open repaired it, or another process runs one.
    repaired = getattr(store, "repaired", None)
    if repaired is not None:
        click.echo(f"warning: {repaired.message}", err=True)
    if getattr(store, "bulk_running", False):
        click.echo(
            "warning: a bulk load into this store is running in another process (or was interrupted there): "
            "its documents may be incomplete until it ends",
            err=True,
        )
    return store


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="eventgraph")
def cli() -> None:
    """Eventgraph: documents → a knowledge graph of events, actors and aid, served over SPARQL."""


class PathOrUrl(click.ParamType[Path | str, str]):
    """An http(s):// URL, kept as text, or a path that must exist (as click.Path(exists=True) checks)."""

    name = "path_or_url"
    _path = click.Path(exists=True, path_type=Path)

    def convert(self, value: str, param: click.Parameter | None, ctx: click.Context | None) -> Path | str:
        from service.documents.url import is_url

        if is_url(value):
            return value
        return self._path.convert(value, param, ctx)


FOLLOW_SYMLINKS_HELP = (
    "Follow symbolic links that lead out of a folder being read (by default such a link is refused, "
    "and a linked folder is not entered)."
)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=PathOrUrl(), metavar="PATH|URL...")
@store_option
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--follow-symlinks", is_flag=True, help=FOLLOW_SYMLINKS_HELP)
@click.option(
    "--workers",
    type=click.IntRange(1),
    metavar="N",
    help="Extract on a local Dask cluster of N processes (1 thread each); needs the batch extra.",
)
@click.option(
    "--cluster",
    metavar="ADDRESS",
    help="Extract on an existing Dask cluster (scheduler address, e.g. tcp://host:8786); needs the batch extra.",
)
@click.option(
    "--batch-size",
    type=click.IntRange(1),
    default=16,
    show_default=True,
    help="Documents per task and shard, with --workers or --cluster.",
)
@click.pass_context
@_fail_cleanly
def ingest(
    ctx: click.Context,
    paths: tuple[Path | str, ...],
    store_path: str | None,
    quiet: bool,
    follow_symlinks: bool,
    workers: int | None,
    cluster: str | None,
    batch_size: int,
) -> None:
    """Read documents (files, directories, http(s) URLs), extract events and store their graphs.

    Text, Markdown, HTML and PDF are read; a URL is fetched within EVENTGRAPH_FETCH_TIMEOUT and
    EVENTGRAPH_MAX_DOCUMENT_BYTES. Each document that cannot be read is refused with a reason and
    the rest go on; files of other types in a folder are listed as skipped. The exit status is 1
    when nothing at all was ingested (every document refused, or none found).

    With --workers or --cluster the extraction runs on a Dask cluster; a run that is stopped
    resumes, without extracting its finished shards again, when the same command is given again.
    """
    if workers is not None and cluster is not None:
        raise click.UsageError("give --workers or --cluster, not both")
    settings = settings_from(ctx, store=store_path)
    store = _open(settings)
    try:
        if workers is None and cluster is None:
            from service.pipeline import ingest_paths

            with click.progressbar(length=0, label="ingesting", file=sys.stderr, hidden=quiet) as bar:

                def progress(outcome: Any) -> None:
                    bar.label = f"{outcome.status:>9} {outcome.origin}"
                    bar.update(1)

                report = ingest_paths(paths, store, settings, progress=progress, follow_symlinks=follow_symlinks)
        else:
            from service.batch.console import run_batch

            report = run_batch(
                paths, store, settings, workers, cluster, batch_size, quiet=quiet, follow_symlinks=follow_symlinks
            )
    finally:
        store.close()
    click.echo(
        f"{report.documents} documents ({report.count('added')} added, {report.count('replaced')} replaced, "
        f"{report.count('unchanged')} unchanged), {report.events} events, {report.quads} quads written, "
        f"{len(report.refused)} refused, in {report.elapsed:.2f} s"
    )
    for outcome in report.refused:
        click.echo(f"refused {outcome.origin}: {outcome.reason}", err=True)
    if report.skipped:
        click.echo(skipped_line(report.skipped), err=True)
    if not report.documents:
        refused = len(report.refused)
        if refused:
            files = "the document was" if refused == 1 else f"all {refused} documents were"
            raise click.ClickException(f"nothing ingested: {files} refused (reasons above)")
        raise click.ClickException(f"nothing ingested: {NOTHING_FOUND}")


SHOWN_SKIPPED = 10
NOTHING_FOUND = (
    "no document files found (.txt, .text, .md, .html, .htm, .pdf; hidden files and .meta.json sidecars are skipped)"
)


def skipped_line(skipped: list[Path]) -> str:
    """One line naming the files of the folders read that are not documents, and their types."""
    shown = [f"{path} ({_unsupported(path)})" for path in skipped[:SHOWN_SKIPPED]]
    more = len(skipped) - len(shown)
    tail = f", and {more} more" if more else ""
    files = "1 file" if len(skipped) == 1 else f"{len(skipped)} files"
    return _one_line(f"skipped {files}: {', '.join(shown)}{tail}")


def _unsupported(path: Path) -> str:
    return f"unsupported type {path.suffix}" if path.suffix else "no extension, so not known as a document"


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=PathOrUrl(), metavar="PATH|URL...")
@click.option("--json", "as_json", is_flag=True, default=True, help="Print the event JSON (the default).")
@click.option("--follow-symlinks", is_flag=True, help=FOLLOW_SYMLINKS_HELP)
@click.pass_context
@_fail_cleanly
def extract(ctx: click.Context, paths: tuple[Path | str, ...], as_json: bool, follow_symlinks: bool) -> None:
    """Extract events without a store and print the event JSON (one object, or a list for several)."""
    from service.pipeline import Outcome, extract_paths

    settings = settings_from(ctx)
    results, refused = [], []
    skipped: list[Path] = []
    for item in extract_paths(paths, settings, follow_symlinks=follow_symlinks, skipped=skipped):
        if isinstance(item, Outcome):
            refused.append(item)
        else:
            results.append(item.to_json())
    for outcome in refused:
        click.echo(f"refused {outcome.origin}: {outcome.reason}", err=True)
    if skipped:
        click.echo(skipped_line(skipped), err=True)
    if not results:
        if refused:
            raise click.ClickException("no document could be read (reasons above)")
        raise click.ClickException(NOTHING_FOUND)
    click.echo(json.dumps(results[0] if len(results) == 1 else results, ensure_ascii=False, indent=2))


@cli.command()
@click.argument("query", required=False)
@click.option(
    "--param", "-p", "params", multiple=True, metavar="NAME=VALUE", help="A named query's parameter (repeat)."
)
@click.option("--list", "list_named", is_flag=True, help="List the named queries and their parameters.")
@click.option("--format", "fmt", type=click.Choice(list(FORMAT_NAMES)), help="Output format.")
@store_option
@click.pass_context
@_fail_cleanly
def query(
    ctx: click.Context,
    query: str | None,
    params: tuple[str, ...],
    list_named: bool,
    fmt: str | None,
    store_path: str | None,
) -> None:
    """Run a SPARQL query given inline, as a file, or as the NAME of a named query, and print its results.

    Named queries take parameters: eventgraph query actor_events --param actor=Q148
    """
    from service.sparql import library
    from service.sparql.cli_output import serialize_result

    if list_named:
        click.echo(_describe_named(library.list_queries()))
        return
    if not query:
        raise click.UsageError("give a query, a file or the name of a named query (eventgraph query --list)")
    named = None if Path(query).is_file() or not library.NAME.fullmatch(query) else library.get_query(query)
    if params and named is None:
        raise click.UsageError("--param applies to named queries only")
    settings = settings_from(ctx, store=store_path)
    store = _open(settings, read_only=Path(settings.store).is_dir())
    try:
        if named is not None:
            values = _param_values(params)
            sys.stdout.buffer.write(library.run_serialized(store, named, values, allow=settings.service_allow, fmt=fmt))
        else:
            text = Path(query).read_text(encoding="utf-8") if Path(query).is_file() else query
            sys.stdout.buffer.write(serialize_result(store.query(text), fmt))
    finally:
        store.close()


def _param_values(pairs: tuple[str, ...]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise click.UsageError(f"--param {pair!r}: write NAME=VALUE")
        if name in values:
            raise click.UsageError(f"--param {name} is given twice")
        values[name] = value
    return values


def _describe_named(queries: list[Any]) -> str:
    lines = []
    for q in queries:
        lines.append(f"{q.name:<24} {q.title}")
        for p in q.params:
            extra = "required" if p.required else "optional"
            extra += f", default {p.default}" if p.default else ""
            lines.append(f"{'':<26}--param {p.name}=…  {p.label} ({extra})")
    return "\n".join(lines)


@cli.command()
@click.option("--format", "fmt", type=click.Choice(list(DATASET_FORMAT_NAMES)), default="trig", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="File (default: stdout).")
@store_option
@click.pass_context
@_fail_cleanly
def export(ctx: click.Context, fmt: str, output: Path | None, store_path: str | None) -> None:
    """Write the whole dataset, every named graph included."""
    from service.sparql.cli_output import dataset_format

    settings = settings_from(ctx, store=store_path)
    store = _open(settings, read_only=True)
    try:
        if output:
            with output.open("wb") as fh:
                store.dump(fh, dataset_format(fmt))
        else:
            store.dump(sys.stdout.buffer, dataset_format(fmt))
    finally:
        store.close()


@cli.command()
@click.option("--online", is_flag=True, help="Also reconcile actors without a QID with Wikidata's search API.")
@click.option("--api-url", metavar="URL", help="Wikidata API (api.php) to ask (default: www.wikidata.org).")
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where Wikidata's answers are cached (default: $XDG_DATA_HOME/eventgraph/cache/wikidata).",
)
@click.option("--min-score", type=click.FloatRange(0, 1), default=0.9, show_default=True, help="Lowest score linked.")
@click.option("--dry-run", is_flag=True, help="Report what would be linked; write nothing.")
@store_option
@click.pass_context
@_fail_cleanly
def link(
    ctx: click.Context,
    online: bool,
    api_url: str | None,
    cache_dir: Path | None,
    min_score: float,
    dry_run: bool,
    store_path: str | None,
) -> None:
    """Link the graph to Wikidata: aid categories and event types, and with --online unknown actors."""
    from service.config import default_data_dir
    from service.linking.run import link_store
    from service.linking.wikidata import WIKIDATA_API, WikidataClient

    settings = settings_from(ctx, store=store_path)
    client = None
    if online:
        cache = cache_dir or default_data_dir() / "cache" / "wikidata"
        client = WikidataClient(api_url or WIKIDATA_API, cache_dir=cache)
    store = _open(settings)
    try:
        report = link_store(
            store,
            Iris(settings.base_iri),
            client=client,
            min_score=min_score,
            dry_run=dry_run,
            progress=lambda d: click.echo(d.describe(), err=True),
        )
    finally:
        store.close()
    click.echo(report.summary())


@cli.command()
@store_option
@click.pass_context
@_fail_cleanly
def validate(ctx: click.Context, store_path: str | None) -> None:
    """Check the stored graphs against the SHACL shapes; exit 1 on violations."""
    from service.rdf.validate import validate_store

    settings = settings_from(ctx, store=store_path)
    store = _open(settings, read_only=True)
    try:
        report = validate_store(store)
    finally:
        store.close()
    click.echo(report.text)
    if not report.conforms:
        sys.exit(1)


@cli.command()
@store_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@_fail_cleanly
def stats(ctx: click.Context, store_path: str | None, as_json: bool) -> None:
    """Count documents, events, actors, aid items and quads."""
    from service.sparql.stats import dataset_stats

    settings = settings_from(ctx, store=store_path)
    store = _open(settings, read_only=True)
    try:
        figures = dataset_stats(store)
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps(figures))
    else:
        for name, value in figures.items():
            click.echo(f"{name:>10}  {value}")


@cli.group()
def curation() -> None:
    """Analysts' corrections: list them, review orphans, export them as gold data (docs/curation.md)."""


def _print_corrections(found: list[Any], iris: Iris, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps([c.to_json(iris) for c in found], indent=1, ensure_ascii=False))
        return
    for c in found:
        where = f"[{c.anchor.sentence_start}, {c.anchor.sentence_end}]"
        note = f" — {_one_line(c.note)}" if c.note else ""
        click.echo(
            f"{c.iri.rsplit('/', 1)[1]}  {c.status:<7}  {c.operation:<12}  {c.doc_id} {where}  "
            f"{c.curator}, {c.time.isoformat()}{note}"
        )
        click.echo(f"    sentence: {_one_line(c.anchor.sentence)[:160]}")


@curation.command(name="list")
@store_option
@click.option("--document", "documents", multiple=True, metavar="ID", help="Only this document's (repeat).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@_fail_cleanly
def curation_list(ctx: click.Context, store_path: str | None, documents: tuple[str, ...], as_json: bool) -> None:
    """List the corrections with their status (applied, agrees, orphan, undone)."""
    from service.curation import corrections

    settings = settings_from(ctx, store=store_path)
    store = _open(settings, read_only=True)
    try:
        iris = Iris(settings.base_iri)
        _print_corrections(corrections(store, iris, list(documents) or None), iris, as_json)
    finally:
        store.close()


@curation.command(name="orphans")
@store_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
@_fail_cleanly
def curation_orphans(ctx: click.Context, store_path: str | None, as_json: bool) -> None:
    """List the corrections whose event or sentence is gone after a re-extraction, for review."""
    from service.curation import orphans

    settings = settings_from(ctx, store=store_path)
    store = _open(settings, read_only=True)
    try:
        iris = Iris(settings.base_iri)
        found = orphans(store, iris)
        _print_corrections(found, iris, as_json)
        if not as_json:
            click.echo(f"{len(found)} orphan correction{'s' if len(found) != 1 else ''}", err=True)
    finally:
        store.close()


@curation.command(name="export")
@store_option
@click.option(
    "--gold",
    "gold_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write NAME.txt and NAME.gold.json into (created if missing).",
)
@click.pass_context
@_fail_cleanly
def curation_export(ctx: click.Context, store_path: str | None, gold_dir: Path) -> None:
    """Write the curated events of every corrected document in the gold format `eventgraph eval` reads."""
    from service.curation import export_gold

    settings = settings_from(ctx, store=store_path)
    store = _open(settings, read_only=True)
    try:
        written = export_gold(store, Iris(settings.base_iri), gold_dir)
    finally:
        store.close()
    click.echo(f"{len(written)} corrected document{'s' if len(written) != 1 else ''} written to {gold_dir}")


@cli.group()
def search() -> None:
    """The text index behind the timeline's search (SQLite, beside the store or EVENTGRAPH_SEARCH_INDEX)."""


def _index(settings: Settings, store: Store) -> Any:
    from service.search import index_for

    index = index_for(settings, store.location)
    if index is None:
        raise click.ClickException(
            f"the store at {settings.store} has no text index: set EVENTGRAPH_SEARCH_INDEX to a file for it"
        )
    return index


@search.command(name="rebuild")
@store_option
@click.pass_context
@_fail_cleanly
def search_rebuild(ctx: click.Context, store_path: str | None) -> None:
    """Build the text index again from what the store holds (when it is missing or stale)."""
    settings = settings_from(ctx, store=store_path)
    store = _open(settings, read_only=True)
    try:
        state = _index(settings, store).rebuild(store)
    finally:
        store.close()
    click.echo(f"text index rebuilt: {state.documents} documents, {state.events} events")


@search.command(name="status")
@store_option
@click.option("--check", is_flag=True, help="Also compare every document's checksum with the store's.")
@click.pass_context
@_fail_cleanly
def search_status(ctx: click.Context, store_path: str | None, check: bool) -> None:
    """Say whether searches use the text index; exit 1 when it is missing or stale."""
    settings = settings_from(ctx, store=store_path)
    store = _open(settings, read_only=True)
    try:
        index = _index(settings, store)
        state = index.state(count=True)
        problem = state.reason if not state.usable else (index.differences(store) if check else None)
    finally:
        store.close()
    if problem:
        raise click.ClickException(problem)
    click.echo(f"text index {index.path}: {state.documents} documents, {state.events} events, in step")


@cli.command(name="eval")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option(
    "--system",
    "system_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Score the events of this folder's NAME.gold.json files instead of running the extractor.",
)
@click.pass_context
@_fail_cleanly
def evaluate(ctx: click.Context, gold_dir: Path, as_json: bool, system_dir: Path | None) -> None:
    """Score the extractor (with --system: a folder's events) against a gold directory (NAME.txt + NAME.gold.json)."""
    from service.evaluation import evaluate as run_eval
    from service.evaluation import format_table, read_system

    if system_dir is not None:
        scores = run_eval(gold_dir, read_system(gold_dir, system_dir))
        click.echo(json.dumps(scores.to_json(), indent=2) if as_json else format_table(scores))
        return
    from service.pipeline import extract_file

    settings = settings_from(ctx)
    scores = run_eval(gold_dir, lambda path: extract_file(path, settings))
    click.echo(json.dumps(scores.to_json(), indent=2) if as_json else format_table(scores))


@cli.command()
@store_option
@click.option("--host", envvar="EVENTGRAPH_HOST", help="Address to listen on (default 127.0.0.1).")
@click.option("--port", envvar="EVENTGRAPH_PORT", type=int, help="Port (default 8000).")
@click.option(
    "--token-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File whose first line is the bearer token that allows writes (or set EVENTGRAPH_TOKEN).",
)
@click.option(
    "--token",
    metavar="TOKEN",
    help="The token itself: visible to every user in the process list, so prefer --token-file or EVENTGRAPH_TOKEN.",
)
@click.option("--query-timeout", envvar="EVENTGRAPH_QUERY_TIMEOUT", type=float, help="Seconds per query.")
@click.option(
    "--processes",
    envvar="EVENTGRAPH_PROCESSES",
    type=int,
    help="Server processes on the port (default 1; the number of cores for the most reads a second).",
)
@click.option("--service-allow", multiple=True, metavar="URL", help="Endpoint a SERVICE clause may call (repeat).")
@click.option("--base-iri", envvar="EVENTGRAPH_BASE_IRI", help="Base IRI of minted IRIs.")
@click.option("--load", "load", multiple=True, type=PathOrUrl(), metavar="PATH|URL", help="Ingest first (repeat).")
@click.pass_context
@_fail_cleanly
def serve(
    ctx: click.Context,
    store_path: str | None,
    host: str | None,
    port: int | None,
    token_file: Path | None,
    token: str | None,
    query_timeout: float | None,
    processes: int | None,
    service_allow: tuple[str, ...],
    base_iri: str | None,
    load: tuple[Path | str, ...],
) -> None:
    """Serve the SPARQL endpoint, the timeline and the API with waitress (in --processes processes)."""
    from service.resources import missing_vendor_files, vendor_advice

    settings = settings_from(
        ctx,
        store=store_path,
        host=host,
        port=port,
        token=_token(token, token_file),
        query_timeout=query_timeout,
        processes=processes,
        service_allow=service_allow or None,
        base_iri=base_iri,
    )
    if missing := missing_vendor_files():
        raise click.ClickException(f"cannot serve the timeline and the SPARQL editor: {vendor_advice(missing)}")
    _check_processes(settings)
    store = _open(settings)
    try:
        # The port is taken before anything is loaded or announced, so that a busy one is said at once.
        listener = _listen(settings.host, settings.port)
    except BaseException:
        store.close()
        raise
    try:
        _serve(settings, store, listener, load)
    finally:
        listener.close()
        store.close()


def _serve(settings: Settings, store: Store, listener: socket.socket, load: tuple[Path | str, ...]) -> None:
    import waitress

    from service.web import create_app
    from service.web.processes import allow_open_files, quiet_waitress, waitress_options
    from service.web.runtime import app_runtime

    if load:
        from service.pipeline import ingest_paths  # the extraction stack (spaCy) only when there is work for it

        report = ingest_paths(load, store, settings)
        click.echo(
            f"loaded {report.documents} documents, {report.events} events ({len(report.refused)} refused)", err=True
        )
        for outcome in report.refused:
            click.echo(f"refused {outcome.origin}: {outcome.reason}", err=True)
        if report.skipped:
            click.echo(skipped_line(report.skipped), err=True)
    fleet = _fleet(settings, store, listener)
    try:
        app = create_app(settings, store=store, generation=fleet.generation if fleet else None)
        runtime = app_runtime(app)
        try:
            runtime.evaluator.start()  # the query workers are up before the first request
            _say_search_state(runtime.search)
            if fleet is not None:
                fleet.start(app)  # and the writes the reading processes pass on
                listener = fleet.listener  # this process's own socket on the port (SO_REUSEPORT)
            processes = f" ({settings.processes} processes)" if fleet else ""
            click.echo(f"serving {settings.store} on http://{settings.host}:{settings.port}/{processes}", err=True)
            # SIGTERM (systemd, docker stop, kill) ends the server as Ctrl-C does: the store is flushed and
            # closed, so the next start has no log to replay.
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
            quiet_waitress()
            allow_open_files(settings)
            waitress.serve(app, sockets=[listener], **waitress_options(settings))
        finally:
            runtime.close()
    finally:
        if fleet is not None:
            fleet.stop()


def _check_processes(settings: Settings) -> None:
    """A one-line error, before anything is opened, for a --processes the store cannot take."""
    if settings.processes < 1:
        raise click.ClickException(f"--processes {settings.processes}: give 1 or more")
    if settings.processes > 1 and not on_disk(settings.store):
        raise click.ClickException(
            f"--processes {settings.processes} needs an embedded on-disk store (the processes share it): "
            "serve a remote or in-memory store with --processes 1"
        )


def _fleet(settings: Settings, store: Store, listener: socket.socket) -> Fleet | None:
    """The reading processes beside this one (``--processes N``), or None for one process."""
    from service.web.processes import Fleet

    return Fleet(settings, listener, settings.processes) if settings.processes > 1 else None


def _say_search_state(index: TextIndex | None) -> None:
    """One line when the app's text index cannot answer searches (missing after an upgrade, stale,
    partial): they scan the store meanwhile, and the line names the command that mends it."""
    if index is not None:
        state = index.state()
        if not state.usable:
            click.echo(f"search: {state.reason}; searches scan the store meanwhile", err=True)


def _listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` (waitress listens on it), or a one-line error saying what to change."""
    where = f"{host}:{port}"
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except (socket.gaierror, UnicodeError) as exc:
        reason = exc.strerror if isinstance(exc, socket.gaierror) and exc.strerror else str(exc)
        raise click.ClickException(f"cannot listen on {host}: {_one_line(reason)}; check --host") from None
    except OverflowError:
        raise click.ClickException(f"port {port} is not a port number (0-65535): choose another with --port") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as waitress does: restart after a stop
        sock.bind(address)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            message = (
                f"port {port} is already in use on {host} (another server?): stop it, or choose a free port with --port"
            )
        elif exc.errno == errno.EACCES:
            message = f"port {port} on {host} needs privileges this user lacks: choose one above 1023 with --port"
        elif exc.errno == errno.EADDRNOTAVAIL:
            message = f"cannot listen on {host}: not an address of this machine; check --host"
        else:
            message = f"cannot listen on {where}: {exc.strerror or exc}"
        raise click.ClickException(message) from None
    return sock


def _token(token: str | None, token_file: Path | None) -> str | None:
    """The write token from --token-file (its first line) or --token; None leaves EVENTGRAPH_TOKEN in charge."""
    if token is not None and token_file is not None:
        raise click.UsageError("give --token-file or --token, not both")
    if token is not None:
        click.echo(
            "warning: --token is visible to every user of this machine in the process list (ps); "
            "use --token-file PATH or EVENTGRAPH_TOKEN instead",
            err=True,
        )
        if not token.strip():
            raise click.ClickException("--token is empty: give a token, or leave the server read-only")
        return token
    if token_file is None:
        return None
    try:
        with token_file.open(encoding="utf-8") as fh:
            first = fh.readline().strip()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise click.ClickException(f"cannot read the token file {token_file}: {_one_line(reason)}") from None
    if not first:
        raise click.ClickException(f"the token file {token_file} is empty: put the token on its first line")
    return first
