"""Front-end libraries installed from npm at set-up, served from node_modules.

Only the files listed here are reachable: no path from the request ever names a file.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, send_file
from werkzeug.wrappers import Response

bp = Blueprint("assets", __name__)

NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"
VENDOR: dict[str, str] = {
    "vis-timeline.js": "vis-timeline/standalone/umd/vis-timeline-graph2d.min.js",
    "vis-timeline.css": "vis-timeline/styles/vis-timeline-graph2d.min.css",
    "yasgui.js": "@zazuko/yasgui/build/yasgui.min.js",
    "yasgui.css": "@zazuko/yasgui/build/yasgui.min.css",
}


@bp.get("/vendor/<name>")
def vendor(name: str) -> Response:
    rel = VENDOR.get(name)
    if rel is None or not (NODE_MODULES / rel).is_file():
        abort(404, description=f"no vendor file {name!r}: run `make setup` to install the front-end packages")
    return send_file(NODE_MODULES / rel, max_age=86400)
