"""The actor gazetteer: shipped data checked against a verified Wikidata reference, lookups, user files."""

from __future__ import annotations

import csv
import itertools
import json
import os
from pathlib import Path

import pytest

from service.errors import UserError
from service.extract.gazetteer import (
    AMBIGUOUS,
    COLUMNS,
    QID_PATTERN,
    SHIPPED,
    TYPES,
    Entry,
    Gazetteer,
    load_gazetteer,
    normalise,
)
from service.model import ACTOR_KINDS

REPO = Path(__file__).resolve().parents[2]
REFERENCE = REPO / "tests" / "data" / "wikidata-reference.tsv"
REFERENCE_KINDS = ("country", "territory", "organisation", "city", "person")  # "concept" rows are not actors

# Official short names of the 193 UN member states, as the UN lists them.
UN_MEMBERS = """Afghanistan|Albania|Algeria|Andorra|Angola|Antigua and Barbuda|Argentina|Armenia|Australia|Austria|
Azerbaijan|Bahamas|Bahrain|Bangladesh|Barbados|Belarus|Belgium|Belize|Benin|Bhutan|Bolivia (Plurinational State of)|
Bosnia and Herzegovina|Botswana|Brazil|Brunei Darussalam|Bulgaria|Burkina Faso|Burundi|Cabo Verde|Cambodia|Cameroon|
Canada|Central African Republic|Chad|Chile|China|Colombia|Comoros|Republic of the Congo|Costa Rica|Côte d'Ivoire|
Croatia|Cuba|Cyprus|Czechia|Democratic People's Republic of Korea|Democratic Republic of the Congo|Denmark|Djibouti|
Dominica|Dominican Republic|Ecuador|Egypt|El Salvador|Equatorial Guinea|Eritrea|Estonia|Eswatini|Ethiopia|Fiji|
Finland|France|Gabon|Gambia|Georgia|Germany|Ghana|Greece|Grenada|Guatemala|Guinea|Guinea-Bissau|Guyana|Haiti|Honduras|
Hungary|Iceland|India|Indonesia|Iran (Islamic Republic of)|Iraq|Ireland|Israel|Italy|Jamaica|Japan|Jordan|Kazakhstan|
Kenya|Kiribati|Kuwait|Kyrgyzstan|Lao People's Democratic Republic|Latvia|Lebanon|Lesotho|Liberia|Libya|Liechtenstein|
Lithuania|Luxembourg|Madagascar|Malawi|Malaysia|Maldives|Mali|Malta|Marshall Islands|Mauritania|Mauritius|Mexico|
Micronesia (Federated States of)|Monaco|Mongolia|Montenegro|Morocco|Mozambique|Myanmar|Namibia|Nauru|Nepal|Netherlands|
New Zealand|Nicaragua|Niger|Nigeria|North Macedonia|Norway|Oman|Pakistan|Palau|Panama|Papua New Guinea|Paraguay|Peru|
Philippines|Poland|Portugal|Qatar|Republic of Korea|Republic of Moldova|Romania|Russian Federation|Rwanda|
Saint Kitts and Nevis|Saint Lucia|Saint Vincent and the Grenadines|Samoa|San Marino|Sao Tome and Principe|Saudi Arabia|
Senegal|Serbia|Seychelles|Sierra Leone|Singapore|Slovakia|Slovenia|Solomon Islands|Somalia|South Africa|South Sudan|
Spain|Sri Lanka|Sudan|Suriname|Sweden|Switzerland|Syrian Arab Republic|Tajikistan|Thailand|Timor-Leste|Togo|Tonga|
Trinidad and Tobago|Tunisia|Türkiye|Turkmenistan|Tuvalu|Uganda|Ukraine|United Arab Emirates|
United Kingdom of Great Britain and Northern Ireland|United Republic of Tanzania|United States of America|Uruguay|
Uzbekistan|Vanuatu|Venezuela (Bolivarian Republic of)|Viet Nam|Yemen|Zambia|Zimbabwe"""

# Every organisation, city, person and medium the two seed documents name, as they write it.
SEED_MENTIONS = (
    "INP-WealthPk",
    "NIA",
    "Ministry of Public Security",
    "Regional Counter-Terrorism Structure of the Shanghai Cooperation Organization",
    "RCTS",
    "Regional Anti-Terrorist Structure of the Shanghai Cooperation Organization",
    "RATS",
    "Shanghai Cooperation Organization",
    "IOM",
    "XU Gansu",
    "Giuseppe CROCETTI",
    "ZHANG Runze",
    "XIA Fei",
    "Foreign Affairs Office of Beijing Municipal Government",
    "Beijing Foreign Affairs Office",
    "CPC Central Committee",
    "CPC Beijing Municipal Committee",
    "People's Government of Beijing Municipality",
    "Foreign Affairs Committee of the CPC Beijing Municipal Committee",
    "Office of the Foreign Affairs Committee of the CPC Beijing Municipal Committee",
    "Leading Group for Improving Beijing's Role as an International Exchange Center",
    "Foreign Affairs Office of the People's Government of Beijing Municipality",
    "State Council",
    "Xi Jinping",
    "Cai Qi",
    "Chen Jining",
    "Park Won-soon",
    "Henriette Reker",
    "Xiong Jiuling",
    "Alexis de Tocqueville",
    "United Cities and Local Governments",
    "UCLG",
    "C40 Cities Climate Leadership Group",
    "Comcast Corporation",
    "Universal Parks & Resorts",
    "Daimler",
    "Baidu",
    "JD.com",
    "Beijing Tong Ren Tang Group",
    "New China International Exhibition Center",
    "European Union",
    "Beijing",
    "Tokyo",
    "Seoul",
    "Cologne",
    "Guinea",
    "Angola",
    "Russia",
    "Kazakhstan",
    "Kyrgyzstan",
    "Tajikistan",
    "Viet Nam",
    "Vietnam",
    "Democratic People's Republic of Korea",
    "Pakistan",
    "Nepal",
    "Laos",
    "Myanmar",
    "Mongolia",
    "China",
    "United States",
    "Britain",
    "Japan",
    "Italy",
)

# The kinds each type may carry.
KINDS_OF_TYPE = {
    "sovereign_state": {"country"},
    "territory": {"country", "other"},
    "subnational": {"other"},
    "city": {"city"},
    "international_organisation": {"organisation"},
    "government_body": {"organisation"},
    "party_body": {"organisation"},
    "ngo": {"organisation"},
    "media": {"organisation"},
    "company": {"company"},
    "person": {"person"},
    "other": {"other", "organisation"},
}


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer()


@pytest.fixture(scope="module")
def reference() -> list[dict[str, str]]:
    with REFERENCE.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [row for row in rows if row["kind"] in REFERENCE_KINDS]


def _key(form: str) -> str:
    return normalise(form).casefold()


def _forms(entry: Entry) -> set[str]:
    """The entry's names and aliases, minus the ones it shares on purpose with other entries."""
    ambiguous = {_key(a) for a in AMBIGUOUS}
    return {_key(f) for f in entry.forms()} - ambiguous


def _reference_forms(row: dict[str, str]) -> set[str]:
    return {_key(f) for f in [row["label_en"], *row["aliases"].split("|")] if f.strip()}


def test_gazetteer_qids_agree_with_the_reference(gazetteer: Gazetteer, reference: list[dict[str, str]]) -> None:
    by_form: dict[str, list[dict[str, str]]] = {}
    for row in reference:
        for form in _reference_forms(row):
            by_form.setdefault(form, []).append(row)
    wrong = []
    for entry in gazetteer:
        for form in sorted(_forms(entry)):
            for row in by_form.get(form, []):
                if row["qid"] != entry.qid:
                    wrong.append(f"{entry.name} ({entry.qid}) ~ {row['label_en']} ({row['qid']}) via {form!r}")
    assert not wrong, "\n".join(wrong)


def test_gazetteer_qids_in_the_reference_name_the_same_entity(
    gazetteer: Gazetteer, reference: list[dict[str, str]]
) -> None:
    by_qid = {row["qid"]: row for row in reference}
    wrong = [
        f"{entry.name} has {entry.qid}, which the reference calls {by_qid[entry.qid]['label_en']}"
        for entry in gazetteer
        if entry.qid in by_qid and not ({_key(f) for f in entry.forms()} & _reference_forms(by_qid[entry.qid]))
    ]
    assert not wrong, "\n".join(wrong)


def test_gazetteer_covers_every_actor_of_the_reference(gazetteer: Gazetteer, reference: list[dict[str, str]]) -> None:
    missing = [f"{r['qid']} {r['label_en']} ({r['kind']})" for r in reference if not gazetteer.by_qid(r["qid"])]
    assert not missing, f"{len(missing)} of {len(reference)} reference actors have no entry:\n" + "\n".join(missing)


def test_gazetteer_has_every_un_member_state(gazetteer: Gazetteer) -> None:
    names = [name.strip() for name in UN_MEMBERS.split("|")]
    assert len(names) == 193
    found = {name: gazetteer.lookup(name) or gazetteer.by_name(name) for name in names}
    assert [name for name, entry in found.items() if entry is None] == []
    assert {entry.type for entry in found.values() if entry} == {"sovereign_state"}
    assert len({entry.qid for entry in found.values() if entry}) == 193


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Viet Nam", "Vietnam"),
        ("Vietnam", "Vietnam"),
        ("DPRK", "North Korea"),
        ("Democratic People's Republic of Korea", "North Korea"),
        ("NIA", "National Immigration Administration"),
        ("RATS", "Regional Anti-Terrorist Structure"),
        ("RCTS", "Regional Anti-Terrorist Structure"),
        ("IOM", "International Organization for Migration"),
        ("XU Gansu", "Xu Ganlu"),
        ("the Netherlands", "Netherlands"),
        ("Côte d’Ivoire", "Ivory Coast"),  # curly apostrophe
        ("Cote d'Ivoire", "Ivory Coast"),
        ("Köln", "Cologne"),
        ("Koln", "Cologne"),
        ("  Hong   Kong ", "Hong Kong"),
        ("CHINA", "China"),
        ("US", "United States"),
        ("U.S.", "United States"),
        ("Forum on China–Africa Cooperation", "Forum on China–Africa Cooperation"),
        ("Forum on China-Africa Cooperation", "Forum on China–Africa Cooperation"),
        ("Nato", "NATO"),
        ("Unicef", "UNICEF"),
        ("Chinese Red Cross", "Red Cross Society of China"),
        ("CIDCA", "China International Development Cooperation Agency"),
        ("JICA", "Japan International Cooperation Agency"),
        ("KOICA", "Korea International Cooperation Agency"),
        ("FCDO", "Foreign, Commonwealth and Development Office"),
        ("GIZ", "Deutsche Gesellschaft für Internationale Zusammenarbeit"),
        ("ECHO", "Directorate-General for European Civil Protection and Humanitarian Aid Operations"),
        ("USAID", "United States Agency for International Development"),
        ("State Department", "United States Department of State"),
        ("CDC", "Centers for Disease Control and Prevention"),
        ("UNHCR", "Office of the United Nations High Commissioner for Refugees"),
        ("OCHA", "United Nations Office for the Coordination of Humanitarian Affairs"),
        ("Africa CDC", "Africa Centres for Disease Control and Prevention"),
        ("Gavi", "Gavi, the Vaccine Alliance"),
        ("National Health Commission", "National Health Commission"),
        ("NPC", "National People's Congress"),
    ],
)
def test_gazetteer_lookup_resolves_aliases(gazetteer: Gazetteer, text: str, name: str) -> None:
    entry = gazetteer.lookup(text)
    assert entry is not None and entry.name == name


@pytest.mark.parametrize("text", ["us", "Us", "who", "Who", "turkey", "chad", "rats", "male", "Atlantis", ""])
def test_gazetteer_lookup_keeps_words_apart_from_names(gazetteer: Gazetteer, text: str) -> None:
    assert gazetteer.lookup(text) is None


@pytest.mark.parametrize("mention", SEED_MENTIONS)
def test_gazetteer_knows_every_actor_the_seeds_name(gazetteer: Gazetteer, mention: str) -> None:
    assert gazetteer.lookup(mention) is not None


def test_gazetteer_seed_bodies_hang_together(gazetteer: Gazetteer) -> None:
    nia = gazetteer.lookup("NIA")
    assert nia is not None
    ministry = gazetteer.parent(nia)
    assert ministry is not None and ministry.name == "Ministry of Public Security of the People's Republic of China"
    assert gazetteer.ancestors(nia)[-1].qid == "Q148"
    rats = gazetteer.lookup("RCTS")
    assert rats is not None and gazetteer.parent(rats) == gazetteer.lookup("SCO")
    office = gazetteer.lookup("Beijing Foreign Affairs Office")
    assert office is not None and [e.name for e in gazetteer.ancestors(office)][-2:] == ["Beijing", "China"]


@pytest.mark.parametrize(
    ("word", "name"),
    [
        ("Chinese", "China"),
        ("Russian", "Russia"),
        ("Kazakh", "Kazakhstan"),
        ("Kazakhstani", "Kazakhstan"),
        ("Vietnamese", "Vietnam"),
        ("American", "United States"),
        ("U.S.", "United States"),
        ("British", "United Kingdom"),
        ("Taiwanese", "Taiwan"),
        ("Burkinabé", "Burkina Faso"),
        ("Burkinabe", "Burkina Faso"),
    ],
)
def test_gazetteer_by_adjective(gazetteer: Gazetteer, word: str, name: str) -> None:
    entry = gazetteer.by_adjective(word)
    assert entry is not None and entry.name == name


def test_gazetteer_ambiguous_forms_resolve_only_within_an_actor(gazetteer: Gazetteer) -> None:
    assert gazetteer.lookup("Georgia") is None
    assert gazetteer.lookup("Korea") is None
    assert gazetteer.by_adjective("Korean") is None
    assert gazetteer.lookup("Ministry of Foreign Affairs") is None
    assert gazetteer.lookup("Georgia", within="Q30") == gazetteer.by_name("Georgia (U.S. state)")
    assert gazetteer.by_adjective("Korean", within="South Korea") == gazetteer.by_qid("Q884")
    chinese = gazetteer.lookup("Ministry of Foreign Affairs", within="Q148")
    assert chinese is not None and chinese.name == "Ministry of Foreign Affairs of the People's Republic of China"
    assert gazetteer.lookup("Ministry of Foreign Affairs", within="Q142") is None  # no French one under that name


def test_gazetteer_duplicate_forms_are_exactly_the_declared_ambiguous_ones(gazetteer: Gazetteer) -> None:
    assert set(gazetteer.ambiguous_forms()) == {_key(a) for a in AMBIGUOUS}


def test_gazetteer_shipped_rows_are_valid(gazetteer: Gazetteer) -> None:
    lines = SHIPPED.read_text(encoding="utf-8").splitlines()
    assert tuple(lines[0].split("\t")) == COLUMNS
    assert len(gazetteer) == len(lines) - 1  # every row is an entry: no name or QID twice
    for entry in gazetteer:
        assert entry.qid is None or QID_PATTERN.fullmatch(entry.qid), entry
        assert entry.kind in ACTOR_KINDS and entry.type in TYPES, entry
        assert entry.kind in KINDS_OF_TYPE[entry.type], entry
        assert entry.part_of is None or gazetteer.parent(entry) is not None, f"{entry.name}: part_of {entry.part_of}"


def test_gazetteer_shipped_rows_are_sorted_by_type_then_name() -> None:
    with SHIPPED.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    blocks = [kind for kind, _ in itertools.groupby(row["type"] for row in rows)]
    assert blocks == sorted(set(blocks), key=TYPES.index)
    for kind in blocks:
        names = [_key(row["name"]) for row in rows if row["type"] == kind]
        assert names == sorted(names), kind


def test_gazetteer_surface_forms_cover_names_and_aliases(gazetteer: Gazetteer) -> None:
    forms = dict.fromkeys(form for form, _ in gazetteer.surface_forms())
    assert {"Viet Nam", "RCTS", "Beijing Foreign Affairs Office", "Xi Jinping"} <= set(forms)
    assert sum(1 for _ in gazetteer.surface_forms()) == sum(len(e.forms()) for e in gazetteer)


def test_gazetteer_extended_entries_win(gazetteer: Gazetteer) -> None:
    agency = Entry(None, "National Investigation Agency", "organisation", "government_body", ("NIA",), (), "Q668")
    local = gazetteer.extended([agency])
    assert local.lookup("NIA") == agency
    assert gazetteer.lookup("NIA") != agency  # the original is unchanged
    assert len(local) == len(gazetteer) + 1


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_gazetteer_user_tsv_adds_and_overrides(tmp_path: Path) -> None:
    user = _write(
        tmp_path / "mine.tsv",
        "name\tkind\tqid\taliases\tpart_of\n"
        "Foreign Affairs Office of Shanghai\torganisation\t\tShanghai FAO|Shanghai Foreign Affairs Office\tShanghai\n"
        "Vietnam\tcountry\tQ881\tAn Nam Quoc\t\n"
        "# a comment line\n"
        "\n",
    )
    gazetteer = load_gazetteer(user)
    office = gazetteer.lookup("Shanghai FAO")
    assert office is not None and office.type == "other" and gazetteer.parent(office) == gazetteer.lookup("Shanghai")
    vietnam = gazetteer.lookup("An Nam Quoc")
    assert vietnam is not None and vietnam.qid == "Q881"
    assert gazetteer.lookup("Viet Nam") is None  # the user row replaced the shipped one, aliases and all
    assert len(gazetteer) == len(load_gazetteer()) + 1


def test_gazetteer_user_jsonl_overrides_by_name(tmp_path: Path) -> None:
    record = {"name": "Cai Qi", "kind": "person", "type": "person", "aliases": ["Secretary Cai"], "qid": None}
    gazetteer = load_gazetteer(_write(tmp_path / "mine.jsonl", json.dumps(record) + "\n"))
    entry = gazetteer.lookup("Secretary Cai")
    assert entry is not None and entry.name == "Cai Qi" and gazetteer.lookup("Mr. Cai Qi") is None


def test_gazetteer_user_file_is_cached_until_it_changes(tmp_path: Path) -> None:
    user = _write(tmp_path / "mine.tsv", "name\tkind\nAcme Relief\torganisation\n")
    first = load_gazetteer(user)
    assert load_gazetteer(str(user)) is first
    _write(user, "name\tkind\nAcme Aid\torganisation\n")
    os.utime(user, ns=(1_000_000_000, 1_000_000_000))
    second = load_gazetteer(user)
    assert second is not first and second.lookup("Acme Aid") is not None and second.lookup("Acme Relief") is None


@pytest.mark.parametrize(
    ("name", "content", "line", "words"),
    [
        ("kind.tsv", "name\tkind\nAcme\torganisation\nBeta\tnation\n", 3, "kind 'nation'"),
        ("qid.tsv", "qid\tname\tkind\nQ12x\tAcme\tcompany\n", 2, "not a Wikidata QID"),
        ("name.tsv", "qid\tname\tkind\nQ5\t\tperson\n", 2, "name is missing"),
        ("type.tsv", "name\tkind\ttype\nAcme\tcompany\tcorporation\n", 2, "type 'corporation'"),
        ("header.tsv", "label\tkind\nAcme\tcompany\n", 1, "header"),
        ("cells.tsv", "name\tkind\nAcme\tcompany\textra\n", 2, "3 cells"),
        ("kind.jsonl", '{"name": "Acme", "kind": "company"}\n\n{"name": "Beta"}\n', 3, "kind is missing"),
        ("json.jsonl", '{"name": "Acme", "kind": "company"\n', 1, "not a JSON object"),
        ("keys.jsonl", '{"name": "Acme", "kind": "company", "wikidata": "Q1"}\n', 1, "unknown keys"),
        ("list.jsonl", '{"name": "Acme", "kind": "company", "aliases": [1]}\n', 1, "aliases must be text"),
    ],
)
def test_gazetteer_malformed_user_file_names_file_and_line(
    tmp_path: Path, name: str, content: str, line: int, words: str
) -> None:
    path = _write(tmp_path / name, content)
    with pytest.raises(UserError) as caught:
        load_gazetteer(path)
    assert f"{path.resolve()}:{line}:" in str(caught.value) and words in str(caught.value)


def test_gazetteer_missing_user_file_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="gazetteer setting"):
        load_gazetteer(tmp_path / "absent.tsv")
