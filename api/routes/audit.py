"""The audit trail: search it, export it as CSV, verify its hash chain. Admins and legal only; reading the
trail is itself recorded."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from sqlalchemy import ColumnElement, func, select

from api import schemas
from api.deps import AuditReader, ClientIP, EngineDep, PageParams, SessionDep
from review_service.repository import audit
from review_service.repository.db import session_scope
from review_service.repository.models import AuditEvent

router = APIRouter(prefix="/audit", tags=["audit"])
EXPORT_BATCH = 1000


def _conditions(actor: str | None, action: str | None, target: str | None, since: dt.datetime | None,
                until: dt.datetime | None) -> list[ColumnElement[bool]]:
    # The same filters as audit.search: exact actor and target, action by prefix ("contract." finds them all).
    found: list[ColumnElement[bool]] = []
    if actor:
        found.append(AuditEvent.actor == actor)
    if action:
        found.append(AuditEvent.action.startswith(action, autoescape=True))
    if target:
        found.append(AuditEvent.target == target)
    if since:
        found.append(AuditEvent.at >= _aware(since))
    if until:
        found.append(AuditEvent.at < _aware(until))
    return found


def _aware(at: dt.datetime) -> dt.datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)


def _public(ev: AuditEvent) -> schemas.AuditEventPublic:
    return schemas.AuditEventPublic(seq=ev.seq, at=ev.at, actor=ev.actor, action=ev.action, target=ev.target,
                                    detail=ev.detail, ip=ev.ip, hash=ev.hash)


@router.get("", response_model=schemas.Page[schemas.AuditEventPublic], summary="Search the audit trail",
            responses={200: {"content": {"text/csv": {}}, "description": "JSON, or CSV with ?format=csv."}})
def read_audit_events(
    user: AuditReader, session: SessionDep, engine: EngineDep, paging: PageParams, ip: ClientIP,
    actor: Annotated[str | None, Query(description="A username (exact).")] = None,
    action: Annotated[str | None, Query(description="An action or its prefix: 'contract.', 'auth.login'.")] = None,
    target: Annotated[str | None, Query(description="'contract:12', 'user:3'...")] = None,
    contract_id: Annotated[int | None, Query(description="Shorthand for target=contract:<id>.")] = None,
    since: Annotated[dt.datetime | None, Query(description="From this time (ISO 8601, UTC if no zone).")] = None,
    until: Annotated[dt.datetime | None, Query(description="Before this time.")] = None,
    format: Annotated[Literal["json", "csv"], Query(description="csv: every matching event, as a file.")] = "json",
) -> Any:
    """Who did what, when, from where: newest first. ``?format=csv`` exports every matching event (with the
    hash chain columns, so the export can be checked)."""
    if contract_id is not None:
        target = f"contract:{contract_id}"
    where = _conditions(actor, action, target, since, until)
    filters = {k: v for k, v in {"actor": actor, "action": action, "target": target,
                                 "since": since.isoformat() if since else None,
                                 "until": until.isoformat() if until else None}.items() if v is not None}
    if format == "csv":
        audit.record(session, actor=user.username, action="audit.export", ip=ip, detail={"filters": filters})
        session.commit()
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        return StreamingResponse(_csv(engine, where), media_type="text/csv; charset=utf-8",
                                 headers={"Content-Disposition": f'attachment; filename="vetted-audit-{stamp}.csv"'})
    total = session.scalar(select(func.count()).select_from(AuditEvent).where(*where)) or 0
    events = session.scalars(select(AuditEvent).where(*where).order_by(AuditEvent.seq.desc())
                             .offset(paging.offset).limit(paging.per_page)).all()
    items = [_public(ev) for ev in events]
    audit.record(session, actor=user.username, action="audit.search", ip=ip,
                 detail={"filters": filters, "page": paging.page})
    session.commit()
    return schemas.Page(items=items, total=int(total), page=paging.page, per_page=paging.per_page)


def _csv(engine: Any, where: list[ColumnElement[bool]]) -> Iterator[str]:
    """Rows in batches, newest first, by sequence number (events appended meanwhile are not repeated)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    before: int | None = None
    header_done = False
    while True:
        with session_scope(engine, readonly=True) as s:
            q = select(AuditEvent).where(*where)
            if before is not None:
                q = q.where(AuditEvent.seq < before)
            events = list(s.scalars(q.order_by(AuditEvent.seq.desc()).limit(EXPORT_BATCH)))
        rows = audit.csv_rows(events)
        header = next(rows)
        if not header_done:
            writer.writerow(header)
            header_done = True
        writer.writerows(rows)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        if len(events) < EXPORT_BATCH:
            return
        before = events[-1].seq


@router.get("/verify", response_model=schemas.AuditVerification, summary="Verify the hash chain")
def read_audit_verification(user: AuditReader, session: SessionDep, ip: ClientIP) -> schemas.AuditVerification:
    """Recompute the chain (as `vetted audit verify` does): the first broken event and why, or intact."""
    broken, total, top = audit.find_break(session), audit.count(session), audit.head(session)
    result = schemas.AuditVerification(intact=broken is None, events=total,
                                       broken_at=broken.seq if broken else None,
                                       reason=broken.reason if broken else None, head=top[1] if top else None)
    audit.record(session, actor=user.username, action="audit.verify", ip=ip,
                 detail={"intact": result.intact, "events": total})
    session.commit()
    return result
