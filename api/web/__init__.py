"""The web app: server-rendered pages (Jinja2 templates in ``templates/``, CSS and plain JavaScript in
``static/``) served by the same FastAPI app as the JSON API.

Pages use the API's own dependencies and domain services (``api.deps``, ``review_service.repository.service``,
``review_service.workflow``): the same sign-in (the ``vetted_session`` cookie), the same visibility and role
checks, the same audit records. ``install(app)`` mounts the static files, the page routers listed in
``api.web.pages.ROUTERS`` and the error handling that answers a page with a page (a redirect to the sign-in
page, a friendly 403 or 404) while ``/api`` keeps its JSON error body.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"


def install(app: FastAPI) -> None:
    """Serve the pages, their static files (/static/web) and their error pages on ``app``."""
    from fastapi.staticfiles import StaticFiles

    from api.web import errors
    from api.web.pages import ROUTERS

    app.mount("/static/web", StaticFiles(directory=STATIC_DIR), name="web-static")
    for router in ROUTERS:
        app.include_router(router, include_in_schema=False)
    errors.install(app)
