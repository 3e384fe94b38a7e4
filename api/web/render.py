"""Rendering a page: the Jinja2 environment, and what every template can use (the signed-in user, their
navigation, the CSRF token, a one-time flash message)."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from api.web import TEMPLATES_DIR, csrf
from api.web.nav import active_link, links_for
from review_service.repository.models import User

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))

FLASH_COOKIE = "vetted_flash"
ROLE_NAMES = {"procurement": "Procurement", "legal": "Legal", "senior_legal": "Senior legal",
              "finance": "Finance", "admin": "Admin"}
ROUTE_NAMES = {"self_serve": "Self-serve", "legal": "Legal review", "senior_legal": "Senior legal review"}
STATE_NAMES = {"submitted": "Submitted", "in_review": "In review", "changes_requested": "Changes requested",
               "approved": "Approved", "rejected": "Rejected", "signature_ready": "Ready for signature"}
CONTRACT_TYPE_NAMES = {"saas": "SaaS subscription", "services": "Services", "nda": "NDA",
                       "dpa": "Data processing (DPA)", "software": "Software licence", "goods": "Goods",
                       "consulting": "Consulting"}


def _when(value: dt.datetime | dt.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%d %b %Y, %H:%M UTC")
    return value.strftime("%d %b %Y")


def _money(value: float | int | None, currency: str | None = None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f} {currency or ''}".strip()


def _label(value: str | None) -> str:
    return (value or "").replace("_", " ")


templates.env.filters.update(when=_when, money=_money, label=_label)
templates.env.globals.update(ROLE_NAMES=ROLE_NAMES, ROUTE_NAMES=ROUTE_NAMES, STATE_NAMES=STATE_NAMES,
                             CONTRACT_TYPE_NAMES=CONTRACT_TYPE_NAMES)


def flash(response: RedirectResponse, message: str, *, kind: str = "ok") -> RedirectResponse:
    """Show ``message`` once, on the next page rendered (after a redirect); ``kind`` ok or error."""
    encoded = base64.urlsafe_b64encode(f"{kind}:{message}".encode()).decode("ascii")
    response.set_cookie(FLASH_COOKIE, encoded, max_age=60, httponly=True, samesite="lax", path="/")
    return response


def _take_flash(request: Request) -> dict[str, str] | None:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return None
    try:
        kind, _, text = base64.urlsafe_b64decode(raw.encode("ascii")).decode("utf-8").partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return {"kind": "error" if kind == "error" else "ok", "text": text}


def render(request: Request, template: str, user: User | None = None, *, status_code: int = 200,
           **context: Any) -> HTMLResponse:
    """``template`` with ``context`` and what every page needs; sets the CSRF cookie when it is new."""
    token = csrf.token(request)
    message = _take_flash(request)
    response = templates.TemplateResponse(request, template, {
        "user": user, "nav": links_for(user.role) if user is not None else [], "csrf_token": token,
        "csrf_field": csrf.FIELD, "flash": message, "path": request.url.path,
        "nav_current": active_link(request.url.path, user.role) if user is not None else None, **context,
    }, status_code=status_code)
    nonce = getattr(request.state, "csrf_nonce", None)
    if nonce:
        response.set_cookie(csrf.COOKIE, nonce, httponly=True, samesite="strict", path="/",
                            secure=request.app.state.settings.cookie_secure)
    if message is not None:
        response.delete_cookie(FLASH_COOKIE, path="/")
    # Pages show who is signed in and what they may see: never from a shared cache.
    response.headers["Cache-Control"] = "no-store"
    return response
