"""A worker process killed in the middle of a job: the job is picked up again after a restart, and the
``vetted worker`` entry point runs the queue."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

from review_service.jobs import queue
from review_service.jobs.worker import Worker, run_worker_process
from review_service.repository import service
from review_service.repository.db import dispose_all, session_scope
from review_service.repository.models import Job

CHILD = textwrap.dedent("""
    import sys, time
    from review_service.jobs.worker import Worker
    from review_service.repository.db import make_engine
    from review_service.repository.files import FileStore

    def slow(ctx):
        print("started", flush=True)
        time.sleep(60)

    Worker(make_engine(sys.argv[1]), store=FileStore(sys.argv[2]), handlers={"slow": slow},
           lease_seconds=3600).run_once()
""")


def test_restart_picks_up_the_job_of_a_killed_worker_process(database_url, engine, store) -> None:
    with session_scope(engine) as s:
        job_id = queue.enqueue(s, kind="slow", payload={}).id
    child = subprocess.Popen([sys.executable, "-c", CHILD, database_url, str(store.root)], stdout=subprocess.PIPE,
                             text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "started"
        child.send_signal(signal.SIGKILL)  # no chance to clean up: the lease (an hour) still holds the job
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
    worker = Worker(engine, store=store, handlers={"slow": lambda ctx: {"attempt": ctx.attempt}})
    assert worker.run_once() is False, "the dead worker's lease still holds the job"
    with session_scope(engine) as s:  # what Worker.run() does first after a restart on this machine
        assert queue.release_dead_local_workers(s) == 1
    time.sleep(0.01)
    assert worker.run_once() is True
    with session_scope(engine, readonly=True) as s:
        job = s.get(Job, job_id)
        assert (job.status, job.result) == ("done", {"attempt": 2})


def test_restart_worker_entry_point_runs_due_jobs_once(database_url, engine, store, monkeypatch) -> None:
    monkeypatch.setenv("VETTED_FILES_DIR", str(store.root))
    with session_scope(engine) as s:
        buyer = service.create_user(s, username="pat", display_name="Pat", role="procurement",
                                    password="long enough")
        up = service.upload_contract(s, store=store, data=b"  \n\n  \n", filename="blank.txt", title="Blank",
                                     vendor="V", contract_type="saas", buyer=buyer)
    try:
        assert run_worker_process(once=True, url=database_url) == 0
    finally:
        dispose_all()  # the process-wide engine it opened
    with session_scope(engine, readonly=True) as s:
        job = s.get(Job, up.job_id)
        assert (job.status, job.last_error_code) == ("failed", "no_text")


def test_restart_worker_once_picks_up_a_job_its_killed_predecessor_held(database_url, engine, store,
                                                                         monkeypatch) -> None:
    # `vetted worker --once` after a kill -9: the dead process's job is handed back at once, not after its lease.
    monkeypatch.setenv("VETTED_FILES_DIR", str(store.root))
    with session_scope(engine) as s:
        buyer = service.create_user(s, username="pat", display_name="Pat", role="procurement",
                                    password="long enough")
        up = service.upload_contract(s, store=store, data=b"  \n\n  \n", filename="blank.txt", title="Blank",
                                     vendor="V", contract_type="saas", buyer=buyer)
    with session_scope(engine) as s:
        claimed = queue.claim(s, worker_id=f"{queue.socket.gethostname()}:999999:dead", lease_seconds=3600)
        assert claimed is not None and claimed.id == up.job_id
    monkeypatch.setattr(queue, "_pid_alive", lambda pid: pid != 999999)
    try:
        assert run_worker_process(once=True, url=database_url) == 0
    finally:
        dispose_all()
    with session_scope(engine, readonly=True) as s:
        job = s.get(Job, up.job_id)
        assert (job.status, job.attempts, job.last_error_code) == ("failed", 2, "no_text")
