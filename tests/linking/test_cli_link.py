"""`eventgraph link`: concepts offline, actors with --online against the replayed Wikidata API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from click.testing import CliRunner

from service.cli import cli


def test_cli_link_online_links_reports_and_caches(unlinked_dir: str, replay: Any, tmp_path: Path) -> None:
    args = [
        "link",
        "--online",
        "--api-url",
        replay.url,
        "--cache-dir",
        str(tmp_path / "cache"),
        "--store",
        unlinked_dir,
    ]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert "linked     Viet Nam → Q881 'Vietnam' (country in Southeast Asia) score 0.95" in first.output
    assert "ambiguous  Georgia: Q230 (country in the Caucasus), Q1428" in first.output
    assert (
        "6 actors without a Wikidata link; online: 4 linked, 1 ambiguous, 1 without a match (6 requests" in first.output
    )
    again = CliRunner().invoke(cli, args)
    assert (
        "2 actors without a Wikidata link; online: 0 linked, 1 ambiguous, 1 without a match (0 requests" in again.output
    )
    assert len(list((tmp_path / "cache").glob("*.json"))) == 6


def test_cli_link_cache_defaults_to_the_data_directory(unlinked_dir: str, replay: Any, tmp_path: Path) -> None:
    runner = CliRunner(env={"XDG_DATA_HOME": str(tmp_path)})
    result = runner.invoke(cli, ["link", "--online", "--api-url", replay.url, "--store", unlinked_dir])
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "eventgraph" / "cache" / "wikidata").glob("*.json"))) == 6


def test_cli_link_offline_writes_only_the_concepts(unlinked_dir: str, replay: Any) -> None:
    result = CliRunner().invoke(cli, ["link", "--store", unlinked_dir])
    assert result.exit_code == 0, result.output
    assert "concept links; 6 actors without a Wikidata link" in result.output and not replay.searches


def test_cli_link_online_without_network_fails_clearly(unlinked_dir: str, dead_url: str, tmp_path: Path) -> None:
    args = ["link", "--online", "--api-url", dead_url, "--cache-dir", str(tmp_path), "--store", unlinked_dir]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert "could not be asked about" in result.output and "check the network connection" in result.output
