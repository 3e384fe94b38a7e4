"""Re-scan (admin): re-assess every stored contract against the current library and playbook from the stored
clause embeddings, as background jobs; follow the progress and read the report of what newly passes or fails.

A re-scan's id is the sequence number of its ``rescan.start`` audit event, which lists its jobs: the trail
is the record of who started it and when, and nothing else needs storing. Starting one while another is
still running queues only the contracts that have no re-scan waiting (``enqueue_rescans`` is idempotent).
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import select

from api import present, schemas
from api.deps import AdminUser, ClientIP, SessionDep
from review_service.jobs import queue
from review_service.repository import audit, service
from review_service.repository.errors import NotFoundError
from review_service.repository.models import AuditEvent, Job

router = APIRouter(prefix="/admin", tags=["rescan"])


@router.post("/rescan", status_code=202, response_model=schemas.RescanStarted, summary="Start a re-scan")
def create_rescan(body: schemas.RescanStart, admin: AdminUser, session: SessionDep, ip: ClientIP) -> JSONResponse:
    job_ids = service.enqueue_rescans(session, contract_ids=body.contract_ids)
    event = audit.record(session, actor=admin.username, action="rescan.start", target="rescan", ip=ip,
                         detail={"job_ids": job_ids, "contract_ids": body.contract_ids})
    session.commit()
    result = schemas.RescanStarted(rescan_id=event.seq, job_ids=job_ids)
    return JSONResponse(result.model_dump(), status_code=202, headers={"Location": f"/api/admin/rescan/{event.seq}"})


@router.get("/rescan/{rescan_id}", response_model=schemas.RescanProgress, summary="Re-scan progress and report")
def read_rescan(rescan_id: int, admin: AdminUser, session: SessionDep) -> schemas.RescanProgress:
    event = session.get(AuditEvent, rescan_id)
    if event is None or event.action != "rescan.start":
        raise NotFoundError(f"no re-scan with id {rescan_id}")
    job_ids = [int(j) for j in event.detail.get("job_ids", [])]
    statuses = {status: 0 for status in ("queued", "running", "done", "failed")}
    for status in session.scalars(select(Job.status).where(Job.id.in_(job_ids))):
        statuses[status] += 1
    report = service.rescan_report(session, job_ids=job_ids)
    return schemas.RescanProgress(rescan_id=event.seq, started_by=event.actor, started_at=event.at,
                                  total=len(job_ids), finished=statuses["queued"] + statuses["running"] == 0,
                                  report=report, **statuses)


@router.post("/jobs/{job_id}/retry", response_model=schemas.JobPublic, summary="Retry a failed job")
def retry_job(job_id: int, admin: AdminUser, session: SessionDep, ip: ClientIP) -> schemas.JobPublic:
    """Put a failed job back in the queue with one more attempt."""
    job = queue.retry(session, job_id=job_id)
    if job is None:
        raise NotFoundError(f"no failed job with id {job_id}")
    audit.record(session, actor=admin.username, action="job.retry", target=f"job:{job_id}", ip=ip,
                 detail={"kind": job.kind})
    session.commit()
    return present.job_public(job, session)
