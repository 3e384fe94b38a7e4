"""The proposed language in the response to the vendor as real Word tracked changes (``w:ins``/``w:del``): the
XML Word expects, who and when, and both readings of each change (all accepted: our text; all rejected: the
vendor's), checked with python-docx and with Vetted's own DOCX reader."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import docx
import pytest
from docx.oxml.ns import qn

from review_service.ingest.docx import extract_docx
from review_service.review.redline import redline
from review_service.settings import Settings
from review_service.workflow.vendor_response import ResponseIssue, ResponsePoint, VendorResponse, build_docx

PREPARED_AT = dt.datetime(2024, 5, 1, 14, 30, 5, 123456, tzinfo=dt.timezone(dt.timedelta(hours=2)))
REVISION_TAGS = (qn("w:ins"), qn("w:del"))


def _response(points: list[ResponsePoint], prepared_by: str = "Lee") -> VendorResponse:
    return VendorResponse(contract_id=7, title="Cloud Subscription", vendor="Acme Cloud", contract_type="saas",
                          state="in_review", version_number=1, filename="draft.docx",
                          reviewed_at=PREPARED_AT, prepared_by=prepared_by, prepared_at=PREPARED_AT,
                          changes=points, accepted=[])


def _point(vendor: str | None, proposed: str) -> ResponsePoint:
    runs = redline(vendor, proposed) if vendor is not None else [{"op": "insert", "text": proposed}]
    return ResponsePoint(topic="Payment terms", clause_ref="Clause 4 (Payment)" if vendor else "Missing clause",
                         vendor_text=vendor, issues=[ResponseIssue("Too short.", "reject")], proposal_kind="standard",
                         proposed_text=proposed, redline=runs)


def _tracked_paragraphs(document: docx.document.Document) -> list:
    """The body paragraphs (as XML) holding tracked changes, in document order."""
    return [p._p for p in document.paragraphs if any(c.tag in REVISION_TAGS for c in p._p)]


def _reading(p, *, accept: bool) -> str:
    """The paragraph's text with every change accepted (insertions in, deletions out) or rejected."""
    out = []
    for node in p.iter(qn("w:t"), qn("w:delText")):
        change = next((a.tag for a in node.iterancestors() if a.tag in REVISION_TAGS), None)
        if change is None or (change == qn("w:ins")) == accept:
            out.append(node.text or "")
    return "".join(out)


def _blocks(data: bytes) -> list[str]:
    read = extract_docx(data, "response.docx", Settings())
    return [read.text[b.start:b.end] for b in read.blocks]


@pytest.mark.parametrize(("vendor", "proposed"), [
    ("Invoices are due within fifteen (15) days of the invoice date.",
     "Invoices are due within thirty (30) days of receipt."),
    ("Net 15.", "Net 45."),
    ("Fees are payable monthly in advance.", "The Customer pays the fees quarterly in advance."),  # starts changed
    ("Vendor may suspend the service at any time.", "Vendor may suspend the service"),  # ends with a deletion
    ("Alpha beta gamma.", "Delta epsilon."),  # nothing in common
    ("The Vendor may use Customer Data.", "the vendor may use customer data"),  # case and punctuation only
    (None, "The Vendor maintains a written information security programme."),  # a missing clause: one insertion
])
def test_vendor_response_revisions_read_as_our_text_accepted_and_the_vendors_rejected(vendor, proposed) -> None:
    data = build_docx(_response([_point(vendor, proposed)]))
    document = docx.Document(io.BytesIO(data))  # python-docx opens it again
    [p] = _tracked_paragraphs(document)
    assert _reading(p, accept=True) == " ".join(proposed.split())
    assert _reading(p, accept=False) == (" ".join(vendor.split()) if vendor else "")
    # Vetted's own reader takes tracked changes as accepted: the paragraph reads as the proposed text, and the
    # vendor's deleted words are not in it.
    blocks = _blocks(data)
    label = next(i for i, b in enumerate(blocks) if b.startswith("Our standard language, changes marked:")
                 or b.startswith("Our standard language to add:"))
    assert blocks[label + 1] == " ".join(proposed.split())
    deleted = {w for w in (vendor or "").split() if w not in proposed.split()}
    assert not deleted & set(blocks[label + 1].split())


def test_vendor_response_revisions_are_well_formed_with_author_date_and_unique_ids() -> None:
    points = [_point("Invoices are due within fifteen (15) days.", "Invoices are due within thirty (30) days."),
              _point("Either party may terminate on 10 days notice.", "Either party may terminate on 60 days notice."),
              _point(None, "The Vendor keeps Customer Data in the EU.")]
    data = build_docx(_response(points))
    document = docx.Document(io.BytesIO(data))
    body = document.element.body
    inserted, deleted = body.findall(".//" + qn("w:ins")), body.findall(".//" + qn("w:del"))
    assert len(_tracked_paragraphs(document)) == 3
    assert inserted and deleted

    for ins in inserted:
        assert [c.tag for c in ins] == [qn("w:r")] * len(ins) and len(ins) >= 1
        assert all(r.find(qn("w:t")) is not None and r.find(qn("w:delText")) is None for r in ins)
    for dele in deleted:
        assert [c.tag for c in dele] == [qn("w:r")] * len(dele) and len(dele) >= 1
        assert all(r.find(qn("w:delText")) is not None and r.find(qn("w:t")) is None for r in dele)
    # Text with a leading or trailing space keeps it.
    for t in body.iter(qn("w:t"), qn("w:delText")):
        if t.text != t.text.strip():
            assert t.get(qn("xml:space")) == "preserve"

    changes = inserted + deleted
    ids = [c.get(qn("w:id")) for c in changes]
    all_ids = document.element.xpath("//@w:id")
    assert all(i is not None and i.isdigit() for i in ids)
    assert len(set(all_ids)) == len(all_ids)  # unique in the whole document, not only among the changes
    assert {c.get(qn("w:author")) for c in changes} == {"Lee"}
    assert {c.get(qn("w:date")) for c in changes} == {"2024-05-01T12:30:05Z"}  # UTC, to the second

    # Word draws the changes: the text carries no strike, underline or colour of its own.
    for p in _tracked_paragraphs(document):
        for r in p.iter(qn("w:r")):
            rpr = r.find(qn("w:rPr"))
            assert rpr is None or all(rpr.find(qn(t)) is None for t in ("w:strike", "w:u", "w:color"))
    assert "fifteen" in "".join(t.text for t in body.iter(qn("w:delText")))
    assert "60" in "".join(t.text for p in body.iter(qn("w:ins")) for t in p.iter(qn("w:t")))

    # Track Changes is on, so the vendor's reply comes back as revisions too; in its place in the settings part.
    settings = [child.tag for child in document.settings.element]
    assert settings.count(qn("w:trackRevisions")) == 1
    assert settings.index(qn("w:trackRevisions")) < settings.index(qn("w:defaultTabStop"))


@pytest.mark.parametrize(("prepared_by", "author"), [("Lee", "Lee"), ("  ", "Vetted"), ("", "Vetted")])
def test_vendor_response_revisions_author_is_the_preparer_else_vetted(prepared_by, author) -> None:
    data = build_docx(_response([_point("Net 15.", "Net 45.")], prepared_by=prepared_by))
    body = docx.Document(io.BytesIO(data)).element.body
    changes = body.findall(".//" + qn("w:ins")) + body.findall(".//" + qn("w:del"))
    assert changes and {c.get(qn("w:author")) for c in changes} == {author}


def test_vendor_response_revisions_naive_time_is_taken_as_utc() -> None:
    response = _response([_point("Net 15.", "Net 45.")])
    naive = dataclasses.replace(response, prepared_at=dt.datetime(2024, 1, 2, 3, 4, 5))
    body = docx.Document(io.BytesIO(build_docx(naive))).element.body
    assert {c.get(qn("w:date")) for c in body.iter(qn("w:ins"), qn("w:del"))} == {"2024-01-02T03:04:05Z"}
