"""Legal assignments (admin): which legal partner reviews a buyer's, or a contract type's, contracts, and the
named backup who takes them when the partner is out of office."""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from api import present, schemas
from api.deps import AdminUser, ClientIP, PageParams, SessionDep
from review_service.repository import audit, service
from review_service.repository.errors import NotFoundError
from review_service.repository.models import LegalAssignment, User

router = APIRouter(prefix="/admin/assignments", tags=["assignments"])


def assignment_public(row: LegalAssignment, buyer: User | None = None) -> schemas.AssignmentPublic:
    partner, backup = present.user_ref(row.partner), present.user_ref(row.backup)
    assert partner is not None and backup is not None
    return schemas.AssignmentPublic(id=row.id, buyer=present.user_ref(buyer),
                                    contract_type=row.contract_type, partner=partner,  # type: ignore[arg-type]
                                    backup=backup)


@router.get("", response_model=schemas.Page[schemas.AssignmentPublic], summary="List legal assignments")
def read_assignments(admin: AdminUser, session: SessionDep,
                     paging: PageParams) -> schemas.Page[schemas.AssignmentPublic]:
    total = session.scalar(select(func.count()).select_from(LegalAssignment)) or 0
    rows = session.scalars(select(LegalAssignment).options(selectinload(LegalAssignment.partner),
                                                          selectinload(LegalAssignment.backup))
                           .order_by(LegalAssignment.id).offset(paging.offset).limit(paging.per_page)).all()
    return schemas.Page(items=[assignment_public(r, session.get(User, r.buyer_id) if r.buyer_id else None)
                               for r in rows], total=int(total), page=paging.page, per_page=paging.per_page)


@router.put("", response_model=schemas.AssignmentPublic, summary="Set a legal assignment")
def set_assignment(body: schemas.AssignmentSet, admin: AdminUser, session: SessionDep,
                   ip: ClientIP) -> schemas.AssignmentPublic:
    """Create or replace the assignment for a buyer or a contract type (exactly one of them)."""
    row = service.set_legal_assignment(session, partner_id=body.partner_id, backup_id=body.backup_id,
                                       buyer_id=body.buyer_id, contract_type=body.contract_type,
                                       actor=admin.username, ip=ip)
    session.commit()
    session.refresh(row)
    return assignment_public(row, session.get(User, row.buyer_id) if row.buyer_id else None)


@router.delete("/{assignment_id}", status_code=204, summary="Remove a legal assignment")
def delete_assignment(assignment_id: int, admin: AdminUser, session: SessionDep, ip: ClientIP) -> Response:
    """Contracts of that buyer or type then go to the contract type's assignment, else the legal queue."""
    row = session.get(LegalAssignment, assignment_id)
    if row is None:
        raise NotFoundError(f"no legal assignment with id {assignment_id}")
    target = f"buyer:{row.buyer_id}" if row.buyer_id is not None else f"contract_type:{row.contract_type}"
    detail = {"partner_id": row.partner_id, "backup_id": row.backup_id, "removed": True}
    session.delete(row)
    session.flush()
    audit.record(session, actor=admin.username, action="routing.assignment", target=target, ip=ip, detail=detail)
    session.commit()
    return Response(status_code=204)
