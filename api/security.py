"""Access tokens: compact, HMAC-signed, with an expiry; the same token travels as a bearer token (integrators)
or in the session cookie (the web app).

A token is ``v1.<payload>.<signature>``: the payload is base64url JSON ``{"sub": user id, "iat", "exp",
"pwd"}`` and the signature is HMAC-SHA256 over ``v1.<payload>`` with a key derived from ``VETTED_SECRET_KEY``.
``pwd`` is a short fingerprint of the user's password hash, so that changing a password ends every token
issued before the change; deactivating a user ends them too (the user is loaded on every request), and so does
signing out (``POST /api/auth/logout`` ends every token of that user issued before it: the audit trail's
``auth.logout`` event is the record ``api.deps`` checks).
Only the standard library is used: the format is small enough to read in full here.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from dataclasses import dataclass

from api.errors import NotAuthenticatedError

VERSION = "v1"
COOKIE_NAME = "vetted_session"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _key(secret: str) -> bytes:
    # A key for this purpose only, so that the secret can sign other things later without cross-use.
    return hashlib.sha256(b"vetted access token\x00" + secret.encode("utf-8")).digest()


def password_fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class TokenClaims:
    user_id: int
    issued_at: float
    expires_at: int
    password: str


def create_token(*, user_id: int, password_hash: str, secret: str, minutes: int, now: float | None = None) -> str:
    # Milliseconds: a sign-out ends the tokens issued before it, and a sign-in right after one must survive it.
    issued = round(now if now is not None else time.time(), 3)
    payload = {"sub": user_id, "iat": issued, "exp": int(issued) + minutes * 60,
               "pwd": password_fingerprint(password_hash)}
    body = f"{VERSION}.{_b64(json.dumps(payload, separators=(',', ':'), sort_keys=True).encode())}"
    signature = hmac.new(_key(secret), body.encode("ascii"), hashlib.sha256).digest()
    return f"{body}.{_b64(signature)}"


def read_token(token: str, *, secret: str, now: float | None = None) -> TokenClaims:
    """The claims of a token this server signed and that has not expired; NotAuthenticatedError otherwise."""
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != VERSION:
        raise NotAuthenticatedError("the access token is malformed: sign in again", code="invalid_token")
    body = f"{parts[0]}.{parts[1]}"
    expected = hmac.new(_key(secret), body.encode("ascii"), hashlib.sha256).digest()
    try:
        given = _unb64(parts[2])
        payload = json.loads(_unb64(parts[1]))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise NotAuthenticatedError("the access token is malformed: sign in again", code="invalid_token") from None
    if not hmac.compare_digest(expected, given):
        raise NotAuthenticatedError("the access token's signature does not match: sign in again",
                                    code="invalid_token")
    try:
        claims = TokenClaims(int(payload["sub"]), float(payload["iat"]), int(payload["exp"]), str(payload["pwd"]))
    except (KeyError, TypeError, ValueError):
        raise NotAuthenticatedError("the access token is malformed: sign in again", code="invalid_token") from None
    if claims.expires_at <= (now if now is not None else time.time()):
        raise NotAuthenticatedError("the access token has expired: sign in again", code="token_expired")
    return claims
