"""Actor autocomplete and the dataset's figures."""

from __future__ import annotations

import pytest

from service.errors import UserError
from service.rdf.iris import Iris
from service.store import Store
from service.timeline.actors import find_actors
from service.timeline.openapi import describe
from service.timeline.stats import timeline_stats

from .graphs import BASE


def test_actors_autocomplete_matches_part_of_a_name(small: Store) -> None:
    found = find_actors(small, "KYO")
    assert [a["name"] for a in found] == ["Tokyo"]
    assert found[0] == {"iri": BASE + "id/actor/Q1490", "name": "Tokyo", "kind": "city", "wikidata": "Q1490",
                        "group": False, "events": 5}  # fmt: skip


def test_actors_busiest_first_and_groups_marked(small: Store) -> None:
    found = find_actors(small, None, limit=10)
    assert found[0]["name"] == "Tokyo"
    group = next(a for a in found if a["group"])
    assert group["name"] == "sister cities" and group["kind"] == "city"


def test_actors_by_iri(small: Store) -> None:
    assert [a["name"] for a in find_actors(small, None, only=(BASE + "id/actor/Q956",))] == ["Beijing"]


def test_actors_limit_is_checked(small: Store) -> None:
    with pytest.raises(UserError, match="limit"):
        find_actors(small, "a", limit=500)


def test_stats_counts_types_and_precision(small: Store) -> None:
    stats = timeline_stats(small, Iris(BASE))
    assert stats["counts"]["events"] == 6 and stats["counts"]["documents"] == 2
    assert stats["types"]["aid_delivery"] == 2 and stats["types"]["visit"] == 0
    assert stats["precision"] == {"day": 1, "month": 1, "range": 2, "year": 1, "unknown": 1}
    assert stats["certain"] == 1
    assert stats["extent"] == {"first": "2019-01-01", "last": "2021-12-31"}


def test_openapi_is_version_3_1_and_refs_resolve() -> None:
    doc = describe("9.9")
    assert doc["openapi"] == "3.1.0" and doc["info"]["version"] == "9.9"
    refs = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            refs.update(v for k, v in node.items() if k == "$ref")
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(doc)
    assert refs and all(r.split("/")[-1] in doc["components"]["schemas"] for r in refs)
