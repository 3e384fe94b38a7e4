"""Contracts whose non-renewal notice deadline falls within the next N days: "did this contract renew?"."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from api import present, schemas
from api.deps import ClientIP, CurrentUser, PageParams, SessionDep
from review_service.repository import audit, service

router = APIRouter(prefix="/renewals", tags=["renewals"])


@router.get("", response_model=schemas.Page[schemas.RenewalPublic], summary="Renewal deadlines coming up")
def read_renewals(user: CurrentUser, session: SessionDep, paging: PageParams, ip: ClientIP,
                  within_days: Annotated[int, Query(ge=0, le=3650, description="Look this many days ahead.")] = 60
                  ) -> schemas.Page[schemas.RenewalPublic]:
    """Soonest deadline first; automatic renewals are rolled forward to the next one."""
    today = dt.datetime.now(dt.UTC).date()
    due = service.renewals(session, today=today, within_days=within_days, viewer=user)
    shown = due[paging.offset:paging.offset + paging.per_page]
    present.load_for_listing(session, [c for c, _, _ in shown])
    items = [schemas.RenewalPublic(contract=present.contract_summary(c), renewal_date=renewal,
                                   notice_deadline=deadline, days_left=present.days_until(deadline, today))
             for c, renewal, deadline in shown]
    audit.record(session, actor=user.username, action="renewals.view", ip=ip,
                 detail={"within_days": within_days, "shown": [i.contract.id for i in items]})
    session.commit()
    return schemas.Page(items=items, total=len(due), page=paging.page, per_page=paging.per_page)
