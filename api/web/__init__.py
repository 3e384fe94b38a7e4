"""The web pages (a later issue): Jinja2 templates in ``templates/``, CSS and scripts in ``static/``.

They will be served by a ``pages`` router that ``api.main.create_app`` includes beside the JSON API, sharing its
dependencies (``api.deps``: the session, the signed-in user from the ``vetted_session`` cookie) and the same
visibility rules. Nothing is served from here yet.
"""

from __future__ import annotations

from pathlib import Path

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"
