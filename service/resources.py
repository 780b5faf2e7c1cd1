"""Where the service finds the files it ships beside its code: the ontology and shapes, the named
queries, and the front-end libraries from npm.

A built wheel carries them inside the package, under ``service/shipped/`` (``setup.py`` copies
``ontology/``, ``queries/`` and the npm files the pages use there at build time), so an installed
service runs from any folder. A checkout installed in editable mode (``make setup``) has no such
copy and reads them where they live in the repository, beside the package.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
SHIPPED = PACKAGE / "shipped"
CHECKOUT = PACKAGE.parent  # the repository's top level, for editable installs only

# The npm files the pages load, by the name they are served under (/vendor/<name>).
VENDOR: dict[str, str] = {
    "vis-timeline.js": "vis-timeline/standalone/umd/vis-timeline-graph2d.min.js",
    "vis-timeline.css": "vis-timeline/styles/vis-timeline-graph2d.min.css",
    "yasgui.js": "@zazuko/yasgui/build/yasgui.min.js",
    "yasgui.css": "@zazuko/yasgui/build/yasgui.min.css",
}


def folder(name: str) -> Path:
    """``ontology`` or ``queries``: the shipped copy when the package has one, else the checkout's."""
    shipped = SHIPPED / name
    return shipped if shipped.is_dir() else CHECKOUT / name


def vendor_file(name: str) -> Path | None:
    """The front-end file served as ``/vendor/<name>``, or None for a name not in :data:`VENDOR`."""
    rel = VENDOR.get(name)
    if rel is None:
        return None
    shipped = SHIPPED / "vendor" / name
    return shipped if shipped.is_file() else CHECKOUT / "node_modules" / rel


def missing_vendor_files() -> list[str]:
    """The names of :data:`VENDOR` whose file is found neither in the package nor in the checkout.

    A wheel always ships them (its build fails without them); an editable install of a checkout
    has them only after ``npm ci``. Without them the timeline and the SPARQL editor cannot work.
    """
    return [name for name in VENDOR if not (path := vendor_file(name)) or not path.is_file()]


def vendor_advice(missing: list[str]) -> str:
    """One line: which front-end files are missing, where they were looked for, and how to get them."""
    where = f"neither in {SHIPPED / 'vendor'} nor in {CHECKOUT / 'node_modules'}"
    packages = sorted({VENDOR[name].split("/standalone")[0].split("/styles")[0].split("/build")[0] for name in missing})
    return (
        f"the front-end files {', '.join(missing)} are missing ({where}); "
        f"run `npm ci` in the checkout (or `make setup`) to install {', '.join(packages)}, "
        "or install a wheel built with `make wheel`, which ships them"
    )
