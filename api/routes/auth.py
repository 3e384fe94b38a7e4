"""Signing in and out: the OAuth2 password flow (bearer tokens for integrators) and the session cookie (for the
web app). Every attempt, good or bad, is in the audit trail with the client's address."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response
from fastapi.security import OAuth2PasswordRequestForm

from api import schemas
from api.deps import ClientIP, CurrentUser, SessionDep, SettingsDep
from api.errors import NotAuthenticatedError
from api.present import user_public
from api.security import COOKIE_NAME, create_token
from review_service.repository import audit, service
from review_service.repository.login_throttle import LoginPolicy

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/token", response_model=schemas.Token, summary="Sign in (OAuth2 password flow)",
             responses={401: {"model": schemas.ErrorBody, "description": "Wrong username or password."},
                        429: {"model": schemas.ErrorBody, "description": "Too many failed sign-ins for this "
                              "username or from this address: wait the Retry-After seconds."}})
def login_access_token(form: Annotated[OAuth2PasswordRequestForm, Depends()], response: Response,
                       session: SessionDep, settings: SettingsDep, ip: ClientIP) -> schemas.Token:
    """Exchange a username and password (form fields ``username``, ``password``) for a bearer token; the same
    token is set as the HttpOnly session cookie ``vetted_session`` for the web app. After 5 failed sign-ins
    in 15 minutes the username is locked for a minute, doubling with each further failure up to 15 minutes
    (429 ``too_many_attempts`` with ``Retry-After``); so is an address after 20."""
    try:
        user = service.authenticate(session, username=form.username, password=form.password, ip=ip,
                                    policy=LoginPolicy.from_settings(settings))
    finally:
        session.commit()  # the audit record of the attempt, whichever way it went
    if user is None:
        raise NotAuthenticatedError("wrong username or password (or the account is inactive)",
                                    code="invalid_credentials")
    assert settings.secret_key is not None
    token = create_token(user_id=user.id, password_hash=user.password_hash,
                         secret=settings.secret_key.get_secret_value(), minutes=settings.token_minutes)
    response.set_cookie(COOKIE_NAME, token, max_age=settings.token_minutes * 60, httponly=True, samesite="lax",
                        secure=settings.cookie_secure, path="/")
    return schemas.Token(access_token=token, token_type="bearer", expires_in=settings.token_minutes * 60)


@router.post("/logout", status_code=204, summary="Sign out (clears the session cookie)")
def logout(user: CurrentUser, response: Response, session: SessionDep, settings: SettingsDep,
           ip: ClientIP) -> Response:
    audit.record(session, actor=user.username, action="auth.logout", target=f"user:{user.id}", ip=ip)
    session.commit()
    response.delete_cookie(COOKIE_NAME, path="/", httponly=True, samesite="lax", secure=settings.cookie_secure)
    response.status_code = 204
    return response


@router.get("/me", response_model=schemas.UserPublic, summary="Who am I")
def read_me(user: CurrentUser) -> schemas.UserPublic:
    return user_public(user)
