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
import unicodedata
from collections import Counter
from dataclasses import replace
from functools import lru_cache
from typing import Any

from spacy.matcher import PhraseMatcher
from spacy.util import filter_spans

from service.extract import tables
from service.extract.gazetteer import Entry, Gazetteer, normalise
from service.extract.identity import acronym_like, actor_for, stands_for_state, unknown_body
from service.extract.officials import official_mentions
from service.extract.sentences import pipeline
from service.extract.titles import title_extent
from service.extract.triggers import verb_forms
from service.extract.work import Mention, Work
from service.model import Actor

_MATCHERS: dict[int, tuple[Gazetteer, Any, frozenset[str]]] = {}
_CAP = r"[A-Z](?:[\w'’&-]|\.(?=\w))*"  # "U.S." inside a name, never a sentence's final full stop
# a weekday or a month after a link word ends a name: "the Centre on Saturday", "the Council in March"
_WHEN = (
    r"(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July"
    r"|August|September|October|November|December)\b)"
)
_LINK = r"(?:of|the|and|for|on|in|de|du|des|&)"
_ACRONYM = re.compile(rf"((?:{_CAP}|{_LINK})(?:\s+(?:{_CAP}|{_LINK}))*)\s*\(\s*([A-Z][A-Za-z&]{{1,9}})\s*\)")
_CAPITALISED = re.compile(rf"{_CAP}(?:[^\S\n]+(?:{_LINK}[^\S\n]+)*{_WHEN}{_CAP})*")
_NAME = r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ\u0100-\u017f’'-]+|[A-Z]{2,}"  # "Janez Lenarčič", "Sónia Neto"
_MODEL = re.compile(r"[A-Z]{1,3}-\d{1,3}[A-Z]?")  # a craft's designation: C-130J, CH-47F, F-16


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


def find_actors(work: Work) -> Work:
    """Fill ``work.mentions`` with named actors (groups and references come later)."""
    work.acronyms = learn_acronyms(work.text, work.gazetteer)
    spans = _gazetteer_spans(work)
    work.country = _main_country(work, spans)
    resolved = [_resolve(work, span) for span in spans]
    candidates = [m for m in resolved if m is not None]
    host = _host_country(work, spans)
    work.doc.user_data["eventgraph.host_country"] = host  # "local authorities" (references.py)
    host = host or work.country
    candidates += _trimmed(work, _organisation_mentions(work), candidates, host)
    candidates += _acronym_mentions(work) + _titled_people(work) + _unknown_acronyms(work)
    candidates += official_mentions(work, candidates)
    mentions = _surnames(work, _short_names(work, _one_name(work, absorb_titles(work, select(candidates)))))
    work.mentions = _offices_of_states(work, mentions)
    return work


def _offices_of_states(work: Work, mentions: list[Mention]) -> list[Mention]:
    """ "The Office of Military Cooperation of the U.S. Embassy in Dushanbe": an office of a state's embassy or
    government stands for that state, here and wherever the document names the office again."""
    missions = tables.function_word_set("missions")
    states: dict[str, Actor] = {}
    for m, k in zip(mentions, mentions[1:], strict=False):
        if m.source != "organisation" or k.actor is None or k.actor.kind != "country" or m.actor is None:
            continue
        if not re.fullmatch(r"\s+of\s+(?:the\s+)?", work.text[m.end : k.start]):
            continue
        if k.token_end < len(work.doc) and work.doc[k.token_end].text in missions:
            states[m.actor.name] = k.actor
    if not states:
        return mentions
    return [
        replace(m, actor=replace(states[m.actor.name], mention=m.actor.mention))
        if m.actor is not None and m.source == "organisation" and m.actor.name in states
        else m
        for m in mentions
    ]


_THE_HEAD = re.compile(r"\b[Tt]he\s+([A-Z][a-z]+)\b")


def _short_names(work: Work, mentions: list[Mention]) -> list[Mention]:
    """ "the Commission", "the Embassy", "the Council": a body named earlier in full ("the European Commission"), or
    the publisher ("Council of the European Union"), called by its head word stands for it."""
    out = list(mentions)
    publisher = _publisher(work)
    for m in _THE_HEAD.finditer(work.text):
        word, start = m.group(1), m.start(1)
        named = [
            k.actor
            for k in mentions
            if k.end <= m.start()
            and k.actor is not None
            and not k.actor.group
            and k.source != "reference"
            and _head_word(work.text[k.start : k.end]) == word
        ]
        if publisher is not None and _head_word(publisher.name) == word:
            named.append(publisher)
        if not named:
            continue
        covering = [k for k in out if k.start < start + len(word) and k.end > start]
        if covering and not (
            len(covering) == 1
            and work.text[covering[0].start : covering[0].end].split()[-1] == word
            and len(work.text[covering[0].start : covering[0].end].split()) <= 2
            and covering[0].source == "organisation"
        ):
            continue
        short = mention(work, start, start + len(word), named[-1], "gazetteer")
        if short is None:
            continue
        out = [k for k in out if k not in covering] + [short]
    head = _head_word(publisher.name) if publisher is not None else None
    if head is not None and publisher is not None:
        for m in re.finditer(rf"(?<![\w-]){re.escape(head)}(?![\w-])", work.text):
            # "Council adopts €3 billion assistance package": the publisher named by its head word alone
            if not any(k.start < m.end() and k.end > m.start() for k in out):
                short = mention(work, m.start(), m.end(), publisher, "gazetteer")
                out += [short] if short is not None else []
    return sorted(out, key=lambda k: k.start)


def _head_word(name: str) -> str | None:
    """The word a body is called by in short: the last of a name of two or more words, or the one before "of"
    ("European Commission" → Commission, "Council of the European Union" → Council)."""
    words = name.split()
    if len(words) < 2:
        return None
    return words[words.index("of") - 1] if "of" in words[1:] else words[-1]


def _publisher(work: Work) -> Actor | None:
    """The organisation that publishes the document, when the gazetteer knows it ("… (via ReliefWeb)" aside)."""
    source = re.sub(r"\s*\(.*?\)\s*$", "", work.document.source or "").strip()
    entry = work.lookup(source) if source else None
    return actor_for(entry, work.gazetteer) if entry is not None and entry.kind == "organisation" else None


def _one_name(work: Work, mentions: list[Mention]) -> list[Mention]:
    """An acronym of an actor without a QID takes the name of its full form in the text: the nearest one before it,
    else the first after it ("(RCTS)" after "Regional Counter-Terrorism Structure of the Shanghai Cooperation
    Organization"; "USAID" in a headline before "the U.S. Agency for International Development (USAID)")."""
    entries = []
    for m in mentions:
        surface = work.text[m.start : m.end]
        entry = (work.acronyms.get(surface) or work.lookup(surface)) if m.source in _NAMED else None
        key = None
        if entry is not None and m.actor is not None and not m.actor.wikidata and m.actor.kind == entry.kind:
            key = entry.name
        entries.append((key, acronym_like(surface)))
    out = []
    for i, m in enumerate(mentions):
        key, short = entries[i]
        if key is None or not short:
            out.append(m)
            continue
        full = [j for j, (k, s) in enumerate(entries) if k == key and not s]
        before = [j for j in full if j < i]
        pick = before[-1] if before else (full[0] if full else None)
        # a key is only set for a mention with an actor, so both actors are known when a full form is picked
        named = mentions[pick].actor if pick is not None else None
        out.append(
            replace(m, actor=replace(m.actor, name=named.name)) if m.actor is not None and named is not None else m
        )
    return out


_NAMED = frozenset({"gazetteer", "acronym"})


def _surnames(work: Work, mentions: list[Mention]) -> list[Mention]:
    """A person named by the surname alone ("President Zelenskyy", "Minister Motegi") is the person the document
    names in full ("Volodymyr Zelenskyy", "Mr. Toshimitsu Motegi") when exactly one such person is named, else
    the one person of that surname the gazetteer knows ("Minister for Foreign Affairs Hayashi")."""
    people = {m.actor.name: m.actor for m in mentions if m.actor is not None and m.actor.kind == "person"}
    out = []
    for m in mentions:
        actor = m.actor
        if actor is not None and actor.kind == "person" and " " not in actor.name:
            full = [a for name, a in people.items() if " " in name and name.split()[-1] == actor.name]
            known = _people_by_surname(work.gazetteer).get(actor.name, ())
            if len(full) == 1:
                m = replace(m, actor=replace(full[0], mention=actor.mention))
            elif not full and len(known) == 1:
                m = replace(m, actor=actor_for(known[0], work.gazetteer, actor.mention))
        out.append(m)
    return out


@lru_cache(maxsize=4)
def _people_by_surname(gazetteer: Gazetteer) -> dict[str, tuple[Entry, ...]]:
    """The gazetteer's people by the last word of their name."""
    index: dict[str, list[Entry]] = {}
    for entry in gazetteer:
        if entry.kind == "person" and " " in entry.name:
            index.setdefault(entry.name.split()[-1], []).append(entry)
    return {surname: tuple(entries) for surname, entries in index.items()}


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
    # "Australian Medical Assistance Team (AUSMAT)", "Caribbean Public Health Agency (CARPHA)": the acronym takes
    # more than the initials; the initials of the name stand in it in order and make at least half of it
    for i in range(len(words) - 2, -1, -1):
        initials = "".join(w[0] for w in words[i:] if w[0].isupper())
        if not words[i][0].isupper() or words[i][0] != letters[0] or 2 * len(initials) < len(letters):
            continue
        it = iter(letters)
        if all(c in it for c in initials) and all(w[0].isupper() or w.lower() in _LINKS for w in words[i:]):
            return " ".join(words[i:])
    return None


_NOT_NAMES = frozenset({"the", "a", "an", "hon", "honourable", "honorable"})
_LEADER_TITLES = tables.function_word_set("leader_titles")
_LINKS = frozenset({"of", "for", "and", "the", "on", "in", "&"})


def _gazetteer_spans(work: Work) -> list[Any]:
    matcher, ambiguous = gazetteer_matcher(work.gazetteer)
    spans = matcher(work.doc, as_spans=True) + _folded_spans(work, matcher)
    return filter_spans([s for s in spans if work.lookup(s.text) or normalise(s.text).casefold() in ambiguous])


def _folded_spans(work: Work, matcher: Any) -> list[Any]:
    """Names written with diacritics ("Việt Nam", "Petrópolis") matched in their folded form: the text is folded
    letter by letter (each accented letter to its base letter, so offsets stay), matched, and mapped back."""
    if work.text.isascii():
        return []
    folded = "".join(_fold(c) for c in work.text)
    if folded == work.text:
        return []
    out = []
    for span in matcher(pipeline()(folded), as_spans=True):
        original = work.doc.char_span(span.start_char, span.end_char)
        if original is not None and not original.text.isascii():
            out.append(original)
    return out


def _fold(char: str) -> str:
    if char.isascii():
        return char
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return base if len(base) == 1 else char


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


def _host_country(work: Work, spans: list[Any]) -> Entry | None:
    """The country an unnamed national body ("the Department of Social Welfare and Development") belongs to in a
    donor's release: the country named most often other than the publisher's own (its agencies count for it)."""
    name = re.sub(r"\s*\([^)]*\)", "", work.document.source or "").strip()  # "USAID (via ReliefWeb)"
    source = work.lookup(name) if name else None
    for word in re.findall(r"[\w.’'-]+", name)[:3] if source is None else ():
        # "U.S. Embassy in Albania", "Australian High Commission Nuku'alofa": the publisher's state comes first
        source = work.lookup(word.rstrip(".") if word.count(".") == 1 else word) or work.gazetteer.by_adjective(word)
        if source is not None:
            break
    own = {e.qid for e in (source, *work.gazetteer.ancestors(source)) if e.kind == "country"} if source else set()
    if not own:
        return None
    dateline = _dateline_country(work)
    if dateline is not None and dateline.qid not in own:
        return dateline  # "PHNOM PENH, May 5 (Xinhua) --": the story is told from abroad, from there
    home = next(iter(own))
    if len(own) == 1 and home is not None and _news_outlet(name):
        # "Philippine News Agency": a country's own news names its own bodies ("the Department of Agriculture")
        return work.gazetteer.by_qid(home)
    counts: Counter[str] = Counter()
    for span in spans:
        entry = work.lookup(span.text)
        if entry is not None and entry.kind == "country" and entry.qid and entry.qid not in own:
            counts[entry.qid] += 1
    ranked = counts.most_common(2)
    if not ranked or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None  # a release about several countries alike has no one host
    return work.gazetteer.by_qid(ranked[0][0])


_DATELINE = re.compile(
    r"^([A-Z][A-Z'’. -]{2,30}?)(?:,\s*[A-Z][\w .]*?)?\s*(?:[-–—:(]|,\s*(?:[A-Z][a-z]{2}\w*\.?\s+\d|\d))",
    re.MULTILINE,
)


def _dateline_country(work: Work) -> Entry | None:
    """The country of a news story's dateline city ("PHNOM PENH, May 5 (Xinhua) --", "TOKYO (Reuters) -")."""
    m = _DATELINE.search(work.text, 0, 800)
    if m is None:
        return None
    entry = work.lookup(m.group(1).strip().title())
    for e in (entry, *work.gazetteer.ancestors(entry)) if entry is not None else ():
        if e.kind == "country":
            return e
    return None


def _news_outlet(name: str) -> bool:
    """The publisher's name is a news outlet's ("Philippine News Agency", "The Korea Herald"), not a government's."""
    entry_words = {w.lower() for w in re.findall(r"[A-Za-z]+", name)}
    return bool(entry_words & tables.function_word_set("news_outlets"))


def _resolve(work: Work, span: Any) -> Mention | None:
    entry = work.lookup(span.text)
    if entry is None and not _state_named(work, span):
        entry = work.gazetteer.sovereign(span.text)  # "Georgia" in an aid text is the country
    if entry is None and work.country is not None:
        entry = work.lookup(span.text, work.country.qid)
    if entry is None:
        entry = _default_reading(work, span.text)
    if entry is None:
        return None
    end = span.end
    while entry.qid is None and end < len(work.doc) and work.doc[end].is_title and work.doc[end].lower_ in _NAME_TAILS:
        end += 1  # "COVAX Facility" where the gazetteer knows "COVAX"
    surface = work.doc[span.start : end].text
    actor = actor_for(entry, work.gazetteer, surface)
    start = span.start
    if entry.kind == "organisation" and entry.type == "ngo" and start > 0 and work.doc[start - 1].is_title:
        # "the Indonesian Red Cross", "the Bangladesh Red Crescent Society": by the state's adjective or its name
        state = work.gazetteer.by_adjective(work.doc[start - 1].text) or work.lookup(work.doc[start - 1].text)
        if state is not None and state.kind == "country":
            # "the Indonesian Red Cross": a national society of the movement, an organisation of its own
            start -= 1
            actor = Actor(f"{work.doc[start].text} {surface}", "organisation", mention=work.doc[start:end].text)
    return Mention(work.doc[start].idx, work.doc[end - 1].idx + len(work.doc[end - 1]), start, end, actor, "gazetteer")


def _default_reading(work: Work, form: str) -> Entry | None:
    """The genre's reading of an ambiguous form when the document shows no other (``lexicon/default_readings.tsv``)."""
    for row in _default_rows():
        if row["form"].casefold() == form.casefold() and not re.search(row["unless"], work.text, re.IGNORECASE):
            return work.gazetteer.by_name(row["name"])
    return None


@lru_cache(maxsize=1)
def _default_rows() -> tuple[dict[str, str], ...]:
    return tuple(tables.read_tsv("default_readings.tsv"))


def _state_named(work: Work, span: Any) -> bool:
    """ "the state of Georgia", "Georgia state": the text says it means a state of a federation."""
    before: str = work.doc[max(0, span.start - 3) : span.start].text.lower()
    after: str = work.doc[span.end : span.end + 1].text.lower()
    return before.endswith("state of") or after == "state"


_NAME_TAILS = frozenset({"facility", "fund", "programme", "program", "initiative", "mechanism", "platform", "society"})


def _acronym_mentions(work: Work) -> list[Mention]:
    out: list[Mention] = []
    for abbr, entry in work.acronyms.items():
        if entry.kind == "other" and entry.name.split()[-1].lower() in tables.aid_heads():
            continue  # "Personal Protective Equipment (PPE)": an aid item, not an actor
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
    numbers = tables.numbers()
    for m in _CAPITALISED.finditer(work.text):
        phrase = _before_verb(m.group(0).rstrip(".,"))
        start = m.start()
        first = re.match(r"\S+\s+", phrase)
        if first is not None and first.group(0).strip().lower() in numbers:
            start, phrase = start + first.end(), phrase[first.end() :]  # "Two Indian Navy ships": a count, no name
        tokens = phrase.split()
        if len(tokens) < 2 or not any(t.lower() in words for t in tokens) or tokens[0].lower() in tables.titles():
            continue
        if any(_MODEL.fullmatch(t) for t in tokens):
            continue  # "an Army CH-47F Chinook", "a Royal Australian Air Force C-130J Hercules": a craft, no body
        if work.lookup(phrase) is not None:
            continue  # the phrase matcher already has it
        found = mention(work, start, start + len(phrase), Actor(phrase, "organisation"), "organisation")
        out += [found] if found else []
    return out


def _before_verb(phrase: str) -> str:
    """A capitalised run cut before a trigger verb inside it ("U.S. Government Donates 600 Sets …" in a headline)."""
    words = phrase.split()
    for k, word in enumerate(words[1:], start=1):
        lowered = word.lower()
        if lowered.endswith(("s", "ed")) and lowered in verb_forms() and lowered not in tables.org_words():
            return " ".join(words[:k])
    return phrase


def _trimmed(work: Work, unknown: list[Mention], known: list[Mention], host: Entry | None) -> list[Mention]:
    """Unknown organisation names cut before the first known name inside them ("Chinese Embassy in Pakistan")."""
    out: list[Mention] = []
    for m in [part for whole in unknown for part in _split_on_and_the(work, whole)]:
        inside = [k.start for k in known if k.start < m.end and k.end > m.start]
        end = min(inside) if inside else m.end
        whole = _named_of_place(work, m, known, end)
        if whole is not None:
            out.append(whole)
            continue
        text = re.sub(r"(?:\s+(?:of|in|the|and|for|on|&))+\s*$", "", work.text[m.start : end])
        text = re.split(r"\s+and\s+the\s+", text)[0]
        words = text.split()
        if len(words) >= 2 and any(w.lower() in tables.org_words() for w in words) and (not inside or end > m.start):
            mission = any(w in tables.function_word_set("missions") for w in words)  # an embassy is its sender's
            actor = unknown_body(text, work.gazetteer, work.country if mission else host)
            found = mention(work, m.start, m.start + len(text), actor, "organisation")
            out += [found] if found else []
    return out


def _split_on_and_the(work: Work, m: Mention) -> list[Mention]:
    """ "The Bank of Japan and the Central Bank of Kenya": two names joined by "and the"."""
    text = work.text[m.start : m.end]
    parts, at = [], 0
    for joint in re.finditer(r"\s+and\s+the\s+", text):
        parts.append((at, joint.start()))
        at = joint.end()
    if not parts:
        return [m]
    parts.append((at, len(text)))
    found = [mention(work, m.start + a, m.start + b, m.actor, m.source) for a, b in parts]
    return [f for f in found if f is not None]


def _named_of_place(work: Work, m: Mention, known: list[Mention], end: int) -> Mention | None:
    """ "Industrial and Commercial Bank of China", "the Central Bank of Kenya": a body named after a place it is
    not — an organisation of its own, not the country (a body that stands for its state, "the Government of
    Kenya", "the Embassy of Japan", is left to the state)."""
    place = next((k for k in known if k.start == end), None)
    if place is None or place.actor is None or place.actor.kind not in ("country", "city") or place.end > m.end:
        return None
    before = work.text[m.start : place.start]
    head = re.search(r"(\w+)\s+of\s+(?:the\s+)?$", before)
    if head is None or head.group(1).lower() not in tables.org_words():
        return None
    name = re.sub(r"^(?:the|The)\s+", "", work.text[m.start : place.end])
    if stands_for_state(name) or head.group(1).lower() in tables.function_word_set("state_bodies"):
        return None
    start = place.end - len(name)
    return mention(work, start, place.end, Actor(name, "organisation"), "organisation")


def _titled_people(work: Work) -> list[Mention]:
    """Unknown people named after a title ("Ambassador Nong Rong") or before ", Title of" apposition."""
    titles = tables.titles()
    out: list[Mention] = []
    # "Minister Qiao Mingde", "Ambassador to Kyrgyzstan Du Dewen", "Head of the Kyrgyz ministry Boobek Azhikeev"
    name = re.compile(
        rf"(?:\s+(?:of|to|for)\s+(?:the\s+)?(?:[\w'-]+\s+){{0,3}}?(?:[A-Z][\w'-]*|ministry|government))?"
        rf"\s+((?:{_NAME})(?:\s+(?:{_NAME})){{1,2}})(?=\W)"
    )
    # "The EU Ambassador to Guinea-Bissau, Sónia Neto, attended …": the name set off by commas
    set_off = re.compile(name.pattern.replace(r"\s+((?:", r",\s+((?:", 1).replace(r"(?=\W)", r"(?=,)"))
    single = re.compile(rf"\s+({_NAME})(?=\W)")  # "Dr. Saidaliev": an honorific is enough for a surname alone
    honorifics = tables.function_word_set("honorifics")
    lower = tables.function_word_set("lower_titles")
    # "his Pakistani counterpart Bilawal Bhutto Zardari", "EU aid chief Janez Lenarčič": wire prose's lower case
    plain = re.compile(rf"\s+((?:{_NAME})(?:\s+(?:{_NAME})){{1,2}})(?=\W)")
    for word in re.finditer(r"\b[A-Za-z][\w.-]*", work.text):
        title = word.group(0).lower()
        if word.group(0)[0].islower():
            m = plain.match(work.text, word.end()) if title in lower else None
        else:
            m = (name.match(work.text, word.end()) or set_off.match(work.text, word.end())) if title in titles else None
        if m is None and word.group(0)[0].isupper() and (title in honorifics or title in _LEADER_TITLES):
            m = single.match(work.text, word.end())  # "Dr. Saidaliev", "President Zelenskyy", "Minister Motegi"
            if m is not None and (m.group(1).isupper() or work.lookup(m.group(1)) is not None):
                m = None  # a word in capitals is an acronym; a known name ("President Trump") is the gazetteer's
        if m is None or any(w.lower() in titles | tables.org_words() for w in m.group(1).split()):
            continue
        start, person = m.start(1), m.group(1)
        portfolio = tables.function_word_set("portfolio")
        while len(person.split()) > 1 and person.split()[0] in portfolio:
            # "Commissioner for … Crisis Management Christos Stylianides": the portfolio ends before the name
            cut = re.match(r"\S+\s+", person)
            if cut is None:  # a name does not start with a space
                break
            start, person = start + cut.end(), person[cut.end() :]
        if person.split()[0].lower() in _NOT_NAMES:
            continue  # "… Affairs The Hon Julie Bishop": what follows the portfolio is no name yet
        if re.search(r"['’]s\b", person):
            continue  # "the Prime Minister's COVID-19 Relief Fund": a possessive, not a name
        found = mention(work, start, start + len(person), Actor(person, "person"), "person")
        out += [found] if found else []
    # "Janez Lenarčič, Commissioner for …", "Penny Wong, Foreign Minister: …"
    appositive = re.compile(rf"\b((?:{_NAME})(?:\s+(?:{_NAME})){{1,2}}),\s+(?:the\s+)?(?:[A-Z][\w-]*\s+)?([A-Z][\w-]*)")
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
        affiliations = tuple(a for j in sorted(inside) if (a := mentions[j].actor) is not None)
        mentions[i] = Mention(start, end, *_tokens(work, start, end), m.actor, m.source, affiliations=affiliations)
    for i, m in enumerate(mentions):
        if i not in skip:
            out.append(m)
    return out


def _tokens(work: Work, start: int, end: int) -> tuple[int, int]:
    span = work.doc.char_span(start, end, alignment_mode="expand")
    return span.start, span.end
