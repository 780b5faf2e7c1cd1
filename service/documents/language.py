"""The language of a document: only English is extracted, anything else is refused with its name.

A language the document declares (a ``NAME.meta.json`` or front-matter ``language``, an HTML
``lang`` attribute) is honoured. Without one the text is identified with py3langid, whose
model ships inside the package (nothing is downloaded), and refused only when the evidence is
clear, so that English press releases full of foreign names are never turned away:

* a text written mostly in another script (Chinese, Cyrillic, Arabic…) with at least
  :data:`MIN_OTHER_SCRIPT_LETTERS` such letters is not English;
* a Latin-script text of at least :data:`MIN_WORDS` words is refused only when the identifier
  names another language with a probability of at least :data:`MIN_PROBABILITY` *and* English
  function words ("the", "of", "which"…) make up less than :data:`MAX_ENGLISH_SHARE` of its
  words (English prose has 25–40 %, names and all; French or Spanish prose about 0–2 %).

Shorter or unclear texts are accepted: a wrong refusal costs more than a document that gives
no events.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from typing import Any

from service.errors import DocumentRefused

__all__ = ["SUPPORTED", "Identified", "check", "identify", "language_name"]

SUPPORTED = frozenset({"en"})
SAMPLE_CHARS = 20_000  # the identifier reads this much of the text: plenty, and ~10 ms
MIN_WORDS = 12  # fewer Latin-script words than this: too short to tell, accepted
MIN_OTHER_SCRIPT_LETTERS = 10  # fewer letters of another script than this: accepted
MIN_PROBABILITY = 0.9
MAX_ENGLISH_SHARE = 0.08
# Words frequent in English prose and rare as words of the other Latin-script languages
# ("a", "in", "on", "was", "also" are left out: they are French, German or Italian words too).
ENGLISH_WORDS = frozenset(
    {
        "the", "of", "and", "to", "is", "for", "with", "that", "by", "from", "this", "were", "has", "have", "said",
        "its", "which", "are", "been", "their", "they", "not", "would", "after", "who", "there", "had", "it", "be",
        "at",
    }
)  # fmt: skip

# English names of the languages py3langid knows (ISO 639 codes).
NAMES: dict[str, str] = {
    "ace": "Acehnese", "af": "Afrikaans", "am": "Amharic", "an": "Aragonese", "ar": "Arabic",
    "ary": "Moroccan Arabic", "arz": "Egyptian Arabic", "as": "Assamese", "az": "Azerbaijani", "ba": "Bashkir",
    "bcl": "Central Bikol", "be": "Belarusian", "bg": "Bulgarian", "bn": "Bengali", "br": "Breton",
    "bs": "Bosnian", "ca": "Catalan", "crh": "Crimean Tatar", "cs": "Czech", "cy": "Welsh", "da": "Danish",
    "de": "German", "dz": "Dzongkha", "el": "Greek", "en": "English", "eo": "Esperanto", "es": "Spanish",
    "et": "Estonian", "eu": "Basque", "ext": "Extremaduran", "fa": "Persian", "fi": "Finnish", "fo": "Faroese",
    "fr": "French", "fuv": "Nigerian Fulfulde", "fy": "Western Frisian", "ga": "Irish",
    "gcf": "Guadeloupean Creole", "gcr": "Guianese Creole", "gd": "Scottish Gaelic", "gl": "Galician",
    "gom": "Goan Konkani", "grc": "Ancient Greek", "gu": "Gujarati", "gug": "Paraguayan Guarani", "guw": "Gun",
    "ha": "Hausa", "hbo": "Ancient Hebrew", "he": "Hebrew", "hi": "Hindi", "hr": "Croatian",
    "ht": "Haitian Creole", "hu": "Hungarian", "hy": "Armenian", "id": "Indonesian", "ig": "Igbo",
    "is": "Icelandic", "it": "Italian", "ja": "Japanese", "jv": "Javanese", "ka": "Georgian", "kab": "Kabyle",
    "kik": "Kikuyu", "kk": "Kazakh", "km": "Khmer", "kn": "Kannada", "ko": "Korean", "ku": "Kurdish",
    "ky": "Kyrgyz", "la": "Latin", "lb": "Luxembourgish", "lg": "Ganda", "lij": "Ligurian", "ln": "Lingala",
    "lo": "Lao", "lt": "Lithuanian", "ltg": "Latgalian", "lv": "Latvian", "mg": "Malagasy", "mk": "Macedonian",
    "ml": "Malayalam", "mn": "Mongolian", "mr": "Marathi", "ms": "Malay", "mt": "Maltese", "my": "Burmese",
    "ne": "Nepali", "nl": "Dutch", "nn": "Norwegian Nynorsk", "no": "Norwegian", "nso": "Northern Sotho",
    "oc": "Occitan", "om": "Oromo", "or": "Odia", "pa": "Punjabi", "pcm": "Nigerian Pidgin", "pl": "Polish",
    "ps": "Pashto", "pt": "Portuguese", "qu": "Quechua", "ro": "Romanian", "ru": "Russian", "rw": "Kinyarwanda",
    "sa": "Sanskrit", "sdh": "Southern Kurdish", "se": "Northern Sami", "si": "Sinhala", "sk": "Slovak",
    "sl": "Slovenian", "sn": "Shona", "so": "Somali", "sq": "Albanian", "sr": "Serbian", "st": "Southern Sotho",
    "sv": "Swedish", "sw": "Swahili", "ta": "Tamil", "te": "Telugu", "tg": "Tajik", "th": "Thai", "tk": "Turkmen",
    "tl": "Tagalog", "tr": "Turkish", "tt": "Tatar", "ug": "Uyghur", "uk": "Ukrainian", "ur": "Urdu",
    "uz": "Uzbek", "uzs": "Southern Uzbek", "vec": "Venetian", "vi": "Vietnamese", "vo": "Volapük",
    "wa": "Walloon", "wuu": "Wu Chinese", "xh": "Xhosa", "yo": "Yoruba", "yue": "Cantonese", "zh": "Chinese",
    "zu": "Zulu",
}  # fmt: skip

_WORD = re.compile(r"[^\W\d_]+")
_lock = threading.Lock()
_identifier: Any = None


@dataclass(frozen=True)
class Identified:
    """What :func:`identify` found: a language code (None when it cannot tell) and why."""

    code: str | None
    probability: float = 0.0
    basis: str = "too short to tell"
    script: str | None = None  # for a text in another script the identifier took for English

    @property
    def name(self) -> str:
        """The language and its code, "French (fr)"; or "written in Cyrillic script" when only the script is known."""
        if self.script:
            return f"written in {self.script} script"
        return f"{language_name(self.code or 'und')} ({self.code})"


def language_name(tag: str) -> str:
    """``"French"`` for ``fr`` or ``fr-CA``; the tag itself when the language is not in :data:`NAMES`."""
    return NAMES.get(primary(tag), tag)


def primary(tag: str) -> str:
    """The primary subtag of a language tag, lower-cased: ``zh`` for ``zh-CN``."""
    return re.split(r"[-_]", tag.strip(), maxsplit=1)[0].lower()


def check(text: str, declared: str | None = None, *, where: str = "in its metadata") -> str:
    """The document's language tag, or DocumentRefused naming the language when it is not English.

    ``declared`` is the tag the document states (``where`` says where, for the message); it is
    trusted. Without it the text is identified, and a text too short or too unclear to tell is
    taken as English.
    """
    if declared:
        if primary(declared) in SUPPORTED:
            return declared
        raise DocumentRefused(
            f"the document declares its language as {language_name(declared)} ({declared}) {where}; "
            "only English is supported"
        )
    found = identify(text)
    if found.code is None or found.code in SUPPORTED:
        return "en"
    raise DocumentRefused(f"the text is {found.name}; only English is supported")


def identify(text: str) -> Identified:
    """The language of ``text`` when the evidence is clear (see the module's rules), else code None."""
    sample = text[:SAMPLE_CHARS]
    letters = [ch for ch in sample if ch.isalpha()]
    other = [ch for ch in letters if not _latin(ch)]
    if len(other) * 2 > len(letters):  # mostly another script
        if len(other) < MIN_OTHER_SCRIPT_LETTERS:
            return Identified(None)
        code, probability = _classify(sample)
        if code == "en":  # cannot be: name the script instead of calling it English
            return Identified("und", probability, "script", script=_script(other))
        return Identified(code, probability, "script")
    words = _WORD.findall(sample.lower())
    if len(words) < MIN_WORDS:
        return Identified(None)
    share = sum(1 for w in words if w in ENGLISH_WORDS) / len(words)
    if share >= MAX_ENGLISH_SHARE:
        return Identified("en", share, "English function words")
    code, probability = _classify(sample)
    if code != "en" and probability < MIN_PROBABILITY:
        return Identified(None, probability, "unclear")
    return Identified(code, probability, "identifier")


def _latin(ch: str) -> bool:
    return ord(ch) < 0x250 or 0x1E00 <= ord(ch) <= 0x1EFF or 0xFF21 <= ord(ch) <= 0xFF5A


def _script(letters: list[str]) -> str:
    """The most frequent script among ``letters``, as a word ("CJK", "Cyrillic"…), for a message."""
    counts: dict[str, int] = {}
    for ch in letters:
        script = unicodedata.name(ch, "UNKNOWN").split()[0]
        counts[script] = counts.get(script, 0) + 1
    best = max(counts, key=lambda s: counts[s])
    return best if len(best) <= 3 else best.title()


def _classify(sample: str) -> tuple[str, float]:
    code, probability = _model().classify(sample)
    return str(code), float(probability)


def _model() -> Any:
    """py3langid's identifier with normalised probabilities, loaded once (about 1.5 s)."""
    global _identifier
    with _lock:
        if _identifier is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            _identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        return _identifier
