"""PDF extraction: text, order, pages and paragraphs, page furniture, hyphens, columns, and bad input."""

from __future__ import annotations

import io
import json
import random
import re
from itertools import pairwise
from pathlib import Path

import pytest
from pdf_factory import (
    Paragraph,
    blank_pdf,
    contract_pdf,
    encrypted,
    many_pages_pdf,
    scanned_pdf,
    two_column_pdf,
    zero_page_pdf,
)

from review_service.errors import (
    CorruptFileError,
    EmptyFileError,
    EncryptedFileError,
    InputError,
    NoTextError,
    ScannedDocumentError,
    TooManyPagesError,
)
from review_service.ingest import extract_bytes
from review_service.ingest import pdf as pdf_module
from review_service.ingest.document import Document
from review_service.ingest.pdf import extract_pdf
from review_service.settings import Settings

SETTINGS = Settings()
HEADER = "Northwind Supply Ltd - Master Services Agreement"

PAGE_1: list[Paragraph] = [
    ("heading", "ARTICLE IX - LIABILITY"),
    [
        "9.1 General. Each party is liable for the direct loss it causes to the other party,",
        "subject to the limits set out in this Article.",
    ],
    [
        "9.2 Exclusions. Neither party is liable for any indirect loss, loss of profit or",
        "loss of goodwill, however arising.",
    ],
    [
        "9.3 Limitation of Liability. The total liability of the Supplier shall not exceed",
        "the fees paid in the twelve months before the claim, except for the matters below:",
        "(a) losses caused by fraud or wilful misconduct;",
        "(b) death or personal injury caused by negligence; and",
        "(c) breach of the confidentiality obligations in Clause 14.",
    ],
    [
        "9.4 Mitigation. Each party shall take reasonable steps to mitigate any loss for which",
        "it claims against the other party under this Agreement, and the Customer shall keep",
    ],
]
PAGE_2: list[Paragraph] = [
    [
        "records of its mitigation steps for at least two years after the claim is made.",
    ],
    ("heading", "ARTICLE X - TERM AND TERMINATION"),
    [
        "10.1 Term. This Agreement starts on the Effective Date and continues for three years",
        "unless terminated earlier in accordance with this Article.",
    ],
]
PAGE_3: list[Paragraph] = [
    [
        "10.2 Termination for convenience. The Customer may terminate this Agreement on ninety",
        "days' written notice to the Supplier.",
    ],
    [
        "10.3 Consequences. On termination the Supplier shall return all Customer Data within",
        "thirty days and the clauses intended to survive termination shall survive.",
    ],
]


def _extract(data: bytes, max_pages: int | None = None) -> Document:
    settings = SETTINGS if max_pages is None else Settings(max_pages=max_pages)
    return extract_pdf(data, "test.pdf", settings)


@pytest.fixture(scope="module")
def contract() -> Document:
    return _extract(contract_pdf([PAGE_1, PAGE_2, PAGE_3]))


def _flat(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------------------------------------
# Text, order, pages, paragraphs


def test_pdf_text_in_reading_order(contract: Document) -> None:
    flat = _flat(contract.text)
    phrases = [
        "ARTICLE IX - LIABILITY",
        "9.1 General.",
        "9.2 Exclusions.",
        "9.3 Limitation of Liability.",
        "(a) losses caused by fraud",
        "(c) breach of the confidentiality",
        "9.4 Mitigation.",
        "ARTICLE X - TERM AND TERMINATION",
        "10.1 Term.",
        "10.3 Consequences.",
    ]
    positions = [flat.index(p) for p in phrases]
    assert positions == sorted(positions)
    assert contract.type == "pdf" and contract.source == "test.pdf"
    assert contract.warnings == ()


def test_pdf_page_spans(contract: Document) -> None:
    text = contract.text
    assert [p.number for p in contract.pages] == [1, 2, 3]
    for a, b in pairwise(contract.pages):
        assert a.start <= a.end <= b.start <= b.end
    page1, page2, page3 = (text[p.start : p.end] for p in contract.pages)
    assert page1.startswith("ARTICLE IX") and "9.3 Limitation" in page1 and "10.1" not in page1
    assert page2.startswith("records of its mitigation") and "10.1 Term." in page2
    assert page3.startswith("10.2 Termination") and page3.endswith("shall survive.")
    assert contract.page_at(text.index("10.1 Term.")) == 2
    assert contract.page_at(text.index("10.3 Consequences")) == 3


def test_pdf_running_header_footer_and_page_numbers_absent(contract: Document) -> None:
    assert HEADER not in contract.text
    assert "Confidential" not in contract.text
    assert not re.search(r"Page \d of \d", contract.text)


@pytest.mark.parametrize("style", ["Page {n} of {total}", "- {n} -", "{n}", "Page {n}", "{n}/{total}"])
def test_pdf_page_number_styles_removed(style: str) -> None:
    doc = _extract(contract_pdf([PAGE_1, PAGE_2, PAGE_3], header=None, footer=None, page_numbers=style))
    assert doc.text.endswith("shall survive.")
    assert not re.search(r"^(?:- )?\d(?: -)?$|Page \d|\d/3", doc.text, re.M)


def test_pdf_header_removal_keeps_body_text() -> None:
    # The cover title repeats the running header in large type; body text mentions "Confidential".
    page_1: list[Paragraph] = [("heading", HEADER), *PAGE_1[1:3]]
    page_2: list[Paragraph] = [
        [
            "14.1 Confidential Information. Each party shall keep the other's Confidential",
            "Information secret.",
        ]
    ]
    doc = _extract(contract_pdf([page_1, page_2, PAGE_3]))
    assert doc.text.startswith(HEADER + "\n\n9.1 General.")
    assert doc.text.count(HEADER) == 1
    assert (
        "14.1 Confidential Information. Each party shall keep the other's Confidential\nInformation"
        in doc.text
    )


def test_pdf_paragraphs_and_clause_starts(contract: Document) -> None:
    text = contract.text
    for clause in ["9.1 General.", "9.2 Exclusions.", "9.3 Limitation of Liability.", "10.1 Term."]:
        start = text.index(clause)
        assert text[start - 2 : start] == "\n\n", clause
    for item in ["(a) losses", "(b) death", "(c) breach"]:
        start = text.index(item)
        assert text[start - 1] == "\n", item
    # Lines inside a paragraph keep their single line break; no paragraph holds a blank line.
    assert (
        "9.1 General. Each party is liable for the direct loss it causes to the other party,\nsubject" in text
    )


def test_pdf_blocks_cover_the_paragraphs(contract: Document) -> None:
    text, blocks = contract.text, contract.blocks
    assert blocks and blocks[0].start == 0 and blocks[-1].end == len(text)
    for a, b in pairwise(blocks):
        assert text[a.end : b.start] == "\n\n"
    for block in blocks:
        assert "\n\n" not in text[block.start : block.end]
    headings = [text[b.start : b.end] for b in blocks if b.kind == "heading"]
    assert headings == ["ARTICLE IX - LIABILITY", "ARTICLE X - TERM AND TERMINATION"]
    assert all(b.kind == "paragraph" for b in blocks if text[b.start : b.end].startswith("9.3"))


def test_pdf_paragraph_runs_on_across_a_page_break(contract: Document) -> None:
    text = contract.text
    start = text.index("9.4 Mitigation.")
    block = next(b for b in contract.blocks if b.start == start)
    assert text[block.start : block.end].endswith("two years after the claim is made.")
    assert "the Customer shall keep\nrecords of its mitigation" in text
    assert contract.pages[1].start == text.index("records of its mitigation")


# --------------------------------------------------------------------------------------------------------
# Hyphens at line ends


def test_pdf_hyphenated_line_ends() -> None:
    page: list[Paragraph] = [
        [
            "4.1 Fees. The Customer shall pay the compen-",
            "sation set out in Schedule 2, and the Supplier shall not charge any addi-",
            "tional amounts. The Supplier is bound by the non-",
            "compete covenant in Clause 12 and shall not grant third-",
            "party rights in the Deliverables without the written approval of the Co-",
            "Branding Committee.",
        ],
        ["4.2 Invoices. Each invoice shall be paid within thirty days of receipt."],
    ]
    doc = _extract(contract_pdf([page]))
    flat = _flat(doc.text)
    assert "pay the compensation set out" in flat
    assert "any additional amounts" in flat
    assert "the non-compete covenant" in flat
    assert "grant third-party rights" in flat
    assert "the Co-Branding Committee" in flat
    assert "compen" not in flat.replace("compensation", "")


@pytest.mark.parametrize(
    ("left", "right", "elsewhere", "joint"),
    [
        ("compen", "sation", "", ""),  # a fragment: hyphenation
        ("indemni", "fication", "", ""),
        ("non", "compete", "", "-"),  # compound prefix
        ("third", "party", "", "-"),
        ("royalty", "free", "the licence is free of charge", "-"),  # right part is a word of the document
        ("agree", "ment", "", ""),
        ("under", "standing", "in good standing; our understanding", ""),  # joined word used elsewhere
        ("cost", "plus", "on a cost-plus basis", "-"),  # hyphenated form used elsewhere
        ("Co", "Branded", "", "-"),  # capital after the hyphen
        ("pre", "approved", "", "-"),
    ],
)
def test_pdf_resolve_hyphen(left: str, right: str, elsewhere: str, joint: str) -> None:
    vocab = pdf_module._Vocabulary([pdf_module._Para(lines=[(1, elsewhere)])])
    assert pdf_module._resolve_hyphen(left, right, vocab) == joint


def test_pdf_soft_hyphen_always_joins() -> None:
    vocab = pdf_module._Vocabulary([])
    assert pdf_module._resolve_hyphen("non", "compete", vocab, soft=True) == ""


# --------------------------------------------------------------------------------------------------------
# Columns and rotation

# Each about 200 points wide: the columns are 225 points apart, with a gutter of 15 to 30 points.
LEFT = [f"L{i}: the Supplier shall meet service level {i}." for i in range(1, 15)]
RIGHT = [f"R{i}: the Customer may then claim credit {i}." for i in range(1, 15)]


@pytest.mark.parametrize(("interleaved", "rotated"), [(True, False), (False, False), (True, True)])
def test_pdf_two_columns_read_column_by_column(interleaved: bool, rotated: bool) -> None:
    data = two_column_pdf(
        "SCHEDULE 2 - SERVICE LEVELS", LEFT, RIGHT, interleaved=interleaved, rotated=rotated
    )
    doc = _extract(data)
    lines = [ln for ln in doc.text.split("\n") if ln]
    assert lines == ["SCHEDULE 2 - SERVICE LEVELS", *LEFT, *RIGHT]


def test_pdf_single_column_page_is_not_split(contract: Document) -> None:
    assert (
        "9.3 Limitation of Liability. The total liability of the Supplier shall not exceed\n" in contract.text
    )


def test_pdf_rotated_page() -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    width, _height = A4
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setPageRotation(90)  # a landscape page stored portrait: text runs up the stored page
    c.translate(width, 0)
    c.rotate(90)
    c.setFont("Helvetica", 10)
    y = width - 72
    for line in [
        "1. Scope. The Supplier shall deliver the goods listed in the annex to this",
        "agreement on the dates agreed.",
        "",
        "2. Price. The prices are fixed for the term.",
    ]:
        if line:
            c.drawString(72, y, line)
        y -= 13 if line else 9
    c.showPage()
    c.save()
    doc = _extract(buf.getvalue())
    assert doc.text == (
        "1. Scope. The Supplier shall deliver the goods listed in the annex to this\n"
        "agreement on the dates agreed.\n\n2. Price. The prices are fixed for the term."
    )


# --------------------------------------------------------------------------------------------------------
# Bad input: every refusal is a typed error with a message a person can act on


def test_pdf_password_protected() -> None:
    data = encrypted(contract_pdf([PAGE_1]), user="open-sesame")
    with pytest.raises(EncryptedFileError) as err:
        _extract(data)
    assert err.value.code == "encrypted_file"
    assert err.value.message.startswith("the PDF is password-protected: ")


def test_pdf_owner_password_only_is_read() -> None:
    # Permissions-only encryption: every reader opens it without a password, and so do we.
    doc = _extract(encrypted(contract_pdf([PAGE_1, PAGE_2]), user=""))
    assert "9.3 Limitation of Liability." in doc.text and "10.1 Term." in doc.text
    assert doc.page_count == 2


@pytest.mark.parametrize("cut", [0.5, 0.9, -40])
def test_pdf_truncated(cut: float) -> None:
    data = contract_pdf([PAGE_1, PAGE_2])
    end = int(len(data) * cut) if cut > 0 else len(data) + int(cut)
    with pytest.raises(CorruptFileError) as err:
        _extract(data[:end])
    assert err.value.code == "corrupt_file"
    assert "cut off" in err.value.message


def test_pdf_trailing_bytes_after_the_end() -> None:
    data = contract_pdf([PAGE_1])
    # Text a mail gateway appended after %%EOF does not make the PDF incomplete...
    assert "9.1 General." in _extract(data + b"\n-- \nSent from the supplier's portal\n" * 60).text
    # ...but an incremental update cut off before its own %%EOF does.
    update = b"".join(
        b"%d 0 obj\n<< /Length 0 >>\nstream\n\nendstream\nendobj\n" % (90 + i) for i in range(40)
    )
    with pytest.raises(CorruptFileError):
        _extract(data + update)


def test_pdf_damaged_structure() -> None:
    data = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R >>\nendobj\nthis is not a PDF body\n%%EOF\n"
    with pytest.raises(CorruptFileError) as err:
        _extract(data)
    assert "damaged" in err.value.message


def test_pdf_zero_pages() -> None:
    with pytest.raises(EmptyFileError) as err:
        _extract(zero_page_pdf())
    assert err.value.code == "empty_file"
    assert "no pages" in err.value.message


def test_pdf_too_many_pages_refused_before_reading_text(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_reading(*_args: object) -> None:
        raise AssertionError("page text was read before the page limit was checked")

    monkeypatch.setattr(pdf_module, "_read_page", no_reading)
    with pytest.raises(TooManyPagesError) as err:
        _extract(many_pages_pdf(3), max_pages=2)
    assert err.value.code == "too_many_pages"
    assert "3 pages" in err.value.message and "2" in err.value.message


def test_pdf_scanned_document() -> None:
    with pytest.raises(ScannedDocumentError) as err:
        _extract(scanned_pdf(2))
    message = err.value.message
    assert err.value.code == "scanned_document"
    assert "scanned" in message and "no text layer" in message and "OCR" in message


def test_pdf_scanned_pages_with_only_page_numbers_as_text() -> None:
    with pytest.raises(ScannedDocumentError):
        _extract(scanned_pdf(3, page_number=True))


def test_pdf_some_scanned_pages_give_a_warning() -> None:
    doc = _extract(scanned_pdf(3, text_pages=[1]))
    assert "1. Services. The Supplier shall provide" in doc.text
    assert doc.page_count == 3
    assert len(doc.warnings) == 1
    assert "pages 2, 3 of 3" in doc.warnings[0] and "no text layer" in doc.warnings[0]


def test_pdf_without_text_or_images() -> None:
    with pytest.raises(NoTextError) as err:
        _extract(blank_pdf(2))
    assert err.value.code == "no_text"


def test_pdf_errors_through_extract_bytes() -> None:
    with pytest.raises(EncryptedFileError):
        extract_bytes(encrypted(contract_pdf([PAGE_1]), user="pw"), "draft.pdf")
    doc = extract_bytes(contract_pdf([PAGE_1]), "draft.pdf")
    assert doc.type == "pdf" and "9.1 General." in doc.text


def test_pdf_damaged_bytes_never_crash() -> None:
    # Random damage inside the file: either a document or a typed refusal, never another exception.
    data = contract_pdf([PAGE_1, PAGE_2])
    rng = random.Random(7)
    for _ in range(25):
        damaged = bytearray(data)
        for _ in range(20):
            i = rng.randrange(200, len(data) - 200)
            damaged[i] = rng.randrange(256)
        try:
            doc = _extract(bytes(damaged))
        except InputError:
            continue
        assert isinstance(doc, Document)


def test_pdf_closes_every_pdfium_object(monkeypatch: pytest.MonkeyPatch) -> None:
    import pypdfium2 as pdfium

    opened: list[object] = []
    get_page, get_textpage = pdfium.PdfDocument.get_page, pdfium.PdfPage.get_textpage

    class TrackedDocument(pdfium.PdfDocument):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)
            opened.append(self)

        def get_page(self, index: int) -> pdfium.PdfPage:
            page = get_page(self, index)
            opened.append(page)
            return page

    def tracked_textpage(page: pdfium.PdfPage) -> pdfium.PdfTextPage:
        textpage = get_textpage(page)
        opened.append(textpage)
        return textpage

    monkeypatch.setattr(pdfium, "PdfDocument", TrackedDocument)
    monkeypatch.setattr(pdfium.PdfPage, "get_textpage", tracked_textpage)
    _extract(contract_pdf([PAGE_1, PAGE_2]))
    for bad, error in [
        (scanned_pdf(2), ScannedDocumentError),
        (blank_pdf(1), NoTextError),
        (many_pages_pdf(3), TooManyPagesError),
    ]:
        with pytest.raises(error):
            _extract(bad, max_pages=2)
    assert len(opened) > 10
    assert all(obj.raw is None for obj in opened)  # type: ignore[attr-defined]


def test_pdf_reads_again_after_a_refusal() -> None:
    # A refusal must release pdfium (lock and handles): the next file is read as usual.
    with pytest.raises(EncryptedFileError):
        _extract(encrypted(contract_pdf([PAGE_1]), user="pw"))
    assert "9.1 General." in _extract(contract_pdf([PAGE_1])).text


def test_pdf_sample_vendor_draft(corpora_dir: Path) -> None:
    # The committed sample (corpora/fixtures/make_pdf_fixtures.py): what a supplier's draft looks like.
    doc = extract_bytes((corpora_dir / "fixtures" / "vendor_draft_two_pages.pdf").read_bytes(), "draft.pdf")
    assert doc.page_count == 2
    assert doc.text.startswith("WAREHOUSING AND DELIVERY SERVICES AGREEMENT\n\nThis agreement is made")
    for furniture in [
        "Brightline Logistics GmbH - Draft",
        "Supplier confidential",
        "Page 1 of 2",
        "Page 2 of 2",
    ]:
        assert furniture not in doc.text
    assert "The Supplier's remuneration covers storage" in doc.text
    assert "claims that\ncannot be limited by law,\nincluding liability for death" in doc.text
    assert doc.pages[1].start == doc.text.index("including liability for death")
    headings = [doc.text[b.start : b.end] for b in doc.blocks if b.kind == "heading"]
    assert headings[1:] == [
        "1. SERVICES",
        "2. CHARGES AND PAYMENT",
        "3. LIABILITY",
        "4. TERM AND TERMINATION",
        "5. GOVERNING LAW",
    ]


# --------------------------------------------------------------------------------------------------------
# Real contracts (CUAD), when the public data is present

PAPA_JOHNS = "PapaJohnsInternationalInc_20190617_8-K_EX-10.1_11707365_EX-10.1_Endorsement Agreement.pdf"


@pytest.mark.slow
def test_pdf_cuad_known_spans(cuad_dir: Path) -> None:
    path = cuad_dir / "pdf" / PAPA_JOHNS
    if not path.exists():
        pytest.skip(f"the CUAD PDF {path.name} is not in {path.parent}; this test needs the public data")
    doc = extract_pdf(path.read_bytes(), path.name, SETTINGS)
    row = next(
        json.loads(line)
        for line in (cuad_dir / "labels.jsonl").read_text(encoding="utf-8").splitlines()
        if json.loads(line)["master_filename"].lower() == PAPA_JOHNS.lower()
    )

    def norm(s: str) -> str:
        return _flat(s.replace("’", "'").replace("“", '"').replace("”", '"'))

    flat = norm(doc.text)
    for category in ["Governing Law", "Expiration Date", "Anti-Assignment"]:
        for span in row["labels"][category]["spans"]:
            assert norm(span["text"]) in flat, (category, span["text"][:80])
    assert "Source: PAPA JOHNS" not in doc.text  # the EDGAR footer on every page
    assert doc.page_count == 23
