"""Contracts: upload, list with filters, read one with its latest review, move it through the workflow; its
versions, their files and the comparison between two of them.

Visibility is checked on every route: a contract the user may not see answers 404, as if it did not exist.
Every view, download and upload is in the audit trail.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Response, UploadFile
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from api import present, schemas
from api.deps import (
    ClientIP,
    CurrentUser,
    PageParams,
    SessionDep,
    SettingsDep,
    StoreDep,
    Uploader,
    deny_money_only,
)
from api.uploads import check_document, read_upload
from review_service.repository import audit, service
from review_service.repository.errors import (
    ConflictError,
    DuplicateFileError,
    ForbiddenError,
    InvalidRequestError,
    InvalidTransitionError,
)
from review_service.repository.models import Contract, User
from review_service.workflow.transitions import (
    apply_transition,
    available_transitions,
    compare_versions,
    version_by_number,
)

router = APIRouter(prefix="/contracts", tags=["contracts"])

def load_contract(session: Session, contract_id: int, user: User) -> Contract:
    """The contract if ``user`` may see it; 404 otherwise (no existence leak)."""
    return service.get_contract(session, contract_id=contract_id, viewer=user)


def _resolve_users(session: Session, names: list[str]) -> list[User]:
    found = []
    for raw in names:
        for name in (n.strip() for n in raw.split(",")):
            if not name:
                continue
            user = service.get_user(session, username=name)
            if user is None or not user.active:
                raise InvalidRequestError(f"no active user named {name!r}", code="unknown_user")
            found.append(user)
    return found


def _duplicate(session: Session, exc: DuplicateFileError, user: User) -> ConflictError:
    """Name the contract holding the same file only to someone who may see it."""
    try:
        load_contract(session, exc.contract_id, user)
    except Exception:
        return ConflictError("this file is already stored in the repository (under a contract you cannot see): "
                             "ask its buyer, or upload a changed draft", code="duplicate_file")
    return exc


@router.post("", status_code=202, response_model=schemas.UploadAccepted, summary="Upload a vendor draft",
             responses={409: {"model": schemas.ErrorBody, "description": "The same file is already stored."},
                        413: {"model": schemas.ErrorBody, "description": "Over VETTED_MAX_UPLOAD_BYTES."},
                        415: {"model": schemas.ErrorBody, "description": "Not PDF, DOCX or text, or a name "
                              "that lies about the type."}})
def create_contract(
    user: Uploader, session: SessionDep, store: StoreDep, settings: SettingsDep, ip: ClientIP,
    file: Annotated[UploadFile, File(description="The vendor draft: PDF, DOCX or TXT.")],
    title: Annotated[str, Form(min_length=1, max_length=300, examples=["NimbusDesk subscription"])],
    vendor: Annotated[str, Form(min_length=1, max_length=300, examples=["NimbusDesk Software"])],
    contract_type: Annotated[schemas.ContractType, Form()],
    value: Annotated[Decimal | None, Form(ge=0, description="Total over the initial term.", examples=[54000])] = None,
    currency: Annotated[str, Form(pattern=r"^[A-Za-z]{3}$")] = "USD",
    buyer: Annotated[str | None, Form(description="The buyer's username (default: you).")] = None,
    business_context: Annotated[str, Form(max_length=10_000, examples=[
        "Vendor needs Net 60 because its cash-flow cycle changed"])] = "",
    confidential: Annotated[bool, Form()] = False,
    allowed_users: Annotated[list[str] | None, Form(description="Usernames who may see a confidential "
                                                    "contract (repeat the field, or separate by commas).")] = None,
    allow_duplicate: Annotated[bool, Form()] = False,
) -> JSONResponse:
    """Store the draft with its metadata and queue its review; answers 202 with the ids to follow
    (``GET /api/jobs/{job_id}``). Refused, with nothing stored: bad metadata (422), an empty, oversized,
    unsupported, mislabelled, corrupt, encrypted or scanned file (4xx with the ingest error's code)."""
    buyer_user = user
    if buyer and buyer.strip().lower() != user.username.lower():
        buyer_user = _resolve_users(session, [buyer])[0]
        if user.role == "procurement" and (user.team_id is None or buyer_user.team_id != user.team_id):
            raise ForbiddenError("procurement uploads for itself or a teammate only")
    allowed = _resolve_users(session, allowed_users or [])
    if confidential and buyer_user.id != user.id and all(u.id != user.id for u in allowed):
        allowed.append(user)  # whoever uploads a confidential contract keeps sight of it
    session.rollback()  # end the read before the slow part: no lock is held while the file is read and checked
    data, filename = read_upload(file, settings)
    check_document(data, filename, settings)
    try:
        up = service.upload_contract(
            session, store=store, data=data, filename=filename, title=title, vendor=vendor,
            contract_type=contract_type, buyer=buyer_user, value=value, currency=currency,
            business_context=business_context, confidential=confidential,
            allowed_user_ids=[u.id for u in allowed], allow_duplicate=allow_duplicate, ip=ip)
    except DuplicateFileError as exc:
        raise _duplicate(session, exc, user) from None
    if buyer_user.id != user.id:
        audit.record(session, actor=user.username, action="contract.upload_for", ip=ip,
                     target=f"contract:{up.contract_id}", detail={"buyer": buyer_user.username})
        session.commit()
    body = schemas.UploadAccepted(contract_id=up.contract_id, version_id=up.version_id, job_id=up.job_id)
    return JSONResponse(body.model_dump(), status_code=202, headers={"Location": f"/api/jobs/{up.job_id}"})


@router.get("", response_model=schemas.Page[schemas.ContractSummary], summary="List contracts")
def read_contracts(
    user: CurrentUser, session: SessionDep, paging: PageParams, ip: ClientIP,
    state: Annotated[schemas.State | None, Query()] = None,
    route: Annotated[schemas.RouteName | None, Query()] = None,
    contract_type: Annotated[schemas.ContractType | None, Query()] = None,
    vendor: Annotated[str | None, Query(max_length=300, description="Part of the vendor's name.")] = None,
    q: Annotated[str | None, Query(max_length=300, description="Part of the title or vendor.")] = None,
    assignee: Annotated[str | None, Query(description="A username, or 'me'.")] = None,
    buyer: Annotated[str | None, Query(description="A username, or 'me'.")] = None,
    worst_severity: Annotated[schemas.Severity | None, Query()] = None,
    order: Annotated[str, Query(pattern="^(updated|created|value|title|notice_deadline)$")] = "updated",
) -> schemas.Page[schemas.ContractSummary]:
    """The contracts you may see that match every filter given, newest change first."""

    def user_id(name: str | None) -> int | None:
        if name is None:
            return None
        if name == "me":
            return user.id
        found = service.get_user(session, username=name)
        return found.id if found else -1

    page = service.list_contracts(session, viewer=user, state=state, contract_type=contract_type, vendor=vendor,
                                  text=q, route=route, worst_severity=worst_severity,
                                  assignee_id=user_id(assignee), buyer_id=user_id(buyer), order=order,
                                  page=paging.page, per_page=paging.per_page)
    present.load_for_listing(session, page.items)
    items = [present.contract_summary(c) for c in page.items]
    filters = {k: v for k, v in {"state": state, "route": route, "contract_type": contract_type, "vendor": vendor,
                                 "q": q, "assignee": assignee, "buyer": buyer,
                                 "worst_severity": worst_severity}.items() if v is not None}
    audit.record(session, actor=user.username, action="contract.list", ip=ip,
                 detail={"filters": filters, "page": paging.page, "shown": [c.id for c in items]})
    session.commit()
    return schemas.Page(items=items, total=page.total, page=page.page, per_page=page.per_page)


@router.get("/{contract_id}", response_model=schemas.ContractDetail, summary="Read a contract and its review")
def read_contract(contract_id: int, user: CurrentUser, session: SessionDep, ip: ClientIP,
                  include_text: Annotated[bool, Query(description="Include the document's text (review.text).")]
                  = False) -> schemas.ContractDetail:
    """Metadata, state, assignee, key terms and the latest review (the `vetted review --json` shape, each
    deviation with its id and decision). Finance gets the money terms only (``view: money_terms``)."""
    contract = load_contract(session, contract_id, user)
    detail = present.contract_detail(session, contract, user, include_text=include_text and user.role != "finance",
                                     transitions=available_transitions(session, contract, user))
    audit.record(session, actor=user.username, action="contract.view", target=f"contract:{contract.id}", ip=ip,
                 detail={"view": detail.view, "include_text": include_text})
    session.commit()
    return detail


@router.post("/{contract_id}/state", response_model=schemas.ContractDetail, summary="Move a contract")
def update_contract_state(contract_id: int, change: schemas.StateChange, user: CurrentUser, session: SessionDep,
                          ip: ClientIP) -> schemas.ContractDetail:
    """Approve, reject, request changes or mark signature-ready, as your role allows (see ``transitions`` on
    the contract). 409 ``invalid_transition`` when its state does not allow the move."""
    contract = load_contract(session, contract_id, user)
    apply_transition(session, contract, user, change.state, comment=change.comment, ip=ip)
    session.commit()
    return present.contract_detail(session, contract, user, include_text=False,
                                   transitions=available_transitions(session, contract, user))


# ------------------------------------------------------------------------------------------ versions


@router.get("/{contract_id}/versions", response_model=schemas.Page[schemas.VersionPublic], summary="List versions")
def read_versions(contract_id: int, user: CurrentUser, session: SessionDep, paging: PageParams,
                  ip: ClientIP) -> schemas.Page[schemas.VersionPublic]:
    """The contract's versions, oldest first, each with its review job."""
    contract = load_contract(session, contract_id, user)
    deny_money_only(user, "versions")
    shown = contract.versions[paging.offset:paging.offset + paging.per_page]
    versions = [present.version_public(session, v) for v in shown]
    audit.record(session, actor=user.username, action="contract.versions", target=f"contract:{contract.id}", ip=ip)
    session.commit()
    return schemas.Page(items=versions, total=len(contract.versions), page=paging.page, per_page=paging.per_page)


@router.post("/{contract_id}/versions", status_code=202, response_model=schemas.UploadAccepted,
             summary="Upload a new version",
             responses={409: {"model": schemas.ErrorBody, "description": "Same file as a stored version, or the "
                              "contract is closed."},
                        413: {"model": schemas.ErrorBody}, 415: {"model": schemas.ErrorBody}})
def create_version(
    contract_id: int, user: Uploader, session: SessionDep, store: StoreDep, settings: SettingsDep, ip: ClientIP,
    file: Annotated[UploadFile, File(description="The new draft: PDF, DOCX or TXT.")],
    note: Annotated[str, Form(max_length=5000, description="What changed, in a line.",
                              examples=["Vendor accepted Net 45"])] = "",
    allow_duplicate: Annotated[bool, Form()] = False,
) -> JSONResponse:
    """Store a new version and queue its review; the contract goes back to ``submitted``. Compare it with the
    previous one at ``GET /api/contracts/{id}/compare`` once reviewed."""
    contract = load_contract(session, contract_id, user)
    if contract.state in ("rejected", "signature_ready"):
        raise InvalidTransitionError(f"the contract is {contract.state}: upload the new draft as a new contract")
    session.rollback()
    data, filename = read_upload(file, settings)
    check_document(data, filename, settings)
    try:
        up = service.add_version(session, store=store, contract_id=contract_id, data=data, filename=filename,
                                 uploaded_by=user, note=note, allow_duplicate=allow_duplicate, ip=ip)
    except DuplicateFileError as exc:
        raise _duplicate(session, exc, user) from None
    body = schemas.UploadAccepted(contract_id=up.contract_id, version_id=up.version_id, job_id=up.job_id)
    return JSONResponse(body.model_dump(), status_code=202, headers={"Location": f"/api/jobs/{up.job_id}"})


@router.get("/{contract_id}/versions/{number}/file", summary="Download a version's file",
            response_class=Response, responses={200: {"content": {"application/pdf": {}, "text/plain": {}}}})
def download_version_file(contract_id: int, number: int, user: CurrentUser, session: SessionDep, store: StoreDep,
                          ip: ClientIP) -> Response:
    """The file exactly as uploaded (checked against its SHA-256). Audited as ``contract.download``."""
    contract = load_contract(session, contract_id, user)
    deny_money_only(user, "file")
    version = version_by_number(session, contract, number)
    version, data = service.read_version_file(session, store=store, version_id=version.id)
    audit.record(session, actor=user.username, action="contract.download", target=f"contract:{contract.id}", ip=ip,
                 detail={"version_id": version.id, "number": version.number, "sha256": version.file_sha256})
    session.commit()
    safe = "".join(ch if ch.isalnum() or ch in "._- " else "_" for ch in version.filename) or "contract"
    return Response(data, media_type=version.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{safe}"',
                             "X-Content-Type-Options": "nosniff"})


@router.get("/{contract_id}/compare", response_model=schemas.Comparison, summary="Compare two versions")
def read_comparison(
    contract_id: int, user: CurrentUser, session: SessionDep, ip: ClientIP,
    from_version: Annotated[int | None, Query(alias="from", ge=1, description="Version number (default: the "
                                              "one before 'to').")] = None,
    to_version: Annotated[int | None, Query(alias="to", ge=1, description="Version number (default: the "
                                            "latest).")] = None,
) -> dict[str, object]:
    """The redline between two reviewed versions, each change classified minor or substantive (POLICY.md).
    Only minor changes from an approved version let procurement approve without legal."""
    contract = load_contract(session, contract_id, user)
    deny_money_only(user, "text")
    latest = max((v.number for v in contract.versions), default=0)
    to_n = to_version or latest
    from_n = from_version or to_n - 1
    if from_n < 1:
        raise InvalidRequestError("the contract has one version: nothing to compare yet")
    result = compare_versions(session, contract, from_n, to_n)
    audit.record(session, actor=user.username, action="contract.compare", target=f"contract:{contract.id}", ip=ip,
                 detail={"from": from_n, "to": to_n, "classification": result["classification"]})
    session.commit()
    return result
