"""The Flask application: thin views over the core (pipeline, sparql, store).

Views parse the request, call one core function and render. This package builds no
SPARQL and runs no extraction of its own; it is the only package that imports Flask.
It must not import the CLI.
"""

from __future__ import annotations

import secrets

from flask import Flask

from service import __version__
from service.config import Settings, forget_secret_variables, from_env
from service.extraction_process import START_TIMEOUT, open_extractor
from service.rdf.iris import Iris
from service.search import index_for
from service.sparql.evaluator import open_evaluator, worker_count
from service.sparql.generation import SharedGeneration
from service.sparql.served import ServedStore
from service.store import Store, open_configured
from service.web import conditional, errors, resources, security
from service.web.runtime import Runtime


def create_app(
    settings: Settings | None = None,
    *,
    store: Store | None = None,
    generation: SharedGeneration | None = None,
    forward_to: str | None = None,
) -> Flask:
    """Build the app: defaults → environment → ``settings``; ``store`` overrides ``settings.store``.

    The app owns its query workers (the evaluator): every read of the store, a client's query or
    one a view builds, runs in them. ``serve`` starts them early and closes them on exit.

    One of several server processes over one store (``serve --processes N``) shares the store's
    ``generation`` with the others; in those that do not hold the store (``store`` is
    :class:`~service.store.elsewhere.Elsewhere`), the requests that write go to ``forward_to``, the
    Unix socket of the process that does.
    """
    if settings is None:
        settings = from_env()
        forget_secret_variables()  # read now: the query workers this app starts do not inherit them
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]  # Flask's default JSON provider has it
    raw = store if store is not None else open_configured(settings)
    evaluator = open_evaluator(
        raw,
        settings.query_workers or worker_count(settings.threads, settings.processes),
        cap=settings.query_workers_max,
        memory_mb=settings.query_memory_mb,
        generation=generation,
        service_allow=settings.service_allow,
    )
    runtime = Runtime(
        settings=settings,
        store=ServedStore(raw, evaluator, settings.query_timeout, settings.query_memory_mb),
        iris=Iris(settings.base_iri),
        version=__version__,
        evaluator=evaluator,
        search=index_for(settings, raw.location),
        extractor=open_extractor(settings, raw),
        epoch=generation.epoch if generation is not None else secrets.token_hex(4),
    )
    if forward_to is not None:
        from service.web.forward import Forward

        # Writes can take long (an upload read and extracted, its process started first): the limit
        # only stops a writer that hangs.
        longest = max(600.0, 2 * settings.query_timeout, START_TIMEOUT + 4 * settings.extract_timeout)
        app.wsgi_app = Forward(app.wsgi_app, forward_to, timeout=longest)  # type: ignore[method-assign]
    app.extensions["eventgraph"] = runtime
    errors.init_app(app)
    security.init_app(app)
    conditional.init_app(app, raw)  # ETag / 304 on reads of the embedded store
    # Links to IRIs in every page: those under the base IRI point at the host the page was asked from.
    app.add_template_filter(resources.iri_href, "iri_href")
    _register_blueprints(app)
    return app


def _register_blueprints(app: Flask) -> None:
    from service.web import api, assets, curation, graph_store, ingest, pages, queries, sparql, timeline

    for module in (assets, sparql, graph_store, resources, ingest, api, curation, queries, pages, timeline):
        app.register_blueprint(module.bp)
    app.register_blueprint(curation.pages_bp)
