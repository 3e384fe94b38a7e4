"""The POLICY.md measures over the contracts you may see (defined in ``review_service.workflow.measures``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.deps import ClientIP, CurrentUser, SessionDep
from review_service.repository import audit
from review_service.workflow import measures as metrics

router = APIRouter(prefix="/metrics", tags=["metrics"])


@router.get("", summary="Cycle time, legal involvement, template adoption, redlines, fallback acceptance",
            responses={200: {"content": {"application/json": {"example": {
                "contracts": 4,
                "cycle_time": {"by_contract_type": {"saas": {"contracts": 1, "median_days": 3.5, "mean_days": 3.5}},
                               "by_route": {"legal": {"contracts": 1, "median_days": 3.5, "mean_days": 3.5}},
                               "open": 3},
                "legal_involvement": {"rate": 0.75, "legal": 3, "reviewed": 4},
                "template_adoption": {"rate": 0.5, "on_template": 1, "approved_or_signed": 2},
                "redlines_per_contract_type": {"saas": {"contracts": 3, "flagged": 12, "changed": 4,
                                                        "flagged_per_contract": 4.0, "changed_per_contract": 1.33}},
                "fallback_acceptance": {"rate": 0.6, "fallback_used": 3, "fallback_offered": 5}}}}}})
def read_metrics(user: CurrentUser, session: SessionDep, ip: ClientIP) -> dict[str, Any]:
    result = metrics.compute(session, viewer=user)
    audit.record(session, actor=user.username, action="metrics.view", ip=ip, detail={"contracts": result["contracts"]})
    session.commit()
    return result
