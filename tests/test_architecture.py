"""The README's architecture table and the packages' docstrings say what each part of ``service/``
must not import; this keeps them honest. Every package's docstring has a "must not import …" line,
and so has the table's row for it; each thing named there must be forbidden by an import contract
of ``pyproject.toml`` ([tool.importlinter], run by ``lint-imports``), the docstring and the row must
name the same things, and the table must list every module and package of ``service/``. A row that
says a module "imports nothing else of ours" is checked against the modules' actual imports."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SERVICE = REPO / "service"

# What a "must not import" line may name, and the modules each name stands for. A line naming
# anything else fails: say it outside the must-not line, or add the name here with its modules.
VOCABULARY: dict[str, frozenset[str]] = {
    "flask": frozenset({"flask"}),
    "the web layer": frozenset({"service.web"}),
    "the cli": frozenset({"service.cli"}),
    "rdf libraries": frozenset({"pyoxigraph", "rdflib"}),
    "the ontology mapping": frozenset({"service.rdf"}),
    "the store": frozenset({"service.store"}),
    "the extractor": frozenset({"service.extract"}),
    "the document readers": frozenset({"service.documents"}),
}


def contracts() -> list[dict[str, object]]:
    with (REPO / "pyproject.toml").open("rb") as fh:
        return tomllib.load(fh)["tool"]["importlinter"]["contracts"]


def within(module: str, ancestors: object) -> bool:
    """True when ``module`` is one of ``ancestors`` or inside one of them."""
    assert isinstance(ancestors, list)
    return any(module == a or module.startswith(a + ".") for a in ancestors)


def forbidden(source: str, target: str) -> bool:
    """True when a contract forbids ``source`` to import ``target``."""
    for contract in contracts():
        if contract["type"] == "forbidden":
            if within(source, contract["source_modules"]) and within(target, contract["forbidden_modules"]):
                return True
        elif contract["type"] == "independence":  # none of the listed modules imports another
            modules = contract["modules"]
            assert isinstance(modules, list)
            home = [m for m in modules if within(source, [m])]
            if home and within(target, [m for m in modules if m not in home]):
                return True
    return False


def must_not(text: str) -> frozenset[str] | None:
    """The modules a "must not import a, b or c" phrase names; None when ``text`` has no such phrase.

    :raises AssertionError: a name outside :data:`VOCABULARY`.
    """
    match = re.search(r"must not import (.*?)(?:[.;:]\s|[.;:]?$)", " ".join(text.split()))
    if match is None:
        return None
    names = [n.strip().lower() for n in re.split(r",\s*|\s+or\s+", match.group(1)) if n.strip()]
    unknown = [n for n in names if n not in VOCABULARY]
    assert not unknown, f"must-not line names {unknown}: not in tests/test_architecture.py's VOCABULARY"
    return frozenset().union(*(VOCABULARY[n] for n in names))


def parts() -> dict[str, Path]:
    """Every module and package directly under ``service/`` (not ``__init__``/``__main__``), by dotted name."""
    out = {}
    for path in sorted(SERVICE.iterdir()):
        if path.is_dir() and (path / "__init__.py").exists():
            out[f"service.{path.name}"] = path / "__init__.py"
        elif path.suffix == ".py" and not path.name.startswith("__"):
            out[f"service.{path.stem}"] = path
    return out


PACKAGES = {name: path for name, path in parts().items() if path.name == "__init__.py"}


def table() -> dict[str, tuple[str, str]]:
    """The README's architecture table: package → (does, must not)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Architecture") :]
    section = section[: section.index("\n## ", 1)]
    rows = {}
    for line in section.splitlines():
        match = re.fullmatch(r"\| `(service(?:\.\w+)?)` \|(.*)\|(.*)\|", line.strip())
        if match:
            rows[match.group(1)] = (match.group(2).strip(), match.group(3).strip())
    return rows


def test_architecture_table_lists_every_module_and_package() -> None:
    rows = table()
    assert set(rows) == set(parts()), (
        f"missing from the README's table: {sorted(set(parts()) - set(rows))}; "
        f"in the table but not in service/: {sorted(set(rows) - set(parts()))}"
    )


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_architecture_package_docstring_must_not_line_is_enforced(package: str) -> None:
    docstring = ast.get_docstring(ast.parse(PACKAGES[package].read_text(encoding="utf-8"))) or ""
    named = must_not(docstring)
    assert named, f"{package}'s docstring has no 'must not import …' line"
    loose = sorted(target for target in named if not forbidden(package, target))
    assert not loose, f"{package}'s docstring says it must not import {loose}, but no import contract forbids it"
    row = must_not("must not " + table()[package][1])
    assert row == named, f"the README's row for {package} and its docstring name different things: {row} vs {named}"


@pytest.mark.parametrize("part", sorted(table()))
def test_architecture_table_must_not_column_is_enforced(part: str) -> None:
    column = table()[part][1]
    named = must_not("must not " + column) or frozenset()
    assert named or not column, f"{part}: the must-not column should read 'import …' ({column!r})"
    loose = sorted(target for target in named if not forbidden(part, target))
    assert not loose, f"the README says {part} must not import {loose}, but no import contract forbids it"


def test_architecture_imports_nothing_else_of_ours_is_true() -> None:
    grimp = pytest.importorskip("grimp")  # import-linter's graph builder: a test dependency
    graph = grimp.build_graph("service")
    claims = [name for name, (does, _) in table().items() if "imports nothing else of ours" in does]
    assert claims, "the table's claims of self-containment were not found"
    for name in claims:
        modules = {m for m in graph.modules if m == name or m.startswith(name + ".")}
        imported = set().union(*(graph.find_modules_directly_imported_by(m) for m in modules))
        ours = sorted(i for i in imported if i.startswith("service") and i not in modules)
        assert not ours, f"the README says {name} imports nothing else of ours, but it imports {ours}"


def test_architecture_a_contract_that_does_not_forbid_is_noticed() -> None:
    """The checker itself: what no contract forbids is reported as loose."""
    assert forbidden("service.sparql", "flask") and forbidden("service.documents", "service.rdf")
    assert not forbidden("service.pipeline", "service.extract") and not forbidden("service.web", "flask")
    assert not forbidden("service.store", "service.store.remote")
    assert must_not("It must not import Flask, the web layer or the CLI.") == {"flask", "service.web", "service.cli"}
    with pytest.raises(AssertionError, match="VOCABULARY"):
        must_not("It must not import the moon.")
