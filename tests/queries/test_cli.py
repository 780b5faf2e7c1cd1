"""Named queries from the command line: `eventgraph query NAME --param name=value`."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from service.cli import cli
from service.sparql import library


def test_cli_lists_the_named_queries() -> None:
    result = CliRunner().invoke(cli, ["query", "--list"])
    assert result.exit_code == 0, result.output
    for q in library.list_queries():
        assert q.name in result.output
    assert "--param start=…  xsd:date (required, default 2020-01-01)" in result.output


@pytest.mark.parametrize("name", sorted(q.name for q in library.list_queries() if not q.services))
def test_cli_runs_every_query(sample_dir: str, sample_params: dict[str, dict[str, str]], name: str) -> None:
    args = [f"{k}={v}" for k, v in sample_params.get(name, {}).items()]
    result = CliRunner().invoke(cli, ["query", name, "--store", sample_dir, *sum((["--param", a] for a in args), [])])
    assert result.exit_code == 0, result.output
    if library.get_query(name).form == "CONSTRUCT":
        assert "@prefix" in result.output or "<http" in result.output
    else:
        assert json.loads(result.output)["results"]["bindings"], f"{name} answered nothing"


def test_cli_named_query_with_a_qid_and_csv(sample_dir: str) -> None:
    args = [
        "query",
        "aid_between",
        "-p",
        "donor=Q1490",
        "-p",
        "recipient=Q956",
        "--format",
        "csv",
        "--store",
        sample_dir,
    ]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    got = {(r["item"], r["totalQuantity"], r["unit"]) for r in csv.DictReader(io.StringIO(result.output))}
    assert got == {("masks", "120000", "pieces"), ("pairs of gloves", "10000", "pairs")}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "actor_events", "--param", "actor=Q42"], "no actor is linked to Wikidata Q42"),
        (["query", "actor_events", "--param", "actor"], "write NAME=VALUE"),
        (["query", "actor_events", "-p", "actor=Q159", "-p", "actor=Q232"], "given twice"),
        (["query", "events_in_window", "-p", "start=2020-03-01", "-p", "end=soon"], "end='soon' is not a valid"),
        (["query", "no_such_query"], "no named query 'no_such_query'"),
        (["query", "SELECT * WHERE { ?s ?p ?o }", "--param", "a=b"], "--param applies to named queries only"),
        (["query"], "give a query, a file or the name of a named query"),
    ],
)
def test_cli_named_query_errors_are_one_line(sample_dir: str, args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, [*args, "--store", sample_dir])
    assert result.exit_code != 0
    assert message in result.output


def test_cli_inline_queries_still_work(sample_dir: str) -> None:
    result = CliRunner().invoke(cli, ["query", "ASK { ?s ?p ?o }", "--store", sample_dir])
    assert result.exit_code == 0 and json.loads(result.output)["boolean"] is True


def test_cli_refuses_the_federated_query_outside_the_allowlist(sample_dir: str) -> None:
    runner = CliRunner(env={"EVENTGRAPH_SERVICE_ALLOW": "http://127.0.0.1:1/only-this"})
    result = runner.invoke(cli, ["query", "wikidata_country_facts", "--store", sample_dir])
    assert result.exit_code == 1
    assert "SERVICE <https://query.wikidata.org/sparql> is not allowed" in result.output
