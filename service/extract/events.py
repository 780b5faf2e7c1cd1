"""Assemble events: one per trigger, with roles, date, aid, evidence and a confidence.

Per sentence, in document order: roles come from :mod:`roles`; references are resolved by
:mod:`resolve`; a trigger without an agent takes the agents of the previous event of its sentence
("NIA has provided … and has given away …"; "received letters from 24 sister cities, and donations to
us …") and its confidence drops. Actors the text leaves out are left out: no agent is borrowed from
another sentence. Distinct trigger words make distinct events; the same word twice, a noun in a
verb's object ("received a donation of …") or a participle describing it ("planes carrying aid") is
the same action. A planned trigger ("will …") is kept only with a concrete object or date, a
cooperation only with someone named. Headline events take the date of the body event they announce.

Confidence starts from the trigger rule's and drops when no agent is named, when the agent comes
from another clause, and when the date comes from the paragraph or the document.
"""

from __future__ import annotations

import re
from dataclasses import replace

from service.extract import tables
from service.extract.aid import select_items
from service.extract.dates import event_span
from service.extract.identity import actor_for
from service.extract.resolve import resolve
from service.extract.roles import assign, mention_lists
from service.extract.work import Roles, Sentence, Trigger, Work
from service.model import Actor, Aid, Event, TimeSpan

_AID_TYPES = frozenset({"aid_delivery", "aid_pledge"})
_BETWEEN = frozenset({"joint_operation", "cooperation_agreement"})  # no such event without an actor named
_ROLES = ("agents", "recipients", "participants", "places")


def assemble_events(work: Work) -> Work:
    """Fill ``work.events`` in document order with stable ids."""
    drafts: list[Event] = []
    previous_subject: list[Actor] = []
    previous: TimeSpan | None = None
    paragraph: tuple[int, TimeSpan] | None = None
    for sentence in work.sentences:
        triggers = [t for t in work.triggers if t.sentence == sentence.index]
        lists = mention_lists(work, sentence, triggers)
        subject = [m.actor for item in lists if item.slot == "subject" for m in item.members if m.actor]
        if not triggers:
            previous_subject = subject[:] or previous_subject
            paragraph = _sentence_time(work, sentence) or paragraph
            continue
        events: list[tuple[Trigger, Event]] = []
        for trigger, roles in zip(triggers, assign(work, sentence, triggers, lists), strict=True):
            resolve(
                work, roles, previous_subject, events[-1][1] if events else (drafts[-1] if drafts else None), sentence
            )
            _inherit(trigger, roles, events)
            _joint_opening(work, sentence, roles, events)
            _donor_adjective(work, sentence, trigger, roles)
            in_paragraph = paragraph[1] if paragraph and paragraph[0] == sentence.paragraph else None
            span = event_span(work, trigger, previous, in_paragraph)
            event = _event(work, sentence, trigger, roles, span)
            if event is None:
                continue
            previous = event.date
            if event.date.basis in ("explicit", "paragraph") and not event.planned:
                paragraph = (sentence.paragraph, event.date)
            events = _merge(work, events, trigger, event)
        drafts += [e for _, e in events]
        previous_subject = next((list(e.agents) for _, e in events if e.agents), subject or previous_subject)
    drafts = _date_headlines(work, drafts)
    work.events = [replace(e, id=f"{work.document.id}-{n:03d}") for n, e in enumerate(drafts, start=1)]
    return work


def _date_headlines(work: Work, events: list[Event]) -> list[Event]:
    """A headline's event takes the date of the body event it announces, widened to the publication date."""
    title = " ".join((work.document.title or "").split())
    if not title or work.published is None:
        return events
    out = []
    for k, event in enumerate(events):
        body = None
        if " ".join(event.sentence.split()) == title:
            body = next((e for e in events[k + 1 :] if e.type == event.type and e.date.basis != "document"), None)
        if body is not None and body.date.earliest is not None and body.date.earliest <= work.published:
            event = replace(event, date=TimeSpan(body.date.earliest, work.published, "range", None, "document"))
        out.append(event)
    return out


def _sentence_time(work: Work, sentence: Sentence) -> tuple[int, TimeSpan] | None:
    """The date a sentence without events fixes for its paragraph ("Tan told a press conference on Tuesday …")."""
    times = [t for t in work.in_sentence(work.times, sentence) if t.span and t.span.earliest and not t.future]
    if not times or times[-1].relative:
        return None
    return sentence.paragraph, replace(times[-1].span, basis="explicit")


# "Chinese-donated vaccines arrive …", "U.S.-funded hospital": the adjective names the giver.
_DONOR_ADJECTIVE = re.compile(
    r"(?<![\w-])(?P<adj>[A-Z][\w.’']*?)-(?:donated|funded|financed|supplied|provided|gifted|sponsored)\b"
)


_JOINT_OPENING = re.compile(
    r"\W*(?:together|jointly|in\s+(?:cooperation|partnership|coordination|collaboration))\s+with\b", re.IGNORECASE
)


def _joint_opening(work: Work, sentence: Sentence, roles: Roles, events: list[tuple[Trigger, Event]]) -> None:
    """ "Together with WHO, IOM conducted … and distributed …": the partner joins every verb of the sentence."""
    if roles.participants or not events or not _JOINT_OPENING.match(work.text, sentence.start):
        return
    roles.participants.extend(a for a in events[0][1].participants if a not in roles.agents)


def _donor_adjective(work: Work, sentence: Sentence, trigger: Trigger, roles: Roles) -> None:
    """An aid event without an agent takes the country of a "<Adjective>-donated" before its trigger."""
    if roles.agents or trigger.type not in _AID_TYPES:
        return
    for m in _DONOR_ADJECTIVE.finditer(work.text, sentence.start, trigger.start):
        entry = work.gazetteer.by_adjective(m.group("adj")) or work.lookup(m.group("adj"))
        if entry is not None and entry.kind == "country":
            roles.agents.append(actor_for(entry, work.gazetteer, m.group(0)))
            roles.agent_defaulted = True  # read from a modifier, not a subject: lower confidence
            return


def _inherit(trigger: Trigger, roles: Roles, events: list[tuple[Trigger, Event]]) -> None:
    """Agents shared within a sentence: coordinated verbs share a subject, a noun takes its giver from the
    "received … from" before it. Actors the text leaves out are left out (no defaults from other sentences)."""
    if roles.agents or (trigger.passive and not trigger.reduced) or not events:
        return
    if tables.frames().get(trigger.frame, {}).get("subject") != "agents":
        return
    earlier, event = events[-1]
    if not trigger.nominal and tables.frames().get(earlier.frame, {}).get("subject") == "recipients":
        return  # "Beijing has received …, and …": the receiver is not the next verb's agent
    if not trigger.nominal and earlier.nominal:
        return  # "welcomed China's donation … and expressed …": the noun's owner is not the subject
    roles.agents.extend(event.agents)
    roles.agent_defaulted = True


def _event(work: Work, sentence: Sentence, trigger: Trigger, roles: Roles, span: TimeSpan) -> Event | None:
    aid = _aid(work, trigger, sentence) if trigger.type in _AID_TYPES else ()
    future = bool(span.earliest and work.published and span.earliest > work.published)
    planned = trigger.planned or future
    if trigger.planned and not (aid or span.basis == "explicit" or trigger.type == "aid_pledge"):
        return None  # "we will continue to …": an intention, not an event
    if trigger.type in _BETWEEN and not (roles.agents or roles.recipients or roles.participants):
        return None  # "working closely with the foreign affairs system": a cooperation with nobody named
    if trigger.type == "aid_pledge":
        planned = future
    if not planned and work.published and span.latest and span.latest > work.published:
        span = replace(span, latest=work.published, earliest=min(span.earliest or work.published, work.published))
    confidence = trigger.confidence - (0.15 if not roles.agents else 0) - (0.1 if roles.agent_defaulted else 0)
    confidence -= {"explicit": 0.0, "paragraph": 0.05}.get(span.basis, 0.1)
    sentence_text = work.text[sentence.start : sentence.end]
    return Event(
        id="",
        type=trigger.type,
        trigger=work.text[trigger.start : trigger.end],
        sentence=sentence_text,
        date=span,
        **{role: _unique(getattr(roles, role)) for role in _ROLES},
        aid=aid,
        sentence_start=sentence.start,
        sentence_end=sentence.end,
        trigger_start=trigger.start,
        trigger_end=trigger.end,
        confidence=max(0.05, min(0.99, confidence)),
        planned=planned,
    )


def _aid(work: Work, trigger: Trigger, sentence: Sentence) -> tuple[Aid, ...]:
    """The aid items in the trigger's stretch: from the trigger to the next trigger or clause-ending word; from
    the clause start when the items stand before it ("1,000 masks were sent", "20 lakh doses reached …").
    Items right before a reduced passive are that one's ("…, in addition to 100 ventilators sent to Nepal")."""
    doc = work.doc
    triggers = [t for t in work.triggers if t.sentence == trigger.sentence]
    later = [t for t in triggers if t.start > trigger.start]
    barriers = [doc[b].idx for b in work.barriers if trigger.end <= doc[b].idx < sentence.end]
    earlier = [t.end for t in triggers if t.end <= trigger.start]
    earlier += [doc[b].idx + len(doc[b]) for b in work.barriers if sentence.start <= doc[b].idx < trigger.start]
    lo = trigger.start
    if trigger.items_before:
        lo = max(earlier, default=sentence.start)
        if trigger.reduced:
            lo = _run_start(work, trigger.start, lo)
    hi = min([later[0].start] + barriers if later else [sentence.end] + barriers)
    if later and later[0].reduced:
        hi = _run_start(work, later[0].start, trigger.end)
    return select_items(work, [a for a in work.aid if lo <= a.start and a.end <= hi])


def _run_start(work: Work, offset: int, floor: int) -> int:
    """Where the list of aid items that ends right before ``offset`` begins ("100 ventilators and 20,000 test kits")."""
    start = offset
    for item in sorted((a for a in work.aid if floor <= a.start and a.end <= offset), key=lambda a: -a.start):
        gap = work.text[item.end : start].strip(" ,")
        if gap not in ("", "and", "as well as", "or"):
            break
        start = item.start
    return start


def _unique(actors: list[Actor]) -> tuple[Actor, ...]:
    seen: set[tuple] = set()
    out = []
    for a in actors:
        key = (a.wikidata or a.name.casefold(), a.group, a.count)
        if key not in seen:
            seen.add(key)
            out.append(a)
    return tuple(out)


def _merge(work: Work, events: list[tuple[Trigger, Event]], trigger: Trigger, event: Event) -> list:
    """Fold an event into an earlier one of its sentence when both report the same action."""
    for k, (earlier, other) in enumerate(events):
        if other.type != event.type or not _same_action(work, earlier, trigger):
            continue
        merged = replace(
            other,
            **{role: _unique(list(getattr(other, role)) + list(getattr(event, role))) for role in _ROLES},
            aid=other.aid + tuple(a for a in event.aid if a not in other.aid),
            confidence=max(other.confidence, event.confidence),
            # "… donated by China … arrived in Bishkek on Tuesday": the one action's date is the stated one
            date=event.date if other.date.basis != "explicit" and event.date.basis == "explicit" else other.date,
        )
        return events[:k] + [(earlier, merged)] + events[k + 1 :]
    return events + [(trigger, event)]


def _same_action(work: Work, earlier: Trigger, later: Trigger) -> bool:
    """The same trigger word twice ("20 lakh doses reached … and 10 lakh doses reached …"), or a noun in the
    verb's object ("received a donation of", "replied letters or phone calls"); distinct verbs are distinct acts."""
    if work.text[earlier.start : earlier.end].lower() == work.text[later.start : later.end].lower():
        return True
    between = work.text[earlier.end : later.start]
    if later.frame == "arrive" and earlier.reduced and "," not in between:
        return True  # "a batch … donated by China to Mongolia arrived in Ulaanbaatar": one delivery
    participle = work.doc[later.token_start].lower_.endswith("ing") and not later.nominal
    if participle and "," not in between:
        return True  # "sent three planes carrying 120 tonnes of aid": the participle describes the object
    if work.doc[earlier.token_start].lower_.endswith("ing") and not earlier.nominal and "," not in between:
        return True  # "a flight carrying 25 tonnes of medical supplies landed in Beira": one delivery
    if not later.nominal:
        return False
    between = work.doc[earlier.token_end : later.token_start]
    return all(t.text != "," and not re.fullmatch(r"[a-z]+(?:ing|ed)", t.text) for t in between)
