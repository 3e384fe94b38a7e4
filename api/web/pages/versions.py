"""The version comparison page (the redline between two versions of a contract, each change marked minor or
substantive, as ``review_service.workflow.compare`` classifies it) and the page-side download of the response
to the vendor. Both go through the API's own handlers, so visibility, the finance rule and the audit record are
the API's; errors come back as pages."""

from __future__ import annotations

from typing import Annotated, Any, cast

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import ClientIP, SessionDep, deny_money_only
from api.routes.contracts import load_contract, read_comparison
from api.routes.vendor_response import read_vendor_response
from api.web.render import render
from api.web.session import PageUser

router = APIRouter()

REASONS = {
    "clause_type_changed": "the clause now reads as a different kind of clause",
    "position_changed": "its position against our library changed",
    "deviations_changed": "the deviations found in it changed",
    "clause_added": "a clause with legal weight was added",
    "clause_removed": "a clause with legal weight was removed",
}


def reason_text(code: str) -> str:
    if code.startswith("parameter_changed:"):
        return f"{code.split(':', 1)[1].replace('_', ' ')} changed"
    return REASONS.get(code, code.replace("_", " "))


def clause_label(ref: dict[str, Any] | None) -> str:
    if not ref:
        return ""
    parts = [f"Clause {str(ref['number']).rstrip('.')}" if ref.get("number") else "Clause"]
    if ref.get("heading"):
        parts.append(str(ref["heading"]).rstrip("."))
    elif ref.get("clause_type"):
        parts.append(str(ref["clause_type"]).replace("_", " ").capitalize())
    return " · ".join(parts)


@router.get("/contracts/{contract_id}/compare", response_class=HTMLResponse)
def read_compare_page(
    contract_id: int, request: Request, user: PageUser, session: SessionDep, ip: ClientIP,
    from_version: Annotated[int | None, Query(alias="from", ge=1)] = None,
    to_version: Annotated[int | None, Query(alias="to", ge=1)] = None,
) -> HTMLResponse:
    contract = load_contract(session, contract_id, user)
    deny_money_only(user, "version comparison")
    numbers = [v.number for v in contract.versions]
    context: dict[str, Any] = {"contract": contract, "numbers": numbers, "result": None}
    if len(numbers) >= 2:
        result = read_comparison(contract_id, user, session, ip, from_version=from_version, to_version=to_version)
        counts = {"minor": 0, "substantive": 0}
        for change in cast(list[dict[str, Any]], result["changes"]):
            counts[change["classification"]] += 1
        context.update(result=result, counts=counts, reason_text=reason_text, clause_label=clause_label)
    return render(request, "compare.html", user, **context)


@router.get("/contracts/{contract_id}/response.docx")
def download_vendor_response(contract_id: int, user: PageUser, session: SessionDep, ip: ClientIP,
                             version: Annotated[int | None, Query(ge=1)] = None) -> Response:
    """The response to the vendor from a page's button: the API's document, with errors shown as pages."""
    return read_vendor_response(contract_id, user, session, ip, version=version)
