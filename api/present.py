"""Rows to response models, and what each role is shown.

Finance sees the *money terms* of a contract, concretely: its metadata (title, vendor, type, value and
currency, state, route, buyer, dates), the key terms about money and time (value, payment terms, initial and
renewal terms, automatic renewal, renewal date and notice deadline) and the deviations and clauses of the money
clause types (payment terms, price changes, minimum commitments). Not the document's text or file, not the
other clauses or deviations, not the business context, comments or version comparison.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from api import schemas
from review_service.repository import service
from review_service.repository.models import Contract, ContractVersion, Job, Review, User

MONEY_CLAUSE_TYPES = service.MONEY_CLAUSE_TYPES
MONEY_KEY_TERMS = ("value", "effective_date", "initial_term", "auto_renewal", "renewal_term",
                   "non_renewal_notice_days", "renewal_date", "notice_deadline", "payment_terms")


def sees_money_only(user: User) -> bool:
    return user.role == "finance"


def user_ref(user: User | None) -> schemas.UserRef | None:
    if user is None:
        return None
    return schemas.UserRef(id=user.id, username=user.username, display_name=user.display_name)


def user_public(user: User) -> schemas.UserPublic:
    return schemas.UserPublic(id=user.id, username=user.username, display_name=user.display_name, email=user.email,
                              role=user.role, team=user.team.name if user.team else None,  # type: ignore[arg-type]
                              active=user.active, out_of_office=user.out_of_office)


def load_for_listing(session: Session, contracts: list[Contract]) -> None:
    """Load the relationships a listing shows in a few queries instead of several per contract."""
    if not contracts:
        return
    session.scalars(select(Contract).where(Contract.id.in_([c.id for c in contracts])).options(
        selectinload(Contract.buyer), selectinload(Contract.assignee), selectinload(Contract.team),
        selectinload(Contract.versions))).all()


def contract_summary(contract: Contract) -> schemas.ContractSummary:
    latest = max((v.number for v in contract.versions), default=None)
    buyer = user_ref(contract.buyer)
    assert buyer is not None
    return schemas.ContractSummary(
        id=contract.id, title=contract.title, vendor=contract.vendor,
        contract_type=contract.contract_type,  # type: ignore[arg-type]
        value=float(contract.value) if contract.value is not None else None, currency=contract.currency,
        state=contract.state, route=contract.route, worst_severity=contract.worst_severity,  # type: ignore[arg-type]
        confidential=contract.confidential, buyer=buyer, team=contract.team.name if contract.team else None,
        assignee=user_ref(contract.assignee), assigned_via=contract.assigned_via, renewal_date=contract.renewal_date,
        notice_deadline=contract.notice_deadline, latest_version=latest, created_at=contract.created_at,
        updated_at=contract.updated_at)


def job_public(job: Job, session: Session | None = None) -> schemas.JobPublic:
    version_id = job.payload.get("version_id") if isinstance(job.payload, dict) else None
    contract_id = None
    if version_id is not None and session is not None:
        version = session.get(ContractVersion, int(version_id))
        contract_id = version.contract_id if version else None
    error = None
    if job.last_error_code:
        error = schemas.ErrorDetail(code=job.last_error_code, message=job.last_error_message or "")
    return schemas.JobPublic(id=job.id, kind=job.kind, status=job.status, attempts=job.attempts,  # type: ignore[arg-type]
                             max_attempts=job.max_attempts, error=error, contract_id=contract_id,
                             version_id=int(version_id) if version_id is not None else None, result=job.result,
                             created_at=job.created_at, finished_at=job.finished_at)


def version_public(session: Session, version: ContractVersion, *, with_job: bool = True) -> schemas.VersionPublic:
    review_id = session.scalar(select(Review.id).where(Review.version_id == version.id).order_by(Review.id.desc())
                               .limit(1))
    job = service.job_for_version(session, version_id=version.id) if with_job else None
    return schemas.VersionPublic(id=version.id, number=version.number, filename=version.filename,
                                 media_type=version.media_type, size=version.size, sha256=version.file_sha256,
                                 uploaded_by=version.uploaded_by, note=version.note, created_at=version.created_at,
                                 review_id=review_id, job=job_public(job, session) if job else None)


def _money_review(doc: dict[str, Any]) -> dict[str, Any]:
    route = doc.get("route") or {}
    return {
        "document": doc.get("document"),
        "contract": doc.get("contract"),
        "clauses": [c for c in doc.get("clauses", []) if c.get("clause_type") in MONEY_CLAUSE_TYPES],
        "deviations": [d for d in doc.get("deviations", []) if d.get("clause_type") in MONEY_CLAUSE_TYPES],
        "route": {"route": route.get("route"), "approver": route.get("approver"),
                  "co_signers": route.get("co_signers", [])},
        "library": doc.get("library"),
        "review": doc.get("review"),
    }


def money_key_terms(terms: dict[str, Any] | None) -> dict[str, Any] | None:
    if terms is None:
        return None
    return {k: terms.get(k) for k in MONEY_KEY_TERMS}


def contract_detail(session: Session, contract: Contract, user: User, *, include_text: bool,
                    transitions: list[str]) -> schemas.ContractDetail:
    review = service.latest_review(session, contract_id=contract.id)
    doc = service.review_document(review) if review is not None else None
    key_terms = review.key_terms if review is not None else None
    money = sees_money_only(user)
    if doc is not None:
        if money:
            doc = _money_review(doc)
        elif not include_text:
            doc.pop("text", None)
        doc.pop("key_terms", None)  # shown once, at the top level
    summary = contract_summary(contract)
    versions = [] if money else [version_public(session, v) for v in contract.versions]
    return schemas.ContractDetail(
        **summary.model_dump(), view="money_terms" if money else "full",
        business_context=None if money else contract.business_context,
        allowed_users=[] if money else [r for u in contract.allowed_users if (r := user_ref(u)) is not None],
        key_terms=money_key_terms(key_terms) if money else key_terms, review=doc, versions=versions,
        transitions=transitions)  # type: ignore[arg-type]


def days_until(day: dt.date | None, today: dt.date) -> int | None:
    return None if day is None else (day - today).days
