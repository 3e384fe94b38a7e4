"""The response to the vendor (``GET /api/contracts/{id}/response.docx``): the DOCX opened with python-docx and
with Vetted's own reader, its content per decision, the proposed language as Word tracked changes, what stays out
(internal comments, severities, rules, the business context), the audit entry and the refusals. Roles are in
test_roles.py's table; the tracked changes' XML in detail is in tests/workflow/test_vendor_response_revisions.py."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import docx
from api_world import World, build_world, fake_review
from docx.oxml.ns import qn
from sqlalchemy import select

from review_service.ingest.docx import extract_docx
from review_service.repository import service
from review_service.repository.db import session_scope
from review_service.repository.models import AuditEvent, Contract, User
from review_service.review.engine import Deviation, Evidence
from review_service.review.redline import redline
from review_service.settings import Settings
from review_service.workflow import vendor_response
from review_service.workflow.vendor_response import plain_reason

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SECURITY_TEXT = "The Vendor maintains a written information security programme with encryption at rest."


def _rich_contract(world: World) -> int:
    """A contract whose review has two deviations in its payment clause (one with the engine's redline), a
    high-severity missing clause and an unrecognised clause (plus the info finding the world's reviews always
    carry)."""
    cid = world.contract(reviewed=False)
    with session_scope(world.engine) as s:
        version = s.get(Contract, cid).versions[-1]
        text = world.store.read(version.file_sha256).decode()
        version_id = version.id
    review, vectors = fake_review(text)
    pay = review.clauses[3]
    body = pay.text.split(". ", 1)[1]
    payment = dataclasses.replace(review.deviations[0], message=(
        "Payment Terms: How long the customer has to pay an invoice. The draft says 15 days (\"(15) days\"); the "
        "playbook requires at least 30 (preferred: 45)."), library_text="Invoices are due within forty-five (45) "
        "days of receipt.", fallback_text="Invoices are due within thirty (30) days of receipt.",
        redline=redline(body, "Invoices are due within forty-five (45) days of receipt."))
    law = review.clauses[5]
    missing = Deviation(None, "information_security", "information_security.missing", "missing", "high",
                        "No information security clause found; the playbook requires one.", None, SECURITY_TEXT,
                        None, [])
    odd = Deviation(law.id, None, "unrecognized", "unrecognized", "low", "This clause matches no clause type in the "
                    "library: a term the playbook does not cover. Read it before accepting.",
                    Evidence(law.text, law.start, law.end), None, None, [])
    late = dataclasses.replace(payment, rule="payment_terms.late_fee_too_high", message="Payment Terms: a late "
                               "charge. The draft says 1.5 percent per month; the playbook requires at most 1.0.")
    review = dataclasses.replace(review, deviations=[payment, review.deviations[1], missing, odd, late])
    with session_scope(world.engine) as s:
        service.record_review(s, version_id=version_id, review=review, vectors=vectors)
    return cid


def _deviations(world: World, cid: int) -> dict[str, int]:
    with session_scope(world.engine, readonly=True) as s:
        return {d.rule: d.id for d in service.latest_review(s, contract_id=cid).deviations}


def _download(client, world: World, cid: int, who: str = "owner", **params: object):
    return client.get(f"/api/contracts/{cid}/response.docx", params=params, headers=world.headers(who))


def _runs(document: docx.document.Document) -> list:
    return [r for p in document.paragraphs for r in p.runs]


def _changes(document: docx.document.Document, tag: str) -> list[str]:
    """The text of each tracked insertion (``w:ins``) or deletion (``w:del``) in the body, in order."""
    text = qn("w:delText") if tag == "w:del" else qn("w:t")
    return ["".join(t.text or "" for t in c.iter(text)).strip()
            for c in document.element.body.iter(qn(tag))]


def _after(blocks: list[str], label: str) -> str:
    """The block (paragraph) that follows the one starting with ``label``."""
    return blocks[next(i for i, b in enumerate(blocks) if b.startswith(label)) + 1]


def test_vendor_response_docx_reads_as_the_review_with_decisions(client, engine, store) -> None:
    world = build_world(engine, store)
    cid = _rich_contract(world)
    devs = _deviations(world, cid)
    pay, odd = devs["payment_terms.payment_days_too_short"], devs["unrecognized"]
    late = devs["payment_terms.late_fee_too_high"]
    legal = world.headers("legal")
    assert client.post(f"/api/deviations/{late}/decision", headers=legal,
                       json={"decision": "accept", "comment": ""}).status_code == 200
    assert client.post(f"/api/deviations/{pay}/decision", headers=legal,
                       json={"decision": "fallback", "comment": "Thirty days is as far as we can go."}
                       ).status_code == 200
    assert client.post(f"/api/deviations/{odd}/decision", headers=legal,
                       json={"decision": "accept", "comment": "New York law is fine for us."}).status_code == 200
    assert client.post(f"/api/contracts/{cid}/comments", headers=legal,
                       json={"body": "Our auditors ask for thirty days at most.", "deviation_id": pay}
                       ).status_code == 201
    assert client.post(f"/api/contracts/{cid}/comments", headers=world.headers("owner"),
                       json={"body": "INTERNAL: we could live with Net 15.", "deviation_id": pay}).status_code == 201

    response = _download(client, world, cid)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == DOCX
    assert response.headers["content-disposition"].startswith('attachment; filename="response-Acme-Cloud-')
    assert response.headers["content-disposition"].endswith('-v1.docx"')

    document = docx.Document(io.BytesIO(response.content))
    paragraphs = [p.text for p in document.paragraphs]
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == "Response to Acme Cloud"
    assert "Summary" in headings and "Changes we ask for" in headings and "Points we accept as drafted" in headings
    assert headings.index("Changes we ask for") < headings.index("Points we accept as drafted")
    # One section per clause (both payment deviations in one), in the draft's order, the missing clause last.
    point_headings = [h for h in headings if h[:1].isdigit()]
    assert point_headings == ["1. Payment terms: Clause (Payment terms)",
                              "2. Information security: Missing clause"]
    summary = paragraphs[paragraphs.index("Summary") + 1]
    assert "version 1" in summary and "1 point needs changes" in summary and "1 we accept as drafted" in summary
    assert "1 is still under review" in summary

    # The overview table: one row per point with our position.
    table = document.tables[0]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["#", "Clause", "Topic", "Our position"]
    assert [r[2:] for r in rows[1:]] == [["Payment terms", "Agree with changes"],
                                         ["Information security", "Under review"],
                                         ["Unrecognised term", "Accepted as drafted"]]

    # The redline as Word tracked changes, by the one who downloaded it: the vendor's words deleted, ours inserted
    # (against the fallback legal chose), and a missing clause as one insertion; no fake strike or underline.
    deleted, inserted = _changes(document, "w:del"), _changes(document, "w:ins")
    assert "fifteen (15)" in deleted and "thirty (30)" in inserted
    assert SECURITY_TEXT in inserted
    changes = [*document.element.body.iter(qn("w:ins")), *document.element.body.iter(qn("w:del"))]
    ids = [c.get(qn("w:id")) for c in changes]
    assert len(set(ids)) == len(ids) == len(deleted) + len(inserted)
    assert {c.get(qn("w:author")) for c in changes} == {"Pat"}
    for c in changes:  # ISO 8601 in UTC
        dt.datetime.strptime(c.get(qn("w:date")), "%Y-%m-%dT%H:%M:%SZ")
    assert not [r for r in _runs(document) if r.font.strike or r.font.underline]
    assert "Invoices are due within thirty (30) days of receipt." in "\n".join(paragraphs)

    text = "\n".join(paragraphs)
    assert "Thirty days is as far as we can go." in text and "Our auditors ask for thirty days at most." in text
    assert "New York law is fine for us." in text  # the accepted point carries legal's comment
    assert "Lee" in text
    for internal in ("INTERNAL", "vendor needs Net 15", "playbook", "payment_days_too_short", "medium", "high",
                     "information_security.missing", "library"):
        assert internal not in text, internal
    assert "our contracting policy requires at least 30" in text
    assert "our contracting policy requires at most 1.0. (accepted as drafted)" in text
    assert "(agree with changes)" in text
    assert "No security programme" not in text  # the info finding is not raised with the vendor

    # Vetted's own reader takes the file like any vendor draft, the table rows included.
    read = extract_docx(response.content, "response.docx", Settings())
    assert read.text.startswith("Response to Acme Cloud")
    assert "1 | Clause (Payment terms) | Payment terms | Agree with changes" in read.text
    assert "Compromise language, clean: Invoices are due within thirty (30) days of receipt." in read.text
    assert SECURITY_TEXT in read.text
    # ...and takes the tracked changes as accepted: the marked paragraph reads as the proposed language.
    blocks = [read.text[b.start:b.end] for b in read.blocks]
    proposed = _after(blocks, "Compromise language, changes marked:")
    assert proposed == "Invoices are due within thirty (30) days of receipt."
    assert "fifteen" not in proposed
    assert _after(blocks, "Our standard language to add:") == SECURITY_TEXT
    assert "tracked changes" in " ".join(read.warnings)

    with session_scope(engine, readonly=True) as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "contract.download")
                          .order_by(AuditEvent.seq.desc())).first()
    assert event.actor == "pat" and event.target == f"contract:{cid}"
    assert event.detail == {"document": "vendor_response", "number": 1, "changes": 2, "accepted": 1}
    assert response.headers["content-type"] == DOCX


def test_vendor_response_before_any_decision_is_a_draft_with_the_standard_language(client, engine, store) -> None:
    world = build_world(engine, store)
    cid = _rich_contract(world)
    document = docx.Document(io.BytesIO(_download(client, world, cid, who="legal").content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "This is a draft response" in text
    assert "Points we accept as drafted" not in text
    # The engine's stored redline to the approved text: forty-five days, inserted by legal's Lee.
    assert "forty-five (45)" in _changes(document, "w:ins")
    assert {c.get(qn("w:author")) for c in document.element.body.iter(qn("w:ins"))} == {"Lee"}
    assert "Our standard language, clean: Invoices are due within forty-five (45) days of receipt." in text
    assert "Please tell us why it is needed, or remove it." in text  # the unrecognised clause, in plain words


def test_vendor_response_of_an_earlier_version_and_the_refusals(client, engine, store) -> None:
    world = build_world(engine, store)
    cid = world.contract()
    world.version(cid, payment_days=45)  # the second version pays in 45 days: nothing to raise
    first = docx.Document(io.BytesIO(_download(client, world, cid, version=1).content))
    second = docx.Document(io.BytesIO(_download(client, world, cid).content))
    assert any(p.text.startswith("1. Payment terms") for p in first.paragraphs)
    second_text = "\n".join(p.text for p in second.paragraphs)
    assert "version 2" in second_text and "nothing that needs to change" in second_text
    assert not second.tables

    missing = _download(client, world, cid, version=7)
    assert missing.status_code == 404 and "version 7" in missing.json()["error"]["message"]
    unreviewed = world.contract(reviewed=False)
    refused = _download(client, world, unreviewed)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "not_reviewed"
    assert _download(client, world, cid, who="finance").status_code == 403
    assert _download(client, world, cid, who="outsider").status_code == 404


def test_vendor_response_gather_without_http(engine, store) -> None:
    """The domain function on its own: the stored data in, the document's parts out."""
    world = build_world(engine, store)
    cid = world.contract(payment_days=10)
    with session_scope(engine) as s:
        contract = s.get(Contract, cid)
        prepared_by = s.scalars(select(User).where(User.username == "lee")).one()
        response = vendor_response.gather(s, contract, prepared_by=prepared_by)
        data = vendor_response.build_docx(response)
    assert response.version_number == 1 and response.prepared_by == "Lee" and response.accepted == []
    [point] = response.changes
    assert point.decision is None and point.proposal_kind == "standard" and point.proposed_text == "Net 45."
    assert point.vendor_text is not None and point.vendor_text.startswith("2. Payment. Invoices are due within ten")
    assert {r["op"] for r in point.redline} == {"delete", "insert"}
    assert "Net 45." in extract_docx(data, "r.docx", Settings()).text


def test_plain_reason_keeps_internal_words_out() -> None:
    assert plain_reason({"kind": "missing", "clause_type": "data_protection"}) == (
        "The draft has no data protection clause; we need one in this agreement.")
    assert "playbook" not in plain_reason({"kind": "unrecognized", "message": "matches no clause type in the "
                                                                              "library: the playbook..."})
    assert plain_reason({"kind": "red_flag", "clause_type": "publicity", "message": "Publicity: the playbook "
                         "forbids it."}) == "Publicity: our contracting policy forbids it."


def test_vendor_response_preparer_without_a_display_name_is_named_by_username(engine, store) -> None:
    """The response names its preparer, and its tracked changes' author, by username when the display name is
    blank."""
    world = build_world(engine, store)
    cid = world.contract(payment_days=10)
    with session_scope(engine) as s:
        contract = s.get(Contract, cid)
        assert contract is not None
        prepared_by = s.scalars(select(User).where(User.username == "lee")).one()
        prepared_by.display_name = "  "
        response = vendor_response.gather(s, contract, prepared_by=prepared_by)
    assert response.prepared_by == "lee"
    body = docx.Document(io.BytesIO(vendor_response.build_docx(response))).element.body
    changes = [*body.iter(qn("w:ins")), *body.iter(qn("w:del"))]
    assert changes and {c.get(qn("w:author")) for c in changes} == {"lee"}
