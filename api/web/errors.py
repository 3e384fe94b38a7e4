"""Errors on pages answer with pages: not signed in → the sign-in page (coming back afterwards), the wrong role
or an invisible contract → a 403 or 404 page in the site's layout, with the message and what to do next; a bug
→ a 500 page of the same kind. ``/api`` and static files keep the API's JSON error body (``api.errors``); a
page's script asking for JSON gets JSON too."""

from __future__ import annotations

import datetime as dt
import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from api import errors as api_errors
from api.errors import NotAuthenticatedError
from review_service.errors import VettedError

log = logging.getLogger(__name__)

TITLES = {401: "Please sign in", 403: "Not for your role", 404: "Not found", 409: "Not possible right now",
          413: "File too large", 415: "Unsupported file", 422: "Please check the form"}
# What the person can do next, under the message.
NEXT_STEPS = {
    403: "If you need this page, ask your administrator for the role that opens it.",
    404: "Check the address, or find what you were looking for from your start page.",
    409: "Reload the page to see where things stand now, then try again.",
    413: "Go back and choose a smaller file.",
    415: "Go back and choose a PDF, DOCX or TXT file.",
    422: "Go back, correct what the message names, and send it again.",
}
SERVER_ERROR_STEPS = ("Nothing you did caused this, and the error is logged. Try again in a moment; if it keeps "
                      "happening, tell your administrator the time shown here.")


def wants_page(request: Request) -> bool:
    path = request.url.path
    if path.startswith(("/api/", "/static/")) or path in ("/api", "/docs"):
        return False
    return "application/json" not in request.headers.get("accept", "")


def _login_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


def _sentence(message: str) -> str:
    message = message[:1].upper() + message[1:]
    return message if message.endswith((".", "!", "?", ")")) else message + "."


def error_page(request: Request, status: int, code: str, message: str) -> Response:
    from api.web.render import render
    from api.web.session import get_optional_user

    user = None
    if status != 401:
        settings, engine = request.app.state.settings, request.app.state.engine
        try:
            user = get_optional_user(request, settings, engine)
        except Exception:  # the database may be what failed: the error page still shows, without the user's menu
            log.exception("could not read the signed-in user for an error page")
    title = "This form has expired" if code == "csrf_refused" else TITLES.get(status, "Something went wrong")
    if code == "csrf_refused":
        steps = "Go back, reload the page, and send the form again."
    else:
        steps = SERVER_ERROR_STEPS if status >= 500 else NEXT_STEPS.get(status, "")
    return render(request, "error.html", user, status_code=status, status=status, code=code, title=title,
                  message=_sentence(message), steps=steps, nav_current=None,
                  at=dt.datetime.now(dt.UTC).strftime("%d %b %Y, %H:%M:%S UTC") if status >= 500 else None)


async def vetted_error_page(request: Request, exc: Exception) -> Response:
    if not wants_page(request):
        return await api_errors.vetted_error_handler(request, exc)
    assert isinstance(exc, VettedError)
    if isinstance(exc, NotAuthenticatedError):
        return _login_redirect(request)
    return error_page(request, api_errors.status_for(exc), exc.code, exc.message)


async def http_error_page(request: Request, exc: Exception) -> Response:
    if not wants_page(request):
        return await api_errors.http_error_handler(request, exc)
    assert isinstance(exc, StarletteHTTPException)
    message = "There is no page at this address." if exc.status_code == 404 else str(exc.detail)
    return error_page(request, exc.status_code, api_errors.HTTP_CODES.get(exc.status_code, "error"), message)


async def validation_error_page(request: Request, exc: Exception) -> Response:
    if not wants_page(request):
        return await api_errors.validation_error_handler(request, exc)
    if request.method == "GET":  # an address with a malformed part (/contracts/abc, ?page=x): no such page
        return error_page(request, 404, "not_found", "There is no page at this address.")
    return error_page(request, 422, "invalid_request", "The form was sent incomplete or malformed.")


async def unexpected_error_page(request: Request, exc: Exception) -> Response:
    if not wants_page(request):
        return await api_errors.unexpected_error_handler(request, exc)
    log.exception("unexpected error on a page", exc_info=exc)
    return error_page(request, 500, "internal_error", "Something went wrong on the server.")


def install(app: FastAPI) -> None:
    app.add_exception_handler(VettedError, vetted_error_page)
    app.add_exception_handler(StarletteHTTPException, http_error_page)
    app.add_exception_handler(RequestValidationError, validation_error_page)
    app.add_exception_handler(Exception, unexpected_error_page)
