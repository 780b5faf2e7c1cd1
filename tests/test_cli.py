"""The command line, through click's runner on the real commands and a real on-disk store."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
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
