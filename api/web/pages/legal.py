"""Legal's pages: the queue (worst severity, then oldest first, with filters) and the contract page (the document
with each clause coloured by its worst deviation, the deviations beside it, the redline against the library,
decisions, comments and the workflow's moves).

Every read and write goes through the API's handlers called as functions (``api.routes.contracts``,
``deviations``, ``comments``) or the services they use: the same visibility, the same rules on who decides what
and when, the same audit records (a page view is ``contract.view``, as over the API).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from api import present, schemas
from api.deps import LEGAL_ROLES, ClientIP, SessionDep
from api.routes import comments as comment_routes
from api.routes import contracts as contract_routes
from api.routes import deviations as deviation_routes
from api.web import csrf
from api.web.render import CONTRACT_TYPE_NAMES, ROUTE_NAMES, STATE_NAMES, flash, render
from api.web.review_view import DECISION_NAMES, RANK, ordered_deviations, plain_reasons, segments
from api.web.session import PageUser, page_roles
from review_service.errors import VettedError
from review_service.repository import audit, service
from review_service.repository.models import Contract, User

router = APIRouter()
T = TypeVar("T")

LegalPage = Annotated[User, Depends(page_roles(*LEGAL_ROLES))]
QUEUE_STATES = ("submitted", "in_review", "changes_requested")
PER_PAGE = 50
TRANSITION_NAMES = {"approved": "Approve", "rejected": "Reject", "changes_requested": "Request changes",
                    "signature_ready": "Mark ready for signature"}


def _attempt(session: Session, back: RedirectResponse, invalid: str, action: Callable[[], T]) -> T | Response:
    """Run one of the API's handlers for a form; a refusal comes back to the page as a one-time message."""
    try:
        return action()
    except ValidationError:
        return flash(back, invalid, kind="error")
    except VettedError as exc:
        session.rollback()
        return flash(back, exc.message[:1].upper() + exc.message[1:], kind="error")


def _local_path(target: str, default: str) -> str:
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else default


@router.get("/queue", response_class=HTMLResponse)
def read_queue(request: Request, user: LegalPage, session: SessionDep, ip: ClientIP, route: str = "legal_routes",
               contract_type: str = "", vendor: str = "", assignee: str = "", state: str = "open",
               page: int = 1) -> Response:
    """Open contracts, worst severity first and the oldest first within a severity."""
    conditions: list[Any] = [service.visible_filter(user)]
    if route == "legal_routes":
        conditions.append(Contract.route.in_(("legal", "senior_legal")))
    elif route in ROUTE_NAMES:
        conditions.append(Contract.route == route)
    if contract_type in CONTRACT_TYPE_NAMES:
        conditions.append(Contract.contract_type == contract_type)
    if vendor.strip():
        conditions.append(Contract.vendor.icontains(vendor.strip(), autoescape=True))
    if assignee == "me":
        conditions.append(Contract.assignee_id == user.id)
    elif assignee == "unassigned":
        conditions.append(Contract.assignee_id.is_(None))
    elif assignee:
        found = service.get_user(session, username=assignee)
        conditions.append(Contract.assignee_id == (found.id if found else -1))
    conditions.append(Contract.state.in_(QUEUE_STATES) if state == "open" else Contract.state == state)
    rank = case(RANK, value=Contract.worst_severity, else_=-1)
    page = max(page, 1)
    total = session.scalar(select(func.count()).select_from(Contract).where(*conditions)) or 0
    items = list(session.scalars(select(Contract).where(*conditions)
                                 .order_by(rank.desc(), Contract.created_at.asc(), Contract.id.asc())
                                 .offset((page - 1) * PER_PAGE).limit(PER_PAGE)))
    present.load_for_listing(session, items)
    partners = list(session.scalars(select(User).where(User.role.in_(LEGAL_ROLES), User.active.is_(True))
                                    .order_by(User.display_name)))
    filters = {"route": route, "contract_type": contract_type, "vendor": vendor, "assignee": assignee,
               "state": state}
    audit.record(session, actor=user.username, action="contract.list", ip=ip,
                 detail={"filters": {k: v for k, v in filters.items() if v}, "page": page, "view": "queue",
                         "shown": [c.id for c in items]})
    session.commit()
    return render(request, "queue.html", user, items=items, filters=filters, partners=partners, total=total,
                  page=page, pages=max(1, -(-total // PER_PAGE)), contract_types=CONTRACT_TYPE_NAMES,
                  states=QUEUE_STATES)


@router.get("/contracts/{contract_id}", response_class=HTMLResponse)
def read_contract_page(request: Request, contract_id: int, user: PageUser, session: SessionDep, ip: ClientIP,
                       d: int | None = None) -> Response:
    """The document and its deviations; ``?d=`` selects a deviation (the script does the same in place)."""
    detail = contract_routes.read_contract(contract_id, user, session, ip, include_text=True)
    contract = service.get_contract(session, contract_id=contract_id, viewer=user)
    doc: dict[str, Any] = detail.review or {}
    clauses = doc.get("clauses", [])
    deviations = ordered_deviations(doc.get("deviations", []), clauses)
    clause_by_id = {c["id"]: c for c in clauses}
    money_only = detail.view == "money_terms"
    threads = [] if money_only else service.list_comments(session, contract_id=contract_id)
    if not money_only:
        audit.record(session, actor=user.username, action="comment.view", target=f"contract:{contract_id}", ip=ip)
    session.commit()
    can_decide = (user.role in LEGAL_ROLES and contract.state == "in_review"
                  and (contract.route != "senior_legal" or user.role == "senior_legal"))
    selected = next((dv for dv in deviations if dv.get("id") == d), None)
    if selected is None and deviations:
        selected = deviations[0]
    by_deviation: dict[int, list[Any]] = {}
    for thread in threads:
        if thread.deviation_id is not None:
            by_deviation.setdefault(thread.deviation_id, []).append(thread)
    return render(request, "contract.html", user, contract=contract, detail=detail,
                  doc=doc, deviations=deviations, clause_by_id=clause_by_id, selected=selected,
                  segments=segments(doc.get("text") or "", clauses, deviations) if doc.get("text") else [],
                  reasons=plain_reasons(doc.get("route"), deviations), threads=threads,
                  by_deviation=by_deviation, can_decide=can_decide, money_only=money_only,
                  decision_names=DECISION_NAMES, transition_names=TRANSITION_NAMES,
                  decided=sum(1 for dv in deviations if dv.get("decision")))


@router.post("/contracts/{contract_id}/deviations/{deviation_id}/decision", dependencies=[Depends(csrf.check)])
def decide(contract_id: int, deviation_id: int, user: LegalPage, session: SessionDep, ip: ClientIP,
           decision: Annotated[str, Form()] = "", comment: Annotated[str, Form()] = "") -> Response:
    back = RedirectResponse(f"/contracts/{contract_id}?d={deviation_id}#deviation-detail", status_code=303)
    result = _attempt(session, back, "Choose accept, reject or offer the fallback; keep the comment under 5,000 "
                      "characters.", lambda: deviation_routes.create_decision(
                          deviation_id, schemas.DecisionCreate(decision=decision, comment=comment),  # type: ignore[arg-type]
                          user, session, ip))
    if isinstance(result, Response):
        return result
    if result.contract_id != contract_id:  # the form named another contract: show where the decision went
        back = RedirectResponse(f"/contracts/{result.contract_id}?d={deviation_id}", status_code=303)
    return flash(back, f"Recorded: {DECISION_NAMES.get(result.decision, result.decision).lower()}.")


@router.post("/contracts/{contract_id}/comments", dependencies=[Depends(csrf.check)])
def comment(contract_id: int, user: PageUser, session: SessionDep, ip: ClientIP,
            body: Annotated[str, Form()] = "", parent_id: Annotated[str, Form()] = "",
            deviation_id: Annotated[str, Form()] = "", back: Annotated[str, Form()] = "") -> Response:
    default = f"/contracts/{contract_id}" + (f"?d={deviation_id}#deviation-detail" if deviation_id else "#discussion")
    target = RedirectResponse(_local_path(back, default), status_code=303)
    result = _attempt(session, target, "Write a comment first (at most 20,000 characters).",
                      lambda: comment_routes.create_comment(contract_id, schemas.CommentCreate(
                          body=body, parent_id=int(parent_id) if parent_id.isdigit() else None,
                          deviation_id=int(deviation_id) if deviation_id.isdigit() else None), user, session, ip))
    return result if isinstance(result, Response) else flash(target, "Comment added.")


@router.post("/contracts/{contract_id}/state", dependencies=[Depends(csrf.check)])
def move(contract_id: int, user: PageUser, session: SessionDep, ip: ClientIP, state: Annotated[str, Form()] = "",
         comment: Annotated[str, Form()] = "", back: Annotated[str, Form()] = "") -> Response:
    target = RedirectResponse(_local_path(back, f"/contracts/{contract_id}"), status_code=303)
    result = _attempt(session, target, "That is not a state a contract can move to.",
                      lambda: contract_routes.update_contract_state(
                          contract_id, schemas.StateChange(state=state, comment=comment),  # type: ignore[arg-type]
                          user, session, ip))
    if isinstance(result, Response):
        return result
    return flash(target, f"The contract is now {STATE_NAMES.get(state, state).lower()}.")
