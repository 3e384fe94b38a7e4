"""The worker: claims jobs from the queue and runs their handlers, in a thread of the server (the default) or as
the main loop of its own process (``vetted worker``, for deployments).

A handler gets a :class:`JobContext`: short read transactions (``ctx.read()``), the file store, the reviewer
(the model and library, loaded once per worker), and ``ctx.finish(write)``, which runs the handler's writes and
marks the job done in one transaction, so that a job's effect is stored exactly once even if its worker dies
or its lease runs out. The slow part of a job (the review) runs outside any transaction.

Failures: bad input (``InputError``: the document itself is unusable) and requests that can never succeed
(``NotFoundError``, ``InvalidRequestError``) fail the job at once with their code; anything else is retried
with back-off until the job's attempts are used up (``queue.fail``). While a handler runs, a heartbeat thread
extends the lease, so a long review is not taken over by another worker; a worker that dies stops the
heartbeat, the lease runs out, and another worker (or this one, restarted) picks the job up again.

Stopping: ``stop()`` (or SIGTERM/SIGINT for the process) lets the job in hand finish, then ends the loop; a
second SIGINT interrupts the job and hands it back to the queue unharmed.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from review_service.errors import InputError, VettedError
from review_service.jobs import queue
from review_service.matching.embed import text_key
from review_service.repository.db import session_scope
from review_service.repository.errors import InvalidRequestError, NotFoundError
from review_service.repository.files import FileStore

log = logging.getLogger(__name__)

PERMANENT_ERRORS: tuple[type[Exception], ...] = (InputError, NotFoundError, InvalidRequestError)
Handler = Callable[["JobContext"], "dict[str, Any] | None"]


class LeaseLostError(Exception):
    """This worker no longer holds the job (its lease ran out and another worker took it)."""


@dataclass
class JobContext:
    job_id: int
    kind: str
    payload: dict[str, Any]
    attempt: int
    max_attempts: int
    worker: Worker
    finished: bool = False
    result: dict[str, Any] | None = None
    lease_lost: threading.Event = field(default_factory=threading.Event)

    @property
    def store(self) -> FileStore:
        return self.worker.store

    @property
    def reviewer(self) -> Any:
        return self.worker.reviewer

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        """A short read-only transaction (takes no write lock on SQLite)."""
        with session_scope(self.worker.engine, readonly=True) as session:
            yield session

    def finish(self, write: Callable[[Session], dict[str, Any] | None]) -> dict[str, Any] | None:
        """Run ``write`` and mark the job done in the same transaction; if the job is no longer ours, roll it
        all back and raise :class:`LeaseLostError`."""
        with session_scope(self.worker.engine) as session:
            result = write(session)
            session.flush()
            if not queue.complete(session, job_id=self.job_id, worker_id=self.worker.worker_id, result=result):
                raise LeaseLostError(f"job {self.job_id} was taken over by another worker; its result is dropped")
        self.finished, self.result = True, result
        return result


class Worker:
    """Runs jobs of the kinds it has handlers for, one at a time."""

    def __init__(self, engine: Engine, *, store: FileStore, handlers: dict[str, Handler] | None = None,
                 reviewer_factory: Callable[[], Any] | None = None, worker_id: str | None = None,
                 poll_seconds: float | None = None, lease_seconds: float | None = None) -> None:
        self.engine = engine
        self.store = store
        self.handlers = dict(handlers) if handlers is not None else default_handlers()
        if not self.handlers:
            raise ValueError("a worker needs at least one handler")
        self.worker_id = worker_id or queue.worker_name()
        self.poll_seconds = poll_seconds if poll_seconds is not None else float(
            queue._setting("worker_poll_seconds", 1.0))
        self.lease_seconds = lease_seconds if lease_seconds is not None else float(
            queue._setting("job_lease_seconds", queue.DEFAULT_LEASE_SECONDS))
        self._reviewer_factory = reviewer_factory
        self._reviewer: Any = None
        self._library_stamp: int | None = None
        self._reviewer_lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self.jobs_run = 0

    # -- the reviewer, created once per worker and only when a job needs it (again when the library changed)
    @property
    def reviewer(self) -> Any:
        from review_service.library.loader import library_stamp
        from review_service.settings import get_settings

        stamp = library_stamp(get_settings().library_dir)
        with self._reviewer_lock:
            if self._reviewer is not None and stamp != self._library_stamp:
                log.info("the clause library changed on disk: loading it again")
                self._reviewer = None
            self._library_stamp = stamp
            if self._reviewer is None:
                if self._reviewer_factory is not None:
                    self._reviewer = self._reviewer_factory()
                else:
                    from review_service.review.engine import Reviewer

                    self._reviewer = Reviewer()
                self._reviewer.warm_up()
                self._note_library(self._reviewer)
            return self._reviewer

    def _note_library(self, reviewer: Any) -> None:
        # The library the reviews are made against, in the audit trail when it differs from the last one.
        library = getattr(reviewer, "library", None)
        if library is None or not hasattr(library, "version"):
            return
        from review_service.repository.service import note_library

        try:
            with session_scope(self.engine) as session:
                note_library(session, library=library, actor=f"worker:{self.worker_id}")
        except Exception:
            log.exception("could not record the clause library in the audit trail")

    # -- one job
    def run_once(self) -> bool:
        """Claim and run one due job; False when there was none."""
        with session_scope(self.engine) as session:
            job = queue.claim(session, worker_id=self.worker_id, kinds=sorted(self.handlers),
                              lease_seconds=self.lease_seconds)
            if job is None:
                return False
            ctx = JobContext(job.id, job.kind, dict(job.payload), job.attempts, job.max_attempts, self)
        log.info("job %s (%s) started, attempt %s of %s", ctx.job_id, ctx.kind, ctx.attempt, ctx.max_attempts)
        beat = _Heartbeat(self, ctx)
        beat.start()
        started = time.perf_counter()
        try:
            result = self.handlers[ctx.kind](ctx)
            if ctx.lease_lost.is_set():
                raise LeaseLostError(f"job {ctx.job_id} lost its lease while running")
            if not ctx.finished:
                ctx.finish(lambda _session: result)
            log.info("job %s (%s) done in %.1fs", ctx.job_id, ctx.kind, time.perf_counter() - started)
        except LeaseLostError as exc:
            log.warning("%s", exc)
        except PERMANENT_ERRORS as exc:
            code = getattr(exc, "code", "bad_input")
            log.warning("job %s (%s) failed for good: %s", ctx.job_id, ctx.kind, exc)
            self._fail(ctx, code, getattr(exc, "message", str(exc)), permanent=True)
        except VettedError as exc:
            log.warning("job %s (%s) failed: %s", ctx.job_id, ctx.kind, exc)
            self._fail(ctx, exc.code, exc.message, permanent=False)
        except Exception as exc:
            log.exception("job %s (%s) failed unexpectedly", ctx.job_id, ctx.kind)
            self._fail(ctx, "internal_error", f"{type(exc).__name__}: {exc}", permanent=False)
        except BaseException:
            # Interrupted (a second Ctrl-C, or the interpreter exiting): the job was not at fault; hand it back.
            with contextlib.suppress(Exception), session_scope(self.engine) as session:
                queue.release(session, job_id=ctx.job_id, worker_id=self.worker_id)
            raise
        finally:
            beat.stop()
            self.jobs_run += 1
        return True

    def _fail(self, ctx: JobContext, code: str, message: str, *, permanent: bool) -> None:
        try:
            with session_scope(self.engine) as session:
                status = queue.fail(session, job_id=ctx.job_id, worker_id=self.worker_id, code=code,
                                    message=message, permanent=permanent)
            if status == "queued":
                log.info("job %s will be tried again", ctx.job_id)
        except Exception:  # the database is away: the lease will run out and the job come back
            log.exception("could not record the failure of job %s", ctx.job_id)

    # -- the loop
    def pick_up_interrupted(self) -> int:
        """Hand back to the queue the jobs of workers on this machine whose process is gone (killed mid-job),
        without waiting for their leases to run out. Returns how many."""
        try:
            with session_scope(self.engine) as session:
                released = queue.release_dead_local_workers(session)
        except Exception:
            log.exception("could not check for interrupted jobs")
            return 0
        if released:
            log.info("picked up %d job(s) interrupted by a restart", released)
        return released

    def run(self) -> None:
        """Run jobs until :meth:`stop`; sleeps ``poll_seconds`` (or until :meth:`wake`) when the queue is empty."""
        self.pick_up_interrupted()
        pause = self.poll_seconds
        while not self._stop.is_set():
            try:
                ran = self.run_once()
                pause = self.poll_seconds
            except Exception:
                # The database is away or locked: keep trying, more slowly, without spinning.
                log.exception("the worker could not reach the job queue")
                ran, pause = False, min(pause * 2, 60.0)
            if not ran:
                self._wake.wait(pause)
                self._wake.clear()

    def wake(self) -> None:
        """Look at the queue now (an upload just added a job)."""
        self._wake.set()

    def start(self) -> threading.Thread:
        """Run the loop in a daemon thread (the in-process worker of ``vetted serve``)."""
        if self._thread is not None and self._thread.is_alive():
            return self._thread
        self._stop.clear()
        self._thread = threading.Thread(target=self.run, name=f"vetted-worker-{self.worker_id}", daemon=True)
        self._thread.start()
        return self._thread

    def stop(self, timeout: float | None = None) -> bool:
        """Ask the loop to end after the job in hand; wait up to ``timeout`` seconds. True when it ended."""
        self._stop.set()
        self._wake.set()
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()


class _Heartbeat:
    """Extends the lease of the running job every third of the lease, until stopped."""

    def __init__(self, worker: Worker, ctx: JobContext) -> None:
        self.worker, self.ctx = worker, ctx
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"vetted-heartbeat-{ctx.job_id}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        self._thread.join(5)

    def _run(self) -> None:
        interval = max(self.worker.lease_seconds / 3, 0.05)
        while not self._done.wait(interval):
            try:
                with session_scope(self.worker.engine) as session:
                    held = queue.heartbeat(session, job_id=self.ctx.job_id, worker_id=self.worker.worker_id,
                                           lease_seconds=self.worker.lease_seconds)
            except Exception:
                log.exception("could not extend the lease of job %s", self.ctx.job_id)
                continue
            if not held:
                self.ctx.lease_lost.set()
                return


# ------------------------------------------------------------------------------------------ handlers


def _load_version(ctx: JobContext) -> tuple[Any, str, float | None, bytes]:
    """The version's document (extracted from the stored file), its contract type and value."""
    from review_service.ingest import extract_bytes
    from review_service.repository.models import ContractVersion

    version_id = int(ctx.payload["version_id"])
    with ctx.read() as session:
        version = session.get(ContractVersion, version_id)
        if version is None:
            raise NotFoundError(f"version {version_id} no longer exists")
        contract = version.contract
        filename, sha = version.filename, version.file_sha256
        contract_type = contract.contract_type
        value = float(contract.value) if contract.value is not None else None
    data = ctx.store.read(sha)
    return extract_bytes(data, filename), contract_type, value, data


class _KnownVectors:
    """The repository's stored vectors for clause texts seen before (any contract), for Reviewer.embed; counts
    the clauses it supplied."""

    def __init__(self, ctx: JobContext) -> None:
        self.ctx = ctx
        self.reused = 0

    def __call__(self, texts: list[str]) -> dict[str, np.ndarray]:
        from review_service.repository.service import known_vectors

        reviewer = self.ctx.reviewer
        with self.ctx.read() as session:
            found = known_vectors(session, model_id=reviewer.embedder.model_id, texts=texts, dim=reviewer.dim)
        self.reused = sum(text_key(t) in found for t in texts)
        return found


def review_version(ctx: JobContext) -> dict[str, Any] | None:
    """Review an uploaded version with the engine and store the review, its deviations and embeddings. Clause
    texts the repository has embedded before (an earlier version, the same vendor's boilerplate) reuse their
    stored vectors."""
    from review_service.ingest.segment import segment
    from review_service.repository.service import record_review

    doc, contract_type, value, _ = _load_version(ctx)
    reviewer = ctx.reviewer
    t0 = time.perf_counter()
    clauses = segment(doc)
    t1 = time.perf_counter()
    known = _KnownVectors(ctx)
    vectors = reviewer.embed(clauses, known=known)
    t2 = time.perf_counter()
    review = reviewer.assess(doc, clauses, vectors, contract_type=contract_type, value=value)
    review.timings.update(segment=t1 - t0, embed=t2 - t1)
    version_id = int(ctx.payload["version_id"])

    def write(session: Session) -> dict[str, Any]:
        row = record_review(session, version_id=version_id, review=review, vectors=vectors, trigger="upload")
        return {"review_id": row.id, "route": row.route, "worst_severity": row.worst_severity,
                "deviations": len(review.deviations), "clauses": len(clauses), "reused": known.reused,
                "timings": {k: round(v, 3) for k, v in review.timings.items()}}

    return ctx.finish(write)


def rescan_version(ctx: JobContext) -> dict[str, Any] | None:
    """Review a version again against the current library and playbook from the stored clause embeddings,
    running the model only for clause texts with no stored vector (new segmentation, or a different model)."""
    from review_service.ingest.segment import segment
    from review_service.repository.models import Review
    from review_service.repository.service import record_review

    version_id = int(ctx.payload["version_id"])
    doc, contract_type, value, _ = _load_version(ctx)
    reviewer = ctx.reviewer
    clauses = segment(doc)
    with ctx.read() as session:
        previous = session.query(Review).filter(Review.version_id == version_id).order_by(Review.id.desc()).first()
        before = None if previous is None else {"review_id": previous.id, "route": previous.route,
                                                "worst_severity": previous.worst_severity}
    known = _KnownVectors(ctx)
    vectors = reviewer.embed(clauses, known=known)
    needed = int(np.count_nonzero(vectors.any(axis=1)))
    review = reviewer.assess(doc, clauses, vectors, contract_type=contract_type, value=value)

    def write(session: Session) -> dict[str, Any]:
        row = record_review(session, version_id=version_id, review=review, vectors=vectors, trigger="rescan")
        return {"review_id": row.id, "route": row.route, "worst_severity": row.worst_severity, "before": before,
                "embedded": needed - known.reused, "reused": known.reused}

    return ctx.finish(write)


def embed_for_search(ctx: JobContext) -> dict[str, Any] | None:
    """Vectors for the clauses a review reads without the model (definitions, boilerplate its heading names), so
    that precedent search finds them too ("how did we define Confidential Information?"). Queued by every
    review and re-scan and run after it, off its clock; texts the repository has embedded before cost nothing."""
    from review_service.ingest.segment import segment
    from review_service.repository.service import store_embeddings, stored_clause_ids

    version_id = int(ctx.payload["version_id"])
    doc, _, _, _ = _load_version(ctx)
    reviewer = ctx.reviewer
    reviewer.warm_up()
    clauses = segment(doc)
    model_id = reviewer.embedder.model_id
    with ctx.read() as session:
        have = stored_clause_ids(session, version_id=version_id, model_id=model_id)
    todo = [i for i, c in enumerate(clauses) if reviewer.classifier.is_substantive(c)
            and not reviewer.needs_model(c) and (c.id, text_key(c.text)) not in have]
    known = _KnownVectors(ctx)
    vectors = reviewer.vectors(clauses, todo, known)

    def write(session: Session) -> dict[str, Any]:
        stored = store_embeddings(session, version_id=version_id, clauses=clauses, vectors=vectors,
                                  model_id=model_id)
        return {"stored": stored, "reused": known.reused, "embedded": stored - known.reused}

    return ctx.finish(write)


def default_handlers() -> dict[str, Handler]:
    return {"review_version": review_version, "rescan_version": rescan_version, "embed_for_search": embed_for_search}


# ------------------------------------------------------------------------------------------ entry points


def start_in_process(engine: Engine, store: FileStore, **kwargs: Any) -> Worker:
    """Start a worker thread beside the server; call ``stop()`` on shutdown."""
    worker = Worker(engine, store=store, **kwargs)
    worker.start()
    return worker


def run_worker_process(*, once: bool = False, url: str | None = None) -> int:
    """The main loop of ``vetted worker``: migrate, check the file store, run jobs until SIGTERM/SIGINT.

    With ``once``, run the jobs that are due and return. Returns the process exit code.
    """
    from review_service.repository.db import get_engine
    from review_service.repository.files import default_store
    from review_service.repository.migrations import upgrade
    from review_service.repository.service import reconcile_files

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    engine = get_engine(url)
    upgrade(engine)
    store = default_store()
    reconcile_files(engine, store=store)
    worker = Worker(engine, store=store)
    if once:
        worker.pick_up_interrupted()
        while worker.run_once():
            pass
        return 0
    interrupts = 0

    def on_signal(signum: int, _frame: Any) -> None:
        nonlocal interrupts
        interrupts += 1
        if interrupts > 1 and signum == signal.SIGINT:
            raise KeyboardInterrupt
        log.info("stopping after the current job (Ctrl-C again to interrupt it)")
        worker.stop()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    log.info("worker %s waiting for jobs", worker.worker_id)
    try:
        worker.run()
    except KeyboardInterrupt:
        return 130
    return 0
