"""The one object the extraction components read and fill, and the small records it holds.

Every offset is a character offset into ``Document.text`` (end exclusive); token indices refer to
``Work.doc``, the spaCy ``Doc`` of the whole text.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol, TypeVar

from service.extract.gazetteer import Entry, Gazetteer
from service.model import Actor, Aid, Document, Event, TimeSpan


class _Spanned(Protocol):
    """Anything with a character span (mentions, temporal expressions)."""

    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


_SpannedT = TypeVar("_SpannedT", bound=_Spanned)


@dataclass(frozen=True)
class Sentence:
    """A sentence: character span, token span and the paragraph (line block) it sits in."""

    index: int
    start: int
    end: int
    token_start: int
    token_end: int
    paragraph: int


@dataclass(frozen=True)
class Mention:
    """An actor mention; ``ref`` is set for references resolved later ("they", "he")."""

    start: int
    end: int
    token_start: int
    token_end: int
    actor: Actor | None
    source: str  # gazetteer | acronym | organisation | person | group | reference | adjective
    ref: str | None = None  # previous_subject | previous_person | previous_org
    affiliations: tuple[Actor, ...] = ()


@dataclass(frozen=True)
class TimeMention:
    """A temporal expression with its interval; ``relative`` marks "subsequently"-like expressions."""

    start: int
    end: int
    text: str
    span: TimeSpan | None  # None for expressions relative to the previous event, dated with it
    relative: str | None = None  # after_previous | same_as_previous | relative (see temporal.tsv)
    future: bool = False
    rule: dict[str, str] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Situation:
    """A situation a text is about (an epidemic, a disaster, a war): a row of ``lexicon/situations.tsv``."""

    name: str
    start: date
    names: str = ""  # how a text names it (regular expression alternatives)
    refers: frozenset[str] = frozenset()  # the nouns that refer to it without naming it ("the outbreak")
    supplies: str | None = None  # the aid category of plain "materials" or "supplies" in a text about it


@dataclass(frozen=True)
class AidMention:
    """One aid item in the text; ``aggregate`` marks the item a shared value is put on."""

    start: int
    end: int
    aid: Aid
    aggregate: bool = False


@dataclass(frozen=True)
class Trigger:
    """A trigger word (or words) typed into an event type, with the frame that maps its slots to roles."""

    start: int
    end: int
    token_start: int
    token_end: int
    sentence: int
    type: str
    frame: str
    rule: str
    passive: bool = False
    reduced: bool = False  # a passive without "be": "test kits sent to Nepal"
    items_before: bool = False  # the aid stands before the trigger (passive, noun, "20 lakh doses reached …")
    nominal: bool = False
    planned: bool = False
    confidence: float = 0.9


@dataclass
class Roles:
    """Actors by role for one trigger, and how they were found."""

    agents: list[Actor] = field(default_factory=list)
    recipients: list[Actor] = field(default_factory=list)
    participants: list[Actor] = field(default_factory=list)
    places: list[Actor] = field(default_factory=list)
    pending: list[tuple[str, Mention]] = field(default_factory=list)  # references to resolve, by role
    agent_defaulted: bool = False


@dataclass
class Work:
    """A document on its way through the components; each component fills its part and returns it."""

    document: Document
    gazetteer: Gazetteer
    doc: Any = None  # spacy.tokens.Doc
    sentences: list[Sentence] = field(default_factory=list)
    acronyms: dict[str, Entry] = field(default_factory=dict)
    mentions: list[Mention] = field(default_factory=list)
    times: list[TimeMention] = field(default_factory=list)
    aid: list[AidMention] = field(default_factory=list)
    triggers: list[Trigger] = field(default_factory=list)
    barriers: list[int] = field(default_factory=list)  # tokens of trigger words that report no event
    events: list[Event] = field(default_factory=list)
    author: Actor | None = None
    city: Actor | None = None
    country: Entry | None = None
    period: tuple[date | None, date | None] = (None, None)  # the period the text is about ("to date")
    # the interval of an event with no date of its own or of its paragraph (see service.extract.dates)
    undated_period: tuple[date | None, date | None] = (None, None)
    anchor: date | None = None  # start of the situation the text is about ("the outbreak")
    situations: tuple[Situation, ...] = ()  # the situations it names, the one it names most often first
    inferred_published: date | None = None

    lookups: dict[tuple[str, str | None], Entry | None] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.document.text

    def lookup(self, text: str, within: str | None = None) -> Entry | None:
        """``Gazetteer.lookup``, remembered for this document: the same names recur on every page."""
        key = (text, within)
        if key not in self.lookups:
            self.lookups[key] = self.gazetteer.lookup(text, within=within)
        return self.lookups[key]

    def mention_at(self, offset: int) -> Mention | None:
        """The mention that covers a character offset (mentions do not overlap)."""
        starts = [m.start for m in self.mentions]
        i = bisect_right(starts, offset) - 1
        return self.mentions[i] if i >= 0 and self.mentions[i].start <= offset < self.mentions[i].end else None

    @property
    def published(self) -> date | None:
        """The publication date, else the one the text's header gives ("Date: 12.03.2021")."""
        return self.document.published or self.inferred_published

    def sentence_of(self, offset: int) -> Sentence | None:
        """The sentence that contains a character offset."""
        for sentence in self.sentences:
            if sentence.start <= offset < sentence.end:
                return sentence
        return None

    def in_sentence(self, items: list[_SpannedT], sentence: Sentence) -> list[_SpannedT]:
        """The items (anything with start/end) inside a sentence, in text order."""
        return [i for i in items if sentence.start <= i.start and i.end <= sentence.end]
