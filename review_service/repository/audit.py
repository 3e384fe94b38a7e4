"""The audit trail: append-only and hash-chained.

Each event's hash is ``sha256(prev_hash + canonical JSON of the event)``, where the canonical JSON holds the
sequence number, time, actor, action, target, detail and address with sorted keys and no spaces; the first
event's ``prev_hash`` is 64 zeros. Changing, removing or reordering any event breaks the chain from there on,
which :func:`verify` finds. (Cutting events off the *end* leaves a valid shorter chain: keep the latest hash
somewhere else, e.g. in the daily backup log, to detect that.)

This module has no function that changes or removes an event, and the database refuses UPDATE and DELETE on
the table (triggers created by the migration). Events are appended inside the caller's transaction, so an
action and its audit record commit or roll back together. Sequence numbers are assigned under a lock (an
advisory transaction lock on PostgreSQL; SQLite's write transactions are already serialised), so two
concurrent appends never take the same number or the same predecessor.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from review_service.repository.models import GENESIS_HASH, AuditEvent, utcnow

# An arbitrary, fixed key for pg_advisory_xact_lock: "vetted audit".
_PG_LOCK_KEY = 0x7665_7474_6175_64
SYSTEM = "system"


def canonical(event: dict[str, Any]) -> str:
    return json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _time(at: dt.datetime) -> str:
    # Microseconds, UTC, always the same shape: both backends store microsecond precision.
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(prev_hash: str, *, seq: int, at: dt.datetime, actor: str, action: str, target: str,
               detail: dict[str, Any], ip: str | None) -> str:
    body = canonical({"seq": seq, "at": _time(at), "actor": actor, "action": action, "target": target,
                      "detail": detail, "ip": ip})
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def record(session: Session, *, actor: str, action: str, target: str = "", detail: dict[str, Any] | None = None,
           ip: str | None = None, at: dt.datetime | None = None) -> AuditEvent:
    """Append one event in the session's transaction: who (``actor``), what (``action`` on ``target``, with
    ``detail``), when, from where (``ip``). It is durable when the caller commits."""
    # Round-trip the detail through JSON now, so what is hashed is exactly what the database gives back.
    detail = json.loads(canonical(detail or {}))
    at = (at or utcnow()).astimezone(dt.UTC)
    _lock_chain(session)
    last = session.execute(
        select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    seq, prev = (last.seq + 1, last.hash) if last else (1, GENESIS_HASH)
    event = AuditEvent(seq=seq, at=at, actor=actor, action=action, target=target, detail=detail, ip=ip,
                       prev_hash=prev)
    event.hash = event_hash(prev, seq=seq, at=at, actor=actor, action=action, target=target, detail=detail, ip=ip)
    session.add(event)
    session.flush()
    return event


def _lock_chain(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    # SQLite: every transaction began with BEGIN IMMEDIATE (see db.py), so this one already writes alone.


@dataclass(frozen=True, slots=True)
class Break:
    seq: int
    reason: str


def find_break(session: Session, *, batch: int = 1000) -> Break | None:
    """The first event where the chain breaks, and why; None when the whole chain is intact."""
    prev_hash, expected = GENESIS_HASH, 1
    for ev in _events(session, batch):
        if ev.seq != expected:
            return Break(expected, f"event {expected} is missing (next is {ev.seq})")
        if ev.prev_hash != prev_hash:
            return Break(ev.seq, "its link to the previous event does not match")
        again = event_hash(ev.prev_hash, seq=ev.seq, at=ev.at, actor=ev.actor, action=ev.action, target=ev.target,
                           detail=ev.detail, ip=ev.ip)
        if again != ev.hash:
            return Break(ev.seq, "its content does not match its hash (the event was edited)")
        prev_hash, expected = ev.hash, expected + 1
    return None


def verify(session: Session) -> int | None:
    """The sequence number of the first broken event, or None when the chain is intact."""
    found = find_break(session)
    return None if found is None else found.seq


def _events(session: Session, batch: int) -> Iterator[AuditEvent]:
    after = 0
    while True:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.seq > after).order_by(AuditEvent.seq).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        after = rows[-1].seq


def head(session: Session) -> tuple[int, str] | None:
    """The latest event's sequence number and hash: worth writing down outside the database."""
    row = session.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
    return None if row is None else (row.seq, row.hash)


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEvent)) or 0


def search(session: Session, *, actor: str | None = None, action: str | None = None, target: str | None = None,
           since: dt.datetime | None = None, until: dt.datetime | None = None, page: int = 1,
           per_page: int = 100) -> list[AuditEvent]:
    """Events matching every given filter, newest first, one page at a time."""
    q = select(AuditEvent)
    if actor:
        q = q.where(AuditEvent.actor == actor)
    if action:
        q = q.where(AuditEvent.action.startswith(action, autoescape=True))
    if target:
        q = q.where(AuditEvent.target == target)
    if since:
        q = q.where(AuditEvent.at >= since)
    if until:
        q = q.where(AuditEvent.at < until)
    page, per_page = max(page, 1), min(max(per_page, 1), 1000)
    return list(session.scalars(q.order_by(AuditEvent.seq.desc()).offset((page - 1) * per_page).limit(per_page)))


CSV_FIELDS = ("seq", "at", "actor", "action", "target", "ip", "detail", "prev_hash", "hash")


def csv_rows(events: list[AuditEvent]) -> Iterator[list[str]]:
    """Header and rows for a CSV export (``csv.writer(f).writerows(...)``)."""
    yield list(CSV_FIELDS)
    for ev in events:
        yield [str(ev.seq), _time(ev.at), ev.actor, ev.action, ev.target, ev.ip or "", canonical(ev.detail),
               ev.prev_hash, ev.hash]
