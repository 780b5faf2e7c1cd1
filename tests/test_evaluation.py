"""The scorer on hand-made gold/system pairs, the shape of every gold file, and the extractor's floors.

The documents written for the project (``gold/dev``, ``gold/heldout``) are regression fixtures: the floors are
checked on them. The real documents (``gold/real``) are checked for their shape only, and ``real/heldout`` is not
opened here at all.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from service.errors import DocumentRefused, UserError
from service.evaluation import (
    HEADLINE,
    GoldDoc,
    Scores,
    evaluate,
    format_table,
    item_head,
    load_gold,
    normalise_name,
    score,
    ungraded,
)
from service.model import ACTOR_KINDS, EVENT_TYPES, PRECISIONS, Actor, Aid, Document, Event, Extraction, Money, TimeSpan

GOLD = Path(__file__).resolve().parent / "gold"
SEEDS = Path(__file__).resolve().parents[1] / "seeds"
WRITTEN = ("dev", "heldout")  # the documents written for the project: regression fixtures
GOLD_FILES = sorted(p for p in GOLD.rglob("*.gold.json") if "heldout" not in p.relative_to(GOLD).parts[1:-1])
AID_CATEGORIES = {
    "masks",
    "protective_clothing",
    "gloves",
    "thermal_imagers",
    "test_kits",
    "ventilators",
    "medicines",
    "disinfectants",
    "vaccines",
    "medical_equipment",
    "medical_supplies",
    "anti_epidemic_materials",
    "food",
    "funds",
    "guides_training",
    "other",
}
META_KEYS = {"title", "published", "source", "url", "author", "language", "licence"}
# Floors on the written documents (dev + heldout): the targets of the extraction issue, and floors a little below
# what the extractor reaches on the per-role and per-aid figures.
FLOORS = {
    "events": 0.85,
    "aid": 0.90,
    "dates": 0.90,
    "actors": 0.85,
    "agents": 0.90,
    "recipients": 0.85,
    "aid_items": 0.93,
    "aid_values": 0.88,
    "overall": 0.92,
}

TEXT = (
    "Beijing donated 100,000 masks and medicines worth 2 million yuan to Tokyo on 3 March. "
    "The mayors of Beijing and Seoul met in Seoul on 5 March. Japan thanked China for the help."
)
CHINA = Actor("China", "country", "Q148")
JAPAN = Actor("Japan", "country", "Q17")
BEIJING = Actor("Beijing", "city", "Q956")
TOKYO = Actor("Tokyo", "city", "Q1490")
SEOUL = Actor("Seoul", "city", "Q8684")
MASKS = Aid("masks", "masks", 100000, "pieces")
MEDICINES = Aid("medicines", "medicines", None, None, Money(2_000_000, "CNY"))


def make_event(
    type_: str, trigger: str, sentence_start: str, span: tuple[str, str] = ("2021-03-01", "2021-03-31"), **roles
) -> Event:
    """An event on TEXT whose sentence starts with ``sentence_start``, with offsets computed from TEXT."""
    s0 = TEXT.index(sentence_start)
    s1 = TEXT.index(".", s0) + 1
    t0 = TEXT.index(trigger, s0)
    return Event(
        id=f"{type_}-{t0}",
        type=type_,
        trigger=trigger,
        sentence=TEXT[s0:s1],
        date=TimeSpan(date.fromisoformat(span[0]), date.fromisoformat(span[1]), "range"),
        sentence_start=s0,
        sentence_end=s1,
        trigger_start=t0,
        trigger_end=t0 + len(trigger),
        **{k: tuple(v) for k, v in roles.items()},
    )


def gold_events() -> tuple[Event, ...]:
    return (
        make_event(
            "aid_delivery", "donated", "Beijing donated", agents=[BEIJING], recipients=[TOKYO], aid=[MASKS, MEDICINES]
        ),
        make_event("meeting", "met", "The mayors", agents=[BEIJING], participants=[SEOUL], places=[SEOUL]),
        make_event("statement_of_support", "thanked", "Japan thanked", agents=[JAPAN], recipients=[CHINA]),
    )


def run(system: list[Event]) -> Scores:
    return score([GoldDoc("doc", Path("doc.txt"), TEXT, gold_events())], {"doc": system})


def test_evaluation_perfect_match_scores_one() -> None:
    scores = run(list(gold_events()))
    dimensions = (scores.events, scores.dates, scores.actors, scores.places, scores.aid, scores.agents)
    for dimension in (*dimensions, scores.recipients, scores.aid_items, scores.aid_values):
        assert (dimension.precision, dimension.recall, dimension.f1) == (1.0, 1.0, 1.0)
    assert scores.events.tp == 3 and scores.actors.tp == 6 and scores.aid.tp == 2 and scores.dates.accuracy == 1.0
    # agents: Beijing (donor), Beijing and Seoul (the two sides of the meeting), Japan; recipients: Tokyo, China
    assert (scores.agents.tp, scores.recipients.tp, scores.aid_items.tp, scores.aid_values.tp) == (4, 2, 2, 1)
    assert scores.overall == 1.0


def test_evaluation_missing_event_lowers_recall_only() -> None:
    scores = run(list(gold_events()[:2]))
    assert (scores.events.tp, scores.events.fp, scores.events.fn) == (2, 0, 1)
    assert scores.events.precision == 1.0 and scores.events.recall == pytest.approx(2 / 3)
    assert scores.dates.accuracy == 1.0 and scores.dates.recall == pytest.approx(2 / 3)
    assert scores.events_by_type["statement_of_support"].fn == 1


def test_evaluation_extra_event_lowers_precision() -> None:
    extra = make_event("communication", "thanked", "Japan thanked", agents=[JAPAN])
    scores = run([*gold_events(), extra])
    assert (scores.events.tp, scores.events.fp, scores.events.fn) == (3, 1, 0)


def test_evaluation_wrong_type_does_not_match() -> None:
    wrong = make_event("aid_pledge", "donated", "Beijing donated", agents=[BEIJING], aid=[MASKS])
    scores = run([wrong, *gold_events()[1:]])
    assert (scores.events.tp, scores.events.fp, scores.events.fn) == (2, 1, 1)
    assert scores.aid.tp == 0  # aid is only compared over matched events


def test_evaluation_trigger_inside_gold_sentence_matches_whatever_the_system_sentence() -> None:
    gold = gold_events()[2]
    # The system split the sentence differently and reports a shorter one; its trigger offset still fits.
    system = replace(gold, sentence="Japan thanked China", sentence_end=gold.sentence_start + 19)
    assert run([system]).events.tp == 1


def test_evaluation_equal_sentences_match_without_offsets() -> None:
    gold = gold_events()[0]
    spaced = gold.sentence.replace(" ", "\n  ", 1)
    system = replace(gold, sentence=spaced, sentence_start=0, sentence_end=0, trigger_start=0, trigger_end=0)
    assert run([system]).events.tp == 1


def test_evaluation_matching_is_one_to_one_by_trigger_distance() -> None:
    near = make_event("aid_delivery", "donated", "Beijing donated")
    far = make_event("aid_delivery", "Beijing", "Beijing donated")
    scores = run([far, near])
    assert (scores.events.tp, scores.events.fp) == (1, 1)
    assert scores.actors.fn == 2  # the matched system event is `near`, which has no actors


def test_evaluation_date_outside_gold_interval_is_wrong() -> None:
    inside = make_event("aid_delivery", "donated", "Beijing donated", ("2021-03-03", "2021-03-03"))
    outside = make_event("meeting", "met", "The mayors", ("2021-02-25", "2021-03-05"))
    unknown = replace(gold_events()[2], date=TimeSpan(None, None, "unknown"))
    scores = run([inside, outside, unknown])
    assert (scores.dates.tp, scores.dates.fp, scores.dates.fn) == (1, 2, 2)
    assert scores.dates.accuracy == pytest.approx(1 / 3)


def test_evaluation_actor_by_qid_then_by_normalised_name() -> None:
    by_qid = Actor("People's Republic of China", "country", "Q148")
    by_name = Actor("the  JAPAN", "country")
    wrong_qid = Actor("China", "country", "Q999")
    system = make_event("statement_of_support", "thanked", "Japan thanked", agents=[by_name], recipients=[by_qid])
    assert run([system]).actors.tp == 2
    system = make_event("statement_of_support", "thanked", "Japan thanked", agents=[JAPAN], recipients=[wrong_qid])
    scores = run([system])
    assert (scores.actors.tp, scores.actors.fp, scores.actors.fn) == (1, 1, 1)


def test_evaluation_agents_and_recipients_are_scored_apart() -> None:
    # The recipient given as a second agent: one agent too many, one recipient missing.
    swapped = make_event("statement_of_support", "thanked", "Japan thanked", agents=[JAPAN, CHINA])
    scores = run([swapped])
    assert (scores.agents.tp, scores.agents.fp, scores.agents.fn) == (1, 1, 0)
    assert (scores.recipients.tp, scores.recipients.fp, scores.recipients.fn) == (0, 0, 1)
    # A wrong recipient lowers the recipients figure only.
    wrong = make_event("statement_of_support", "thanked", "Japan thanked", agents=[JAPAN], recipients=[TOKYO])
    scores = run([wrong])
    assert (scores.agents.f1, scores.recipients.tp, scores.recipients.fp, scores.recipients.fn) == (1.0, 0, 1, 1)


def test_evaluation_per_role_figures_count_the_conventional_side_in_the_role() -> None:
    # A meeting's two sides are all agents; who is named agent and who participant does not matter.
    meeting = make_event("meeting", "met", "The mayors", agents=[SEOUL], participants=[BEIJING], places=[SEOUL])
    scores = run([meeting])
    assert (scores.agents.tp, scores.agents.fp, scores.agents.fn) == (2, 0, 0)  # only matched events are compared
    # A communication's addressee given as a participant ("exchanged information with") is its recipient.
    doc = GoldDoc("doc", Path("doc.txt"), TEXT, (make_event("communication", "thanked", "Japan", recipients=[CHINA]),))
    system = make_event("communication", "thanked", "Japan", participants=[CHINA])
    assert score([doc], {"doc": [system]}).recipients.tp == 1
    # Elsewhere a participant is neither agent nor recipient: a channel of aid stays out of both figures.
    wfp = Actor("World Food Programme", "organisation", "Q826700")
    donated = make_event("aid_delivery", "donated", "Beijing donated", agents=[BEIJING], recipients=[TOKYO])
    doc = GoldDoc("doc", Path("doc.txt"), TEXT, (donated,))
    scores = score([doc], {"doc": [replace(donated, participants=(wfp,))]})
    assert (scores.agents.fp, scores.recipients.fp, scores.actors.fp) == (0, 0, 1)


def test_evaluation_actor_roles_count_and_symmetric_events_merge_sides() -> None:
    # Recipient given as agent: wrong role, counted as one false positive and one false negative.
    swapped = make_event("statement_of_support", "thanked", "Japan thanked", agents=[JAPAN, CHINA])
    scores = run([swapped])
    assert (scores.actors.tp, scores.actors.fp, scores.actors.fn) == (1, 1, 1)
    # For a meeting, who is agent and who is participant is a convention: both sides form one role.
    meeting = make_event("meeting", "met", "The mayors", agents=[SEOUL], participants=[BEIJING], places=[SEOUL])
    assert run([meeting]).actors.fn == 0


def test_evaluation_communication_counts_addressee_and_co_actor_as_one_role() -> None:
    doc = GoldDoc("doc", Path("doc.txt"), TEXT, (make_event("communication", "thanked", "Japan", recipients=[CHINA]),))
    system = make_event("communication", "thanked", "Japan", participants=[CHINA])
    assert score([doc], {"doc": [system]}).actors.tp == 1


def test_evaluation_names_agree_without_an_of_qualifier_of_three_words_or_more() -> None:
    rats = Actor("Regional Anti-Terrorist Structure of the Shanghai Cooperation Organization", "organisation")
    ministry = Actor("Ministry of Health of Laos", "organisation")
    doc = GoldDoc(
        "doc", Path("doc.txt"), TEXT, (make_event("communication", "thanked", "Japan", agents=[rats, ministry]),)
    )
    short = [Actor("Regional Anti-Terrorist Structure", "organisation"), Actor("Ministry of Health", "organisation")]
    scores = score([doc], {"doc": [make_event("communication", "thanked", "Japan", agents=short)]})
    assert (scores.actors.tp, scores.actors.fp, scores.actors.fn) == (1, 1, 1)  # "ministry" alone is too short


def test_evaluation_groups_match_by_group_name() -> None:
    gold = Actor("sister cities", "city", group=True, count=48)
    doc = GoldDoc("doc", Path("doc.txt"), TEXT, (make_event("aid_delivery", "donated", "Beijing", recipients=[gold]),))
    same = make_event("aid_delivery", "donated", "Beijing", recipients=[Actor("Sister Cities", "city", group=True)])
    plain = make_event("aid_delivery", "donated", "Beijing", recipients=[Actor("sister cities", "city")])
    assert score([doc], {"doc": [same]}).actors.tp == 1
    assert score([doc], {"doc": [plain]}).actors.tp == 0


def test_evaluation_aid_quantity_mismatch_is_wrong() -> None:
    fewer = Aid("surgical masks", None, 10000, "pieces")
    system = make_event("aid_delivery", "donated", "Beijing donated", aid=[fewer, MEDICINES])
    scores = run([system])
    assert (scores.aid.tp, scores.aid.fp, scores.aid.fn) == (1, 1, 1)


def test_evaluation_aid_value_compares_amount_and_currency() -> None:
    head_only = Aid("medicine", None, None, None, Money(2e6, "cny"))
    dollars = Aid("medicines", "medicines", None, None, Money(2e6, "USD"))
    assert run([make_event("aid_delivery", "donated", "Beijing donated", aid=[MASKS, head_only])]).aid.tp == 2
    assert run([make_event("aid_delivery", "donated", "Beijing donated", aid=[MASKS, dollars])]).aid.tp == 1


def test_evaluation_aid_items_and_aid_values_are_scored_apart() -> None:
    dollars = Aid("medicines", "medicines", None, None, Money(2e6, "USD"))
    scores = run([make_event("aid_delivery", "donated", "Beijing donated", aid=[MASKS, dollars])])
    # the items are right (masks with their quantity, medicines); the value is in the wrong currency
    assert (scores.aid_items.tp, scores.aid_items.fp, scores.aid_items.fn) == (2, 0, 0)
    assert (scores.aid_values.tp, scores.aid_values.fp, scores.aid_values.fn) == (0, 1, 1)
    fewer = Aid("surgical masks", "masks", 10000, "pieces")
    scores = run([make_event("aid_delivery", "donated", "Beijing donated", aid=[fewer, MEDICINES])])
    # a wrong quantity makes a wrong item; the value is still right
    assert (scores.aid_items.tp, scores.aid_items.fp, scores.aid_items.fn) == (1, 1, 1)
    assert (scores.aid_values.tp, scores.aid_values.fp, scores.aid_values.fn) == (1, 0, 0)
    # a value on another item still counts as the value found
    moved = [Aid("masks", "masks", 100000, "pieces", Money(2_000_000, "CNY")), Aid("medicines", "medicines")]
    scores = run([make_event("aid_delivery", "donated", "Beijing donated", aid=moved)])
    assert (scores.aid_items.tp, scores.aid_values.tp, scores.aid_values.fp) == (2, 1, 0)


def test_evaluation_overall_is_the_mean_of_the_six_headline_figures() -> None:
    wrong = make_event("statement_of_support", "thanked", "Japan thanked", agents=[JAPAN], recipients=[TOKYO])
    scores = run([*gold_events()[:2], replace(wrong, date=TimeSpan(None, None, "unknown"))])
    figures = [scores.events.f1, scores.agents.f1, scores.recipients.f1, scores.aid_items.f1, scores.aid_values.f1]
    figures.append(scores.dates.accuracy)
    assert scores.overall == pytest.approx(sum(figures) / 6) and scores.overall < 1.0
    assert [name for name, _ in HEADLINE] == ["events", "agents", "recipients", "aid_items", "aid_values", "dates"]
    report = scores.to_json()
    assert report["overall"] == round(scores.overall, 4)
    assert set(report["headline"]) == {"events", "agents", "recipients", "aid_items", "aid_values", "dates", "overall"}
    assert report["recipients"]["fp"] == 1 and report["aid_values"]["tp"] == 1


def test_evaluation_normalisation_helpers() -> None:
    assert normalise_name("The People’s Government of Beijing") == "peoples government of beijing"
    assert normalise_name("Universal Parks & Resorts") == "universal parks and resorts"
    assert normalise_name("Türkiye") == "turkiye"
    assert item_head("copies of safety and prevention guide") == "copy"
    assert item_head("medical masks") == "mask"
    assert item_head("COVID-19 vaccine") == "vaccine"


def test_evaluation_evaluate_runs_the_extractor_and_rebases_offsets(tmp_path: Path) -> None:
    header = "Date: 2021-03-10\n\n"
    (tmp_path / "dev").mkdir()
    (tmp_path / "dev" / "doc.txt").write_text(header + TEXT, encoding="utf-8")
    shifted = [Event.from_json({**e.to_json(), "offsets": _shift(e, len(header))}) for e in gold_events()]
    gold = {"doc": "doc", "published": "2021-03-10", "events": [e.to_json() for e in shifted]}
    (tmp_path / "dev" / "doc.gold.json").write_text(json.dumps(gold), encoding="utf-8")

    def extract(path: Path) -> Extraction:
        # A reader that drops the header: offsets refer to the body only and must be moved.
        return Extraction(Document("doc", TEXT, origin=path.name), gold_events())

    scores = evaluate(tmp_path, extract)
    assert scores.documents == 1 and scores.events.f1 == 1.0 and scores.aid.f1 == 1.0
    assert load_gold(tmp_path)[0].split == "dev"
    table = format_table(scores)
    words = ("events", "actors", "places", "aid", "dates:", "doc", "meeting", "agents", "recipients", "aid items")
    assert all(word in table for word in (*words, "aid values", "dates correct 1.000", "overall 1.000"))
    assert json.loads(json.dumps(scores.to_json()))["events"]["by_doc"]["doc"]["f1"] == 1.0


def _shift(event: Event, by: int) -> dict[str, list[int]]:
    return {
        "sentence": [event.sentence_start + by, event.sentence_end + by],
        "trigger": [event.trigger_start + by, event.trigger_end + by],
    }


def test_evaluation_skips_documents_without_gold_and_scores_unreadable_ones_as_empty(tmp_path: Path) -> None:
    folder = tmp_path / "dev"
    folder.mkdir()
    for name in ("doc", "waiting", "refused"):
        (folder / f"{name}.txt").write_text(TEXT, encoding="utf-8")
    gold = {"doc": "doc", "events": [e.to_json() for e in gold_events()]}
    (folder / "doc.gold.json").write_text(json.dumps(gold), encoding="utf-8")
    (folder / "refused.gold.json").write_text(json.dumps({**gold, "doc": "refused"}), encoding="utf-8")
    read = []

    def extract(path: Path) -> Extraction:
        read.append(path.name)
        if path.stem == "refused":
            raise DocumentRefused("refused.meta.json: unknown key 'x'")
        return Extraction(Document(path.stem, TEXT), gold_events())

    assert [p.name for p in ungraded(tmp_path)] == ["waiting.txt"]
    scores = evaluate(tmp_path, extract)
    assert sorted(read) == ["doc.txt", "refused.txt"]  # the document without gold is not extracted
    assert scores.documents == 2 and scores.skipped == ("dev/waiting.txt",)
    assert list(scores.unread) == ["refused"] and (scores.events.tp, scores.events.fn) == (3, 3)
    table = format_table(scores)
    assert "2 documents (1 without a gold file, not scored)" in table and "not read" in table
    assert scores.to_json()["skipped"] == ["dev/waiting.txt"]
    (folder / "doc.gold.json").unlink()
    (folder / "refused.gold.json").unlink()
    with pytest.raises(UserError, match="3 documents wait for one"):
        load_gold(tmp_path)


def test_evaluation_load_gold_refuses_what_is_not_a_gold_set(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="not a directory"):
        load_gold(tmp_path / "missing")
    with pytest.raises(UserError, match="no \\*.gold.json"):
        load_gold(tmp_path)
    (tmp_path / "lonely.gold.json").write_text('{"doc": "lonely", "events": []}', encoding="utf-8")
    with pytest.raises(UserError, match="lonely.txt"):
        load_gold(tmp_path)


# The gold set itself ---------------------------------------------------------------------------


def _event_problems(event: dict, text: str, published: date | None) -> list[str]:
    """What is wrong with one gold event (empty when it is well formed)."""
    problems = []
    sentence, trigger = event["sentence"], event["trigger"]
    if event["type"] not in EVENT_TYPES:
        problems.append(f"type {event['type']!r}")
    if sentence not in text:
        problems.append("sentence not verbatim in the text")
    s0, s1 = event["offsets"]["sentence"]
    t0, t1 = event["offsets"]["trigger"]
    if text[s0:s1] != sentence or text[t0:t1] != trigger or not s0 <= t0 < t1 <= s1:
        problems.append("offsets do not point at the sentence and its trigger")
    span = event["date"]
    if span["earliest"] is None or span["latest"] is None:  # a page without a date may leave an event unknown
        if span["precision"] != "unknown" or span["earliest"] != span["latest"]:
            problems.append(f"date {span}")
        return problems + _role_and_aid_problems(event)
    earliest, latest = date.fromisoformat(span["earliest"]), date.fromisoformat(span["latest"])
    if earliest > latest or span["precision"] not in PRECISIONS:
        problems.append(f"date {span}")
    if published is not None and latest > published and not event["planned"]:
        problems.append("dated after publication but not planned")
    return problems + _role_and_aid_problems(event)


def _role_and_aid_problems(event: dict) -> list[str]:
    problems = []
    for role in ("agents", "recipients", "participants", "places"):
        problems += [f"{role}: {a}" for a in event[role] if not _actor_ok(a)]
    problems += [f"aid: {item}" for item in event["aid"] if not _aid_ok(item)]
    return problems


def _actor_ok(actor: dict) -> bool:
    qid_ok = actor["wikidata"] is None or re.fullmatch(r"Q[1-9]\d*", actor["wikidata"])
    count = actor.get("count")
    group_ok = not actor.get("group") or (actor["wikidata"] is None and (count is None or count > 0))
    return bool(actor["name"].strip() and actor["kind"] in ACTOR_KINDS and qid_ok and group_ok)


def _aid_ok(item: dict) -> bool:
    quantity, value = item["quantity"], item["value"]
    quantity_ok = quantity is None or (isinstance(quantity, int | float) and quantity > 0)
    value_ok = value is None or (value["amount"] > 0 and re.fullmatch(r"[A-Z]{3}", value["currency"]))
    return bool(item["item"].strip() and item["category"] in AID_CATEGORIES and quantity_ok and value_ok)


@pytest.mark.parametrize("path", GOLD_FILES, ids=[p.name.split(".")[0] for p in GOLD_FILES])
def test_evaluation_gold_file_is_well_formed(path: Path) -> None:
    gold = json.loads(path.read_text(encoding="utf-8"))
    stem = path.name[: -len(".gold.json")]
    text = path.with_name(stem + ".txt").read_text(encoding="utf-8")
    published = date.fromisoformat(gold["published"]) if gold["published"] else None
    assert gold["doc"] == stem and gold["events"]
    ids = [e["id"] for e in gold["events"]]
    assert len(ids) == len(set(ids))
    problems = {e["id"]: p for e in gold["events"] if (p := _event_problems(e, text, published))}
    assert not problems
    Extraction(Document(stem, text), tuple(Event.from_json(e) for e in gold["events"]))  # the model reads it
    meta_path = path.with_name(stem + ".meta.json")
    if meta_path.exists():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        # a real page may carry no date in its metadata; the annotator then reads it from the page
        assert set(meta) <= META_KEYS and meta["published"] in (gold["published"], None)


HEADER_DATE_STYLES = {
    "iso": r"\b\d{4}-\d{2}-\d{2}\b",
    "slashes": r"\b\d{4}/\d{2}/\d{2}\b",
    "dotted": r"\b\d{2}\.\d{2}\.\d{4}\b",
    "korean": r"\b\d{4}\. \d{1,2}\. \d{1,2}\.",
    "month first": r"\b[A-Z][a-z]+ \d{1,2}, \d{4}\b",
    "ordinal": r"\b[A-Z][a-z]+ \d{1,2}(?:st|nd|rd|th), \d{4}\b|\b\d{1,2}(?:st|nd|rd|th) [A-Z][a-z]+ \d{4}\b",
    "day first": r"\b\d{1,2} [A-Z][a-z]+ \d{4}\b",
    "wire dateline": r"^[A-Z]+, [A-Z][a-z]+\.? \d{1,2} \((?:Xinhua|Reuters)\)",
}


def written_gold() -> list[GoldDoc]:
    """The documents written for the project, with their split."""
    return [replace(doc, split=split) for split in WRITTEN for doc in load_gold(GOLD / split)]


def test_evaluation_gold_set_has_the_required_shape() -> None:
    docs = written_gold()
    splits = [d.split for d in docs]
    assert len(docs) >= 12 and splits.count("heldout") >= 5 and splits.count("dev") >= 7
    headers = ["\n".join(d.text.splitlines()[:12]) for d in docs]
    styles = {name for name, rx in HEADER_DATE_STYLES.items() for h in headers if re.search(rx, h, re.M)}
    assert len(styles) >= 2, styles
    for seed in SEEDS.glob("*.txt"):
        assert (GOLD / "dev" / seed.name).read_bytes() == seed.read_bytes()


def test_evaluation_extractor_meets_the_floors() -> None:
    from service import pipeline
    from service.config import Settings

    settings = Settings()
    gold = written_gold()
    scores = score(gold, {doc.id: pipeline.extract_file(doc.path, settings).events for doc in gold})
    figures = {name: scores.figure(name) for name in FLOORS if name != "overall"} | {"overall": scores.overall}
    assert {k: v for k, v in figures.items() if v < FLOORS[k]} == {}, format_table(scores)
