"""The worker: runs handlers by job kind, records failures with their codes (bad input for good, the rest
retried), stores a job's effect and its completion together, picks up interrupted jobs, stops gracefully."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from sqlalchemy import func, select

from review_service.errors import NoTextError, VettedError
from review_service.jobs import queue
from review_service.jobs.worker import JobContext, Worker
from review_service.repository import service
from review_service.repository.db import session_scope
from review_service.repository.models import Job, Notification, User, utcnow


def _enqueue(engine, kind: str = "echo", payload: dict | None = None, max_attempts: int = 3) -> int:
    with session_scope(engine) as s:
        return queue.enqueue(s, kind=kind, payload=payload or {}, max_attempts=max_attempts).id


def _job(engine, job_id: int) -> Job:
    with session_scope(engine, readonly=True) as s:
        return s.get(Job, job_id)


def _worker(engine, store, **handlers) -> Worker:
    return Worker(engine, store=store, handlers=handlers, poll_seconds=0.05, lease_seconds=30,
                  reviewer_factory=lambda: pytest.fail("these jobs need no model"))


def test_worker_runs_a_job_and_stores_its_result(engine, store) -> None:
    job_id = _enqueue(engine, payload={"x": 2})
    worker = _worker(engine, store, echo=lambda ctx: {"double": ctx.payload["x"] * 2})
    assert worker.run_once() is True
    assert worker.run_once() is False
    job = _job(engine, job_id)
    assert (job.status, job.result, job.attempts) == ("done", {"double": 4}, 1)


def test_worker_input_error_fails_the_job_for_good_with_its_code(engine, store) -> None:
    job_id = _enqueue(engine)

    def bad(ctx: JobContext) -> None:
        raise NoTextError("the document has no text")

    _worker(engine, store, echo=bad).run_once()
    job = _job(engine, job_id)
    assert (job.status, job.attempts, job.last_error_code) == ("failed", 1, "no_text")
    assert job.last_error_message == "the document has no text"


@pytest.mark.parametrize(("exc", "code"), [(RuntimeError("out of memory"), "internal_error"),
                                           (VettedError("index missing", code="invalid_library"), "invalid_library")])
def test_worker_other_failures_are_retried_with_backoff(engine, store, exc, code) -> None:
    job_id = _enqueue(engine, max_attempts=2)

    def flaky(ctx: JobContext) -> None:
        raise exc

    worker = _worker(engine, store, echo=flaky)
    before = utcnow()
    worker.run_once()
    job = _job(engine, job_id)
    assert (job.status, job.last_error_code) == ("queued", code)
    assert job.run_after >= before + queue.backoff(1) - dt.timedelta(seconds=1)
    with session_scope(engine) as s:  # the back-off has passed
        s.get(Job, job_id).run_after = utcnow()
    worker.run_once()
    assert _job(engine, job_id).status == "failed", "no attempts left"


def test_worker_writes_and_completion_commit_together_or_not_at_all(engine, store) -> None:
    job_id = _enqueue(engine)

    def steal_then_write(ctx: JobContext) -> None:
        # Another worker took the job meanwhile (our lease ran out): our writes must be dropped.
        with session_scope(engine) as s:
            s.get(Job, ctx.job_id).locked_by = "someone-else"

        def write(session):
            service.create_user(session, username="ghost", display_name="g", role="legal", password="long enough")
            return {}

        ctx.finish(write)

    _worker(engine, store, echo=steal_then_write).run_once()
    with session_scope(engine, readonly=True) as s:
        assert s.scalar(select(func.count()).select_from(User)) == 0
        assert s.get(Job, job_id).status == "running" and s.get(Job, job_id).locked_by == "someone-else"


def test_worker_picks_up_a_job_interrupted_by_a_dead_worker(engine, store) -> None:
    job_id = _enqueue(engine)
    with session_scope(engine) as s:  # claimed by a worker that then died: its lease has run out
        assert queue.claim(s, worker_id="gone:1:x", lease_seconds=0).id == job_id
    time.sleep(0.01)
    worker = _worker(engine, store, echo=lambda ctx: {"attempt": ctx.attempt})
    assert worker.run_once()
    job = _job(engine, job_id)
    assert (job.status, job.result, job.locked_by) == ("done", {"attempt": 2}, worker.worker_id)


def test_worker_heartbeat_keeps_a_long_job_leased(engine, store) -> None:
    job_id = _enqueue(engine)
    seen: list[dt.datetime] = []

    def slow(ctx: JobContext) -> dict:
        for _ in range(3):
            time.sleep(0.25)
            seen.append(_job(engine, ctx.job_id).lease_until)
        return {}

    worker = Worker(engine, store=store, handlers={"echo": slow}, lease_seconds=0.3)
    worker.run_once()
    assert _job(engine, job_id).status == "done"
    assert seen[-1] > seen[0], "the lease was extended while the job ran"


def test_worker_thread_runs_jobs_and_stops_gracefully(engine, store) -> None:
    started, release = threading.Event(), threading.Event()

    def blocking(ctx: JobContext) -> dict:
        started.set()
        release.wait(10)
        return {"finished": True}

    worker = _worker(engine, store, echo=blocking)
    worker.start()
    job_id = _enqueue(engine)
    worker.wake()
    assert started.wait(10)
    worker._stop.set()  # stop requested while the job runs: the job still finishes
    release.set()
    assert worker.stop(timeout=10)
    assert _job(engine, job_id).result == {"finished": True}


def test_worker_review_job_with_unusable_input_fails_for_good_without_the_model(engine, store) -> None:
    with session_scope(engine) as s:
        buyer = service.create_user(s, username="pat", display_name="Pat", role="procurement",
                                    password="long enough")
        up = service.upload_contract(s, store=store, data=b"   \n\n\t\n", filename="blank.txt", title="Blank",
                                     vendor="V", contract_type="saas", buyer=buyer)
    worker = Worker(engine, store=store, poll_seconds=0.05,
                    reviewer_factory=lambda: pytest.fail("the model is not needed to refuse an empty text"))
    worker.run_once()
    job = _job(engine, up.job_id)
    assert (job.status, job.last_error_code, job.attempts) == ("failed", "no_text", 1)
    with session_scope(engine, readonly=True) as s:
        assert s.scalar(select(func.count()).select_from(Notification)) == 0


def test_worker_review_job_whose_file_is_gone_is_retried(engine, store) -> None:
    with session_scope(engine) as s:
        buyer = service.create_user(s, username="pat", display_name="Pat", role="procurement",
                                    password="long enough")
        up = service.upload_contract(s, store=store, data=b"1. Payment. Net 45.\n", filename="a.txt", title="A",
                                     vendor="V", contract_type="saas", buyer=buyer)
    store.path(up.sha256).unlink()
    Worker(engine, store=store, reviewer_factory=lambda: pytest.fail("not reached")).run_once()
    job = _job(engine, up.job_id)
    assert (job.status, job.last_error_code) == ("queued", "stored_file_missing"), "restored from backup, it runs"
