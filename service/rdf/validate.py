"""SHACL validation of quads against ``ontology/shapes.ttl``, with the ontology mixed in.

pyshacl works on rdflib graphs, so the quads are serialised once by pyoxigraph and parsed by
rdflib. All graphs of the input are validated as one union graph: an event in a document's
graph refers to actors whose labels live in the shared actors graph.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO, Protocol

import pyshacl
import rdflib
from pyoxigraph import Quad, RdfFormat, parse, serialize
from rdflib.namespace import SH

from service.rdf.namespaces import PREFIXES, compact
from service.resources import folder

ONTOLOGY_DIR = folder("ontology")
# Without inference the run is about twice as fast (0.5 s against 1.0 s for one event per
# sentence of both seeds) and finds the same problems: the ontology's subclass axioms are
# mixed into the data graph, and SHACL follows rdfs:subClassOf by itself.
DEFAULT_INFERENCE = "none"
_PREFIXES = {**PREFIXES, "sh": str(SH)}


@dataclass(frozen=True)
class Problem:
    """One SHACL validation result, with IRIs shortened by the known prefixes."""

    focus: str
    path: str | None
    message: str
    value: str | None
    severity: str

    def __str__(self) -> str:
        where = f"{self.focus} {self.path}" if self.path else self.focus
        value = f" (value: {self.value})" if self.value is not None else ""
        return f"{where}: {self.message}{value}"


@dataclass(frozen=True)
class Report:
    """Whether the data conforms to the shapes, and why not."""

    conforms: bool
    problems: tuple[Problem, ...]

    @property
    def text(self) -> str:
        """One line per problem, sorted; "conforms" when there are none."""
        if self.conforms:
            return "conforms"
        lines = sorted({str(p) for p in self.problems})
        return f"does not conform: {len(lines)} problem(s)\n" + "\n".join(f"- {line}" for line in lines)


@cache
def _load(path: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(path, format="turtle")


def shapes_graph(ontology_dir: Path = ONTOLOGY_DIR) -> rdflib.Graph:
    """The shapes, parsed once per process."""
    return _load(ontology_dir / "shapes.ttl")


def ontology_graph(ontology_dir: Path = ONTOLOGY_DIR) -> rdflib.Graph:
    """The ontology, parsed once per process."""
    return _load(ontology_dir / "eventgraph.ttl")


def to_rdflib(quads: Iterable[Quad]) -> rdflib.Graph:
    """The union of all graphs of ``quads`` as one rdflib graph."""
    data = serialize((q.triple for q in quads), format=RdfFormat.N_TRIPLES) or b""
    return rdflib.Graph().parse(data=data, format="nt")


def validate(data: Iterable[Quad], *, inference: str = DEFAULT_INFERENCE, ontology_dir: Path = ONTOLOGY_DIR) -> Report:
    """Validate quads (a list, a pyoxigraph ``Dataset`` or ``Store``) against the shapes.

    ``inference`` is pyshacl's: ``"none"`` (default) or ``"rdfs"``.
    """
    conforms, results, _ = pyshacl.validate(
        to_rdflib(data),
        shacl_graph=shapes_graph(ontology_dir),
        ont_graph=ontology_graph(ontology_dir),
        inference=inference,
        advanced=False,
        allow_warnings=False,
    )
    return Report(bool(conforms), tuple(_problems(results)))


class Dumpable(Protocol):
    """What :func:`validate_store` needs of a store (``service.store.Store`` has it)."""

    def dump(self, output: IO[bytes], format: RdfFormat, graph: str | None = None) -> None: ...


def validate_store(store: Dumpable, *, inference: str = DEFAULT_INFERENCE) -> Report:
    """Validate every graph of a store; the whole dataset is loaded into memory for pyshacl."""
    buffer = io.BytesIO()
    store.dump(buffer, RdfFormat.N_QUADS)
    return validate(parse(buffer.getvalue(), format=RdfFormat.N_QUADS), inference=inference)


def _problems(results: rdflib.Graph) -> Iterable[Problem]:
    for result in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        severity = results.value(result, SH.resultSeverity)
        message = results.value(result, SH.resultMessage) or _show(results.value(result, SH.sourceConstraintComponent))
        yield Problem(
            focus=_show(results.value(result, SH.focusNode)) or "?",
            path=_show(path) if isinstance(path, rdflib.URIRef) else None,
            message=str(message),
            value=_show(value),
            severity=_show(severity) or "sh:Violation",
        )


def _show(term: rdflib.term.Node | None) -> str | None:
    if term is None:
        return None
    if isinstance(term, rdflib.URIRef):
        return compact(str(term), _PREFIXES)
    if isinstance(term, rdflib.Literal):
        text = str(term)
        return repr(text if len(text) <= 60 else text[:57] + "...")
    return "[]"  # a blank node: an anonymous shape or path
