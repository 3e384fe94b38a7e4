"""Background jobs: the review of an uploaded version, a re-scan. Follow one after an upload."""

from __future__ import annotations

from fastapi import APIRouter

from api import present, schemas
from api.deps import CurrentUser, SessionDep
from api.routes.contracts import load_contract
from review_service.jobs import queue
from review_service.repository.errors import NotFoundError
from review_service.repository.models import ContractVersion

router = APIRouter(prefix="/jobs", tags=["jobs"])


@router.get("/{job_id}", response_model=schemas.JobPublic, summary="Read a job")
def read_job(job_id: int, user: CurrentUser, session: SessionDep) -> schemas.JobPublic:
    """Status (queued, running, done, failed), attempts, the error code of a failure, and the result (the
    review's id, route and worst severity). Visible to whoever may see the contract it works on."""
    job = queue.get_job(session, job_id=job_id)
    if job is None:
        raise NotFoundError(f"no job with id {job_id}")
    version_id = job.payload.get("version_id") if isinstance(job.payload, dict) else None
    version = session.get(ContractVersion, int(version_id)) if version_id is not None else None
    if version is not None:
        try:
            load_contract(session, version.contract_id, user)
        except NotFoundError:
            raise NotFoundError(f"no job with id {job_id}") from None
    elif user.role != "admin":
        raise NotFoundError(f"no job with id {job_id}")
    return present.job_public(job, session)
