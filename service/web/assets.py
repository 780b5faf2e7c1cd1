"""Front-end libraries installed from npm at set-up (shipped inside a built wheel), served at /vendor/.

Only the files listed in ``service.resources.VENDOR`` are reachable: no path from the request
ever names a file.
"""

from __future__ import annotations

from flask import Blueprint, abort, send_file
from werkzeug.wrappers import Response

from service.resources import vendor_advice, vendor_file

bp = Blueprint("assets", __name__)


@bp.get("/vendor/<name>")
def vendor(name: str) -> Response:
    path = vendor_file(name)
    if path is None or not path.is_file():
        if path is None:
            abort(404, description=f"no vendor file {name!r}")
        abort(404, description=vendor_advice([name]))
    return send_file(path, max_age=86400)
