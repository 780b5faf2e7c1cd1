"""Modality: whether a trigger reports a future or promised act, from the words before it in its clause.

The cues are data (``lexicon/modality.tsv``): future auxiliaries and control verbs ("will", "plans
to", "is expected to", "is set to") and promises ("pledged to", "committed to"). Adverbs between the
cue and the trigger are skipped ("will also support", "is now expected to"); a title's headlinese "EU to
provide …" is a future too. An aid delivery told with a
giving verb in the active voice under such a cue is a pledge: the release that says "Australia will
provide $155,000" announces the money. Reported past ("said on Tuesday that … arrived") has no cue
and stays a delivery.
"""

from __future__ import annotations

import re
from functools import lru_cache

from service.extract import tables
from service.extract.work import Sentence, Trigger, Work

# frames whose active verbs give (as opposed to "arrive", "reach", "receive")
_GIVING = frozenset({"give"})


@lru_cache(maxsize=1)
def _cues() -> re.Pattern[str]:
    cues = sorted((row["cue"] for row in tables.read_tsv("modality.tsv")), key=len, reverse=True)
    alternatives = "|".join(re.escape(c).replace(r"\ ", r"\s+") for c in cues)
    return re.compile(rf"(?:^|[\s,(“\"])(?:{alternatives})\s+(?:(?:[a-z]+ly|also|then|now|soon|further)\s+)*$")


def modal(work: Work, sentence: Sentence, trigger: Trigger) -> bool:
    """True when a future or promise cue stands right before the trigger, adverbs aside."""
    before = work.text[max(sentence.start, trigger.start - 60) : trigger.start].lower()
    before = re.split(r"[;:.!?]", before)[-1]
    return bool(_cues().search(before)) or headline_future(work, sentence, trigger.token_start)


def headline_future(work: Work, sentence: Sentence, start: int) -> bool:
    """Headlinese "Subject to <verb>" in the document's title: the act is announced ("EU to provide €5 million …")."""
    doc = work.doc
    title = " ".join((work.document.title or "").split())
    lo = sentence.token_start
    if not title or " ".join(work.text[sentence.start : sentence.end].split()) != title:
        return False
    if start - lo < 2 or start - lo > 7 or doc[start - 1].lower_ != "to":
        return False
    subject = doc[lo : start - 1]
    return subject[0].text[:1].isupper() and not any(t.text in {",", ":", ";"} or t.lower_ == "to" for t in subject)


def pledged(work: Work, sentence: Sentence, trigger: Trigger) -> bool:
    """An aid delivery that is announced, not done: a giving verb, active, under a modal cue."""
    if trigger.type != "aid_delivery" or trigger.nominal or trigger.passive or trigger.frame not in _GIVING:
        return False
    if "subject" in tables.trigger_rule(trigger.rule):
        return False  # "the funding will support …": the aid as subject tells an effect, not a promise
    return modal(work, sentence, trigger)
