"""The job queue: exclusive claims, leases that expire, retries with back-off, permanent failures."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select

from review_service.jobs import queue
from review_service.repository.db import session_scope
from review_service.repository.models import Job, utcnow

T0 = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def _enqueue(engine, n: int = 1, **kw) -> list[int]:
    with session_scope(engine) as s:
        return [queue.enqueue(s, kind="test", payload={"n": i}, run_after=kw.get("run_after", T0),
                              max_attempts=kw.get("max_attempts", 3)).id for i in range(n)]


def _claim(engine, worker: str = "w1", now: dt.datetime = T0, lease: float = 60) -> int | None:
    with session_scope(engine) as s:
        job = queue.claim(s, worker_id=worker, lease_seconds=lease, now=now)
        return None if job is None else job.id


def _job(engine, job_id: int) -> Job:
    with session_scope(engine, readonly=True) as s:
        return s.get(Job, job_id)


def test_queue_claim_runs_due_jobs_oldest_first_and_completes(engine) -> None:
    later, first = _enqueue(engine, run_after=T0 + dt.timedelta(seconds=5))[0], _enqueue(engine)[0]
    assert _claim(engine) == first
    assert _claim(engine) is None, "the other job is not due yet"
    job = _job(engine, first)
    assert (job.status, job.attempts, job.locked_by, job.lease_until) == ("running", 1, "w1",
                                                                         T0 + dt.timedelta(seconds=60))
    with session_scope(engine) as s:
        assert queue.complete(s, job_id=first, worker_id="w1", result={"ok": True}, now=T0)
    job = _job(engine, first)
    assert (job.status, job.result, job.lease_until) == ("done", {"ok": True}, None)
    assert _claim(engine, now=T0 + dt.timedelta(seconds=6)) == later


def test_queue_concurrent_claims_take_different_jobs(engine) -> None:
    ids = _enqueue(engine, 12)
    claimed: list[int] = []
    errors: list[Exception] = []
    lock = threading.Lock()

    def worker(name: str) -> None:
        try:
            while (job_id := _claim(engine, worker=name)) is not None:
                with lock:
                    claimed.append(job_id)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(claimed) == ids, "every job claimed exactly once"


# SQLite serialises writers: there is no second claimer inside an open write transaction to skip past.
@pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_queue_claim_skips_a_row_another_transaction_holds(engine) -> None:
    a, b = _enqueue(engine, 2)
    with session_scope(engine) as s1:
        assert queue.claim(s1, worker_id="w1", now=T0).id == a
        # s1 has not committed: its row is locked, and a second claimer skips it instead of waiting.
        with session_scope(engine) as s2:
            assert queue.claim(s2, worker_id="w2", now=T0).id == b


def test_queue_expired_lease_makes_a_job_claimable_again(engine) -> None:
    job_id = _enqueue(engine)[0]
    assert _claim(engine, "dead-worker", lease=30) == job_id
    assert _claim(engine, "w2", now=T0 + dt.timedelta(seconds=29)) is None, "the lease still holds"
    assert _claim(engine, "w2", now=T0 + dt.timedelta(seconds=31)) == job_id, "the worker died: picked up again"
    job = _job(engine, job_id)
    assert (job.locked_by, job.attempts) == ("w2", 2)
    with session_scope(engine) as s:
        assert not queue.complete(s, job_id=job_id, worker_id="dead-worker"), "the old holder lost it"
        assert not queue.heartbeat(s, job_id=job_id, worker_id="dead-worker")
        assert queue.heartbeat(s, job_id=job_id, worker_id="w2", lease_seconds=600, now=T0)


def test_queue_job_whose_every_attempt_died_fails_as_worker_lost(engine) -> None:
    job_id = _enqueue(engine, max_attempts=2)[0]
    now = T0
    for _ in range(2):
        assert _claim(engine, "crashy", now=now, lease=10) == job_id
        now += dt.timedelta(seconds=11)
    assert _claim(engine, "w2", now=now) is None
    job = _job(engine, job_id)
    assert (job.status, job.last_error_code) == ("failed", queue.WORKER_LOST)


def test_queue_failures_retry_with_exponential_backoff_then_fail(engine) -> None:
    job_id = _enqueue(engine, max_attempts=3)[0]
    now, waits = T0, []
    for attempt in range(1, 4):
        assert _claim(engine, now=now) == job_id
        with session_scope(engine) as s:
            status = queue.fail(s, job_id=job_id, worker_id="w1", code="model_unavailable", message="boom", now=now)
        job = _job(engine, job_id)
        if attempt < 3:
            assert status == "queued" and job.locked_by is None
            waits.append((job.run_after - now).total_seconds())
            assert _claim(engine, now=job.run_after - dt.timedelta(seconds=1)) is None, "not before its time"
            now = job.run_after
        else:
            assert status == "failed" and job.finished_at == now
    assert waits == [queue.backoff(1).total_seconds(), queue.backoff(2).total_seconds()]
    assert waits[1] == 2 * waits[0]
    assert (job.attempts, job.last_error_code, job.last_error_message) == (3, "model_unavailable", "boom")


def test_queue_permanent_failure_is_not_retried_and_retry_requeues(engine) -> None:
    job_id = _enqueue(engine, max_attempts=5)[0]
    _claim(engine)
    with session_scope(engine) as s:
        assert queue.fail(s, job_id=job_id, worker_id="w1", code="scanned_document", message="OCR it",
                          permanent=True, now=T0) == "failed"
    assert (_job(engine, job_id).attempts, _job(engine, job_id).status) == (1, "failed")
    with session_scope(engine) as s:
        assert queue.retry(s, job_id=job_id, now=T0) is not None
        assert queue.counts(s) == {"queued": 1, "running": 0, "done": 0, "failed": 0}
    assert _claim(engine) == job_id


def test_queue_backoff_doubles_up_to_a_cap() -> None:
    assert [queue.backoff(n, base=10, cap=50).total_seconds() for n in range(1, 6)] == [10, 20, 40, 50, 50]


def test_queue_jobs_of_a_dead_local_process_are_released_at_start(engine, monkeypatch) -> None:
    job_id = _enqueue(engine)[0]
    host = queue.socket.gethostname()
    with session_scope(engine) as s:
        queue.claim(s, worker_id=f"{host}:999999:abc", lease_seconds=3600)
    monkeypatch.setattr(queue, "_pid_alive", lambda pid: pid != 999999)
    with session_scope(engine) as s:
        assert queue.release_dead_local_workers(s) == 1
    assert _claim(engine, "w2", now=utcnow() + dt.timedelta(seconds=1)) == job_id


def test_queue_release_hands_a_job_back_without_counting_the_attempt(engine) -> None:
    job_id = _enqueue(engine)[0]
    _claim(engine)
    with session_scope(engine) as s:
        assert queue.release(s, job_id=job_id, worker_id="w1", now=T0)
        job = s.scalars(select(Job)).one()
        assert (job.status, job.attempts, job.locked_by) == ("queued", 0, None)
