"""The audit trail: hash-chained, append-only (no update or delete path, and the database refuses one), and
verify finds the first edited, removed or reordered event."""

from __future__ import annotations

import inspect
import itertools
import threading

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from review_service.repository import audit
from review_service.repository.db import session_scope
from review_service.repository.models import GENESIS_HASH, AuditEvent


def _append(engine: Engine, n: int, actor: str = "pat") -> None:
    with session_scope(engine) as s:
        for i in range(n):
            audit.record(s, actor=actor, action="contract.view", target=f"contract:{i}", ip="10.0.0.1",
                         detail={"i": i, "note": "ünïcode ✓", "nested": {"b": [1, 2.5, None], "a": True}})


def _tamper(engine: Engine, sql: str, **params: object) -> None:
    """Change the table behind the application's back, as someone with database access could."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")  # triggers off (superuser)
        else:
            conn.exec_driver_sql("DROP TRIGGER audit_events_no_update")
            conn.exec_driver_sql("DROP TRIGGER audit_events_no_delete")
        conn.execute(text(sql), params)


def test_audit_chain_links_every_event_and_verifies(engine) -> None:
    _append(engine, 5)
    with session_scope(engine, readonly=True) as s:
        events = s.query(AuditEvent).order_by(AuditEvent.seq).all()
        assert [e.seq for e in events] == [1, 2, 3, 4, 5]
        assert events[0].prev_hash == GENESIS_HASH
        assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
        assert events[2].detail == {"i": 2, "note": "ünïcode ✓", "nested": {"b": [1, 2.5, None], "a": True}}
        assert audit.verify(s) is None
        assert audit.head(s) == (5, events[-1].hash)


def test_audit_verify_finds_an_edited_event(engine) -> None:
    _append(engine, 5)
    _tamper(engine, "UPDATE audit_events SET actor = 'someone-else' WHERE seq = 3")
    with session_scope(engine, readonly=True) as s:
        assert audit.verify(s) == 3
        assert "edited" in audit.find_break(s).reason


def test_audit_verify_finds_an_edited_detail_even_with_its_hash_recomputed(engine) -> None:
    _append(engine, 4)
    with session_scope(engine, readonly=True) as s:
        ev = s.get(AuditEvent, 2)
        forged = audit.event_hash(ev.prev_hash, seq=2, at=ev.at, actor=ev.actor, action=ev.action,
                                  target=ev.target, detail={"i": 99}, ip=ev.ip)
    _tamper(engine, "UPDATE audit_events SET detail = :d, hash = :h WHERE seq = 2", d='{"i": 99}', h=forged)
    with session_scope(engine, readonly=True) as s:
        assert audit.verify(s) == 3, "the next event's link no longer matches"


def test_audit_verify_finds_a_removed_event(engine) -> None:
    _append(engine, 5)
    _tamper(engine, "DELETE FROM audit_events WHERE seq = 2")
    with session_scope(engine, readonly=True) as s:
        assert audit.verify(s) == 2


@pytest.mark.parametrize("statement", ["UPDATE audit_events SET actor = 'x' WHERE seq = 1",
                                       "DELETE FROM audit_events WHERE seq = 1"])
def test_audit_database_refuses_update_and_delete(engine, statement: str) -> None:
    _append(engine, 2)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text(statement))
    with session_scope(engine, readonly=True) as s:
        assert audit.verify(s) is None and audit.count(s) == 2


def test_audit_module_has_no_update_or_delete_path() -> None:
    names = {n for n, obj in inspect.getmembers(audit, inspect.isfunction) if obj.__module__ == audit.__name__}
    assert not {n for n in names if any(w in n for w in ("update", "delete", "remove", "edit", "truncate"))}
    assert "record" in names and "verify" in names


def test_audit_concurrent_appends_get_distinct_numbers_and_one_chain(engine) -> None:
    errors: list[Exception] = []

    def worker(k: int) -> None:
        try:
            for _ in range(5):
                _append(engine, 1, actor=f"user{k}")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with session_scope(engine, readonly=True) as s:
        assert audit.count(s) == 20 and audit.verify(s) is None


def test_audit_search_and_csv(engine) -> None:
    _append(engine, 3)
    _append(engine, 1, actor="lee")
    with session_scope(engine, readonly=True) as s:
        assert [e.seq for e in audit.search(s, actor="lee")] == [4]
        assert [e.seq for e in audit.search(s, action="contract.", per_page=2)] == [4, 3]
        rows = list(audit.csv_rows(audit.search(s)))
        assert rows[0] == list(audit.CSV_FIELDS) and len(rows) == 5
