"""Cross-site request forgery protection for the pages' form posts.

Two checks, both required on every POST to a page:

1. Origin: a browser names the page a POST comes from (``Origin``, else ``Referer``); one from another host is
   refused. Cheap and catches most forgeries, but an old browser or a privacy proxy may omit both headers.
2. A signed double-submit token: a random ``vetted_csrf`` cookie (HttpOnly, SameSite=Strict), and in every form
   (or the ``X-CSRF-Token`` header of a script's request) the HMAC of that cookie under the server's secret.
   A forged form cannot carry the token: another site can neither read our pages nor compute the HMAC, and
   a cookie planted from a sibling subdomain does not help without the secret (which a plain double-submit
   of the cookie's own value would not survive).

Why not SameSite alone: the session cookie is SameSite=Lax (the API sets it, and links from e-mail into the app
must arrive signed in), and Lax still lets same-site hosts post. The token does not depend on the session, so
the sign-in form is protected too (login CSRF).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from fastapi import Request

from review_service.repository.errors import ForbiddenError

COOKIE = "vetted_csrf"
FIELD = "csrf_token"
HEADER = "x-csrf-token"


def _secret(request: Request) -> bytes:
    key = request.app.state.settings.secret_key
    assert key is not None  # create_app refuses to start without one
    return hashlib.sha256(b"vetted csrf\x00" + key.get_secret_value().encode("utf-8")).digest()


def _sign(request: Request, nonce: str) -> str:
    return hmac.new(_secret(request), nonce.encode("ascii", "replace"), hashlib.sha256).hexdigest()


def token(request: Request) -> str:
    """The token for the forms of this page; makes the cookie's nonce when the browser has none yet (the
    renderer sets it on the response)."""
    nonce = request.cookies.get(COOKIE) or getattr(request.state, "csrf_nonce", None)
    if not nonce:
        nonce = secrets.token_urlsafe(24)
        request.state.csrf_nonce = nonce
    return _sign(request, nonce)


def _same_host(request: Request, url: str) -> bool:
    return urlsplit(url).netloc.lower() == (request.headers.get("host") or "").lower()


async def check(request: Request) -> None:
    """A dependency for every page POST: refuses a foreign origin or a missing or wrong token (403)."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if origin and origin != "null" and not _same_host(request, origin):
        raise ForbiddenError("this form was sent from another site: open Vetted and try again", code="csrf_refused")
    given = request.headers.get(HEADER)
    if not given:
        form = await request.form()
        value = form.get(FIELD)
        given = value if isinstance(value, str) else None
    nonce = request.cookies.get(COOKIE)
    if not nonce or not given or not hmac.compare_digest(given, _sign(request, nonce)):
        raise ForbiddenError("the form's security token is missing or out of date: reload the page and send it "
                             "again", code="csrf_refused")
