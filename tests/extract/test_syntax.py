"""The shipped syntax model: it loads from the package and parses the constructions extraction relies on."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.tokens import Doc, Token

import service
from service.extract import syntax


def _token(doc: Doc, text: str) -> Token:
    matches = [t for t in doc if t.text == text]
    assert len(matches) == 1, f"{text!r} should occur once in {doc.text!r}"
    return matches[0]


@pytest.fixture(scope="module")
def nlp():
    return syntax.load_parser()


def test_model_is_shipped_in_the_package(nlp) -> None:
    assert syntax.MODEL_PATH.is_relative_to(Path(service.__file__).resolve().parent)
    assert (syntax.MODEL_PATH / "LICENSE").is_file()
    assert nlp.pipe_names == ["tok2vec", "tagger", "morphologizer", "parser"]
    assert nlp.meta["license"] == "CC BY-SA 4.0"
    assert syntax.load_parser() is nlp  # cached


def test_future_donation_subject_auxiliary_object_and_recipient(nlp) -> None:
    (doc,) = syntax.parse(["Japan will donate 500,000 doses of vaccine to Viet Nam."])
    donate = _token(doc, "donate")
    assert donate.dep_ == "ROOT" and donate.tag_ == "VB"
    japan, will, doses, to = (_token(doc, w) for w in ("Japan", "will", "doses", "to"))
    assert (japan.dep_, japan.head) == ("nsubj", donate)
    assert (will.dep_, will.head, will.tag_) == ("aux", donate, "MD")
    assert (doses.dep_, doses.head) == ("obj", donate)
    assert _token(doc, "500,000").head == doses
    recipient = to.head
    assert to.dep_ == "case" and recipient.text in {"Viet", "Nam"}
    # "to Viet Nam" under the verb (obl) or under its object (nmod): the classic attachment
    # ambiguity, which the extractor reads both ways (service/extract/dependencies.py).
    assert (recipient.dep_, recipient.head) in {("obl", donate), ("nmod", doses)}
    assert _token(doc, "vaccine").head == doses


def test_passive_gives_the_agent(nlp) -> None:
    (doc,) = syntax.parse(["Supplies were delivered by the EU."])
    delivered, supplies, were, by, eu = (_token(doc, w) for w in ("delivered", "Supplies", "were", "by", "EU"))
    assert delivered.dep_ == "ROOT" and delivered.tag_ == "VBN"
    assert (supplies.dep_, supplies.head) == ("nsubj:pass", delivered)
    assert (were.dep_, were.head) == ("aux:pass", delivered)
    assert (eu.dep_, eu.head) == ("obl:agent", delivered)
    assert (by.dep_, by.head) == ("case", eu)


def test_possessive_and_coordination(nlp) -> None:
    (doc,) = syntax.parse(["The EU and Japan pledged aid to Haiti's government."])
    pledged, eu, japan, haiti = (_token(doc, w) for w in ("pledged", "EU", "Japan", "Haiti"))
    assert (eu.dep_, eu.head) == ("nsubj", pledged)
    assert (japan.dep_, japan.head) == ("conj", eu)
    assert (haiti.dep_, haiti.head) == ("nmod:poss", _token(doc, "government"))


def test_each_text_is_one_tree_and_tokens_are_kept(nlp) -> None:
    (doc,) = syntax.parse(["The UN said it has sent food. Aid arrived on Monday."])
    assert len(list(doc.sents)) == 1
    assert sum(t.dep_ == "ROOT" for t in doc) == 1
    tokens = ["Japan", "donated", "vaccines", "to", "Peru", "."]
    (words,) = syntax.parse_words([tokens], [[True, True, True, True, False, False]])
    assert [t.text for t in words] == tokens
    assert words.text == "Japan donated vaccines to Peru."
    assert (words[0].dep_, words[0].head.i, words[2].dep_, words[4].dep_) == ("nsubj", 1, "obj", "obl")
    assert syntax.parse([]) == []


def test_the_parser_is_a_small_model_for_one_core(nlp) -> None:
    """What keeps parsing fast (bench/extract_speed.py measures it: tests do not time things): a
    CNN of width 64 and depth 4 under a tagger and a 64-wide parser, no transformer, no vectors."""
    config = nlp.config["components"]
    assert set(nlp.pipe_names) <= {"tok2vec", "tagger", "morphologizer", "parser", "senter", "attribute_ruler"}
    encode = config["tok2vec"]["model"]["encode"]
    assert encode["@architectures"] == "spacy.MaxoutWindowEncoder.v2" and encode["width"] <= 96 and encode["depth"] <= 4
    assert config["tok2vec"]["model"]["embed"]["include_static_vectors"] is False
    assert config["parser"]["model"]["hidden_width"] <= 64
    sentence = "The European Union will deliver 20 tonnes of medical supplies to hospitals in Beirut next week."
    docs = syntax.parse([sentence] * 50)
    assert len(docs) == 50 and all(_token(d, "deliver").dep_ == "ROOT" for d in docs)


def test_missing_model_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(syntax, "MODEL_PATH", tmp_path / "model")
    syntax.load_parser.cache_clear()
    try:
        with pytest.raises(syntax.ParserMissing, match="make model"):
            syntax.load_parser()
    finally:
        monkeypatch.undo()
        syntax.load_parser.cache_clear()
