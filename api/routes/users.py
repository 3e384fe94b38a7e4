"""Users: a directory everyone may read (to mention or name a colleague), and user management for admins
(create, change role, deactivate, set availability, reset a password). Every change is audited."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import selectinload

from api import present, schemas
from api.deps import AdminUser, ClientIP, CurrentUser, PageParams, SessionDep
from review_service.repository import service
from review_service.repository.errors import ConflictError, NotFoundError
from review_service.repository.models import User
from review_service.workflow.transitions import reassign_open_contracts

router = APIRouter(tags=["users"])


@router.get("/users", response_model=schemas.Page[schemas.UserRef], summary="The user directory")
def read_user_directory(user: CurrentUser, session: SessionDep, paging: PageParams,
                        q: Annotated[str | None, Query(max_length=150, description="Part of a name.")] = None
                        ) -> schemas.Page[schemas.UserRef]:
    """Active users' names, for mentions and for naming who may see a confidential contract."""
    where: list[ColumnElement[bool]] = [User.active.is_(True)]
    if q:
        where.append(User.username.icontains(q, autoescape=True) | User.display_name.icontains(q, autoescape=True))
    total = session.scalar(select(func.count()).select_from(User).where(*where)) or 0
    users = session.scalars(select(User).where(*where).order_by(User.username).offset(paging.offset)
                            .limit(paging.per_page)).all()
    return schemas.Page(items=[r for u in users if (r := present.user_ref(u)) is not None], total=int(total),
                        page=paging.page, per_page=paging.per_page)


@router.get("/admin/users", response_model=schemas.Page[schemas.UserPublic], summary="List users (admin)")
def read_users(admin: AdminUser, session: SessionDep, paging: PageParams,
               role: Annotated[schemas.Role | None, Query()] = None) -> schemas.Page[schemas.UserPublic]:
    where: list[ColumnElement[bool]] = [User.role == role] if role else []
    total = session.scalar(select(func.count()).select_from(User).where(*where)) or 0
    users = session.scalars(select(User).where(*where).options(selectinload(User.team)).order_by(User.id)
                            .offset(paging.offset).limit(paging.per_page)).all()
    return schemas.Page(items=[present.user_public(u) for u in users], total=int(total), page=paging.page,
                        per_page=paging.per_page)


@router.post("/admin/users", status_code=201, response_model=schemas.UserCreated, summary="Create a user (admin)")
def create_user(body: schemas.UserCreate, admin: AdminUser, session: SessionDep, ip: ClientIP) -> schemas.UserCreated:
    """Without a password, a random one is made and returned in this response only (it is stored hashed)."""
    generated = None if body.password else secrets.token_urlsafe(12)
    user = service.create_user(session, username=body.username, display_name=body.display_name, role=body.role,
                               password=body.password or generated or "", team=body.team, email=body.email,
                               actor=admin.username, ip=ip)
    session.commit()
    session.refresh(user)
    return schemas.UserCreated(**present.user_public(user).model_dump(), password=generated)


@router.patch("/admin/users/{user_id}", response_model=schemas.UserPublic, summary="Change a user (admin)")
def update_user(user_id: int, body: schemas.UserUpdate, admin: AdminUser, session: SessionDep,
                ip: ClientIP) -> schemas.UserPublic:
    """Profile, role, team, password, deactivation, and availability (``out_of_office``): an unavailable legal
    partner's open contracts move to their named backup at once."""
    target = session.get(User, user_id)
    if target is None:
        raise NotFoundError(f"no user with id {user_id}")
    changes = body.model_dump(exclude_unset=True, exclude={"team", "password"})
    changes = {k: v for k, v in changes.items() if v is not None}
    if target.id == admin.id and (changes.get("active") is False or changes.get("role", "admin") != "admin"):
        raise ConflictError("you cannot deactivate yourself or drop your own admin role: ask another admin",
                            code="self_lockout")
    user = service.update_user(session, user_id=user_id, actor=admin.username, ip=ip, team=body.team,
                               password=body.password, **changes)
    if not user.available:
        reassign_open_contracts(session, user, actor=admin.username, ip=ip)
    session.commit()
    session.refresh(user)
    return present.user_public(user)
