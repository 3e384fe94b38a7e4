"""One error body everywhere: ``{"error": {"code": "...", "message": "..."}}``.

Domain errors (``VettedError`` and its subclasses, with their stable codes) are translated to HTTP statuses
here and only here; so are FastAPI's own errors (404 for an unknown path, 405, 422 for a request that does not
validate) and any ``HTTPException``. A client error is always a 4xx with a code; a 500 means a bug or an
outage, never bad input.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from review_service.errors import (
    FileTooLargeError,
    InputError,
    LibraryError,
    TypeMismatchError,
    UnsupportedTypeError,
    VettedError,
)
from review_service.repository.errors import (
    ConflictError,
    DuplicateFileError,
    ForbiddenError,
    InvalidRequestError,
    NotFoundError,
)
from review_service.repository.files import StoredFileError
from review_service.repository.login_throttle import LoginThrottledError

log = logging.getLogger(__name__)


class NotAuthenticatedError(VettedError):
    """No credentials, or credentials that are not (or no longer) valid (HTTP 401)."""

    code = "not_authenticated"


# Most specific first: the first class an error is an instance of decides the status.
STATUS: list[tuple[type[Exception], int]] = [
    (NotAuthenticatedError, 401),
    (ForbiddenError, 403),
    (NotFoundError, 404),
    (LoginThrottledError, 429),
    (FileTooLargeError, 413),
    (UnsupportedTypeError, 415),
    (TypeMismatchError, 415),
    (InputError, 422),
    (InvalidRequestError, 422),
    (ConflictError, 409),
    (LibraryError, 503),
    (StoredFileError, 500),
]

# Codes for FastAPI's and Starlette's own HTTP errors.
HTTP_CODES = {
    400: "bad_request", 401: "not_authenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    409: "conflict", 413: "file_too_large", 415: "unsupported_media_type", 422: "invalid_request",
    429: "too_many_requests",
}


def status_for(exc: Exception) -> int:
    for cls, status in STATUS:
        if isinstance(exc, cls):
            return status
    return 400


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **extra}}


def error_response(status: int, code: str, message: str, *, headers: dict[str, str] | None = None,
                   **extra: Any) -> JSONResponse:
    return JSONResponse(error_body(code, message, **extra), status_code=status, headers=headers)


def _auth_headers(status: int) -> dict[str, str] | None:
    return {"WWW-Authenticate": "Bearer"} if status == 401 else None


async def vetted_error_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, VettedError)
    status = status_for(exc)
    extra: dict[str, Any] = {}
    if isinstance(exc, DuplicateFileError):
        extra = {"contract_id": exc.contract_id, "version_id": exc.version_id}
    headers = _auth_headers(status)
    if isinstance(exc, LoginThrottledError):
        extra = {"retry_after": exc.retry_after}
        headers = {"Retry-After": str(exc.retry_after)}
    if status >= 500:
        log.error("server-side failure: %s", exc)
    return error_response(status, exc.code, exc.message, headers=headers, **extra)


async def http_error_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = getattr(exc, "code", None) or HTTP_CODES.get(exc.status_code, f"http_{exc.status_code}")
    if exc.status_code == 404 and exc.detail == "Not Found":
        message = "no such endpoint: see /docs for the API"
    elif exc.status_code == 405:
        message = "this endpoint does not accept that method: see /docs for the API"
    else:
        message = str(exc.detail)
    headers = dict(exc.headers or {})
    headers.update(_auth_headers(exc.status_code) or {})
    return error_response(exc.status_code, code, message, headers=headers or None)


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    # ("body", "title") -> "title"; ("query", "page") -> "page": the part a client names.
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "cookie", "form")]
    return ".".join(parts) or "request"


async def validation_error_handler(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    fields = [{"field": _field(e.get("loc", ())), "message": e.get("msg", "invalid")} for e in exc.errors()]
    message = "; ".join(f"{f['field']}: {f['message']}" for f in fields) or "the request does not validate"
    return error_response(422, "invalid_request", message, fields=fields)


async def unexpected_error_handler(_request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error", exc_info=exc)
    return error_response(500, "internal_error", "something went wrong on the server; the error is logged")


def install(app: FastAPI) -> None:
    app.add_exception_handler(VettedError, vetted_error_handler)
    app.add_exception_handler(StarletteHTTPException, http_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.add_exception_handler(Exception, unexpected_error_handler)
