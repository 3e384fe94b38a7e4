"""Legal's decision on a deviation: accept it, reject it (with the reason), or accept the library's fallback
language. Audited; the buyer is told."""

from __future__ import annotations

from fastapi import APIRouter

from api import present, schemas
from api.deps import ClientIP, LegalUser, SessionDep
from api.routes.contracts import load_contract
from review_service.repository import service
from review_service.repository.errors import ConflictError, ForbiddenError, InvalidTransitionError, NotFoundError
from review_service.repository.models import Deviation

router = APIRouter(prefix="/deviations", tags=["decisions"])


@router.post("/{deviation_id}/decision", response_model=schemas.DecisionPublic, summary="Decide a deviation",
             responses={403: {"model": schemas.ErrorBody, "description": "Not legal, or a senior-legal contract."},
                        409: {"model": schemas.ErrorBody, "description": "The contract is not in review, or the "
                              "deviation belongs to an older review."}})
def create_decision(deviation_id: int, body: schemas.DecisionCreate, user: LegalUser, session: SessionDep,
                    ip: ClientIP) -> schemas.DecisionPublic:
    """``accept``, ``reject`` (a comment saying why is required) or ``fallback`` (only where the library offers
    fallback language). Legal and senior legal decide; a contract routed to senior legal only senior legal."""
    deviation = session.get(Deviation, deviation_id)
    if deviation is None:
        raise NotFoundError(f"no deviation with id {deviation_id}")
    version = deviation.review.version
    try:
        contract = load_contract(session, version.contract_id, user)
    except NotFoundError:
        raise NotFoundError(f"no deviation with id {deviation_id}") from None
    if contract.route == "senior_legal" and user.role != "senior_legal":
        raise ForbiddenError("this contract is routed to senior legal: general counsel decides its deviations")
    if contract.state != "in_review":
        raise InvalidTransitionError(f"the contract is {contract.state}: deviations are decided while it is in "
                                     "review")
    latest = service.latest_review(session, contract_id=contract.id)
    if latest is None or latest.id != deviation.review_id:
        raise ConflictError("this deviation belongs to an older review of the contract: decide the latest one's",
                            code="stale_review")
    row = service.decide_deviation(session, deviation_id=deviation_id, decision=body.decision, user=user,
                                   comment=body.comment, ip=ip)
    session.commit()
    decided_by = present.user_ref(user)
    assert decided_by is not None and row.decided_at is not None and row.decision is not None
    return schemas.DecisionPublic(deviation_id=row.id, contract_id=contract.id, rule=row.rule,
                                  severity=row.severity, decision=row.decision,  # type: ignore[arg-type]
                                  comment=row.comment, decided_by=decided_by, decided_at=row.decided_at)
