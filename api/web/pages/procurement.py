"""Procurement's pages: upload a draft with its business context, follow its review, see the outcome (self-serve,
or who has it now and why), "my requests", and a new version of a contract.

Uploads go through the API's own handlers (``api.routes.contracts.create_contract`` and ``create_version``),
called as functions: the same checks on the file (size, type, corrupt, scanned), the same rules on whom one may
upload for, the same audit records. A page's script sends the form with ``Accept: application/json`` to show
upload progress and gets the API's error body on failure; without scripts the form posts normally and comes
back filled in, with the message.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from api import present
from api.deps import UPLOADERS, ClientIP, SessionDep, SettingsDep, StoreDep, deny_money_only
from api.routes import contracts as contract_routes
from api.web import csrf
from api.web.render import CONTRACT_TYPE_NAMES, flash, render
from api.web.review_view import DECISION_NAMES, ordered_deviations, plain_reasons
from api.web.session import page_roles
from review_service.errors import VettedError
from review_service.repository import audit, service
from review_service.repository.models import ContractVersion, Review, User
from review_service.workflow.transitions import available_transitions

router = APIRouter()

UploaderPage = Annotated[User, Depends(page_roles(*UPLOADERS))]
RequesterPage = Annotated[User, Depends(page_roles("procurement", "legal", "senior_legal", "admin"))]
ASSIGNED_VIA = {
    "buyer": "You approve it yourself: the review found nothing that needs legal.",
    "partner": "The legal partner assigned to you (or to this contract type) has it.",
    "backup": "The named backup has it: the assigned legal partner is out of office.",
    "senior_legal": "The general counsel has it.",
    "legal_queue": "It waits in the legal team's queue: no assigned partner or backup is available.",
}


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def _teammates(session: Session, user: User) -> list[User]:
    if user.role != "procurement" or user.team_id is None:
        return []
    return list(session.scalars(select(User).where(User.team_id == user.team_id, User.active.is_(True),
                                                   User.id != user.id).order_by(User.display_name)))


def _upload_form(request: Request, user: User, session: Session, *, values: dict[str, Any] | None = None,
                 error: str | None = None, fields: dict[str, str] | None = None, status_code: int = 200) -> Response:
    return render(request, "upload.html", user, status_code=status_code, values=values or {"currency": "USD"},
                  error=error, fields=fields or {}, teammates=_teammates(session, user),
                  max_mb=request.app.state.settings.max_upload_bytes / 2**20, contract_types=CONTRACT_TYPE_NAMES)


def _check_metadata(title: str, vendor: str, contract_type: str, value: str, currency: str
                    ) -> tuple[dict[str, str], Decimal | None]:
    """The form's own checks (the API's Form constraints), as messages per field."""
    fields: dict[str, str] = {}
    if not title.strip():
        fields["title"] = "Give the contract a title."
    elif len(title) > 300:
        fields["title"] = "Keep the title under 300 characters."
    if not vendor.strip():
        fields["vendor"] = "Name the vendor."
    elif len(vendor) > 300:
        fields["vendor"] = "Keep the vendor's name under 300 characters."
    if contract_type not in CONTRACT_TYPE_NAMES:
        fields["contract_type"] = "Choose the kind of contract."
    amount = None
    if value.strip():
        try:
            amount = Decimal(value.replace(",", "").strip())
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite() or amount < 0:
            fields["value"] = "The value is a number of at least 0, e.g. 48000."
            amount = None
    if len(currency.strip()) != 3 or not currency.strip().isalpha():
        fields["currency"] = "A three-letter currency code, e.g. USD or EUR."
    return fields, amount


def _refuse(request: Request, status: int, code: str, message: str, fields: dict[str, str] | None = None
            ) -> JSONResponse:
    body: dict[str, Any] = {"error": {"code": code, "message": message}}
    if fields:
        body["error"]["fields"] = [{"field": k, "message": v} for k, v in fields.items()]
    return JSONResponse(body, status_code=status)


@router.get("/upload", response_class=HTMLResponse)
def read_upload(request: Request, user: UploaderPage, session: SessionDep) -> Response:
    return _upload_form(request, user, session)


@router.post("/upload", dependencies=[Depends(csrf.check)])
def upload(request: Request, user: UploaderPage, session: SessionDep, store: StoreDep, settings: SettingsDep,
           ip: ClientIP, file: Annotated[UploadFile | None, File()] = None,
           title: Annotated[str, Form()] = "", vendor: Annotated[str, Form()] = "",
           contract_type: Annotated[str, Form()] = "", value: Annotated[str, Form()] = "",
           currency: Annotated[str, Form()] = "USD", buyer: Annotated[str, Form()] = "",
           business_context: Annotated[str, Form()] = "", confidential: Annotated[str, Form()] = "",
           allowed_users: Annotated[str, Form()] = "") -> Response:
    values = {"title": title, "vendor": vendor, "contract_type": contract_type, "value": value,
              "currency": currency, "buyer": buyer, "business_context": business_context,
              "confidential": bool(confidential), "allowed_users": allowed_users}
    fields, amount = _check_metadata(title, vendor, contract_type, value, currency)
    if file is None or not (file.filename or "").strip():
        fields["file"] = "Choose the vendor's draft (PDF, DOCX or TXT)."
    if fields:
        message = "Please check the form: " + " ".join(fields.values())
        if _wants_json(request):
            return _refuse(request, 422, "invalid_request", message, fields)
        return _upload_form(request, user, session, values=values, error=message, fields=fields, status_code=422)
    assert file is not None
    try:
        accepted = contract_routes.create_contract(
            user, session, store, settings, ip, file=file, title=title.strip(), vendor=vendor.strip(),
            contract_type=contract_type, value=amount, currency=currency.strip().upper(),  # type: ignore[arg-type]
            buyer=buyer.strip() or None, business_context=business_context.strip(),
            confidential=bool(confidential), allowed_users=[allowed_users] if allowed_users.strip() else None,
            allow_duplicate=False)
    except VettedError as exc:
        session.rollback()
        if _wants_json(request):
            raise  # the API's error body, which the page's script shows
        from api.errors import status_for

        return _upload_form(request, user, session, values=values, error=exc.message,
                            status_code=status_for(exc))
    ids = json.loads(bytes(accepted.body))
    target = f"/requests/{ids['contract_id']}?job={ids['job_id']}"
    if _wants_json(request):
        return JSONResponse({**ids, "redirect": target}, status_code=202)
    return RedirectResponse(target, status_code=303)


@router.post("/requests/{contract_id}/versions", dependencies=[Depends(csrf.check)])
def upload_version(request: Request, contract_id: int, user: UploaderPage, session: SessionDep, store: StoreDep,
                   settings: SettingsDep, ip: ClientIP, file: Annotated[UploadFile | None, File()] = None,
                   note: Annotated[str, Form()] = "") -> Response:
    if file is None or not (file.filename or "").strip():
        if _wants_json(request):
            return _refuse(request, 422, "invalid_request", "Choose the new draft (PDF, DOCX or TXT).",
                           {"file": "Choose the new draft."})
        return flash(RedirectResponse(f"/requests/{contract_id}#new-version", status_code=303),
                     "Choose the new draft (PDF, DOCX or TXT).", kind="error")
    try:
        accepted = contract_routes.create_version(contract_id, user, session, store, settings, ip, file=file,
                                                  note=note.strip()[:5000], allow_duplicate=False)
    except VettedError as exc:
        session.rollback()
        if _wants_json(request):
            raise
        return flash(RedirectResponse(f"/requests/{contract_id}#new-version", status_code=303), exc.message,
                     kind="error")
    ids = json.loads(bytes(accepted.body))
    target = f"/requests/{contract_id}?job={ids['job_id']}"
    if _wants_json(request):
        return JSONResponse({**ids, "redirect": target}, status_code=202)
    return RedirectResponse(target, status_code=303)


def _reasons_by_contract(session: Session, contract_ids: list[int]) -> dict[int, list[str]]:
    """Each contract's reasons in short plain words, from the newest review of its latest version: one query
    for the whole listing (the newest review per contract picked by a window function), not one per row."""
    if not contract_ids:
        return {}
    rank = func.row_number().over(partition_by=ContractVersion.contract_id,
                                  order_by=(ContractVersion.number.desc(), Review.id.desc())).label("rank")
    newest = (select(ContractVersion.contract_id.label("contract_id"), Review.result.label("result"), rank)
              .join(Review, Review.version_id == ContractVersion.id)
              .where(ContractVersion.contract_id.in_(contract_ids)).subquery())
    rows = session.execute(select(newest.c.contract_id, newest.c.result).where(newest.c.rank == 1))
    return {contract_id: plain_reasons(doc.get("route"), doc.get("deviations", []), short=True)
            for contract_id, doc in rows}


@router.get("/requests", response_class=HTMLResponse)
def read_requests(request: Request, user: RequesterPage, session: SessionDep, ip: ClientIP,
                  scope: str = "mine", page: int = 1) -> Response:
    """The buyer's own requests (or the team's), newest change first, with status, route and the reasons."""
    team = scope == "team" and user.team_id is not None
    page = max(page, 1)
    found = service.list_contracts(session, viewer=user, buyer_id=None if team else user.id, order="updated",
                                   page=page, per_page=50)
    present.load_for_listing(session, found.items)
    reasons = _reasons_by_contract(session, [c.id for c in found.items])
    rows = [{"contract": c, "reasons": reasons.get(c.id, [])} for c in found.items]
    audit.record(session, actor=user.username, action="contract.list", ip=ip,
                 detail={"filters": {"buyer": "team" if team else "me"}, "page": page,
                         "shown": [c.id for c in found.items]})
    session.commit()
    return render(request, "requests.html", user, rows=rows, scope="team" if team else "mine", page=found.page,
                  pages=max(1, -(-found.total // found.per_page)), total=found.total)


@router.get("/requests/{contract_id}", response_class=HTMLResponse)
def read_request(request: Request, contract_id: int, user: RequesterPage, session: SessionDep, ip: ClientIP,
                 job: int | None = None) -> Response:
    """One request's outcome: the review's progress while it runs, then the route, who has it and why, and
    legal's decisions as they come."""
    contract = contract_routes.load_contract(session, contract_id, user)
    deny_money_only(user, "request page")
    latest = max(contract.versions, key=lambda v: v.number) if contract.versions else None
    job_row = service.job_for_version(session, version_id=latest.id) if latest else None
    review = service.latest_review(session, contract_id=contract.id)
    doc = service.review_document(review) if review is not None else None
    reviewed_latest = review is not None and latest is not None and review.version_id == latest.id
    deviations = ordered_deviations(doc.get("deviations", []), doc.get("clauses", [])) if doc else []
    reasons = plain_reasons(doc.get("route"), deviations) if doc else []
    transitions = available_transitions(session, contract, user)
    audit.record(session, actor=user.username, action="contract.view", target=f"contract:{contract.id}", ip=ip,
                 detail={"view": "request"})
    session.commit()
    return render(request, "request.html", user, contract=contract, latest=latest, job=job_row,
                  reviewing=not reviewed_latest and (job_row is None or job_row.status in ("queued", "running")),
                  failed=job_row is not None and job_row.status == "failed" and not reviewed_latest,
                  doc=doc, deviations=deviations, reasons=reasons, assigned_via=ASSIGNED_VIA,
                  decision_names=DECISION_NAMES, transitions=transitions,
                  can_upload=user.role in UPLOADERS and contract.state not in ("rejected", "signature_ready"),
                  decided=sum(1 for d in deviations if d.get("decision")),
                  max_mb=request.app.state.settings.max_upload_bytes / 2**20)
