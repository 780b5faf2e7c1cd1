"""Actor mentions: gazetteer names, acronyms the text defines, unknown organisations and people.

Candidates come from a spaCy ``PhraseMatcher`` over every gazetteer name and alias (matched in any
case, then confirmed by ``Gazetteer.lookup``, which applies the capitals rule and drops ambiguous
forms unless the document's country decides), from acronyms defined in the text ("… Organization
(XYZ)", learned for this document only), from capitalised phrases holding an organisation word
("Ministry of Health of Pakistan"), from titled names ("Ambassador Nong Rong"), and from
"the Chinese government" (an adjective of a country + government/authorities/side). Overlaps go
to the longest candidate. A person's title phrase ("XU Gansu, Vice-Minister of … and Director of
NIA") is folded into the person's mention; the organisations in it become affiliations.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from typing import Any

from spacy.matcher import PhraseMatcher
from spacy.util import filter_spans

from service.extract import tables
from service.extract.gazetteer import Entry, Gazetteer, normalise
from service.extract.identity import acronym_like, actor_for, unknown_body
from service.extract.officials import official_mentions
from service.extract.sentences import pipeline
from service.extract.titles import title_extent
from service.extract.work import Mention, Work
from service.model import Actor

_MATCHERS: dict[int, tuple[Gazetteer, Any, frozenset[str]]] = {}
_CAP = r"[A-Z](?:[\w'’&-]|\.(?=\w))*"  # "U.S." inside a name, never a sentence's final full stop
_LINK = r"(?:of|the|and|for|on|in|de|du|des|&)"
_ACRONYM = re.compile(rf"((?:{_CAP}|{_LINK})(?:\s+(?:{_CAP}|{_LINK}))*)\s*\(\s*([A-Z][A-Za-z&]{{1,9}})\s*\)")
_CAPITALISED = re.compile(rf"{_CAP}(?:[^\S\n]+(?:{_LINK}[^\S\n]+)*{_CAP})*")
_NAME = r"[A-Z][a-z’'-]+|[A-Z]{2,}"


def gazetteer_matcher(gazetteer: Gazetteer) -> tuple[Any, frozenset[str]]:
    """A PhraseMatcher on lower-cased tokens over every name and alias, and the ambiguous forms.

    Built once per gazetteer object (the loader caches those), since it costs tens of milliseconds.
    """
    cached = _MATCHERS.get(id(gazetteer))
    if cached is not None and cached[0] is gazetteer:
        return cached[1], cached[2]
    nlp = pipeline()
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    forms = {form for form, _ in gazetteer.surface_forms()}
    forms |= {form.replace("'", "’") for form in forms if "'" in form}
    matcher.add("ACTOR", list(nlp.tokenizer.pipe(sorted(forms))))
    ambiguous = frozenset(k.casefold() for k in gazetteer.ambiguous_forms())
    if len(_MATCHERS) >= 8:
        _MATCHERS.clear()
    _MATCHERS[id(gazetteer)] = (gazetteer, matcher, ambiguous)
    return matcher, ambiguous


def actor_of(entry: Entry, mention: str | None = None) -> Actor:
    """The model's Actor for a gazetteer entry, as it is (no government body folded into its state)."""
    return Actor(name=entry.name, kind=entry.kind, wikidata=entry.qid, mention=mention)


def find_actors(work: Work) -> Work:
    """Fill ``work.mentions`` with named actors (groups and references come later)."""
    work.acronyms = learn_acronyms(work.text, work.gazetteer)
    spans = _gazetteer_spans(work)
    work.country = _main_country(work, spans)
    resolved = [_resolve(work, span) for span in spans]
    candidates = [m for m in resolved if m is not None]
    candidates += _trimmed(work, _organisation_mentions(work), candidates)
    candidates += _acronym_mentions(work) + _titled_people(work) + _unknown_acronyms(work)
    candidates += official_mentions(work, candidates)
    work.mentions = _one_name(work, absorb_titles(work, select(candidates)))
    return work


def _one_name(work: Work, mentions: list[Mention]) -> list[Mention]:
    """An acronym of an actor without a QID takes the name of its full form in the text: the nearest one before it,
    else the first after it ("(RCTS)" after "Regional Counter-Terrorism Structure of the Shanghai Cooperation
    Organization"; "USAID" in a headline before "the U.S. Agency for International Development (USAID)")."""
    entries = []
    for m in mentions:
        surface = work.text[m.start : m.end]
        entry = (work.acronyms.get(surface) or work.lookup(surface)) if m.source in _NAMED else None
        usable = entry is not None and m.actor is not None and not m.actor.wikidata and m.actor.kind == entry.kind
        entries.append((entry.name if usable else None, acronym_like(surface)))
    out = []
    for i, m in enumerate(mentions):
        key, short = entries[i]
        if key is None or not short:
            out.append(m)
            continue
        full = [j for j, (k, s) in enumerate(entries) if k == key and not s]
        before = [j for j in full if j < i]
        pick = before[-1] if before else (full[0] if full else None)
        out.append(replace(m, actor=replace(m.actor, name=mentions[pick].actor.name)) if pick is not None else m)
    return out


_NAMED = frozenset({"gazetteer", "acronym"})


def select(candidates: list[Mention]) -> list[Mention]:
    """Non-overlapping mentions, the longest first, in text order."""
    kept: list[Mention] = []
    taken = bytearray(max((m.end for m in candidates), default=0))
    for m in sorted(candidates, key=lambda m: (-(m.end - m.start), m.start)):
        if not any(taken[m.start : m.end]):
            kept.append(m)
            taken[m.start : m.end] = b"\x01" * (m.end - m.start)
    return sorted(kept, key=lambda m: m.start)


def mention(work: Work, start: int, end: int, actor: Actor | None, source: str, **kw: Any) -> Mention | None:
    """A Mention over a character span, with its token span; None when it splits a token."""
    span = work.doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    return Mention(span.start_char, span.end_char, span.start, span.end, actor, source, **kw)


def learn_acronyms(text: str, gazetteer: Gazetteer) -> dict[str, Entry]:
    """Acronyms defined in the text ("… Organization (XYZ)") → the entry they stand for."""
    learned: dict[str, Entry] = {}
    for m in _ACRONYM.finditer(text):
        abbr, words = m.group(2), m.group(1).split()
        full = _expansion(words, abbr)
        if full is None or abbr in learned:
            continue
        entry = gazetteer.lookup(full) or gazetteer.lookup(abbr)
        if entry is None:
            kind = "organisation" if any(w.lower() in tables.org_words() for w in full.split()) else "other"
            entry = Entry(qid=None, name=full, kind=kind, type="other", aliases=(abbr,))
        learned[abbr] = entry
    return learned


def _expansion(words: list[str], abbr: str) -> str | None:
    """The shortest run of final words whose initials hold the acronym's letters in order."""
    letters = abbr.upper().replace("&", "")
    for i in range(len(words) - 1, -1, -1):
        if not words[i][0].isupper():
            continue
        initials = "".join(part[0] for w in words[i:] for part in w.split("-") if part and part[0].isupper())
        it = iter(initials)
        if words[i][0] == letters[0] and all(c in it for c in letters):
            return " ".join(words[i:])
    return None


def _gazetteer_spans(work: Work) -> list[Any]:
    matcher, ambiguous = gazetteer_matcher(work.gazetteer)
    spans = matcher(work.doc, as_spans=True)
    return filter_spans([s for s in spans if work.lookup(s.text) or normalise(s.text).casefold() in ambiguous])


def _main_country(work: Work, spans: list[Any]) -> Entry | None:
    """The country the document is about: the author's or the most often named one."""
    counts: Counter[str] = Counter()
    for span in spans:
        entry = work.lookup(span.text)
        for e in (entry, *work.gazetteer.ancestors(entry)) if entry else ():
            if e.kind == "country" and e.qid:
                counts[e.qid] += 1
                break
    return work.gazetteer.by_qid(counts.most_common(1)[0][0]) if counts else None


def _resolve(work: Work, span: Any) -> Mention | None:
    entry = work.lookup(span.text)
    if entry is None and work.country is not None:
        entry = work.lookup(span.text, work.country.qid)
    if entry is None:
        return None
    end = span.end
    while entry.qid is None and end < len(work.doc) and work.doc[end].is_title and work.doc[end].lower_ in _NAME_TAILS:
        end += 1  # "COVAX Facility" where the gazetteer knows "COVAX"
    surface = work.doc[span.start : end].text
    actor = actor_for(entry, work.gazetteer, surface)
    return Mention(span.start_char, work.doc[end - 1].idx + len(work.doc[end - 1]), span.start, end, actor, "gazetteer")


_NAME_TAILS = frozenset({"facility", "fund", "programme", "program", "initiative", "mechanism", "platform"})


def _acronym_mentions(work: Work) -> list[Mention]:
    out: list[Mention] = []
    for abbr, entry in work.acronyms.items():
        for form in (abbr, entry.name):
            for m in re.finditer(rf"(?<![\w-]){re.escape(form)}(?![\w-])", work.text):
                actor = actor_for(entry, work.gazetteer, m.group(0), work.country)
                found = mention(work, m.start(), m.end(), actor, "acronym")
                out += [found] if found else []
    return out


def _unknown_acronyms(work: Work) -> list[Mention]:
    """An acronym the gazetteer does not know and the text does not define ("the disaster agency AFAD")."""
    out: list[Mention] = []
    for m in re.finditer(r"(?<![\w-])[A-Z]{3,6}(?![\w-])", work.text):
        word = m.group(0)
        if word in work.acronyms or word in _NOT_ACTORS or word.lower() in tables.currencies():
            continue
        line_start, line_end = work.text.rfind("\n", 0, m.start()) + 1, work.text.find("\n", m.end())
        line = work.text[line_start : line_end if line_end >= 0 else len(work.text)]
        if line.isupper() or work.lookup(word) is not None:
            continue  # a line in capitals is a heading; a known name is found by the gazetteer
        found = mention(work, m.start(), m.end(), Actor(word, "organisation"), "organisation")
        out += [found] if found else []
    return out


_NOT_ACTORS = tables.words("not_actors")


def _organisation_mentions(work: Work) -> list[Mention]:
    """Capitalised phrases with an organisation word that the gazetteer does not know."""
    out: list[Mention] = []
    words = tables.org_words()
    for m in _CAPITALISED.finditer(work.text):
        phrase = m.group(0).rstrip(".,")
        tokens = phrase.split()
        if len(tokens) < 2 or not any(t.lower() in words for t in tokens) or tokens[0].lower() in tables.titles():
            continue
        if work.lookup(phrase) is not None:
            continue  # the phrase matcher already has it
        found = mention(work, m.start(), m.start() + len(phrase), Actor(phrase, "organisation"), "organisation")
        out += [found] if found else []
    return out


def _trimmed(work: Work, unknown: list[Mention], known: list[Mention]) -> list[Mention]:
    """Unknown organisation names cut before the first known name inside them ("Chinese Embassy in Pakistan")."""
    out: list[Mention] = []
    for m in unknown:
        inside = [k.start for k in known if k.start < m.end and k.end > m.start]
        end = min(inside) if inside else m.end
        text = re.sub(r"(?:\s+(?:of|in|the|and|for|on|&))+\s*$", "", work.text[m.start : end])
        text = re.split(r"\s+and\s+the\s+", text)[0]
        words = text.split()
        if len(words) >= 2 and any(w.lower() in tables.org_words() for w in words) and (not inside or end > m.start):
            actor = unknown_body(text, work.gazetteer, work.country)
            found = mention(work, m.start, m.start + len(text), actor, "organisation")
            out += [found] if found else []
    return out


def _titled_people(work: Work) -> list[Mention]:
    """Unknown people named after a title ("Ambassador Nong Rong") or before ", Title of" apposition."""
    titles = tables.titles()
    out: list[Mention] = []
    # "Minister Qiao Mingde", "Ambassador to Kyrgyzstan Du Dewen", "Head of the Kyrgyz ministry Boobek Azhikeev"
    name = re.compile(
        rf"(?:\s+(?:of|to|for)\s+(?:the\s+)?(?:[\w'-]+\s+){{0,3}}?(?:[A-Z][\w'-]*|ministry|government))?"
        rf"\s+((?:{_NAME})(?:\s+(?:{_NAME})){{1,2}})(?=\W)"
    )
    for word in re.finditer(r"\b[A-Z][\w.-]*", work.text):
        m = name.match(work.text, word.end()) if word.group(0).lower() in titles else None
        if m is None or any(w.lower() in titles | tables.org_words() for w in m.group(1).split()):
            continue
        found = mention(work, m.start(1), m.end(1), Actor(m.group(1), "person"), "person")
        out += [found] if found else []
    appositive = re.compile(rf"\b((?:{_NAME})(?:\s+(?:{_NAME})){{1,2}}),\s+(?:the\s+)?([A-Z][\w-]*)")
    for m in appositive.finditer(work.text):
        if m.group(2).lower() in titles and not any(w.lower() in tables.org_words() for w in m.group(1).split()):
            found = mention(work, m.start(1), m.end(1), Actor(m.group(1), "person"), "person")
            out += [found] if found else []
    return out


def absorb_titles(work: Work, mentions: list[Mention]) -> list[Mention]:
    """Fold a person's title phrase (before or after the name) into the person's mention."""
    out: list[Mention] = []
    skip: set[int] = set()
    for i, m in enumerate(mentions):
        if i in skip or m.actor is None or m.actor.kind != "person":
            continue
        start, end, inside = title_extent(work, m, mentions)
        skip |= inside
        affiliations = tuple(mentions[j].actor for j in sorted(inside) if mentions[j].actor is not None)
        mentions[i] = Mention(start, end, *_tokens(work, start, end), m.actor, m.source, affiliations=affiliations)
    for i, m in enumerate(mentions):
        if i not in skip:
            out.append(m)
    return out


def _tokens(work: Work, start: int, end: int) -> tuple[int, int]:
    span = work.doc.char_span(start, end, alignment_mode="expand")
    return span.start, span.end
