"""The /sparql endpoint through the Flask client: operations, content negotiation, status codes,
service description and VoID. Queries run in the real worker processes (on-disk store)."""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pyoxigraph import QueryResultsFormat, RdfFormat, parse, parse_query_results

from service.config import Settings
from service.web.runtime import app_runtime
from tests.web.live import AUTH

SELECT_EVENTS = "PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/> SELECT ?e WHERE { ?e a sem:Event } ORDER BY ?e"
UPDATE = "application/sparql-update"
QUERY = "application/sparql-query"


def bindings(data: bytes) -> list[dict]:
    return json.loads(data)["results"]["bindings"]


def count(client: FlaskClient, where: str) -> int:
    resp = client.get("/sparql", query_string={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"})
    return int(bindings(resp.data)[0]["n"]["value"])


def test_sparql_query_by_get_post_form_and_post_direct(loaded: Flask) -> None:
    client = loaded.test_client()
    by_get = client.get("/sparql", query_string={"query": SELECT_EVENTS})
    by_form = client.post("/sparql", data={"query": SELECT_EVENTS})
    direct = client.post("/sparql", data=SELECT_EVENTS, content_type="application/sparql-query")
    assert by_get.status_code == by_form.status_code == direct.status_code == 200
    assert by_get.content_type == "application/sparql-results+json"
    assert len(bindings(by_get.data)) == 3
    assert by_get.data == by_form.data == direct.data


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("application/sparql-results+json", QueryResultsFormat.JSON),
        ("application/json", QueryResultsFormat.JSON),
        ("application/sparql-results+xml", QueryResultsFormat.XML),
        ("text/csv", QueryResultsFormat.CSV),
        ("text/tab-separated-values", QueryResultsFormat.TSV),
        ("text/html;q=0.9, text/csv", QueryResultsFormat.CSV),
    ],
)
def test_sparql_select_negotiates_result_formats(loaded: Flask, accept: str, fmt: QueryResultsFormat) -> None:
    resp = loaded.test_client().get("/sparql", query_string={"query": SELECT_EVENTS}, headers={"Accept": accept})
    assert resp.status_code == 200
    assert resp.content_type == fmt.media_type
    assert resp.headers["Vary"] == "Accept"
    if fmt == QueryResultsFormat.CSV:  # lossy: pyoxigraph does not read it back
        assert resp.data.count(b"\r\n") == 4
    else:
        assert len(list(parse_query_results(resp.data, fmt))) == 3  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", RdfFormat.TURTLE),
        ("application/n-triples", RdfFormat.N_TRIPLES),
        ("application/rdf+xml", RdfFormat.RDF_XML),
        ("application/ld+json", RdfFormat.JSON_LD),
        ("application/n-quads", RdfFormat.N_QUADS),
        ("application/trig", RdfFormat.TRIG),
        ("*/*", RdfFormat.TURTLE),
    ],
)
def test_sparql_construct_negotiates_graph_formats(loaded: Flask, accept: str, fmt: RdfFormat) -> None:
    query = "PREFIX sem: <http://semanticweb.cs.vu.nl/2009/11/sem/> CONSTRUCT WHERE { ?e a sem:Event }"
    resp = loaded.test_client().get("/sparql", query_string={"query": query}, headers={"Accept": accept})
    assert resp.status_code == 200
    assert resp.content_type.split(";")[0] == fmt.media_type
    assert len(list(parse(resp.data, fmt))) == 3


@pytest.mark.parametrize(
    ("name", "media_type"),
    [("xml", "application/sparql-results+xml"), ("csv", "text/csv"), ("tsv", "text/tab-separated-values")],
)
def test_sparql_format_parameter_overrides_accept(loaded: Flask, name: str, media_type: str) -> None:
    resp = loaded.test_client().get(
        "/sparql", query_string={"query": SELECT_EVENTS, "format": name}, headers={"Accept": "application/json"}
    )
    assert resp.status_code == 200
    assert resp.content_type.split(";")[0] == media_type


def test_sparql_format_parameter_for_graphs(loaded: Flask) -> None:
    query = "CONSTRUCT WHERE { ?s a ?t } LIMIT 2"
    client = loaded.test_client()
    assert client.get("/sparql", query_string={"query": query, "format": "ntriples"}).content_type == (
        "application/n-triples"
    )
    resp = client.get("/sparql", query_string={"query": query, "format": "csv"})
    assert resp.status_code == 406
    assert "turtle" in resp.get_data(as_text=True)


def test_sparql_not_acceptable_lists_the_formats(loaded: Flask) -> None:
    resp = loaded.test_client().get("/sparql", query_string={"query": SELECT_EVENTS}, headers={"Accept": "text/turtle"})
    assert resp.status_code == 406
    text = resp.get_data(as_text=True)
    assert "application/sparql-results+json" in text and "text/csv" in text


def test_sparql_syntax_error_points_at_the_position(client: FlaskClient) -> None:
    resp = client.get("/sparql", query_string={"query": "SELECT ?s\nWHERE { ?s ?p }"})
    assert resp.status_code == 400
    assert resp.content_type.startswith("text/plain")
    text = resp.get_data(as_text=True)
    # The column is the engine's (the embedded store and Oxigraph's server differ); the line is ours.
    assert "SPARQL syntax error at line 2, column " in text
    assert "WHERE { ?s ?p }\n" in text and text.rstrip().endswith("^")


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"method": "PUT", "query_string": {"query": "ASK {}"}}, 405),
        ({"method": "DELETE"}, 405),
        ({"method": "POST", "data": "ASK {}", "content_type": "text/plain"}, 415),
        ({"method": "POST", "data": "ASK {}"}, 415),
        ({"method": "POST", "data": "ASK {}".encode("utf-16"), "content_type": f"{QUERY}; charset=UTF-16"}, 415),
        ({"method": "GET", "query_string": [("query", "ASK {}"), ("query", "ASK {}")]}, 400),
        ({"method": "GET", "query_string": {"update": "CLEAR ALL"}}, 400),
        ({"method": "POST", "data": {"query": "ASK {}", "update": "CLEAR ALL"}}, 400),
        ({"method": "GET", "query_string": {"query": "ASK {}", "default-graph-uri": "not an iri"}}, 400),
        ({"method": "GET", "query_string": {"query": "ASK {}", "format": "yaml"}}, 400),
    ],
)  # fmt: skip
def test_sparql_protocol_errors_have_their_status(client: FlaskClient, kwargs: dict, status: int) -> None:
    kwargs = dict(kwargs)  # the parameters are shared by both backends' runs
    method = kwargs.pop("method")
    resp = client.open("/sparql", method=method, **kwargs)
    assert resp.status_code == status, resp.get_data(as_text=True)
    if status == 405:
        assert set(resp.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


def test_sparql_request_over_the_size_limit_is_413(tmp_path, web_store) -> None:  # noqa: ANN001
    from service.web import create_app

    settings = Settings(store=web_store.location, max_request_bytes=1000)
    app = create_app(settings, store=web_store)
    try:
        query = "ASK { " + "?s ?p ?o . " * 200 + "}"
        resp = app.test_client().post("/sparql", data=query, content_type="application/sparql-query")
        assert resp.status_code == 413
        assert resp.get_data(as_text=True) == (
            f"the request body is {len(query):,} bytes; at most 1,000 are accepted (EVENTGRAPH_MAX_REQUEST_BYTES)\n"
        )
    finally:
        app_runtime(app).close()


def test_sparql_union_default_graph_unless_the_request_names_graphs(loaded: Flask, web_settings: Settings) -> None:
    client = loaded.test_client()
    graph = f"{web_settings.base_iri}graph/document/sample"
    assert count(client, "?e a <http://semanticweb.cs.vu.nl/2009/11/sem/Event>") == 3
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?e a <http://semanticweb.cs.vu.nl/2009/11/sem/Event> }"
    named = client.get("/sparql", query_string={"query": query, "default-graph-uri": graph})
    assert bindings(named.data)[0]["n"]["value"] == "2"
    only_named = client.get("/sparql", query_string={"query": query, "named-graph-uri": graph})
    assert bindings(only_named.data)[0]["n"]["value"] == "0"  # the request's dataset has an empty default graph
    from_clause = client.get("/sparql", query_string={"query": query.replace("WHERE", f"FROM <{graph}> WHERE")})
    assert bindings(from_clause.data)[0]["n"]["value"] == "2"


def test_sparql_update_needs_the_token_and_changes_nothing_without_it(loaded: Flask) -> None:
    client = loaded.test_client()
    before = count(client, "GRAPH ?g { ?s ?p ?o }")
    drop = "DROP ALL"
    assert client.post("/sparql", data=drop, content_type=UPDATE).status_code == 401
    wrong = {"Authorization": "Bearer wrong"}
    assert client.post("/sparql", data=drop, content_type=UPDATE, headers=wrong).status_code == 403
    assert client.post("/sparql", data={"update": drop}).status_code == 401
    assert count(client, "GRAPH ?g { ?s ?p ?o }") == before > 0
    assert client.post("/sparql", data=drop, content_type=UPDATE, headers=AUTH).status_code == 204
    assert count(client, "GRAPH ?g { ?s ?p ?o }") == 0


def test_sparql_query_workers_are_not_given_the_token(
    loaded: Flask, web_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker parses hostile text: what it is sent with a query or an update holds no secret."""
    from service.web.sparql import evaluator_of

    evaluator = evaluator_of(loaded)
    sent: list[object] = []
    query, plan_update = evaluator.query, evaluator.plan_update

    def keep_query(task, timeout):  # noqa: ANN001, ANN202
        sent.append(task)
        return query(task, timeout)

    def keep_update(task, timeout):  # noqa: ANN001, ANN202
        sent.append(task)
        return plan_update(task, timeout)

    monkeypatch.setattr(evaluator, "query", keep_query)
    monkeypatch.setattr(evaluator, "plan_update", keep_update)
    client = loaded.test_client()
    assert count(client, "?s ?p ?o") > 0  # answered as before
    drop = "DROP ALL"
    assert client.post("/sparql", data=drop, content_type=UPDATE, headers=AUTH).status_code == 204
    assert len(sent) == 2
    assert web_settings.token and AUTH["Authorization"].endswith(web_settings.token)
    for task in sent:
        assert task.settings.token is None and task.settings.store_password is None  # type: ignore[attr-defined]
        assert web_settings.token.encode() not in pickle.dumps(task)


def test_sparql_an_app_built_from_the_environment_starts_no_worker_with_its_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``create_app()`` reads the token from the environment, which its query workers would inherit:
    it removes the secrets' variables first (``serve`` and every command do the same)."""
    from service.web import create_app
    from service.web.runtime import app_runtime

    token, password = "environment-test-token", "environment-test-password"
    monkeypatch.setenv("EVENTGRAPH_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("EVENTGRAPH_TOKEN", token)
    monkeypatch.setenv("EVENTGRAPH_STORE_PASSWORD", password)
    app = create_app()
    runtime = app_runtime(app)
    try:
        assert runtime.settings.token == token and runtime.settings.store_password == password
        assert "EVENTGRAPH_TOKEN" not in os.environ and "EVENTGRAPH_STORE_PASSWORD" not in os.environ
        runtime.evaluator.start()
        pids = runtime.evaluator.pids()  # type: ignore[attr-defined]  # a pool of worker processes
        assert pids
        for pid in pids:
            environment = Path(f"/proc/{pid}/environ").read_bytes()
            assert token.encode() not in environment and password.encode() not in environment
        resp = app.test_client().post(
            "/sparql", data="CLEAR ALL", content_type=UPDATE, headers={"Authorization": f"Bearer {token}"}
        )
        assert resp.status_code == 204
    finally:
        runtime.close()
        runtime.store.close()


def test_sparql_update_without_a_configured_token_is_forbidden(web_store) -> None:  # noqa: ANN001
    from service.web import create_app

    app = create_app(Settings(store=web_store.location), store=web_store)
    try:
        resp = app.test_client().post("/sparql", data="CLEAR ALL", content_type=UPDATE, headers=AUTH)
        assert resp.status_code == 403
        assert "--token" in resp.get_data(as_text=True)
    finally:
        app_runtime(app).close()


def test_sparql_update_with_using_parameters_and_a_base(client: FlaskClient, web_settings: Settings) -> None:
    setup = (
        "INSERT DATA { GRAPH <http://ex/g1> { <http://ex/a> a <http://ex/C> } "
        "GRAPH <http://ex/g2> { <http://ex/b> a <http://ex/C> } }"
    )
    assert client.post("/sparql", data=setup, content_type=UPDATE, headers=AUTH).status_code == 204
    copy = "INSERT { GRAPH <http://ex/out> { ?s a <http://ex/Copied> } } WHERE { ?s a <http://ex/C> }"
    resp = client.post("/sparql?using-graph-uri=http%3A%2F%2Fex%2Fg1", data=copy, content_type=UPDATE, headers=AUTH)
    if web_settings.store.startswith("http"):
        # Oxigraph's server, whose default graph is the union, refuses USING: a clear 400, nothing written.
        assert resp.status_code == 400 and "USING" in resp.get_data(as_text=True)
        assert count(client, "GRAPH <http://ex/out> { ?s ?p ?o }") == 0
    else:
        assert resp.status_code == 204
        assert count(client, "GRAPH <http://ex/out> { ?s a <http://ex/Copied> }") == 1
    relative = "INSERT DATA { GRAPH <http://ex/base> { <s> <p> <o> } }"
    assert client.post("/sparql", data=relative, content_type=UPDATE, headers=AUTH).status_code == 204
    resp = client.get("/sparql", query_string={"query": "SELECT ?s WHERE { GRAPH <http://ex/base> { ?s ?p ?o } }"})
    assert bindings(resp.data)[0]["s"]["value"] == "http://localhost/s"  # resolved against the endpoint


def test_sparql_update_syntax_error_points_into_the_users_text(client: FlaskClient) -> None:
    resp = client.post("/sparql", data="INSERT DATA {\n  <http://a> <http://b> }", content_type=UPDATE, headers=AUTH)
    assert resp.status_code == 400
    assert "line 2, column" in resp.get_data(as_text=True)


def test_sparql_update_refuses_load(client: FlaskClient) -> None:
    resp = client.post("/sparql", data="LOAD <http://127.0.0.1:9/data.ttl>", content_type=UPDATE, headers=AUTH)
    assert resp.status_code == 403
    assert "LOAD is disabled" in resp.get_data(as_text=True)


def test_sparql_rows_are_capped_with_a_message(loaded: Flask, web_store) -> None:  # noqa: ANN001
    from service.web import create_app
    from service.web.sparql import TRUNCATED_HEADER

    app = create_app(Settings(store=web_store.location, max_result_rows=5), store=web_store)
    try:
        client = app.test_client()
        capped = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"})
        assert len(bindings(capped.data)) == 5
        assert "EVENTGRAPH_MAX_RESULT_ROWS" in capped.headers[TRUNCATED_HEADER]
        small = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 5"})
        assert len(bindings(small.data)) == 5 and TRUNCATED_HEADER not in small.headers
    finally:
        app_runtime(app).close()


def test_sparql_cors_is_open_for_reads_and_closed_for_writes(loaded: Flask) -> None:
    client = loaded.test_client()
    read = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Origin": "https://elsewhere.example"})
    assert read.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        "/sparql",
        headers={
            "Origin": "https://elsewhere.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, authorization",
        },
    )
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "authorization" not in preflight.headers.get("Access-Control-Allow-Headers", "").lower()
    write = client.post(
        "/sparql", data="CLEAR ALL", content_type=UPDATE, headers={**AUTH, "Origin": "https://x.example"}
    )
    assert write.status_code == 204
    assert "Access-Control-Allow-Origin" not in write.headers


def test_sparql_service_description_by_conneg(client: FlaskClient) -> None:
    resp = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert resp.status_code == 200
    assert resp.content_type == "text/turtle; charset=utf-8"
    text = resp.get_data(as_text=True)
    assert "sd:endpoint <http://localhost/sparql>" in text
    assert "sd:SPARQL11Update" in text  # a token is configured
    jsonld = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert jsonld.content_type == "application/ld+json"
    assert len(list(parse(jsonld.data, RdfFormat.JSON_LD))) > 5


def test_sparql_endpoint_iri_follows_each_requests_host_and_root(client: FlaskClient) -> None:
    """The endpoint's IRI (remembered per scheme, host and script root) is the one each request was
    sent to: a host never leaks into another host's answer, nor a script root into another's."""
    asked = [
        ("http://a.example:8000/", "http://a.example:8000/sparql"),
        ("https://b.example/", "https://b.example/sparql"),
        ("http://a.example:8000/mounted/", "http://a.example:8000/mounted/sparql"),
        ("http://a.example:8000/", "http://a.example:8000/sparql"),
    ]
    for base, endpoint in asked:
        text = client.get("/sparql", headers={"Accept": "text/turtle"}, base_url=base).get_data(as_text=True)
        assert f"sd:endpoint <{endpoint}>" in text and text.count("sd:endpoint <") == 1
        resolved = client.get(
            "/sparql", query_string={"query": "SELECT (<x> AS ?v) {}"}, headers={"Accept": "text/csv"}, base_url=base
        ).get_data(as_text=True)  # the query's base IRI is the endpoint's
        assert resolved.splitlines()[1] == endpoint.rsplit("/", 1)[0] + "/x"


def test_sparql_browsers_get_the_editor(client: FlaskClient) -> None:
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    resp = client.get("/sparql", headers={"Accept": accept})
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    html = resp.get_data(as_text=True)
    assert '<script src="/vendor/yasgui.js"></script>' in html
    assert "<script>" not in html  # no inline script: the CSP forbids it
    assert 'data-endpoint="http://localhost/sparql"' in html
    config = client.get("/sparql/editor.json").get_json()
    assert config["prefixes"]["eg"] == "https://w3id.org/eventgraph#"
    assert isinstance(config["examples"], list)


def test_sparql_void_counts_the_dataset(loaded: Flask) -> None:
    client = loaded.test_client()
    resp = client.get("/.well-known/void", headers={"Accept": "application/n-triples"})
    assert resp.status_code == 200
    triples = list(parse(resp.data, RdfFormat.N_TRIPLES))
    entities = {}
    for t in triples:
        if t.predicate.value.endswith("#class"):
            part = t.subject
            number = next(
                x.object.value for x in triples if x.subject == part and x.predicate.value.endswith("entities")
            )
            entities[t.object.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]] = int(number)
    assert entities == {"Document": 2, "Event": 3, "Actor": entities["Actor"], "AidItem": 1}
    assert entities["Actor"] >= 4
    total = next(int(t.object.value) for t in triples if t.predicate.value.endswith("#triples"))
    assert total > 50
    sd = client.get("/sparql", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    assert "http://localhost/.well-known/void#dataset" in sd
