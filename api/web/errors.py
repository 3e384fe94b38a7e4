"""Errors on pages answer with pages: not signed in → the sign-in page (coming back afterwards), the wrong role
or an invisible contract → a friendly 403 or 404 page with the message. ``/api`` and static files keep the
API's JSON error body (``api.errors``); a page's script asking for JSON gets JSON too."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from api import errors as api_errors
from api.errors import NotAuthenticatedError
from review_service.errors import VettedError

TITLES = {401: "Please sign in", 403: "Not for your role", 404: "Not found", 409: "Not possible right now",
          413: "File too large", 415: "Unsupported file", 422: "Please check the form"}


def wants_page(request: Request) -> bool:
    path = request.url.path
    if path.startswith(("/api/", "/static/")) or path in ("/api", "/docs"):
        return False
    return "application/json" not in request.headers.get("accept", "")


def _login_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


def error_page(request: Request, status: int, code: str, message: str) -> Response:
    from api.web.render import render
    from api.web.session import get_optional_user

    user = None
    if status != 401:
        settings, engine = request.app.state.settings, request.app.state.engine
        user = get_optional_user(request, settings, engine)
    title = "This form has expired" if code == "csrf_refused" else TITLES.get(status, "Something went wrong")
    return render(request, "error.html", user, status_code=status, status=status, code=code, title=title,
                  message=message[:1].upper() + message[1:])


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


def install(app: FastAPI) -> None:
    app.add_exception_handler(VettedError, vetted_error_page)
    app.add_exception_handler(StarletteHTTPException, http_error_page)
