"""Request body limits, enforced before a body is read whole.

Uploads (``POST /api/contracts``, ``POST /api/contracts/{id}/versions``) may carry ``VETTED_MAX_UPLOAD_BYTES``
of file plus a little for the form fields; every other request 1 MiB. A ``Content-Length`` over the limit is
answered 413 at once, without reading a byte of the body; a body without one (chunked) or longer than it said
is cut off as soon as it passes the limit. Either way the answer is the API's error body with the code
``file_too_large`` (uploads) or ``request_too_large``.
"""

from __future__ import annotations

import json
import re

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

FORM_ALLOWANCE = 1024 * 1024
DEFAULT_LIMIT = 1024 * 1024
UPLOAD_PATHS = re.compile(r"^/api/contracts(?:/\d+/versions)?/?$")


class BodyTooLarge(HTTPException):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(status_code=413, detail=message)
        self.code = code


def _message(upload: bool, limit: int) -> tuple[str, str]:
    if upload:
        return "file_too_large", (f"the upload is over the {(limit - FORM_ALLOWANCE) / 1e6:.0f} MB limit "
                                  "(VETTED_MAX_UPLOAD_BYTES): split the document or ask an admin to raise it")
    return "request_too_large", f"the request body is over {limit // 1024} KiB"


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, max_upload_bytes: int) -> None:
        self.app = app
        self.upload_limit = max_upload_bytes + FORM_ALLOWANCE

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        upload = scope["method"] == "POST" and bool(UPLOAD_PATHS.match(scope["path"]))
        limit = self.upload_limit if upload else DEFAULT_LIMIT
        code, message = _message(upload, limit)
        length = None
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    length = int(value)
                except ValueError:
                    length = None
        if length is not None and length > limit:
            await _refuse(send, code, message)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message_in = await receive()
            if message_in["type"] == "http.request":
                received += len(message_in.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(code, message)
            return message_in

        async def tracking_send(message_out: Message) -> None:
            nonlocal started
            if message_out["type"] == "http.response.start":
                started = True
            await send(message_out)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLarge:
            # Raised where no handler saw it (outside a route): answer here if nothing was sent yet.
            if started:
                raise
            await _refuse(send, code, message)


async def _refuse(send: Send, code: str, message: str) -> None:
    body = json.dumps({"error": {"code": code, "message": message}}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
