"""Who is looking at a page: the signed-in user from the session cookie (the API's own ``get_current_user``),
and role checks that answer with a page. An anonymous visitor is sent to the sign-in page (see
``api.web.errors``); the wrong role gets a friendly 403."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from api.deps import EngineDep, SettingsDep, get_current_user
from api.errors import NotAuthenticatedError
from api.web.render import ROLE_NAMES
from review_service.repository.errors import ForbiddenError
from review_service.repository.models import User


def get_page_user(request: Request, settings: SettingsDep, engine: EngineDep) -> User:
    """The user the session cookie belongs to; NotAuthenticatedError (a redirect to sign in) otherwise."""
    return get_current_user(request, settings, engine, None)


def get_optional_user(request: Request, settings: SettingsDep, engine: EngineDep) -> User | None:
    try:
        return get_current_user(request, settings, engine, None)
    except (NotAuthenticatedError, ForbiddenError):
        return None


PageUser = Annotated[User, Depends(get_page_user)]
OptionalUser = Annotated[User | None, Depends(get_optional_user)]


def page_roles(*roles: str) -> Callable[[User], User]:
    """A dependency that lets only ``roles`` see the page; others get the 403 page saying whose page it is."""

    def check(user: PageUser) -> User:
        if user.role not in roles:
            names = " or ".join(ROLE_NAMES.get(r, r) for r in roles)
            raise ForbiddenError(f"This page is for {names}. You are signed in as {user.display_name} "
                                 f"({ROLE_NAMES.get(user.role, user.role)}).", code="wrong_role")
        return user

    return check
