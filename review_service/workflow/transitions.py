"""The contract workflow: who may move a contract from one state to another, version comparison, and keeping
every open request with somebody when a legal partner becomes unavailable.

States: submitted → in_review (the worker, when the review is stored) → changes_requested / approved /
rejected → signature_ready (from approved). A new version sends the contract back to submitted.

Who may make each move:

- in_review → approved / rejected: on the self-serve route, procurement (the buyer, their team, named users)
  or legal; on the legal route, legal or senior legal; on the senior-legal route, senior legal only. Legal
  approves only when every deviation above ``info`` is decided and none is rejected.
- in_review → approved as a *minor change*: procurement, on any route, when the latest version differs from
  an approved version by minor changes only (POLICY.md; see ``review_service.workflow.compare``).
- in_review → changes_requested: legal or senior legal; procurement too on the self-serve route.
- changes_requested → rejected: as for rejected above.
- approved → signature_ready: procurement (buyer, team) or legal; only finance when the review names finance as
  a co-signer (value at or above the playbook's threshold): that move is finance's sign-off.

Admins manage users and routing; they never move contracts.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from review_service.repository import audit, service
from review_service.repository.errors import (
    ConflictError,
    ForbiddenError,
    InvalidRequestError,
    InvalidTransitionError,
    NotFoundError,
    NotReviewedError,
)
from review_service.repository.models import AuditEvent, Contract, ContractVersion, Review, User, utcnow
from review_service.workflow.compare import compare_results

EDGES: dict[str, tuple[str, ...]] = {
    "submitted": (),
    "in_review": ("changes_requested", "approved", "rejected"),
    "changes_requested": ("rejected",),
    "approved": ("signature_ready",),
    "rejected": (),
    "signature_ready": (),
}
LEGAL = ("legal", "senior_legal")
OPEN_STATES = ("submitted", "in_review", "changes_requested")
APPROVED_STATES = ("approved", "signature_ready")


# ------------------------------------------------------------------------------------------ versions and reviews


def version_by_number(session: Session, contract: Contract, number: int) -> ContractVersion:
    for v in contract.versions:
        if v.number == number:
            return v
    raise NotFoundError(f"contract {contract.id} has no version {number}")


def newest_review(session: Session, version_id: int) -> Review | None:
    return session.scalars(select(Review).where(Review.version_id == version_id).order_by(Review.id.desc())
                           .limit(1)).first()


def latest_review_row(session: Session, contract: Contract) -> Review | None:
    return service.latest_review(session, contract_id=contract.id)


def approved_version_ids(session: Session, contract_id: int) -> list[int]:
    """Versions that were approved (moved to approved or signature-ready), oldest first, from the audit trail."""
    found: list[int] = []
    for detail in session.scalars(select(AuditEvent.detail).where(
            AuditEvent.action == "contract.state", AuditEvent.target == f"contract:{contract_id}")
            .order_by(AuditEvent.seq)):
        if detail.get("to") in APPROVED_STATES and detail.get("version_id") is not None:
            found.append(int(detail["version_id"]))
    return found


def compare_versions(session: Session, contract: Contract, from_number: int, to_number: int) -> dict[str, Any]:
    """The comparison of two reviewed versions (see ``review_service.workflow.compare``)."""
    if from_number == to_number:
        raise InvalidRequestError("compare two different versions (from and to are the same)")
    sides = []
    for number in (from_number, to_number):
        version = version_by_number(session, contract, number)
        review = newest_review(session, version.id)
        if review is None:
            raise NotReviewedError(f"version {number} has no review yet: wait for its job, then compare")
        sides.append((version, review))
    (va, ra), (vb, rb) = sides
    result = compare_results(ra.result, rb.result)
    latest = max(v.number for v in contract.versions)
    approved = set(approved_version_ids(session, contract.id))
    may = (vb.number == latest and va.id in approved and result["classification"] in ("identical", "minor")
           and contract.state == "in_review")
    return {"contract_id": contract.id,
            "from_version": {"number": va.number, "version_id": va.id, "review_id": ra.id},
            "to_version": {"number": vb.number, "version_id": vb.id, "review_id": rb.id},
            **result, "procurement_may_approve": may}


def minor_change_of_approved(session: Session, contract: Contract) -> bool:
    """Whether the latest version differs from the newest approved earlier version by minor changes only."""
    if len(contract.versions) < 2 or contract.state != "in_review":
        return False
    latest = max(contract.versions, key=lambda v: v.number)
    approved = [vid for vid in approved_version_ids(session, contract.id) if vid != latest.id]
    if not approved:
        return False
    base = session.get(ContractVersion, approved[-1])
    if base is None or base.contract_id != contract.id:
        return False
    ra, rb = newest_review(session, base.id), newest_review(session, latest.id)
    if ra is None or rb is None:
        return False
    return compare_results(ra.result, rb.result)["classification"] in ("identical", "minor")


# ------------------------------------------------------------------------------------------ transitions


def _is_procurement_party(user: User, contract: Contract) -> bool:
    return user.role == "procurement" and service.can_view(user, contract)


def _deciders(user: User, contract: Contract) -> bool:
    """May ``user`` approve or reject this contract on its route?"""
    route = contract.route or "legal"
    if route == "senior_legal":
        return user.role == "senior_legal"
    if route == "legal":
        return user.role in LEGAL
    return user.role in LEGAL or _is_procurement_party(user, contract)


def _legal_review_complete(session: Session, contract: Contract) -> None:
    review = latest_review_row(session, contract)
    if review is None:
        raise NotReviewedError("the contract has no review yet")
    open_ = [d.rule for d in review.deviations if d.severity != "info" and d.decision is None]
    if open_:
        raise ConflictError(f"{len(open_)} deviation(s) still need a decision (e.g. {open_[0]}): decide each, "
                            "or request changes", code="undecided_deviations")
    rejected = [d.rule for d in review.deviations if d.decision == "reject"]
    if rejected:
        raise ConflictError(f"{len(rejected)} deviation(s) were rejected (e.g. {rejected[0]}): request changes "
                            "from the vendor, or reject the contract", code="deviations_rejected")


def check_transition(session: Session, contract: Contract, user: User, to: str) -> str:
    """How ``user`` may move ``contract`` to ``to`` ("decision", "minor_change", "sign_off"...); raises
    InvalidTransitionError when the state does not allow it, ForbiddenError when the role may not, and a
    ConflictError when legal's work on it is not finished."""
    if to not in EDGES.get(contract.state, ()):
        allowed = ", ".join(EDGES.get(contract.state, ())) or "nothing (it moves on by itself or is final)"
        raise InvalidTransitionError(f"a contract in state {contract.state} can move to {allowed}, not {to}")
    if user.role == "admin":
        raise ForbiddenError("admins manage users and routing; contracts are moved by procurement, legal and "
                             "finance")
    if to == "signature_ready":
        review = latest_review_row(session, contract)
        co_signers = (review.result.get("route", {}).get("co_signers") or []) if review else []
        if "finance" in co_signers:
            if user.role != "finance":
                raise ForbiddenError("finance co-signs this contract (its value is above the finance threshold): "
                                     "finance marks it signature-ready")
            return "finance_sign_off"
        if user.role in LEGAL or _is_procurement_party(user, contract):
            return "sign_off"
        raise ForbiddenError("the buyer's team or legal marks an approved contract signature-ready")
    if user.role == "finance":
        raise ForbiddenError("finance reads contracts and co-signs large ones; it does not decide them")
    if to == "changes_requested":
        if user.role in LEGAL or ((contract.route or "legal") == "self_serve" and _is_procurement_party(user,
                                                                                                       contract)):
            return "request_changes"
        raise ForbiddenError("legal requests changes on a contract routed to legal")
    if to == "approved" and user.role == "procurement" and _is_procurement_party(user, contract) and \
            contract.route != "self_serve" and minor_change_of_approved(session, contract):
        return "minor_change"
    if not _deciders(user, contract):
        who = {"senior_legal": "senior legal (general counsel)", "legal": "legal"}.get(contract.route or "legal",
                                                                                      "procurement or legal")
        route = (contract.route or "legal").replace("_", " ")
        raise ForbiddenError(f"this contract is routed to {route} review: {who} decides it")
    if to == "approved" and user.role in LEGAL and contract.route != "self_serve":
        _legal_review_complete(session, contract)
    return "decision"


def available_transitions(session: Session, contract: Contract, user: User) -> list[str]:
    found = []
    for to in EDGES.get(contract.state, ()):
        try:
            check_transition(session, contract, user, to)
        except (ForbiddenError, ConflictError):
            continue
        found.append(to)
    return found


def apply_transition(session: Session, contract: Contract, user: User, to: str, *, comment: str = "",
                     ip: str | None = None) -> Contract:
    """Move the contract (after :func:`check_transition`), audited as ``contract.state``; tell the buyer and
    the assignee."""
    via = check_transition(session, contract, user, to)
    before = contract.state
    latest = max(contract.versions, key=lambda v: v.number) if contract.versions else None
    contract.state = to
    contract.updated_at = utcnow()
    session.flush()
    audit.record(session, actor=user.username, action="contract.state", target=f"contract:{contract.id}", ip=ip,
                 detail={"from": before, "to": to, "via": via, "version_id": latest.id if latest else None,
                         "comment": comment.strip()})
    message = f"{user.display_name} moved {contract.title} from {before} to {to}" + (
        f": {comment.strip()[:300]}" if comment.strip() else "")
    for uid in {contract.buyer_id, contract.assignee_id} - {None, user.id}:
        assert uid is not None
        service.notify(session, user_id=uid, kind="decided", contract_id=contract.id, message=message)
    return contract


# ------------------------------------------------------------------------------------------ availability


def reassign_open_contracts(session: Session, user: User, *, actor: str, ip: str | None = None) -> list[int]:
    """When ``user`` becomes unavailable, their open legal contracts go to the named backup (else senior legal,
    else the legal queue, where every available legal user is told). Returns the contracts moved."""
    moved = []
    for contract in session.scalars(select(Contract).where(Contract.assignee_id == user.id,
                                                           Contract.state.in_(OPEN_STATES),
                                                           Contract.route.in_(LEGAL))):
        assert contract.route is not None
        new, via = service.resolve_assignee(session, contract=contract, route=contract.route)
        if new is not None and new.id == user.id:
            continue
        contract.assignee, contract.assigned_via = new, via
        contract.updated_at = utcnow()
        moved.append(contract.id)
        targets = [new] if new is not None else list(session.scalars(select(User).where(
            User.role.in_(LEGAL), User.active.is_(True), User.out_of_office.is_(False))))
        for member in targets:
            service.notify(session, user_id=member.id, kind="assigned", contract_id=contract.id,
                           message=f"{contract.title} ({contract.vendor}) is assigned to you while "
                                   f"{user.display_name} is away" if new is not None else
                                   f"{contract.title} ({contract.vendor}) is waiting in the legal queue")
        audit.record(session, actor=actor, action="routing.reassign", target=f"contract:{contract.id}", ip=ip,
                     detail={"from_user": user.id, "to_user": new.id if new else None, "via": via})
    session.flush()
    return moved
