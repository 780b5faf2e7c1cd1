"""The tokenizer reads keywords and brace depth without being fooled by strings, IRIs or comments."""

from __future__ import annotations

from service.sparql.tokens import modify_where_positions, query_form, tokenize, top_level_words, unescape


def test_tokens_query_form_skips_the_prologue_and_comments() -> None:
    text = (
        "# SELECT in a comment\nPREFIX ex: <http://ex/select#>\nBASE <http://ex/>\n"
        "construct { ?s ?p ?o } WHERE { ?s ?p ?o }"
    )
    assert query_form(tokenize(text)) == "CONSTRUCT"


def test_tokens_words_inside_strings_iris_and_names_are_not_keywords() -> None:
    text = """SELECT * WHERE { ?s ex:from "FROM {" ; <http://ex/FROM> 'x}' ; ?from ex:where '''WHERE
    }''' } """
    tokens = tokenize(text)
    assert top_level_words(tokens, "FROM", "WHERE") == [tokens[2]]
    assert tokens[-1].text == "}" and tokens[-1].depth == 0


def test_tokens_top_level_from_is_found() -> None:
    tokens = tokenize("SELECT * FROM <http://g> FROM NAMED <http://h> WHERE { ?s ?p ?o }")
    assert [t.text for t in top_level_words(tokens, "FROM")] == ["FROM", "FROM"]


def test_tokens_modify_where_positions_skip_delete_where_and_subqueries() -> None:
    text = (
        "DELETE WHERE { ?a ?b ?c } ;\n"
        "INSERT { ?s ?p ?o } WHERE { { SELECT ?s WHERE { ?s ?p ?o } } } ;\n"
        "WITH <http://g> DELETE { ?s ?p ?o } where { ?s ?p ?o }"
    )
    positions = modify_where_positions(tokenize(text))
    assert [text[p : p + 5] for p in positions] == ["WHERE", "where"]
    assert len(positions) == 2


def test_tokens_unescape_follows_the_grammar() -> None:
    assert unescape(r"<http://\u0031\u0030.0.0.1/>") == "<http://10.0.0.1/>"
    assert unescape(r"'\U0001F600'") == "'\U0001f600'"
    assert unescape(r"no escapes") == "no escapes"


def test_tokens_a_prefixed_name_holds_its_escapes() -> None:
    """PN_LOCAL_ESC (SPARQL 1.1, production 173): ``\\`` and one of ``_~.-!$&'()*+,;=/?#@%``."""
    text = "SELECT (x:a\\#b\\'c\\(\\) AS ?v) { } # x:comment"
    assert [t.text for t in tokenize(text)][:3] == ["SELECT", "(", "x:a\\#b\\'c\\(\\)"]
    assert [t.kind for t in tokenize(text)][2] == "pname"
    assert "x:comment" not in [t.text for t in tokenize(text)]


def test_tokens_doctests() -> None:
    import doctest

    from service.sparql import tokens

    assert doctest.testmod(tokens).failed == 0


def kinds(text: str) -> list[tuple[str, str]]:
    return [(t.kind, t.text) for t in tokenize(text)]


def test_tokens_less_than_after_an_operand_in_an_expression_is_the_operator() -> None:
    """As pyoxigraph and rdflib read it: ``?a<#>`` is "less than" and a comment, not an IRI
    (reported: the IRI reading hid a SERVICE, and nesting, from the checks)."""
    assert kinds("SELECT * { FILTER(?a<#> 1) }")[5:7] == [("var", "?a"), ("punct", "<")]
    assert "<#>" not in [t.text for t in tokenize("SELECT * { FILTER(?a<#> 1) }")]
    assert ("punct", "<=") in kinds("SELECT * { FILTER(1<=?b) }")
    assert ("punct", "<") in kinds('SELECT * { FILTER("x"@en<"y") }')
    assert ("punct", "<") in kinds("SELECT (?a<?b AS ?c) WHERE { }")
    assert ("punct", "<") in kinds("SELECT * WHERE { } ORDER BY ?a (?b<?c)")
    assert ("punct", "<") in kinds("SELECT * { VALUES ?x { 1 } FILTER(?x<#> 1) }")
    called = kinds("SELECT * { FILTER(<http://f#n>(?x) < <http://y#z>) }")
    assert ("iri", "<http://f#n>") in called and ("iri", "<http://y#z>") in called and ("punct", "<") in called
    assert ("iri", "<http://a#b>") in kinds("SELECT * { FILTER(?x IN (<http://a#b>, <http://c#d>)) }")


def test_tokens_less_than_elsewhere_starts_an_iri() -> None:
    """VALUES rows, collections and property paths hold IRIs after other terms."""
    rows = kinds("SELECT * { VALUES (?a ?b) { (<http://a#b> <http://c#d>) } }")
    assert ("iri", "<http://a#b>") in rows and ("iri", "<http://c#d>") in rows
    assert ("iri", "<http://x#y>") in kinds("SELECT * { ?s ?p (?a <http://x#y>) }")
    assert ("iri", "<http://q#b>") in kinds("SELECT * { ?s (<http://p#a>|<http://q#b>)* ?o }")
    assert ("iri", "<http://x#y>") in kinds("SELECT * { ?s a (1 <http://x#y>) }")
    assert ("iri", "<http://p#q>") in kinds("SELECT * { ?s <http://p#q> ?o FILTER(?o = <http://p#q>) }")
