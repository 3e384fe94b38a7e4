"""The durable job queue: a table of jobs, each claimed by one worker at a time under a lease.

A job is ``queued`` until a worker claims it; the claim sets it ``running`` with a lease (``lease_until``) and
the worker's id. The worker ends it with :func:`complete` (``done``) or :func:`fail`. A failure that may pass
(anything but bad input) goes back to ``queued`` with an exponential back-off until ``max_attempts`` claims
have been used; then, or at once for a permanent failure, the job is ``failed`` with its error code.

A worker that dies leaves its job ``running`` with a lease that runs out: such a job is claimable again, so a
restart picks up interrupted work. A job whose lease ran out after its last allowed attempt is failed with
``worker_lost`` instead of being run yet again (a document that kills the worker must not kill every worker).

Claiming is exclusive: on PostgreSQL ``SELECT ... FOR UPDATE SKIP LOCKED`` lets concurrent workers take
different jobs without waiting on each other; on SQLite the claim is a conditional UPDATE (it only matches a
job that is still claimable) inside a write transaction.

Every function works in the caller's session and flushes; the caller commits (claim in its own short
transaction: the lease only protects the job once it is committed).
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from review_service.repository.models import Job, utcnow

DEFAULT_MAX_ATTEMPTS = 5
DEFAULT_LEASE_SECONDS = 300.0
DEFAULT_BACKOFF_SECONDS = 30.0
DEFAULT_BACKOFF_MAX_SECONDS = 3600.0
WORKER_LOST = "worker_lost"


def _setting(name: str, default: Any) -> Any:
    """A Settings field (``VETTED_<NAME>``), or ``default`` when it is unset."""
    from review_service.settings import get_settings

    value = getattr(get_settings(), name, None)
    return default if value is None else value


def default_max_attempts() -> int:
    return int(_setting("job_max_attempts", DEFAULT_MAX_ATTEMPTS))


def backoff(attempts: int, *, base: float | None = None, cap: float | None = None) -> dt.timedelta:
    """How long to wait before the next try after ``attempts`` failed tries: base, 2x base, 4x base... capped."""
    base = float(_setting("job_backoff_seconds", DEFAULT_BACKOFF_SECONDS)) if base is None else base
    cap = float(_setting("job_backoff_max_seconds", DEFAULT_BACKOFF_MAX_SECONDS)) if cap is None else cap
    return dt.timedelta(seconds=min(cap, base * 2 ** max(attempts - 1, 0)))


def worker_name() -> str:
    """``host:pid:suffix``: unique per worker, and says which machine and process holds a job."""
    return f"{socket.gethostname()}:{os.getpid()}:{os.urandom(3).hex()}"


def enqueue(session: Session, *, kind: str, payload: dict[str, Any], max_attempts: int | None = None,
            run_after: dt.datetime | None = None) -> Job:
    """Add a job in the caller's transaction (it becomes visible to workers when that commits)."""
    job = Job(kind=kind, payload=payload, status="queued", attempts=0,
              max_attempts=max_attempts or default_max_attempts(), run_after=run_after or utcnow())
    session.add(job)
    session.flush()
    return job


def _claimable(now: dt.datetime) -> Any:
    return or_(
        and_(Job.status == "queued", Job.run_after <= now),
        and_(Job.status == "running", Job.lease_until < now),
    )


def claim(session: Session, *, worker_id: str, kinds: list[str] | None = None, lease_seconds: float | None = None,
          now: dt.datetime | None = None) -> Job | None:
    """Take the next due job (oldest ``run_after`` first) for ``worker_id``, or None when there is none.

    The caller must commit at once: that is what makes the claim visible and the lease real.
    """
    now = now or utcnow()
    lease = dt.timedelta(seconds=lease_seconds if lease_seconds is not None
                         else float(_setting("job_lease_seconds", DEFAULT_LEASE_SECONDS)))
    postgres = session.get_bind().dialect.name == "postgresql"
    for _ in range(20):
        q = select(Job.id, Job.status, Job.attempts, Job.max_attempts).where(_claimable(now))
        if kinds:
            q = q.where(Job.kind.in_(kinds))
        q = q.order_by(Job.run_after, Job.id).limit(1)
        if postgres:
            q = q.with_for_update(skip_locked=True)
        row = session.execute(q).first()
        if row is None:
            return None
        if row.status == "running" and row.attempts >= row.max_attempts:
            # Its last allowed attempt died with its worker: stop here rather than crash another one.
            session.execute(
                update(Job).where(Job.id == row.id, _claimable(now)).values(
                    status="failed", lease_until=None, locked_by=None, last_error_code=WORKER_LOST,
                    last_error_message="the worker running this job stopped before finishing it, on every "
                                       f"attempt ({row.attempts}); see the worker's log",
                    finished_at=now, updated_at=now,
                ).execution_options(synchronize_session=False)
            )
            continue
        # Conditional: matches only if the job is still claimable (on SQLite another writer may have been first).
        claimed = session.execute(
            update(Job).where(Job.id == row.id, _claimable(now)).values(
                status="running", attempts=Job.attempts + 1, lease_until=now + lease, locked_by=worker_id,
                updated_at=now,
            ).execution_options(synchronize_session=False)
        )
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            job = session.get(Job, row.id, populate_existing=True)
            assert job is not None
            return job
    return None


def _owned(job_id: int, worker_id: str) -> Any:
    return and_(Job.id == job_id, Job.status == "running", Job.locked_by == worker_id)


def heartbeat(session: Session, *, job_id: int, worker_id: str, lease_seconds: float | None = None,
              now: dt.datetime | None = None) -> bool:
    """Extend the lease of a job this worker still holds; False when it no longer does."""
    now = now or utcnow()
    seconds = lease_seconds if lease_seconds is not None else float(_setting("job_lease_seconds",
                                                                              DEFAULT_LEASE_SECONDS))
    res = session.execute(
        update(Job).where(_owned(job_id, worker_id)).values(
            lease_until=now + dt.timedelta(seconds=seconds), updated_at=now
        ).execution_options(synchronize_session=False)
    )
    return res.rowcount == 1  # type: ignore[attr-defined]


def complete(session: Session, *, job_id: int, worker_id: str, result: dict[str, Any] | None = None,
             now: dt.datetime | None = None) -> bool:
    """Mark the job done; False (and nothing changed) when this worker no longer holds it (its lease ran
    out and another worker took it): the caller should then roll back its own writes."""
    now = now or utcnow()
    res = session.execute(
        update(Job).where(_owned(job_id, worker_id)).values(
            status="done", result=result, lease_until=None, finished_at=now, updated_at=now,
            last_error_code=None, last_error_message=None,
        ).execution_options(synchronize_session=False)
    )
    return res.rowcount == 1  # type: ignore[attr-defined]


def fail(session: Session, *, job_id: int, worker_id: str, code: str, message: str, permanent: bool = False,
         now: dt.datetime | None = None) -> str | None:
    """Record a failure with its error code; retry later (``queued``) unless it is ``permanent`` or the job
    has used all its attempts (``failed``). Returns the new status, or None when this worker no longer holds
    the job."""
    now = now or utcnow()
    job = session.scalars(select(Job).where(_owned(job_id, worker_id)).with_for_update()).first()
    if job is None:
        return None
    job.last_error_code = code[:60]
    job.last_error_message = message[:10_000]
    job.lease_until = None
    job.locked_by = None
    job.updated_at = now
    if permanent or job.attempts >= job.max_attempts:
        job.status = "failed"
        job.finished_at = now
    else:
        job.status = "queued"
        job.run_after = now + backoff(job.attempts)
    session.flush()
    return job.status


def release_dead_local_workers(session: Session, *, now: dt.datetime | None = None) -> int:
    """Expire the leases of jobs held by processes of this machine that no longer exist (a restart), so they
    are picked up at once instead of when their lease runs out. Returns how many."""
    now = now or utcnow()
    host = socket.gethostname()
    rows = session.execute(
        select(Job.id, Job.locked_by).where(Job.status == "running", Job.locked_by.startswith(f"{host}:"))
    ).all()
    released = 0
    for job_id, locked_by in rows:
        if locked_by is None:
            continue
        try:
            pid = int(locked_by.split(":")[1])
        except (IndexError, ValueError):
            continue
        if pid == os.getpid() or _pid_alive(pid):
            continue
        res = session.execute(
            update(Job).where(Job.id == job_id, Job.locked_by == locked_by, Job.status == "running")
            .values(lease_until=now, updated_at=now).execution_options(synchronize_session=False)
        )
        released += res.rowcount  # type: ignore[attr-defined]
    return released


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def retry(session: Session, *, job_id: int, extra_attempts: int = 1, now: dt.datetime | None = None) -> Job | None:
    """Put a failed job back in the queue with ``extra_attempts`` more tries (an admin action)."""
    job = session.get(Job, job_id, with_for_update=True)
    if job is None or job.status != "failed":
        return None
    now = now or utcnow()
    job.status = "queued"
    job.max_attempts = max(job.max_attempts, job.attempts + extra_attempts)
    job.run_after = now
    job.finished_at = None
    job.updated_at = now
    session.flush()
    return job


def get_job(session: Session, *, job_id: int) -> Job | None:
    return session.get(Job, job_id)


def counts(session: Session) -> dict[str, int]:
    """How many jobs are in each status."""
    from sqlalchemy import func

    found = {status: n for status, n in session.execute(select(Job.status, func.count()).group_by(Job.status))}
    return {s: int(found.get(s, 0)) for s in ("queued", "running", "done", "failed")}


def release(session: Session, *, job_id: int, worker_id: str, now: dt.datetime | None = None) -> bool:
    """Hand a job back untouched (the worker is stopping mid-job): queued again at once, the attempt not
    counted. False when this worker no longer holds it."""
    now = now or utcnow()
    res = session.execute(
        update(Job).where(_owned(job_id, worker_id)).values(
            status="queued", attempts=Job.attempts - 1, lease_until=None, locked_by=None, run_after=now,
            updated_at=now,
        ).execution_options(synchronize_session=False)
    )
    return res.rowcount == 1  # type: ignore[attr-defined]
