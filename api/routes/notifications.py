"""Your in-app notifications: assignments, decisions, mentions, renewal deadlines."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api import schemas
from api.deps import CurrentUser, PageParams, SessionDep
from review_service.repository import service

router = APIRouter(prefix="/notifications", tags=["notifications"])


@router.get("", response_model=schemas.Page[schemas.NotificationPublic], summary="Read your notifications")
def read_notifications(user: CurrentUser, session: SessionDep, paging: PageParams,
                       unread: Annotated[bool, Query(description="Only those not yet read.")] = False
                       ) -> schemas.Page[schemas.NotificationPublic]:
    page = service.notifications(session, user_id=user.id, unread_only=unread, page=paging.page,
                                 per_page=paging.per_page)
    return schemas.Page(items=[schemas.NotificationPublic(id=n.id, kind=n.kind, contract_id=n.contract_id,
                                                          message=n.message, created_at=n.created_at,
                                                          read_at=n.read_at) for n in page.items],
                        total=page.total, page=page.page, per_page=page.per_page)


@router.post("/read", response_model=schemas.MarkedRead, summary="Mark notifications read")
def mark_notifications_read(body: schemas.MarkRead, user: CurrentUser, session: SessionDep) -> schemas.MarkedRead:
    changed = service.mark_read(session, user_id=user.id, ids=body.ids)
    session.commit()
    return schemas.MarkedRead(marked=changed)
