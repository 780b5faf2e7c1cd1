"""The Wikidata search client against a local server replaying recorded answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from service.linking.wikidata import USER_AGENT, Candidate, WikidataClient, WikidataUnavailable


def test_wikidata_search_reads_the_hits_in_rank_order(replay: Any) -> None:
    hits = WikidataClient(replay.url).search("Guinea")
    assert hits == [
        Candidate("Q1006", "Guinea", "country in West Africa", "label", "Guinea", 0),
        Candidate("Q1007", "Guinea-Bissau", "country in West Africa", "label", "Guinea-Bissau", 1),
    ]
    assert WikidataClient(replay.url).search("Viet Nam")[0].match_type == "alias"


def test_wikidata_search_of_an_unknown_name_is_empty(replay: Any) -> None:
    assert WikidataClient(replay.url).search("Nowhere Committee of Nothing") == []


def test_wikidata_search_is_polite(replay: Any) -> None:
    WikidataClient(replay.url).search("Georgia")
    assert replay.agents == [USER_AGENT] and "eventgraph/" in USER_AGENT
    assert replay.maxlag == ["5"]


def test_wikidata_answers_are_cached_on_disk(replay: Any, tmp_path: Path) -> None:
    first = WikidataClient(replay.url, cache_dir=tmp_path)
    hits = first.search("Viet Nam")
    second = WikidataClient(replay.url, cache_dir=tmp_path, offline=True)
    assert second.search("Viet Nam") == hits
    assert (first.requests, second.requests, replay.searches) == (1, 0, ["Viet Nam"])
    (entry,) = tmp_path.glob("*.json")
    record = json.loads(entry.read_text(encoding="utf-8"))
    assert record["url"] == replay.url and record["params"]["search"] == "Viet Nam"
    assert record["response"]["search"][0]["id"] == "Q881" and record["fetched"]


def test_wikidata_a_damaged_cache_entry_is_asked_again(replay: Any, tmp_path: Path) -> None:
    WikidataClient(replay.url, cache_dir=tmp_path).search("Guinea")
    (entry,) = tmp_path.glob("*.json")
    entry.write_text("{not json", encoding="utf-8")
    assert WikidataClient(replay.url, cache_dir=tmp_path).search("Guinea")[0].qid == "Q1006"
    assert replay.searches == ["Guinea", "Guinea"]


def test_wikidata_unreachable_api_is_a_clear_error(dead_url: str, tmp_path: Path) -> None:
    with pytest.raises(WikidataUnavailable, match="could not be asked about 'Guinea'.*check the network"):
        WikidataClient(dead_url, cache_dir=tmp_path, timeout=2).search("Guinea")
    assert not list(tmp_path.glob("*.json"))  # failures are not cached


def test_wikidata_api_error_answer_is_reported(replay: Any, tmp_path: Path) -> None:
    with pytest.raises(WikidataUnavailable, match="maxlag: Waiting for all: 6.2 seconds lagged"):
        WikidataClient(replay.url, cache_dir=tmp_path).search("Lagged Example")
    assert not list(tmp_path.glob("*.json"))


def test_wikidata_offline_client_without_a_cached_answer_refuses(tmp_path: Path) -> None:
    with pytest.raises(WikidataUnavailable, match="no cached answer for 'Guinea'"):
        WikidataClient("http://127.0.0.1:9/w/api.php", cache_dir=tmp_path, offline=True).search("Guinea")
