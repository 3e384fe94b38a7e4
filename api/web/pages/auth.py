"""Signing in and out of the web app, the front door (/) and the account page.

Sign-in uses the same service and the same token as ``POST /api/auth/token`` (audited attempt, the HttpOnly
``vetted_session`` cookie); signing out is recorded as ``auth.logout`` like the API's, which ends the session's
token everywhere.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import ClientIP, SessionDep, SettingsDep
from api.security import COOKIE_NAME, create_token
from api.web import csrf
from api.web.nav import home_for
from api.web.render import flash, render
from api.web.session import OptionalUser, PageUser
from review_service.repository import audit, service
from review_service.repository.login_throttle import LoginPolicy, LoginThrottledError

router = APIRouter()


def _safe_next(target: str | None) -> str | None:
    # Only a path on this site: an open redirect would turn the sign-in page into a phishing tool.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@router.get("/", response_class=HTMLResponse)
def read_front_door(user: OptionalUser) -> RedirectResponse:
    return RedirectResponse(home_for(user.role) if user else "/login", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def read_login(request: Request, user: OptionalUser, next: str | None = None) -> HTMLResponse:
    return render(request, "login.html", user, next=_safe_next(next) or "", username="", error=None)


@router.post("/login", response_class=HTMLResponse, dependencies=[Depends(csrf.check)])
def login(request: Request, session: SessionDep, settings: SettingsDep, ip: ClientIP,
          username: Annotated[str, Form()] = "", password: Annotated[str, Form()] = "",
          next: Annotated[str, Form()] = "") -> Response:
    user = None
    try:
        if username.strip() and password:
            user = service.authenticate(session, username=username.strip(), password=password, ip=ip,
                                        policy=LoginPolicy.from_settings(settings))
    except LoginThrottledError as exc:
        session.commit()  # the audit record of the refused attempt
        refused = render(request, "login.html", None, status_code=429, next=_safe_next(next) or "",
                         username=username, error=exc.message[:1].upper() + exc.message[1:])
        refused.headers["Retry-After"] = str(exc.retry_after)
        return refused
    session.commit()  # the audit record of the attempt, whichever way it went
    if user is None:
        return render(request, "login.html", None, status_code=401, next=_safe_next(next) or "",
                      username=username, error="Wrong username or password, or the account is inactive.")
    assert settings.secret_key is not None
    token = create_token(user_id=user.id, password_hash=user.password_hash,
                         secret=settings.secret_key.get_secret_value(), minutes=settings.token_minutes)
    response = RedirectResponse(_safe_next(next) or home_for(user.role), status_code=303)
    response.set_cookie(COOKIE_NAME, token, max_age=settings.token_minutes * 60, httponly=True, samesite="lax",
                        secure=settings.cookie_secure, path="/")
    return response


@router.post("/logout", dependencies=[Depends(csrf.check)])
def logout(user: PageUser, session: SessionDep, settings: SettingsDep, ip: ClientIP) -> RedirectResponse:
    audit.record(session, actor=user.username, action="auth.logout", target=f"user:{user.id}", ip=ip)
    session.commit()
    response = flash(RedirectResponse("/login", status_code=303), "You are signed out.")
    response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="lax", secure=settings.cookie_secure)
    return response


@router.get("/account", response_class=HTMLResponse)
def read_account(request: Request, user: PageUser) -> HTMLResponse:
    return render(request, "account.html", user)
