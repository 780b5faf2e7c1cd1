"""The command line, through click's runner on the real commands and a real on-disk store."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import click
import jsonschema
import pytest
from click.testing import CliRunner

from service.cli import cli

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_cli_ingest_validate_query_stats(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    code, out, _ = run("ingest", str(SEEDS), "--store", store, "--quiet")
    assert code == 0 and out.startswith("2 documents (2 added")
    code, out, _ = run("validate", "--store", store)
    assert code == 0, out
    query = (
        "PREFIX eg: <https://w3id.org/eventgraph#> PREFIX prov: <http://www.w3.org/ns/prov#> "
        "SELECT (COUNT(DISTINCT ?d) AS ?docs) (COUNT(DISTINCT ?e) AS ?events) "
        "WHERE { ?d a eg:Document . OPTIONAL { ?e prov:wasDerivedFrom ?d } }"
    )
    code, out, _ = run("query", query, "--store", store, "--format", "json")
    assert code == 0
    row = json.loads(out)["results"]["bindings"][0]
    assert row["docs"]["value"] == "2" and int(row["events"]["value"]) >= 10
    code, out, _ = run("stats", "--store", store, "--json")
    figures = json.loads(out)
    assert figures["documents"] == 2 and figures["events"] == int(row["events"]["value"])


def test_cli_extract_json_validates_against_the_schema() -> None:
    code, out, _ = run("extract", str(SEEDS / "004_0b827a61c6374308.txt"), "--json")
    assert code == 0
    data = json.loads(out)
    schema = json.loads((REPO / "ontology" / "event.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    assert data["doc"] == "004_0b827a61c6374308" and data["published"] == "2020-07-21" and data["events"]


def test_cli_export_formats(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    run("ingest", str(SEEDS / "000_9bb7eb15379a1141.txt"), "--store", store, "--quiet")
    for fmt, marker in (("trig", "> {"), ("nquads", " ."), ("jsonld", "@id")):
        code, out, _ = run("export", "--format", fmt, "--store", store)
        assert code == 0 and marker in out, fmt


def test_cli_user_errors_are_one_line(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    run("ingest", str(SEEDS / "000_9bb7eb15379a1141.txt"), "--store", store, "--quiet")
    code, out, err = run("query", "SELECT WHERE {", "--store", store)
    assert code == 1 and err.startswith("Error: ") and len(err.strip().splitlines()) == 1
    code, _, err = run("stats", "--store", str(tmp_path / "nowhere"))
    assert code == 1 and "no store" in err and "Traceback" not in err
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    code, _, err = run("extract", str(empty))
    assert code == 1 and "Traceback" not in err


def _damaged_stores(tmp_path: Path) -> list[Path]:
    """A store whose CURRENT file was truncated, and a store directory of garbage files."""
    good = tmp_path / "good"
    run("ingest", str(SEEDS / "000_9bb7eb15379a1141.txt"), "--store", str(good), "--quiet")
    truncated = tmp_path / "truncated"
    shutil.copytree(good, truncated)
    (truncated / "CURRENT").write_bytes(b"")
    garbage = tmp_path / "garbage"
    garbage.mkdir()
    (garbage / "CURRENT").write_bytes(bytes(range(256)) * 4)
    (garbage / "MANIFEST-000001").write_bytes(b"\x00\xff" * 300)
    (garbage / "000001.sst").write_text("junk")
    return [truncated, garbage]


def test_cli_damaged_store_is_one_line_for_every_command(tmp_path: Path) -> None:
    commands = [
        ["stats"],
        ["stats", "--json"],
        ["query", "SELECT * WHERE { ?s ?p ?o }"],
        ["export"],
        ["validate"],
        ["ingest", str(SEEDS / "000_9bb7eb15379a1141.txt"), "--quiet"],
        ["link", "--dry-run"],
    ]
    for store in _damaged_stores(tmp_path):
        for command in commands:
            result = CliRunner().invoke(cli, [*command, "--store", str(store)])
            assert result.exit_code == 1 and isinstance(result.exception, SystemExit), (command, result.exception)
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith(f"Error: cannot open the store at {store}: "), lines
            assert "Corruption" in lines[0] and "Traceback" not in result.output


def test_cli_unexpected_errors_are_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("something\nwent wrong")

    monkeypatch.setattr("service.sparql.stats.dataset_stats", broken)
    store = str(tmp_path / "store")
    run("ingest", str(SEEDS / "000_9bb7eb15379a1141.txt"), "--store", store, "--quiet")
    code, _, err = run("stats", "--store", store)
    assert code == 1 and err.strip() == "Error: unexpected KeyError: 'something\\nwent wrong'"


def test_cli_a_value_error_from_a_bug_is_not_passed_off_as_bad_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("an invariant broke")

    monkeypatch.setattr("service.sparql.stats.dataset_stats", broken)
    store = str(tmp_path / "store")
    run("ingest", str(SEEDS / "000_9bb7eb15379a1141.txt"), "--store", store, "--quiet")
    code, _, err = run("stats", "--store", store)
    assert code == 1 and err.strip() == "Error: unexpected ValueError: an invariant broke"


def _one_line_user_error(args: list[str], env: dict[str, str] | None = None) -> str:
    """The message of a command that must fail on the user's input: one line, exit 1, no traceback."""
    result = CliRunner(env=env).invoke(cli, args)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), (args, result.exception)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "Traceback" not in result.output, lines
    assert "unexpected" not in lines[0], lines
    return lines[0]


def test_cli_bad_input_from_libraries_is_still_a_one_line_user_error(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    run("ingest", str(SEEDS / "000_9bb7eb15379a1141.txt"), "--store", store, "--quiet")
    latin1 = tmp_path / "query.rq"
    latin1.write_bytes("SELECT * WHERE { ?s ?p 'café' }".encode("latin-1"))
    assert "can't decode" in _one_line_user_error(["query", str(latin1), "--store", store])
    unwritable = tmp_path / "no-such-dir" / "out.trig"
    message = _one_line_user_error(["export", "--store", store, "-o", str(unwritable)])
    assert "No such file or directory" in message
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "a.txt").write_text("Beijing received masks.", encoding="utf-8")
    (gold / "a.gold.json").write_text("{not json", encoding="utf-8")
    _one_line_user_error(["eval", str(gold)])


def test_cli_bad_settings_are_a_one_line_user_error(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    message = _one_line_user_error(["stats", "--store", store], env={"EVENTGRAPH_MAX_RESULT_ROWS": "many"})
    assert message.startswith("Error: EVENTGRAPH_MAX_RESULT_ROWS='many' is not valid")
    message = _one_line_user_error(["stats", "--store", store], env={"EVENTGRAPH_BASE_IRI": "urn:x:"})
    assert "base IRI 'urn:x:' must be an absolute http(s) IRI" in message


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """What `serve` would open the store with; it stops there instead of serving."""
    seen: dict[str, object] = {}

    def fake_open(settings: object, *, read_only: bool = False) -> None:
        seen["settings"] = settings
        raise click.ClickException("stopped before serving")

    monkeypatch.setattr("service.cli._open", fake_open)
    monkeypatch.delenv("EVENTGRAPH_TOKEN", raising=False)
    return seen


def test_cli_serve_reads_the_token_from_a_file(tmp_path: Path, served: dict[str, object]) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("  s3cret-token  \nsecond line ignored\n")
    code, _, err = run("serve", "--token-file", str(token_file))
    assert code == 1 and "stopped before serving" in err and "warning" not in err
    assert served["settings"].token == "s3cret-token"  # type: ignore[attr-defined]


def test_cli_serve_reads_the_token_from_the_environment(served: dict[str, object]) -> None:
    result = CliRunner().invoke(cli, ["serve"], env={"EVENTGRAPH_TOKEN": "from-env"})
    assert "warning" not in result.stderr
    assert served["settings"].token == "from-env"  # type: ignore[attr-defined]


def test_cli_serve_token_on_the_command_line_warns(served: dict[str, object]) -> None:
    code, _, err = run("serve", "--token", "visible")
    assert err.startswith("warning: --token is visible to every user of this machine in the process list (ps)")
    assert served["settings"].token == "visible"  # type: ignore[attr-defined]


def test_cli_serve_refuses_an_empty_or_unreadable_token_file(tmp_path: Path, served: dict[str, object]) -> None:
    empty = tmp_path / "empty"
    empty.write_text("\n   \nsecond\n")
    code, _, err = run("serve", "--token-file", str(empty))
    assert code == 1 and err.strip() == f"Error: the token file {empty} is empty: put the token on its first line"
    code, _, err = run("serve", "--token-file", str(tmp_path / "missing"))
    assert code == 1 and err.strip().startswith(f"Error: cannot read the token file {tmp_path / 'missing'}: ")
    assert len(err.strip().splitlines()) == 1 and "settings" not in served
    code, _, err = run("serve", "--token-file", str(empty), "--token", "x")
    assert code == 2 and "not both" in err


# The two examples of the README's "Document metadata" section, verbatim: front matter, and a sidecar.
FRONT_MATTER_EXAMPLE = """---
title: Japan sends relief supplies to Tonga
published: 2022-01-18
url: https://www.example.org/press/2022/01/tonga.html
source: Ministry of Foreign Affairs of Japan
---
The Government of Japan decided to provide emergency relief goods to the Kingdom of Tonga,
which was hit by a volcanic eruption on 15 January.
"""
SIDECAR_EXAMPLE = """{
  "title": "Japan sends relief supplies to Tonga",
  "published": "2022-01-18",
  "url": "https://www.example.org/press/2022/01/tonga.pdf"
}
"""


def test_cli_metadata_from_front_matter_and_from_a_sidecar(tmp_path: Path) -> None:
    (tmp_path / "tonga.md").write_text(FRONT_MATTER_EXAMPLE, encoding="utf-8")
    code, out, err = run("extract", str(tmp_path / "tonga.md"))
    assert code == 0, err
    data = json.loads(out)
    assert (data["title"], data["published"], data["url"]) == (
        "Japan sends relief supplies to Tonga",
        "2022-01-18",
        "https://www.example.org/press/2022/01/tonga.html",
    )
    assert data["source"] == "Ministry of Foreign Affairs of Japan"
    (tmp_path / "tonga.txt").write_text(FRONT_MATTER_EXAMPLE.split("---\n")[-1], encoding="utf-8")
    (tmp_path / "tonga.meta.json").write_text(SIDECAR_EXAMPLE, encoding="utf-8")
    code, out, err = run("extract", str(tmp_path / "tonga.txt"))
    assert code == 0, err
    data = json.loads(out)
    assert (data["title"], data["published"], data["url"]) == (
        "Japan sends relief supplies to Tonga",
        "2022-01-18",
        "https://www.example.org/press/2022/01/tonga.pdf",
    )
