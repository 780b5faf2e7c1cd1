"""How long extraction takes for a 3,000-word document on one core (the target is under 100 ms).

The document is built from paragraphs in the style of the seed articles — aid deliveries, letters,
video conferences, policy measures, dates and quantities — varied in their actors, numbers and dates
so that no two paragraphs are the same, and cut at 3,000 words. The first run (which loads the
lexicons, the spaCy pipeline and the gazetteer matcher) is not timed.

    python -m bench.extract_speed            # prints the median and the 90th percentile
"""

from __future__ import annotations

import json
import random
import statistics
import time
from datetime import date

from service.extract import extract
from service.extract.gazetteer import load_gazetteer
from service.model import Document

WORDS = 3000
PARAGRAPHS = (
    "Since the outbreak of COVID-19, {org} has kept in close contact with its counterparts in {c1}, {c2} and "
    "{c3}, strengthening information-sharing on the pandemic with neighbouring countries and promoting joint "
    "control in border areas. At the beginning of the outbreak, {org} took the initiative to send notes to the "
    "immigration and border control departments of {n} countries, informing them of the control measures.",
    "To date, {org} has provided virus detection reagents, protective clothing, medical masks and other materials "
    "worth more than {m} million yuan in total, and has given away more than {k:,} copies of a safety guide for "
    "law enforcement officers on duty. Recently, the leaders of the border departments of {c1} and {c2} replied "
    "to {org}, fully affirming the control measures taken by the Chinese Government.",
    "As of now, {city} has received letters of support from {n} sister cities, and donations to us included more "
    "than {k:,} masks, {m:,} protective gowns, {n2:,} pairs of gloves and {n} thermal imagers. The mayor sent "
    "letters of support to {n2} sister city leaders, and the city donated anti-epidemic materials to {n} sister "
    "cities in {m} countries.",
    "On {day} {month}, a batch of {k:,} doses of vaccine donated by the government of {c1} arrived in {capital} on "
    "a chartered flight. The ambassador and the minister of health attended the handover ceremony at the airport, "
    "and the minister thanked {c1} for its timely and selfless help.",
    "{city} has held video conferences to share its experience in epidemic prevention and control with {n} sister "
    "cities and other international organizations. Municipal leaders sent messages to {k} key foreign-funded "
    "enterprises to promote a safe and open business environment, and a package of measures were rolled out.",
    "Last week, the {org} delivered {k:,} hygiene kits, {m} family tents and {n} tonnes of rice to the disaster "
    "management centre in {capital}. The European Union contributed EUR {k:,} to the response, and {c2} provided "
    "{n2} ventilators. A second flight with medical supplies is scheduled to leave on {day} {month}.",
    "The foreign minister of {c1} held a telephone conversation with the foreign minister of {c2} on {day} "
    "{month}. The two ministers exchanged views on the epidemic situation and agreed to keep in close "
    "communication. A medical team from {city} was sent to {c3}, bringing testing kits and medicines.",
)
COUNTRIES = ("Nepal", "Laos", "Myanmar", "Mongolia", "Kazakhstan", "Pakistan", "Viet Nam", "Kyrgyzstan", "Bhutan")
CAPITALS = ("Kathmandu", "Vientiane", "Ulaanbaatar", "Bishkek", "Islamabad", "Hanoi", "Thimphu")
CITIES = ("Beijing", "Cologne", "Seoul", "Tokyo", "Istanbul")
ORGS = ("NIA", "IOM", "WFP", "UNICEF", "JICA")
MONTHS = ("January", "February", "March", "April", "May", "June")


def document(words: int = WORDS, seed: int = 7) -> Document:
    """A seed-like document of about ``words`` words, the same for the same seed."""
    rng = random.Random(seed)
    parts: list[str] = []
    count = 0
    while count < words:
        template = PARAGRAPHS[len(parts) % len(PARAGRAPHS)]
        c1, c2, c3 = rng.sample(COUNTRIES, 3)
        paragraph = template.format(
            org=rng.choice(ORGS),
            c1=c1,
            c2=c2,
            c3=c3,
            capital=rng.choice(CAPITALS),
            city=rng.choice(CITIES),
            n=rng.randint(3, 60),
            n2=rng.randint(10, 400),
            m=rng.randint(2, 90),
            k=rng.randint(1000, 200000),
            day=rng.randint(1, 28),
            month=rng.choice(MONTHS),
        )
        parts.append(paragraph)
        count += len(paragraph.split())
    text = " ".join("\n\n".join(parts).split(" ")[:words])
    return Document(id="bench", text=text, published=date(2021, 7, 20), source="Bench")


def run(repeats: int = 20, words: int = WORDS) -> dict[str, float | int]:
    """Extract the same document ``repeats`` times; the median and 90th percentile in milliseconds."""
    doc = document(words)
    gazetteer = load_gazetteer()
    events = len(extract(doc, gazetteer=gazetteer).events)  # warm-up: lexicons, pipeline, matchers
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        extract(doc, gazetteer=gazetteer)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "words": len(doc.text.split()),
        "events": events,
        "repeats": repeats,
        "median_ms": round(statistics.median(timings), 1),
        "p90_ms": round(timings[int(0.9 * (len(timings) - 1))], 1),
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
