"""The measures POLICY.md asks for, computed from the stored data over the contracts the viewer may see.

- **cycle time**: days from upload (the contract's creation) to its first move to signature-ready (the audit
  trail's ``contract.state`` events), per contract type and per route; median and mean over the contracts
  that got there; ``open`` counts those that have not yet.
- **legal involvement rate**: of the reviewed contracts, the share routed to legal or senior legal.
- **template adoption**: of the contracts approved or signature-ready, the share executed on the customer's
  own positions: the latest review has no deviation above ``info``, or legal resolved every such deviation
  with the approved fallback language.
- **redlines per contract type**: per reviewed contract of each type, the deviations flagged (above
  ``info``, latest review) and the deviations changed (decided ``reject`` or ``fallback``: the vendor's
  wording had to change).
- **fallback acceptance**: of the decided deviations for which the library offered fallback language, the
  share decided ``fallback``.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from review_service.repository import service
from review_service.repository.models import AuditEvent, Contract, ContractVersion, Review, User


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _days(values: list[float]) -> dict[str, Any]:
    return {"contracts": len(values),
            "median_days": round(statistics.median(values), 2) if values else None,
            "mean_days": round(statistics.fmean(values), 2) if values else None}


def latest_reviews(session: Session, contract_ids: list[int]) -> dict[int, Review]:
    """The newest review of each contract's latest version."""
    if not contract_ids:
        return {}
    latest = (select(ContractVersion.contract_id, func.max(ContractVersion.number).label("number"))
              .where(ContractVersion.contract_id.in_(contract_ids)).group_by(ContractVersion.contract_id).subquery())
    rows = session.execute(
        select(ContractVersion.contract_id, Review).join(Review, Review.version_id == ContractVersion.id)
        .join(latest, (latest.c.contract_id == ContractVersion.contract_id) & (latest.c.number ==
                                                                               ContractVersion.number))
        .order_by(Review.id).options(selectinload(Review.deviations))).all()
    found: dict[int, Review] = {}
    for contract_id, review in rows:
        found[contract_id] = review  # ordered by id: the newest wins
    return found


def compute(session: Session, *, viewer: User) -> dict[str, Any]:
    contracts = list(session.scalars(select(Contract).where(service.visible_filter(viewer))))
    ids = [c.id for c in contracts]
    reviews = latest_reviews(session, ids)

    signed: dict[int, Any] = {}
    if ids:
        for target, at, detail in session.execute(
                select(AuditEvent.target, AuditEvent.at, AuditEvent.detail)
                .where(AuditEvent.action == "contract.state").order_by(AuditEvent.seq)):
            if detail.get("to") == "signature_ready":
                cid = int(target.split(":", 1)[1])
                signed.setdefault(cid, at)
    by_type: dict[str, list[float]] = defaultdict(list)
    by_route: dict[str, list[float]] = defaultdict(list)
    still_open = 0
    for c in contracts:
        at = signed.get(c.id)
        if at is None:
            still_open += 1
            continue
        days = (at - c.created_at).total_seconds() / 86400
        by_type[c.contract_type].append(days)
        by_route[c.route or "unreviewed"].append(days)

    reviewed = [c for c in contracts if c.route is not None]
    legal = [c for c in reviewed if c.route in ("legal", "senior_legal")]

    executed = [c for c in contracts if c.state in ("approved", "signature_ready") and c.id in reviews]
    on_template = 0
    for c in executed:
        above_info = [d for d in reviews[c.id].deviations if d.severity != "info"]
        if all(d.decision == "fallback" for d in above_info):
            on_template += 1

    redlines: dict[str, dict[str, Any]] = {}
    offered = used = 0
    for c in contracts:
        review = reviews.get(c.id)
        if review is None:
            continue
        row = redlines.setdefault(c.contract_type, {"contracts": 0, "flagged": 0, "changed": 0})
        row["contracts"] += 1
        entries = review.result.get("deviations", [])
        for d in review.deviations:
            if d.severity != "info":
                row["flagged"] += 1
            if d.decision in ("reject", "fallback"):
                row["changed"] += 1
            has_fallback = d.ordinal < len(entries) and bool(entries[d.ordinal].get("fallback_text"))
            if has_fallback and d.decision is not None:
                offered += 1
                used += d.decision == "fallback"
    for row in redlines.values():
        row["flagged_per_contract"] = round(row["flagged"] / row["contracts"], 2)
        row["changed_per_contract"] = round(row["changed"] / row["contracts"], 2)

    return {
        "contracts": len(contracts),
        "cycle_time": {"by_contract_type": {k: _days(v) for k, v in sorted(by_type.items())},
                       "by_route": {k: _days(v) for k, v in sorted(by_route.items())}, "open": still_open},
        "legal_involvement": {"rate": _rate(len(legal), len(reviewed)), "legal": len(legal),
                              "reviewed": len(reviewed)},
        "template_adoption": {"rate": _rate(on_template, len(executed)), "on_template": on_template,
                              "approved_or_signed": len(executed)},
        "redlines_per_contract_type": dict(sorted(redlines.items())),
        "fallback_acceptance": {"rate": _rate(used, offered), "fallback_used": used, "fallback_offered": offered},
    }
