"""Reading the W3C test manifests (ht:Request / ht:Response records) into plain values.

The suite is vendored in ``tests/protocol/w3c/`` (the W3C rdf-tests repository's protocol
folders, unmodified; see its README.md for the commit and the licence).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from rdflib import RDF, RDFS, Graph, Namespace
from rdflib.collection import Collection
from rdflib.term import Node

W3C = Path(__file__).resolve().parent / "w3c"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
STATUS_NAMES = {"OK": 200, "Created": 201, "NoContent": 204, "NotFound": 404}


@dataclass
class Expected:
    statuses: list[str]  # "200", "2xx", …
    boolean: bool | None = None
    format: str | None = None  # "boolean", "tabular" or "RDF"
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None
    location: str | None = None  # a template variable the Location header fills

    def allows(self, status: int) -> bool:
        return any(s == str(status) or (s.endswith("xx") and s[0] == str(status)[0]) for s in self.statuses)


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    expected: Expected


@dataclass
class Case:
    id: str
    name: str
    requests: list[Request]
    graph_data: list[tuple[Path, str]] = field(default_factory=list)  # (file, graph IRI)


def _status(node: Node) -> str:
    local = str(node).rsplit("#", 1)[1]
    if local.startswith("StatusCode"):
        return local[len("StatusCode") :]
    return str(STATUS_NAMES[local])


def _headers(g: Graph, node: Node | None) -> dict[str, str]:
    if node is None:
        return {}
    return {str(g.value(h, HT.fieldName)): str(g.value(h, HT.fieldValue)) for h in Collection(g, node)}


def _body(g: Graph, node: Node | None) -> tuple[str | None, str]:
    if node is None:
        return None, "utf-8"
    return str(g.value(node, CNT.chars)), str(g.value(node, CNT.characterEncoding) or "utf-8")


def _request(g: Graph, node: Node) -> Request:
    resp = g.value(node, HT.resp)
    chars, encoding = _body(g, g.value(node, HT.body))
    expected_body, _ = _body(g, g.value(resp, HT.body))
    boolean = g.value(resp, MF.expectedBoolean)
    expected = Expected(
        statuses=sorted(_status(s) for s in g.objects(resp, MF.expectedStatus)),
        boolean=None if boolean is None else boolean.toPython(),
        format=str(g.value(resp, MF.expectedFormat)) if g.value(resp, MF.expectedFormat) else None,
        headers=_headers(g, g.value(resp, HT.headers)),
        body=expected_body,
        location=str(g.value(resp, MF.expectedLocation)) if g.value(resp, MF.expectedLocation) else None,
    )
    return Request(
        method=str(g.value(node, HT.methodName)),
        path=str(g.value(node, HT.absolutePath)),
        headers=_headers(g, g.value(node, HT.headers)),
        body=None if chars is None else chars.encode(encoding),
        expected=expected,
    )


def read_manifest(path: Path) -> list[Case]:
    """The test cases of one manifest file, in the manifest's order (entries of included manifests too)."""
    g = Graph().parse(path, format="turtle", publicID=path.as_uri())
    manifest = next(g.subjects(RDF.type, MF.Manifest))
    cases: list[Case] = []
    for include in Collection(g, g.value(manifest, MF.include)) if g.value(manifest, MF.include) else []:
        cases += read_manifest(_path(include))
    for entry in Collection(g, g.value(manifest, MF.entries)) if g.value(manifest, MF.entries) else []:
        cases.append(_case(g, entry, path))
    return cases


def _case(g: Graph, entry: Node, path: Path) -> Case:
    action = g.value(entry, MF.action)
    requests = [_request(g, r) for r in Collection(g, g.value(action, HT.requests))]
    data = [
        (_path(g.value(d, UT.graph)), str(g.value(d, RDFS.label)))  # type: ignore[arg-type]
        for d in g.objects(entry, UT.graphData)
    ]
    name = str(g.value(entry, MF.name))
    return Case(str(entry).rsplit("#", 1)[-1], name, requests, sorted(data, key=lambda d: d[1]))


def manifest_cases(relative: str) -> list[Case]:
    """The cases of a manifest under the vendored suite folder (a missing manifest is an error)."""
    return read_manifest(W3C / relative)


def _path(uri: Node) -> Path:
    return Path(url2pathname(urlsplit(str(uri)).path))
