"""The FastAPI application: ``create_app(settings)`` wires the database, the file store, the error handlers,
the body limits and one router per resource under ``/api``.

It does not migrate the database or run the worker: ``vetted serve`` does both before it starts uvicorn (and
tests bring their own migrated database and run jobs themselves). The web pages are mounted from ``api.web``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from sqlalchemy import Engine

from api import errors, schemas, web
from api.limits import BodyLimitMiddleware
from api.routes import (
    assignments,
    audit,
    auth,
    comments,
    contracts,
    deviations,
    health,
    jobs,
    metrics,
    notifications,
    renewals,
    rescan,
    routing,
    search,
    users,
    vendor_response,
)
from api.version import VERSION
from review_service.errors import VettedError
from review_service.repository.db import database_url, get_engine
from review_service.repository.files import FileStore
from review_service.settings import Settings, get_settings

DESCRIPTION = """
Vetted reviews vendor contract drafts against your pre-vetted clause library and moves each contract through
review: procurement uploads, the engine flags deviations and routes the contract, legal decides, everything is
audited.

Sign in with `POST /api/auth/token` (form fields `username`, `password`) and send the token as
`Authorization: Bearer <token>`. Every error has the body `{"error": {"code": "...", "message": "..."}}`;
lists are paginated with `page` and `per_page` and answer `items`, `total`, `page`, `per_page`.
"""

TAGS = [
    {"name": "auth", "description": "Sign in (OAuth2 password flow), sign out, who am I."},
    {"name": "contracts", "description": "Upload, list, read, move through the workflow; versions and comparison."},
    {"name": "jobs", "description": "Background reviews and re-scans."},
    {"name": "decisions", "description": "Legal's decision on each deviation."},
    {"name": "comments", "description": "Threaded comments with @mentions."},
    {"name": "notifications", "description": "Assignments, decisions, mentions, renewal deadlines."},
    {"name": "renewals", "description": "Notice deadlines coming up."},
    {"name": "audit", "description": "The hash-chained audit trail (admins and legal)."},
    {"name": "metrics", "description": "The measures POLICY.md defines."},
    {"name": "users", "description": "The user directory; user management (admin)."},
    {"name": "assignments", "description": "Legal partners and backups (admin)."},
    {"name": "routing", "description": "The playbook's routing thresholds (admin)."},
    {"name": "rescan", "description": "Re-assess the repository against the current library (admin)."},
    {"name": "search", "description": "Precedent: library variants and stored contract clauses closest in meaning."},
    {"name": "health", "description": "Liveness."},
]

ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    401: {"model": schemas.ErrorBody, "description": "Not signed in, or the token expired."},
    403: {"model": schemas.ErrorBody, "description": "Your role may not do this."},
    404: {"model": schemas.ErrorBody, "description": "No such thing, or not visible to you."},
    422: {"model": schemas.ErrorBody, "description": "Missing or invalid input."},
}


class UnsafeSecretError(VettedError):
    code = "unsafe_secret"


def create_app(settings: Settings | None = None, *, engine: Engine | None = None,
               store: FileStore | None = None) -> FastAPI:
    """The application for ``settings`` (default: from the environment). Refuses a missing or placeholder
    ``VETTED_SECRET_KEY``: tokens signed with a guessable key are no protection."""
    settings = settings or get_settings()
    problem = settings.secret_key_problem()
    if problem:
        raise UnsafeSecretError(f"{problem}: set VETTED_SECRET_KEY to a random value of at least 32 characters "
                                "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(48))'), or run "
                                "`vetted serve --demo` to try Vetted out")
    app = FastAPI(title="Vetted", version=VERSION, description=DESCRIPTION, openapi_tags=TAGS,
                  openapi_url="/api/openapi.json", docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.engine = engine or get_engine(database_url(settings))
    app.state.store = store or FileStore(settings.files_dir or Path(settings.data_dir) / "files")
    errors.install(app)
    app.add_middleware(BodyLimitMiddleware, max_upload_bytes=settings.max_upload_bytes)
    for module in (auth, contracts, vendor_response, jobs, deviations, comments, notifications, renewals, audit,
                   metrics, users, assignments, routing, rescan, search):
        app.include_router(module.router, prefix="/api", responses=ERROR_RESPONSES)
    app.include_router(health.router, prefix="/api")

    _serve_docs(app)
    web.install(app)  # the pages (/, /login, ...) and their static files; / leads to the user's start page
    return app


def _serve_docs(app: FastAPI) -> None:
    """Swagger UI at /docs from files Vetted serves itself (FastAPI's default fetches them from a CDN, which a
    self-hosted install behind a firewall cannot reach)."""
    import fastapi_offline
    from fastapi.openapi.docs import get_swagger_ui_html
    from fastapi.responses import HTMLResponse
    from fastapi.staticfiles import StaticFiles

    assets = Path(fastapi_offline.__file__).parent / "static"
    app.mount("/static/docs", StaticFiles(directory=assets), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def read_docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/api/openapi.json", title="Vetted API",
                                   swagger_js_url="/static/docs/swagger-ui-bundle.js",
                                   swagger_css_url="/static/docs/swagger-ui.css",
                                   swagger_favicon_url="/static/docs/favicon.png")
