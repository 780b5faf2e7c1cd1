"""Build step that pyproject.toml cannot express: copy the files the service ships beside its
code into the package (``service/shipped/``) so that a wheel runs from any folder.

``ontology/`` and ``queries/`` stay at the repository's top level (where people read and edit
them); the npm front-end files come from ``node_modules/`` (``npm ci`` first: ``make wheel``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
VENDOR = {
    "vis-timeline.js": "vis-timeline/standalone/umd/vis-timeline-graph2d.min.js",
    "vis-timeline.css": "vis-timeline/styles/vis-timeline-graph2d.min.css",
    "yasgui.js": "@zazuko/yasgui/build/yasgui.min.js",
    "yasgui.css": "@zazuko/yasgui/build/yasgui.min.css",
}


class BuildWithShipped(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return  # an editable install reads the checkout's folders
        target = Path(self.build_lib) / "service" / "shipped"
        for name in ("ontology", "queries"):
            shutil.copytree(ROOT / name, target / name, dirs_exist_ok=True)
        (target / "vendor").mkdir(parents=True, exist_ok=True)
        for name, rel in VENDOR.items():
            source = ROOT / "node_modules" / rel
            if not source.is_file():
                raise SystemExit(f"{source} is missing: run `npm ci` (or `make wheel`) before building")
            shutil.copyfile(source, target / "vendor" / name)


setup(cmdclass={"build_py": BuildWithShipped})
