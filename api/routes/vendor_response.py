"""The response to the vendor: the review of a version as a Word document procurement sends back.

Seen by whoever may see the contract's full review (404 for a contract one may not see, like every contract
route). Finance is refused (403): the document quotes the vendor's clauses and legal's comments, which are
more than the money terms finance sees. Audited as ``contract.download``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.deps import ClientIP, CurrentUser, SessionDep, deny_money_only
from api.routes.contracts import load_contract
from review_service.repository import audit
from review_service.workflow import vendor_response

router = APIRouter(prefix="/contracts", tags=["contracts"])


@router.get("/{contract_id}/response.docx", summary="Download the response to the vendor (DOCX)",
            response_class=Response,
            responses={200: {"content": {vendor_response.MEDIA_TYPE: {}},
                             "description": "The review written up for the vendor."},
                       409: {"description": "That version is not reviewed yet (code not_reviewed)."}})
def read_vendor_response(
    contract_id: int, user: CurrentUser, session: SessionDep, ip: ClientIP,
    version: Annotated[int | None, Query(ge=1, description="Version number (default: the latest).")] = None,
) -> Response:
    """Per deviation above info: the vendor's clause, what is wrong in plain words, the proposed language (the
    fallback where legal chose it, the approved text otherwise) with the changes marked, legal's decision and
    comments; deviations legal accepted are listed as accepted. No severities, rules, route or business
    context: the document is written for the vendor."""
    contract = load_contract(session, contract_id, user)
    deny_money_only(user, "clauses and legal's comments (the response to the vendor)")
    response = vendor_response.gather(session, contract, prepared_by=user, version_number=version)
    data = vendor_response.build_docx(response)
    audit.record(session, actor=user.username, action="contract.download", target=f"contract:{contract.id}", ip=ip,
                 detail={"document": "vendor_response", "number": response.version_number,
                         "changes": len(response.changes), "accepted": len(response.accepted)})
    session.commit()
    return Response(data, media_type=vendor_response.MEDIA_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{response.filename_for_download}"',
                             "X-Content-Type-Options": "nosniff"})
