"""The vendored W3C suite (tests/protocol/w3c/) is whole: every case is read, and nothing else is there."""

from __future__ import annotations

from tests.protocol.manifest import W3C, manifest_cases
from tests.protocol.test_w3c_service_description import _names

# As listed in w3c/README.md: the manifests (the Graph Store one includes the direct and indirect
# ones), the fixture graphs the protocol cases load, and the licence notice.
FILES = {
    "README.md",
    "LICENSE.md",
    "protocol/manifest.ttl",
    "protocol/data1.nt",
    "protocol/data2.nt",
    "protocol/data3.nt",
    "graph-store-protocol/manifest.ttl",
    "graph-store-protocol/manifest-direct.ttl",
    "graph-store-protocol/manifest-indirect.ttl",
    "service-description/manifest.ttl",
}


def test_w3c_vendored_suite_has_every_case() -> None:
    assert len(manifest_cases("protocol/manifest.ttl")) == 34
    assert len(manifest_cases("graph-store-protocol/manifest.ttl")) == 13  # 4 direct + 9 indirect
    assert _names() == ["conforms-to-schema", "has-endpoint-triple", "returns-rdf"]


def test_w3c_vendored_files_are_exactly_those_the_tests_read() -> None:
    on_disk = {p.relative_to(W3C).as_posix() for p in W3C.rglob("*") if p.is_file()}
    assert on_disk == FILES
    loaded = {
        file.relative_to(W3C).as_posix() for c in manifest_cases("protocol/manifest.ttl") for file, _ in c.graph_data
    }
    assert loaded == {"protocol/data1.nt", "protocol/data2.nt", "protocol/data3.nt"}
