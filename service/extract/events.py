"""Assemble events: one per trigger, with roles, date, aid, evidence and a confidence.

Per sentence, in document order: roles come from :mod:`roles`, and what they leave empty from the
dependency parse (:mod:`dependencies`); references are resolved by :mod:`resolve`. An aid act or
deployment still without a recipient takes the beneficiary of its purpose ("… to help Georgia"), the
countries of the population it is for ("to support people affected … in Bangladesh"; with no country
named, the population itself: "to help affected communities"), the country label of its headline
("Ukraine: EU delivers …") or the requester it answers ("In response to
a request from Samoa"); people of a named country stand for it ("Albanian families"), and personnel
for their country ("An Australian engineer will assist"). A trigger without an agent takes the agents
of the previous event of its sentence
("NIA has provided … and has given away …"; "received letters from 24 sister cities, and donations to
us …") and its confidence drops. Actors the text leaves out are left out: no agent is borrowed from
another sentence. Distinct trigger words make distinct events; the same word twice, a noun in a
verb's object ("received a donation of …") or a participle describing it ("planes carrying aid") is
the same action, and so is a noun that is the verb's subject ("the first deliveries arrived"); an aid
noun in the object of a verb of another type ("coordinated the delivery of …") is no act of its own
unless its giver is named, and one after "this" that adds nothing ("This additional donation will
help …") re-mentions an act told before. A planned trigger ("will …") is kept only with a concrete
object or date, unless it is a pledge, a deployment or a cooperation; a cooperation only with someone
named. A giving act announced under a modal cue ("Australia will provide $155,000") is a pledge
(:mod:`modality`). A planned act the text does not date runs from the publication to the end of the
following month. Headline events take the date of the body event they announce.

Confidence starts from the trigger rule's and drops when no agent is named, when the agent comes
from another clause, and when the date comes from the paragraph or the document.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from functools import lru_cache

from service.extract import tables
from service.extract.aid import select_items
from service.extract.dates import AFTER_PUBLICATION, default_span, event_span
from service.extract.dependencies import refine
from service.extract.identity import actor_for
from service.extract.metonyms import read_capitals
from service.extract.modality import pledged
from service.extract.resolve import resolve
from service.extract.roles import assign, mention_lists, relative
from service.extract.work import Mention, Roles, Sentence, Trigger, Work
from service.model import Actor, Aid, Event, TimeSpan

_AID_TYPES = frozenset({"aid_delivery", "aid_pledge"})
_BETWEEN = frozenset({"joint_operation", "cooperation_agreement"})  # no such event without an actor named
_ROLES = ("agents", "recipients", "participants", "places")
# planned acts that are events without an object or a date: a promise, a team sent, a cooperation announced
_PLANNED_KEPT = frozenset({"aid_pledge", "deployment", "joint_operation"})


def assemble_events(work: Work) -> Work:
    """Fill ``work.events`` in document order with stable ids."""
    drafts: list[Event] = []
    previous_subject: list[Actor] = []
    previous: TimeSpan | None = None
    paragraph: tuple[int, TimeSpan] | None = None
    readings = []
    for sentence in work.sentences:
        triggers = [t for t in work.triggers if t.sentence == sentence.index]
        lists = mention_lists(work, sentence, triggers)
        readings.append((sentence, triggers, lists, assign(work, sentence, triggers, lists) if triggers else []))
    refine(work, readings)  # roles the rules left empty, from the parse of those sentences (one batch)
    for sentence, triggers, lists, found in readings:
        subject = [m.actor for item in lists if item.slot == "subject" for m in item.members if m.actor]
        if not triggers:
            previous_subject = subject[:] or previous_subject
            paragraph = _sentence_time(work, sentence) or paragraph
            continue
        events: list[tuple[Trigger, Event]] = []
        for trigger, roles in zip(triggers, found, strict=True):
            resolve(
                work, roles, previous_subject, events[-1][1] if events else (drafts[-1] if drafts else None), sentence
            )
            if _object_noun(work, trigger, triggers) and not roles.agents:
                continue  # "coordinated the delivery of assistance": no act of its own without a giver named
            if not relative(work, trigger):
                _inherit(trigger, roles, events)
            _joint_opening(work, sentence, roles, events)
            _donor_adjective(work, sentence, trigger, roles)
            _personnel_country(work, sentence, trigger, roles)
            _people_of_countries(work, sentence, roles)
            _beneficiary(work, sentence, trigger, roles)
            read_capitals(work, roles)
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
    drafts = _date_headlines(work, _date_readout(work, drafts))
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


def _date_readout(work: Work, events: list[Event]) -> list[Event]:
    """A readout ("Japan-Malaysia Foreign Ministers' Telephone Talk", "PM call with …"): what its items report
    without a date of their own was said in the call, on the call's day (guidelines, rule 30)."""
    kind = _readout_kind(work.document.title or "")
    if kind is None:
        return events
    call = next(
        (e for e in events if e.type == kind and e.date.basis == "explicit" and e.date.precision == "day"), None
    )
    if call is None:
        return events
    at = events.index(call)
    return [
        replace(e, date=replace(call.date, basis="paragraph"))
        if k > at and e.date.basis == "document" and not e.planned
        else e
        for k, e in enumerate(events)
    ]


def _readout_kind(title: str) -> str | None:
    """The type of the call or meeting a title announces by a noun ("Telephone Talk", "call with"), or None."""
    words = " ".join(re.findall(r"[\w-]+", title.lower()))
    for rule in tables.trigger_rules():
        if rule["type"] in ("communication", "meeting") and any(
            re.search(rf"\b{re.escape(noun)}\b", words) for noun in rule.get("noun", [])
        ):
            return str(rule["type"])
    return "communication" if re.search(r"\bcall with\b", words) else None


def _sentence_time(work: Work, sentence: Sentence) -> tuple[int, TimeSpan] | None:
    """The date a sentence without events fixes for its paragraph ("Tan told a press conference on Tuesday …")."""
    times = [t for t in work.in_sentence(work.times, sentence) if t.span and t.span.earliest and not t.future]
    span = times[-1].span if times and not times[-1].relative else None
    if span is None:
        return None
    return sentence.paragraph, replace(span, basis="explicit")


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


_GIVING_TYPES = frozenset({"aid_delivery", "aid_pledge", "deployment"})


def _beneficiary(work: Work, sentence: Sentence, trigger: Trigger, roles: Roles) -> None:
    """An aid act or deployment with no recipient named takes the beneficiary of its purpose ("… to help Georgia
    respond", "to support the efforts of the Government of …"), else the requester it answers ("In response to a
    request from Samoa, Australia has provided …")."""
    if roles.recipients or trigger.type not in _GIVING_TYPES | {"statement_of_support"}:
        return
    mentions = [m for m in _sentence_mentions(work, sentence) if m.actor is not None]
    if trigger.type == "statement_of_support":  # "stands with communities in Bangladesh"
        roles.recipients.extend(_population_countries(work, mentions, trigger.end, sentence.end))
        return
    label = re.match(r"\s*([^:]{2,40}):\s", work.text[sentence.start : sentence.end])
    if label:  # "Ukraine: EU delivers additional assistance": the headline's subject line names the receiver
        named = [
            m.actor
            for m in mentions
            if m.actor is not None
            and m.start == sentence.start + label.start(1)
            and m.end == sentence.start + label.end(1)
        ]
        if named and named[0].kind == "country" and named[0] not in roles.agents:
            roles.recipients.append(named[0])
            return
    purpose = _purpose_pattern()
    later = [t.start for t in work.triggers if t.sentence == sentence.index and t.start > trigger.start]
    for match in purpose.finditer(work.text, trigger.end, min(later + [sentence.end])):
        starts = {match.end(), match.start("the") if match.group("the") else match.end()}
        found = [m.actor for m in mentions if m.actor is not None and m.start in starts and not m.actor.group]
        if found:
            roles.recipients.append(found[0])
            return
    countries = _population_countries(work, mentions, trigger.end, min(later + [sentence.end]), people=True)
    if countries:
        roles.recipients.extend(a for a in countries if a not in roles.agents)
        return
    request = _request_pattern()
    for match in request.finditer(work.text, sentence.start, trigger.start):
        the = re.match(r"the\s+", work.text[match.end() : match.end() + 4], re.I)
        at = (match.end(), match.end() + (the.end() if the else 0))
        found = [m.actor for m in mentions if m.actor is not None and m.start in at]
        if found:
            roles.recipients.append(found[0])
            return


def _population_countries(
    work: Work, mentions: list[Mention], start: int, end: int, people: bool = False
) -> list[Actor]:
    """The countries of a beneficiary population the act is for: "to support people affected by … in Guatemala,
    Honduras, and Nicaragua", "aid to those most affected in Indonesia" (people of a named country are it). With
    ``people``, a population in no named country is itself the group that receives."""
    heads = tables.word_classes().get("affected_people", frozenset())
    pattern = _population_pattern()
    direct = pattern.match(work.text, start, end)  # "stands with communities in Bangladesh"
    led = [m for m in pattern.finditer(work.text, start, end) if m.group("to")]
    for match in ([direct] if direct else []) + led:
        if match.group("head").lower() not in heads:
            continue
        stop = _PHRASE_END.search(work.text, match.end(), end)
        limit = stop.start() if stop else end
        found: list[Actor] = []
        for m in sorted(mentions, key=lambda m: m.start):
            if not (match.end() <= m.start < limit) or m.actor is None or m.actor.group or m.actor.kind != "country":
                continue
            if m.actor not in found:
                found.append(m.actor)
        for word in re.finditer(r"\b[A-Z][a-z]+\b", work.text[match.end() : limit]):
            entry = work.gazetteer.by_adjective(word.group())
            if entry is not None and entry.kind == "country":  # "victims of Indonesian earthquake"
                actor = actor_for(entry, work.gazetteer, word.group())
                if actor not in found:
                    found.append(actor)
        generic = match.group("phrase").lower() == "people"  # "to help people solve various problems"
        to_led = (match.group("to") or "").lower().startswith("to")  # not a purpose's "for the most vulnerable"
        if not found and people and to_led and not generic:  # "to help affected communities", "to communities …"
            tail = _AFFECTED_BY.match(work.text, match.end(), limit)
            name = " ".join(work.text[match.start("phrase") : tail.end() if tail else match.end()].split())
            found.append(Actor(name=name, kind="person", group=True, mention=name))
        return found
    return []


_AFFECTED_BY = re.compile(r"\s+(?:affected|impacted|hit)\s+by\s+[^,;:.]*[^,;:.\s]")


# Where a population phrase ends: a clause, a stop, or a comma that opens no list of names.
_PHRASE_END = re.compile(
    r"[;:.—–(]|\b(?:that|which|who|whose|where|while|and\s+to|as\s+well\s+as)\b"
    r"|,\s+(?![A-Z]|and\s+[A-Z]|or\s+[A-Z])"
)


@lru_cache(maxsize=1)
def _population_pattern() -> re.Pattern[str]:
    verbs = "|".join(sorted(tables.function_word_set("beneficiary_verbs")))
    modifiers = "|".join(sorted(tables.word_classes().get("population_modifiers", frozenset())))
    return re.compile(
        rf"\s*(?P<to>\bto\s+(?:(?:{verbs})\s+)?|\bfor\s+)?(?:the\s+|all\s+)?"
        rf"(?P<phrase>(?:(?:{modifiers}|[a-z]+-affected)\s+){{0,2}}(?P<head>[a-z]+))\b",
        re.I,
    )


@lru_cache(maxsize=1)
def _purpose_pattern() -> re.Pattern[str]:
    verbs = "|".join(sorted(tables.function_word_set("beneficiary_verbs")))
    return re.compile(rf"\s+to\s+(?:{verbs})\s+(?:the\s+(?:efforts?|work|response)\s+of\s+)?(?P<the>the\s+)?", re.I)


@lru_cache(maxsize=1)
def _request_pattern() -> re.Pattern[str]:
    nouns = "|".join(sorted(tables.function_word_set("asked")))
    return re.compile(rf"\b(?:{nouns})\s+(?:for\s+\w+\s+)?from\s+", re.I)


def _sentence_mentions(work: Work, sentence: Sentence) -> list[Mention]:
    """The sentence's mentions, found once per sentence."""
    cache: dict[int, list[Mention]] = work.doc.user_data.setdefault("eventgraph.sentence_mentions", {})
    if sentence.index not in cache:
        cache[sentence.index] = work.in_sentence(work.mentions, sentence)
    return cache[sentence.index]


def _people_of_countries(work: Work, sentence: Sentence, roles: Roles) -> None:
    """People of a named country stand for it: "the many Albanian families", "communities in Bangladesh"."""
    represented = tables.word_classes().get("represented", frozenset())
    if not any(a.group and a.name.split()[-1].lower() in represented for a in roles.recipients):
        return
    mentions = [m for m in _sentence_mentions(work, sentence) if m.actor is not None]
    out: list[Actor] = []
    for actor in roles.recipients:
        country = None
        if actor.group and actor.name.split()[-1].lower() in represented:
            entry = work.gazetteer.by_adjective(actor.name.split()[0])
            if entry is not None and entry.kind == "country":
                country = actor_for(entry, work.gazetteer, actor.name)
            for m in mentions:
                if m.actor is actor or (m.actor is not None and m.actor.name == actor.name and m.actor.group):
                    after = re.match(r"\s+in\s+(?:the\s+)?", work.text[m.end : m.end + 8])
                    there = [
                        k.actor for k in mentions if k.actor is not None and after and k.start == m.end + after.end()
                    ]
                    if there and there[0].kind == "country":
                        country = there[0]
                    of = re.match(r"\s+of\s+(?:the\s+)?([A-Z][a-z]+)\s+[a-z]", work.text[m.end : m.end + 40])
                    state = work.gazetteer.by_adjective(of.group(1)) if of else None
                    if of and state is not None and state.kind == "country":  # "victims of the Indonesian earthquake"
                        country = actor_for(state, work.gazetteer, of.group(1))
        out.append(country or actor)
    roles.recipients[:] = out
    roles.places[:] = [p for p in roles.places if p not in out]


def _personnel_country(work: Work, sentence: Sentence, trigger: Trigger, roles: Roles) -> None:
    """A deployment without an agent named takes the country of its personnel ("An Australian structural engineer
    will assist …", "Chinese medical experts arrived …")."""
    if roles.agents or trigger.type != "deployment":
        return
    personnel = tables.word_classes().get("personnel", frozenset())
    doc = work.doc
    for k in range(sentence.token_start, trigger.token_start):
        if not doc[k].is_title or doc[k].lower_ in personnel:
            continue
        entry = work.gazetteer.by_adjective(doc[k].text)
        following = [t.lower_ for t in doc[k + 1 : min(trigger.token_start, k + 4)]]
        if entry is not None and entry.kind == "country" and any(w in personnel for w in following):
            roles.agents.append(actor_for(entry, work.gazetteer, doc[k].text))
            roles.agent_defaulted = True
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


def _told_as_past(work: Work, trigger: Trigger) -> bool:
    """The trigger verb is a past form ("delivered", "was flown in"), not a noun or a bare/future form."""
    lemma = tables.trigger_rule(trigger.rule).get("verb")
    if trigger.nominal or not lemma:
        return False
    word = work.doc[trigger.token_start].lower_
    return word != lemma and not word.endswith(("s", "ing"))


def _reported_after(work: Work, span: TimeSpan) -> bool:
    """A day the text names a few days after the publication date (publication dates are approximate)."""
    return bool(
        work.published
        and span.basis == "explicit"
        and span.precision == "day"
        and span.latest
        and span.latest <= work.published + AFTER_PUBLICATION
    )


def _event(work: Work, sentence: Sentence, trigger: Trigger, roles: Roles, span: TimeSpan) -> Event | None:
    aid = _aid(work, trigger, sentence) if trigger.type in _AID_TYPES else ()
    if trigger.nominal and not aid and not roles.recipients and _demonstrative(work, trigger):
        return None  # "This additional EU donation will help …": the donation told before, nothing new
    if trigger.nominal and not aid and _effect_subject(work, trigger):
        return None  # "saying that the donation will help Cambodia …": aid as the subject tells an effect (rule 33)
    if aid and pledged(work, sentence, trigger):
        trigger = replace(trigger, type="aid_pledge")  # "Australia will provide $155,000": announced
        if span.earliest and work.published and span.earliest > work.published:
            # "will ship 2 million doses next week": the pledge is dated when made, not when the delivery is due
            span = default_span(work)
    future = bool(span.earliest and work.published and span.earliest > work.published)
    if future and not trigger.planned and span.basis == "explicit" and _told_as_past(work, trigger):
        # "was flown in on 1 May" on a page dated 30 April: publication dates are approximate, the act is told done
        future = bool(span.earliest and work.published and span.earliest > work.published + AFTER_PUBLICATION)
    planned = trigger.planned or future or bool(tables.trigger_rule(trigger.rule).get("planned"))
    if trigger.planned and not (aid or span.basis == "explicit" or trigger.type in _PLANNED_KEPT):
        return None  # "we will continue to …": an intention, not an event
    if trigger.type in _BETWEEN and not (roles.agents or roles.recipients or roles.participants):
        return None  # "working closely with the foreign affairs system": a cooperation with nobody named
    if trigger.type == "aid_pledge":
        planned = future
    if planned and span.basis == "document" and work.published:
        # a planned act the text does not date: from the publication to the end of the following month
        span = TimeSpan(work.published, _end_of_next_month(work.published), "range", span.expression, "document")
    if (
        not planned
        and work.published
        and span.latest
        and span.latest > work.published
        and not _reported_after(work, span)
    ):
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


def _demonstrative(work: Work, trigger: Trigger) -> bool:
    """A noun trigger after "this", "that", "these", "those" (over its adjectives and names)."""
    k = trigger.token_start - 1
    while k >= 0 and trigger.token_start - k <= 4 and (work.doc[k].is_alpha and work.doc[k].lower_ not in _THIS):
        if work.doc[k].lower_ in ("the", "a", "an", "our", "its", "their"):
            return False
        k -= 1
    return k >= 0 and work.doc[k].lower_ in _THIS and (k + 1 >= len(work.doc) or work.doc[k + 1].lower_ != "week")


_THIS = frozenset({"this", "that", "these", "those"})
_EFFECT_MODALS = frozenset({"will", "would", "can", "could", "should", "may", "might"})


def _effect_subject(work: Work, trigger: Trigger) -> bool:
    """A noun trigger that is the subject of a modal ("the donation will help …", "the assistance would support …")."""
    k = trigger.token_end
    return k < len(work.doc) and work.doc[k].lower_ in _EFFECT_MODALS


def _end_of_next_month(day: date) -> date:
    first = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    return following - timedelta(days=1)


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
    purpose = _PURPOSE_OF_AID.search(work.text, trigger.end, hi) if hi > trigger.end else None
    content = tables.function_word_set("content_nouns")
    if purpose is not None and work.text[: purpose.start()].split()[-1].lower() not in content:
        hi = purpose.start()  # "funding a partner … to provide food, emergency shelter": purposes, not items
    money = [a for a in work.aid if lo <= a.start and a.end <= hi and a.aid.value is not None]
    spent_on = re.compile(r"\bfor\b").search(work.text, money[0].end, hi) if money else None
    if spent_on is not None:
        hi = spent_on.start()  # "$500,000 … for food and essential relief items": what the money is for
    return select_items(work, [a for a in work.aid if lo <= a.start and a.end <= hi])


_PURPOSE_OF_AID = re.compile(r"\bto\s+(?:help|assist|support|provide|deliver|supply|address|meet)\b", re.IGNORECASE)


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
    seen: set[tuple[str, bool, int | None]] = set()
    out: list[Actor] = []
    for a in actors:
        key = (a.wikidata or a.name.casefold(), a.group, a.count)
        if key not in seen:
            seen.add(key)
            out.append(a)
    return tuple(out)


def _merge(
    work: Work, events: list[tuple[Trigger, Event]], trigger: Trigger, event: Event
) -> list[tuple[Trigger, Event]]:
    """Fold an event into an earlier one of its sentence when both report the same action."""
    for k, (earlier, other) in enumerate(events):
        if other.type != event.type or not _same_action(work, earlier, trigger):
            continue
        merged = replace(
            other,
            agents=_unique(list(other.agents) + list(event.agents)),
            recipients=_unique(list(other.recipients) + list(event.recipients)),
            participants=_unique(list(other.participants) + list(event.participants)),
            places=_unique(list(other.places) + list(event.places)),
            aid=other.aid + tuple(a for a in event.aid if a not in other.aid),
            confidence=max(other.confidence, event.confidence),
            # "… donated by China … arrived in Bishkek on Tuesday": the one action's date is the stated one
            date=event.date if other.date.basis != "explicit" and event.date.basis == "explicit" else other.date,
        )
        return events[:k] + [(earlier, merged)] + events[k + 1 :]
    return events + [(trigger, event)]


def _object_noun(work: Work, trigger: Trigger, triggers: list[Trigger]) -> bool:
    """An aid noun in the object of a verb of another type, a few words after it ("coordinating the delivery of …",
    "to coordinate such emergency aid deliveries")."""
    if not trigger.nominal or trigger.type not in _AID_TYPES:
        return False
    verbs = [t for t in triggers if not t.nominal and t.token_end <= trigger.token_start and t.type != trigger.type]
    if not verbs:
        return False
    gap = work.doc[verbs[-1].token_end : trigger.token_start]
    return len(gap) <= 4 and all(t.is_alpha and t.lower_ not in _CLAUSE_WORDS for t in gap)


_CLAUSE_WORDS = frozenset({"and", "or", "but", "while", "which", "that", "who", "to"})


def _same_action(work: Work, earlier: Trigger, later: Trigger) -> bool:
    """The same trigger word twice ("20 lakh doses reached … and 10 lakh doses reached …"), or a noun in the
    verb's object ("received a donation of", "replied letters or phone calls"); distinct verbs are distinct acts."""
    if work.text[earlier.start : earlier.end].lower() == work.text[later.start : later.end].lower():
        return True
    between = work.text[earlier.end : later.start]
    if later.frame == "arrive" and earlier.reduced and "," not in between:
        return True  # "a batch … donated by China to Mongolia arrived in Ulaanbaatar": one delivery
    if earlier.nominal and not later.nominal and later.token_start - earlier.token_end <= 2 and "," not in between:
        return True  # "the first deliveries arrived in …": the noun is the verb's subject, one delivery
    participle = work.doc[later.token_start].lower_.endswith("ing") and not later.nominal
    if participle and "," not in between:
        return True  # "sent three planes carrying 120 tonnes of aid": the participle describes the object
    if work.doc[earlier.token_start].lower_.endswith("ing") and not earlier.nominal and "," not in between:
        return True  # "a flight carrying 25 tonnes of medical supplies landed in Beira": one delivery
    if not later.nominal:
        return False
    between = work.doc[earlier.token_end : later.token_start]
    return all(t.text != "," and not re.fullmatch(r"[a-z]+(?:ing|ed)", t.text) for t in between)
