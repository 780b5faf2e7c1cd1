"""A deterministic corpus in the seeds' genre: press releases about aid and cooperation.

Each document reads like the seed articles — donations of masks and reagents, letters of
support, video conferences, border cooperation, policy measures — with actors drawn from the
shipped gazetteer (so they carry Wikidata QIDs), some counted groups ("48 sister cities"), aid
with quantities, units and values, and dates of every precision the extractor gives (day,
month, year, range, open). The same generator serves two uses:

* :func:`text_documents` — plain ``Document`` objects of about 3,000 words (or as many as asked), for extraction;
* :func:`extractions` — ``Extraction`` objects whose events are exactly the sentences written,
  with real character offsets, mapped to quads by ``service.rdf.mapping`` (:func:`quads`).

Everything derives from one ``random.Random(seed)`` per document, so a size is the same corpus
on every machine and every run.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from pyoxigraph import Quad, RdfFormat, serialize

from service import __version__
from service.extract.gazetteer import load_gazetteer
from service.model import Actor, Aid, Document, Event, Extraction, Money, TimeSpan
from service.rdf.iris import Iris
from service.rdf.mapping import document_quads

SEED = 20201020
BASE_IRI = "http://localhost:8000/"
EVENTS_PER_DOCUMENT = 40  # the longer seed (3,357 words) gives 47 events, the shorter 19
WORDS = 3000
FIRST_DAY, DAYS = date(2015, 1, 1), 3652  # publication dates spread over ten years
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # fmt: skip

# (event type, words before the trigger, trigger, words after it). Fields: {agent} {recipient}
# {place} {aid} {when}; a sentence starts with {when} or {agent}.
TEMPLATES: tuple[tuple[str, str, str, str], ...] = (
    ("aid_delivery", "{when}, {agent} ", "donated", " {aid} to {recipient} to support its fight against the epidemic."),
    ("aid_delivery", "{when}, a batch of {aid} provided by {agent} ", "arrived", " in {place} on a chartered flight."),
    ("aid_pledge", "{agent} ", "pledged", " {aid} to {recipient} {when}, to be delivered in the coming weeks."),
    ("communication", "{when}, {agent} ", "sent", " letters of support to {recipient}, expressing the willingness "
     "to cooperate closely against COVID-19."),
    ("communication", "{agent} held a telephone ", "conversation", " with {recipient} {when}, and the two sides "
     "agreed to keep in close communication."),
    ("meeting", "{agent} ", "held", " video conferences with {recipient} {when} to share experience in epidemic "
     "prevention and control."),
    ("visit", "{when}, a delegation of {agent} ", "visited", " {place} and met representatives of {recipient}."),
    ("cooperation_agreement", "{agent} and {recipient} ", "signed", " a memorandum of understanding on "
     "information-sharing in border areas {when}."),
    ("joint_operation", "{agent} ", "conducted", " joint border patrols and law enforcement drills with "
     "{recipient} {when}."),
    ("statement_of_support", "{when}, {agent} ", "expressed", " firm support for {recipient} in the fight against "
     "the pandemic."),
    ("policy_measure", "{when}, {agent} ", "rolled out", " a package of measures to promote a safe and open "
     "business environment for foreign-funded enterprises."),
    ("deployment", "{agent} ", "sent", " a medical team to {place} {when}, bringing testing kits and medicines."),
    ("other", "{when}, representatives of {agent} ", "attended", " the handover ceremony in {place}."),
)  # fmt: skip
FILLER = (
    "Human community shares a common future, and solidarity is the most powerful weapon in the fight against the "
    "virus.",
    "The epidemic is the most serious global public health emergency in decades, and no country can stand alone.",
    "Departments in the city's foreign affairs system pooled resources at home and abroad and took swift and "
    "strict measures.",
    "Information on the pandemic was exchanged daily through the three-tier border representative contact "
    "mechanism.",
    "The work of preventing imported cases remains arduous, and vigilance must not be relaxed.",
    "Foreign nationals living in the city were included in the community health management system.",
    "The international community spoke highly of the timely and transparent measures taken.",
    "Since the outbreak, the office has answered thousands of enquiries from foreign residents and companies.",
    "Hotlines in several languages were opened, and guides on prevention were translated and distributed.",
    "Experts stressed that the exchange of data and experience had saved lives on both sides of the border.",
    "The leaders agreed that the cooperation would continue once the situation improves.",
    "Joint prevention and control in border areas was strengthened, and illegal crossings were resolutely curbed.",
)  # fmt: skip
AID: tuple[tuple[str, str | None, str | None, int, int], ...] = (
    # (item, category, unit, smallest, largest quantity)
    ("masks", "masks", None, 10_000, 2_000_000),
    ("medical masks", "masks", None, 5_000, 500_000),
    ("protective gowns", "protective_clothing", None, 1_000, 100_000),
    ("gloves", "gloves", "pairs", 1_000, 300_000),
    ("virus detection reagents", "test_kits", "sets", 100, 20_000),
    ("ventilators", "ventilators", None, 2, 200),
    ("thermal imagers", None, None, 2, 60),
    ("doses of vaccine", "vaccines", "doses", 10_000, 1_000_000),
    ("rice", "food", "tonnes", 10, 5_000),
)
CURRENCIES = (("yuan", "CNY"), ("US dollars", "USD"), ("euros", "EUR"))
GROUPS = (("sister cities", "city"), ("countries", "country"), ("international organizations", "organisation"))


@dataclass(frozen=True)
class Cast:
    """Who can act: actors of the gazetteer by kind (all with a QID), plus a few unlinked bodies."""

    countries: tuple[Actor, ...]
    cities: tuple[Actor, ...]
    organisations: tuple[Actor, ...]

    def pick(self, rng: random.Random) -> Actor:
        pool = rng.choices((self.countries, self.cities, self.organisations), weights=(5, 2, 3))[0]
        return rng.choice(pool)


@cache
def cast() -> Cast:
    """The gazetteer's countries, cities and organisations with a QID, in file order."""
    by_kind: dict[str, list[Actor]] = {"country": [], "city": [], "organisation": []}
    for entry in load_gazetteer():
        if entry.qid and entry.kind in by_kind:
            by_kind[entry.kind].append(Actor(entry.name, entry.kind, entry.qid))
    unlinked = [Actor(f"{name} Department of Foreign Affairs", "organisation") for name in ("Municipal", "Provincial")]
    return Cast(tuple(by_kind["country"]), tuple(by_kind["city"]), tuple(by_kind["organisation"] + unlinked))


def span(rng: random.Random, published: date) -> TimeSpan:
    """A date as press releases give them: mostly days and months before publication, some longer."""
    day = published - timedelta(days=rng.randrange(0, 120))
    r = rng.random()
    if r < 0.50:
        return TimeSpan(day, day, "day", f"On {day.day} {MONTHS[day.month - 1]} {day.year}")
    if r < 0.75:
        first = day.replace(day=1)
        last = date(first.year + first.month // 12, first.month % 12 + 1, 1) - timedelta(days=1)
        return TimeSpan(first, last, "month", f"In {MONTHS[day.month - 1]} {day.year}")
    if r < 0.85:
        return TimeSpan(date(day.year, 1, 1), date(day.year, 12, 31), "year", f"In {day.year}")
    if r < 0.97:
        return TimeSpan(day, published, "range", "Since the outbreak")
    return TimeSpan(None, published, "unknown", "To date", "publication")


def _aid(rng: random.Random) -> tuple[Aid, str]:
    item, category, unit, low, high = rng.choice(AID)
    quantity = rng.randint(low, high)
    phrase = f"{quantity:,} {unit + ' of ' if unit else ''}{item}"
    value = None
    if rng.random() < 0.4:
        words, code = rng.choice(CURRENCIES)
        millions = rng.randint(1, 90)
        value = Money(millions * 1_000_000.0, code)
        phrase += f" worth {millions} million {words}"
    return Aid(item, category, float(quantity), unit, value), phrase


def _recipient(rng: random.Random, cast: Cast) -> tuple[Actor, str]:
    if rng.random() < 0.1:
        name, kind = rng.choice(GROUPS)
        count = rng.randint(3, 60)
        return Actor(name, kind, None, True, count, mention=f"{count} {name}"), f"{count} {name}"
    actor = cast.pick(rng)
    return actor, actor.name


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _sentence(rng: random.Random, cast: Cast, published: date) -> tuple[str, str, int, dict[str, object]]:
    """(sentence, event type, trigger offset in the sentence, event fields) of one event."""
    kind, before, trigger, after = rng.choice(TEMPLATES)
    agent = cast.pick(rng)
    recipient, recipient_text = _recipient(rng, cast)
    place = rng.choice(cast.cities + cast.countries)
    when = span(rng, published)
    aid, aid_text = _aid(rng) if "{aid}" in before + after else (None, "")
    words = {"agent": agent.name, "recipient": recipient_text, "place": place.name, "aid": aid_text}
    written = when.expression if before.startswith("{when}") else _lower_first(when.expression or "")
    when = replace(when, expression=written)
    words["when"] = written
    head, tail = before.format(**words), after.format(**words)
    head = head[:1].upper() + head[1:]
    fields: dict[str, object] = {"date": when, "agents": (agent,), "aid": (aid,) if aid else ()}
    if "{recipient}" in before + after:
        fields["recipients"] = (recipient,)
    if "{place}" in before + after:
        fields["places"] = (place,)
    return head + trigger + tail, kind, len(head), fields


def _document(index: int, seed: int, events: int, words: int) -> Extraction:
    """Document ``index`` of the corpus ``seed``: ``events`` event sentences in filler prose, ``words`` long."""
    rng = random.Random(f"{seed}-{index}")
    published = FIRST_DAY + timedelta(days=rng.randrange(DAYS))
    doc_id = f"bench-{seed}-{index:07d}"
    title = f"Solidarity against the epidemic: cooperation report no. {index}"
    text = f"{title}\n\n{published.isoformat()}\n\n"
    cast_ = cast()
    out: list[Event] = []
    count = len(text.split())
    while len(out) < events or count < words:
        if len(out) < events and (count >= words or rng.random() < 0.45):
            sentence, kind, at, fields = _sentence(rng, cast_, published)
            start = len(text)
            trigger = sentence[at:].split(" ")[0] if kind != "policy_measure" else "rolled out"
            out.append(
                Event(
                    id=f"{doc_id}-{len(out) + 1:03d}", type=kind, trigger=trigger, sentence=sentence,
                    sentence_start=start, sentence_end=start + len(sentence), trigger_start=start + at,
                    trigger_end=start + at + len(trigger), confidence=round(rng.uniform(0.5, 1.0), 2),
                    planned=kind == "aid_pledge", **fields,  # type: ignore[arg-type]
                )
            )  # fmt: skip
        else:
            sentence = rng.choice(FILLER)
        text += sentence + ("\n\n" if rng.random() < 0.2 else " ")
        count += len(sentence.split())
    document = Document(doc_id, text, title, published, "Bench Foreign Affairs Office", origin=f"{doc_id}.txt")
    return Extraction(document, tuple(out))


def text_documents(count: int, seed: int = SEED, words: int = WORDS) -> Iterator[Document]:
    """``count`` documents of about ``words`` words, for extraction, with as many events a word as
    the 3,000-word ones (40: a 220-word document has 3)."""
    events = max(1, round(EVENTS_PER_DOCUMENT * words / WORDS))
    return (_document(i, seed, events, words).document for i in range(count))


def extractions(events: int, seed: int = SEED, per_document: int = EVENTS_PER_DOCUMENT) -> Iterator[Extraction]:
    """Extractions holding ``events`` events in all, ``per_document`` to a document."""
    for index, first in enumerate(range(0, events, per_document)):
        yield _document(index, seed, min(per_document, events - first), WORDS)


def quads(extraction: Extraction, iris: Iris | None = None) -> tuple[list[Quad], list[Quad]]:
    """The document's graph and its shared quads, exactly as ingest writes them."""
    return document_quads(extraction, iris or Iris(BASE_IRI), __version__)


def write_nquads(events: int, path: Path, seed: int = SEED) -> int:
    """Write the corpus of ``events`` events as N-Quads (all documents, shared quads included); the quad count."""
    iris, total = Iris(BASE_IRI), 0
    tmp = path.with_suffix(".part")
    with tmp.open("wb") as out:
        for extraction in extractions(events, seed):
            local, shared = quads(extraction, iris)
            serialize(local + shared, out, RdfFormat.N_QUADS)
            total += len(local) + len(shared)
    tmp.rename(path)
    return total
