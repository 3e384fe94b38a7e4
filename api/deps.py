"""Dependencies: the database session, the file store, the settings, the signed-in user and role checks.

``SessionDep`` is a session on the app's database; handlers commit what they write (``session.commit()``), and
whatever is left uncommitted is rolled back when the request ends. ``CurrentUser`` is the signed-in user,
loaded in a short read of its own (so that a slow upload never holds SQLite's write lock while it reads the
file) and detached: services use its id, name, role and team.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Query, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, selectinload

from api.errors import NotAuthenticatedError
from api.security import COOKIE_NAME, password_fingerprint, read_token
from review_service.repository.db import session_factory, session_scope
from review_service.repository.errors import ForbiddenError
from review_service.repository.files import FileStore
from review_service.repository.models import AuditEvent, User
from review_service.settings import Settings

LEGAL_ROLES = ("legal", "senior_legal")
AUDIT_READERS = ("admin", "legal", "senior_legal")
UPLOADERS = ("procurement", "legal", "senior_legal")
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def get_store(request: Request) -> FileStore:
    store: FileStore = request.app.state.store
    return store


def get_db(engine: Annotated[Engine, Depends(get_engine)]) -> Iterator[Session]:
    session = session_factory(engine)()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


SettingsDep = Annotated[Settings, Depends(get_settings)]
EngineDep = Annotated[Engine, Depends(get_engine)]
StoreDep = Annotated[FileStore, Depends(get_store)]
SessionDep = Annotated[Session, Depends(get_db)]


def client_ip(request: Request) -> str | None:
    """Where the request came from, for the audit trail (uvicorn resolves trusted proxies' headers)."""
    return request.client.host if request.client else None


ClientIP = Annotated[str | None, Depends(client_ip)]


def _same_origin(request: Request, origin: str) -> bool:
    parts = urlsplit(origin)
    return bool(parts.netloc) and parts.netloc.lower() == (request.headers.get("host") or "").lower()


def get_current_user(request: Request, settings: SettingsDep, engine: EngineDep,
                     bearer: Annotated[str | None, Depends(oauth2_scheme)]) -> User:
    """The user the bearer token (or, failing that, the session cookie) belongs to; 401 otherwise."""
    token, from_cookie = bearer, False
    if not token:
        token, from_cookie = request.cookies.get(COOKIE_NAME), True
    if not token:
        raise NotAuthenticatedError("sign in first: POST /api/auth/token, then send the access token as "
                                    "'Authorization: Bearer <token>'")
    if from_cookie and request.method in UNSAFE_METHODS:
        # SameSite=Lax keeps the cookie off cross-site POSTs in browsers; refuse a foreign Origin all the same.
        origin = request.headers.get("origin")
        if origin and not _same_origin(request, origin):
            raise ForbiddenError("a cross-site request may not use the session cookie", code="csrf_refused")
    assert settings.secret_key is not None
    claims = read_token(token, secret=settings.secret_key.get_secret_value())
    with session_scope(engine, readonly=True) as session:
        user = session.get(User, claims.user_id, options=[selectinload(User.team)])
        signed_out = user is not None and session.scalars(select(AuditEvent.seq).where(
            AuditEvent.actor == user.username, AuditEvent.action == "auth.logout",
            AuditEvent.at > dt.datetime.fromtimestamp(claims.issued_at, dt.UTC)).limit(1)).first() is not None
    if user is None or not user.active or signed_out or \
            password_fingerprint(user.password_hash) != claims.password:
        raise NotAuthenticatedError("this session has ended (signed out, password changed or account "
                                    "deactivated): sign in again", code="invalid_token")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def require_roles(*roles: str) -> Callable[[User], User]:
    """A dependency that lets only ``roles`` through (403 for the others)."""

    def check(user: CurrentUser) -> User:
        if user.role not in roles:
            raise ForbiddenError(f"this needs the role {' or '.join(roles)}; you are {user.role}")
        return user

    return check


AdminUser = Annotated[User, Depends(require_roles("admin"))]
LegalUser = Annotated[User, Depends(require_roles(*LEGAL_ROLES))]
AuditReader = Annotated[User, Depends(require_roles(*AUDIT_READERS))]
Uploader = Annotated[User, Depends(require_roles(*UPLOADERS))]


class Pagination:
    """``?page=`` (from 1) and ``?per_page=`` (1 to 200, default 50)."""

    def __init__(self, page: Annotated[int, Query(ge=1, description="Page number, from 1.")] = 1,
                 per_page: Annotated[int, Query(ge=1, le=200, description="Items per page.")] = 50) -> None:
        self.page = page
        self.per_page = per_page

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


PageParams = Annotated[Pagination, Depends()]


def deny_money_only(user: User, what: str) -> None:
    """Finance sees a contract's money terms only (see ``api.present``): refuse it the rest."""
    if user.role == "finance":
        raise ForbiddenError(f"finance sees the money terms of a contract, not its {what}")
