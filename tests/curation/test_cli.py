"""The curation commands on a real on-disk store: list, orphans, export --gold; the export scores
1.00 against itself through `eventgraph eval --system` and runs through `eventgraph eval`;
`eventgraph validate` passes on curated data and catches a broken correction."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from service import curation
from service.cli import cli
from service.config import Settings
from service.pipeline import ingest_paths
from service.rdf.iris import Iris
from service.store import open_store
from service.timeline.events import Finder
from service.timeline.filters import EventFilter

SEED = Path(__file__).resolve().parents[2] / "seeds" / "004_0b827a61c6374308.txt"
BASE = "http://localhost:8000/"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env={"EVENTGRAPH_BASE_IRI": BASE})
    return result.exit_code, result.stdout, result.stderr


def _curated_store(path: Path) -> tuple[str, dict[str, str]]:
    """The seed 004 ingested and corrected: a retype, a new donor, a date, an aid quantity, a
    rejection and an added event. Returns the store path and the corrected events' keys."""
    location = str(path / "store")
    settings = Settings(store=location, base_iri=BASE)
    store = open_store(location)
    try:
        ingest_paths([SEED], store, settings)
        iris = Iris(BASE)
        events = Finder(store, iris).page(EventFilter(), 1000).events
        aid = next(e for e in events if e["aid"])
        other = [e for e in events if e is not aid]
        curation.correct(store, iris, other[0]["key"], "retype", {"type": "meeting"}, note="a meeting")
        curation.correct(store, iris, other[1]["key"], "reject", {})
        curation.correct(
            store,
            iris,
            aid["key"],
            "add_actor",
            {"role": "agents", "actor": {"name": "Test Donor", "kind": "organisation"}},
        )
        curation.correct(store, iris, aid["key"], "set_date", {"earliest": "2020-03-01", "latest": "2020-03-31"})
        item = aid["aid"][0]["item"]
        curation.correct(store, iris, aid["key"], "set_aid", {"item": item, "aid": {"item": item, "quantity": 7}})
        s, e = other[2]["offsets"]["sentence"]
        curation.add_event(store, iris, "004_0b827a61c6374308", [s, e], {"type": "visit"}, note="missed")
        return location, {"aid": aid["key"], "retyped": other[0]["key"]}
    finally:
        store.close()


def test_cli_curation_list_orphans_export_and_eval(tmp_path: Path) -> None:
    store, _ = _curated_store(tmp_path)
    code, out, _ = run("curation", "list", "--store", store, "--json")
    assert code == 0
    listed = json.loads(out)
    assert [c["operation"] for c in listed] == ["retype", "reject", "add_actor", "set_date", "set_aid", "add_event"]
    assert {c["status"] for c in listed} == {"applied"}
    code, out, _ = run("curation", "list", "--store", store)
    assert code == 0 and "retype" in out and "a meeting" in out and "sentence:" in out
    code, out, err = run("curation", "orphans", "--store", store)
    assert code == 0 and out == "" and "0 orphan corrections" in err

    gold = tmp_path / "gold"
    code, out, _ = run("curation", "export", "--store", store, "--gold", str(gold))
    assert code == 0 and out.startswith("1 corrected document written")
    data = json.loads((gold / "004_0b827a61c6374308.gold.json").read_text(encoding="utf-8"))
    text = (gold / "004_0b827a61c6374308.txt").read_text(encoding="utf-8")
    assert data["doc"] == "004_0b827a61c6374308" and data["published"]
    types = [e["type"] for e in data["events"]]
    assert "visit" in types and "meeting" in types
    quantities = [a["quantity"] for e in data["events"] for a in e["aid"]]
    assert 7 in quantities
    for event in data["events"]:  # offsets refer to the exported text
        s, e = event["offsets"]["sentence"]
        assert text[s:e] == event["sentence"]

    # the export against itself: 1.00 on every figure
    code, out, _ = run("eval", str(gold), "--system", str(gold), "--json")
    assert code == 0, out
    scores = json.loads(out)
    assert scores["documents"] == 1 and scores["headline"]["events"] == 1.0 and scores["overall"] == 1.0
    # and the extractor measured against what the analysts fixed: it runs, and misses what they fixed
    code, out, _ = run("eval", str(gold), "--json")
    assert code == 0, out
    against = json.loads(out)
    assert against["documents"] == 1 and 0 < against["headline"]["events"] < 1.0
    # an empty system folder scores 0, so the 1.00 above is earned
    empty = tmp_path / "empty"
    empty.mkdir()
    code, out, _ = run("eval", str(gold), "--system", str(empty), "--json")
    assert code == 0 and json.loads(out)["headline"]["events"] == 0.0


def test_cli_validate_checks_curated_data(tmp_path: Path) -> None:
    store, _ = _curated_store(tmp_path)
    code, out, _ = run("validate", "--store", store)
    assert code == 0, out
    # a correction that lost its operation is a violation the shapes name
    opened = open_store(store)
    try:
        opened.update(
            "DELETE { GRAPH ?g { ?c <https://w3id.org/eventgraph#operation> ?o } } "
            'WHERE { GRAPH ?g { ?c <https://w3id.org/eventgraph#operation> ?o FILTER(?o = "retype") } }'
        )
    finally:
        opened.close()
    code, out, _ = run("validate", "--store", store)
    assert code == 1 and "eg:operation" in out


def test_cli_curation_errors_are_one_line(tmp_path: Path) -> None:
    code, out, err = run("curation", "export", "--store", str(tmp_path / "store"), "--gold", str(tmp_path / "g"))
    assert code == 1 and err.count("\n") == 1 and "no store at" in err
    location = str(tmp_path / "store")
    open_store(location).close()
    code, out, _ = run("curation", "export", "--store", location, "--gold", str(tmp_path / "g"))
    assert code == 0 and out.startswith("0 corrected documents")
    code, out, _ = run("eval", str(tmp_path), "--system", str(tmp_path / "missing"))
    assert code == 2  # click refuses a folder that does not exist
