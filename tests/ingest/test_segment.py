import itertools

import pytest

from review_service.ingest import extract_bytes
from review_service.ingest.document import Document, Page
from review_service.ingest.segment import find_marker, run_in_heading, segment


def _doc(text: str, pages: tuple[Page, ...] | None = None) -> Document:
    return Document(source="t.txt", type="txt", text=text, pages=pages or (Page(1, 0, len(text)),))


def _by_number(clauses):
    return {c.number: c for c in clauses if c.number}


@pytest.mark.parametrize(
    ("line", "number", "style"),
    [
        ("9.3 Limitation of Liability. In no event", "9.3", "dec2"),
        ("1. DEFINITIONS", "1.", "dec1"),
        ("12.1.4 Notices", "12.1.4", "dec3"),
        ("ARTICLE IV - TERM", "ARTICLE IV", "article"),
        ("Article 7. Fees", "Article 7", "article"),
        ("ARTICLE ONE", "ARTICLE ONE", "article"),
        ("Section 7.2 Audit.", "Section 7.2", "dec2"),
        ("SECTION 3. PAYMENT", "SECTION 3", "dec1"),
        ("(b) any Affiliate", "(b)", "p-alpha-lower"),
        ("(iv) the Services", "(iv)", "p-roman-lower"),
        ("(A) the Customer", "(A)", "p-alpha-upper"),
        ("(2) the Vendor", "(2)", "p-num"),
        ("a) the Vendor", "a)", "c-alpha-lower"),
        ("B. Recital text", "B.", "d-alpha-upper"),
        ("EXHIBIT A", "EXHIBIT A", "exhibit"),
        ("Schedule 2 - Service Levels", "Schedule 2", "exhibit"),
        ("B.4 Service Credits. If", "B.4", "ldec1"),  # an exhibit's own numbering, prefixed with its letter
        ("A-2.1 Fees", "A-2.1", "ldec2"),
        ("B9. Record Continuity. Benefits records", "B9", "ldec1"),
        ("Item 9. Renewal Pricing. Fees for each", "Item 9", "item"),  # a schedule of details
    ],
)
def test_segment_markers(line: str, number: str, style: str) -> None:
    m = find_marker(line)
    assert m is not None
    assert m.text.strip() == number
    assert m.style == style


@pytest.mark.parametrize(
    "line",
    ["2019 revenue was higher", "30 days after notice", "$5,000 per month", "the Vendor shall", "1.5% per month"],
)
def test_segment_not_markers(line: str) -> None:
    assert find_marker(line) is None


@pytest.mark.parametrize(
    ("body", "heading"),
    [
        ("Limitation of Liability. In no event shall", "Limitation of Liability"),
        ("LIMITATION OF LIABILITY. In no event", "LIMITATION OF LIABILITY"),
        ("Governing Law: This Agreement", "Governing Law"),
        ("Term and Termination", "Term and Termination"),
        ("The Vendor shall pay. Then more.", None),
    ],
)
def test_segment_run_in_heading(body: str, heading: str | None) -> None:
    assert run_in_heading(body)[0] == heading


NUMBERING_STYLES = {
    "decimal": (
        "1. Fees. Customer pays.\n\n1.1 Invoices. Net 45.\n\n1.2 Late fees. None.\n\n2. Term. One year.",
        ["1.", "1.1", "1.2", "2."],
        {"1.1": "1.", "1.2": "1.", "2.": None},
    ),
    "article-section": (
        "ARTICLE I\nDEFINITIONS\n\nSection 1.1 Affiliates. Affiliate means...\n\n"
        "ARTICLE II\nFEES\n\nSection 2.1 Payment. Net 45.",
        ["ARTICLE I", "Section 1.1", "ARTICLE II", "Section 2.1"],
        {"Section 1.1": "ARTICLE I", "Section 2.1": "ARTICLE II"},
    ),
    "letters-romans": (
        "5. Termination.\n\n(a) for breach; and\n\n(i) after notice;\n\n(ii) after cure.\n\n(b) for convenience.",
        ["5.", "(a)", "(i)", "(ii)", "(b)"],
        {"(a)": "5.", "(i)": "(a)", "(ii)": "(a)", "(b)": "5."},
    ),
    "letter-i-after-h": (
        "3. Items.\n\n" + "\n\n".join(f"({c}) item {c}." for c in "abcdefghij"),
        ["3.", *[f"({c})" for c in "abcdefghij"]],
        {"(i)": "3.", "(j)": "3."},
    ),
}


@pytest.mark.parametrize("style", list(NUMBERING_STYLES))
def test_segment_numbering_styles(style: str) -> None:
    text, numbers, parents = NUMBERING_STYLES[style]
    clauses = segment(_doc(text))
    assert [c.number for c in clauses if c.number] == numbers
    by_id = {c.id: c for c in clauses}
    found = _by_number(clauses)
    for child, parent in parents.items():
        p = by_id.get(found[child].parent) if found[child].parent else None
        assert (p.number if p else None) == parent, child


def test_segment_clauses_partition_the_text_with_exact_offsets() -> None:
    text = (
        "MASTER SERVICES AGREEMENT\n\nThis Agreement is made on 1 May 2026 between Vendor Ltd and Buyer Inc.\n\n"
        "1. Services. Vendor provides the Services.\n\n2. Fees. Buyer pays within 45 days.\n"
    )
    clauses = segment(_doc(text))
    for c in clauses:
        assert text[c.start : c.end] == c.text
    for a, b in itertools.pairwise(clauses):
        assert a.end <= b.start
        assert not text[a.end : b.start].strip()  # only whitespace between clauses: nothing is lost
    assert [c.kind for c in clauses] == ["title", "preamble", "section", "section"]


def test_segment_front_matter_signature_and_exhibit() -> None:
    text = (
        'SOFTWARE LICENCE AGREEMENT\n\nThis Agreement is entered into by Acme Corp. ("Licensor") and Beta LLC.\n\n'
        "RECITALS\n\nWHEREAS, Licensor owns software; and\n\nWHEREAS, Beta wishes to use it.\n\n"
        "NOW, THEREFORE, the parties agree as follows:\n\n1. Licence. Licensor grants a licence.\n\n"
        "IN WITNESS WHEREOF, the parties sign.\n\nACME CORP.\n\nBy: ________\n\nName: Jo Smith\n\n"
        "EXHIBIT A\nSERVICE LEVELS\n\n1. Availability. 99.9% monthly.\n"
    )
    clauses = segment(_doc(text))
    kinds = [c.kind for c in clauses]
    assert kinds[:2] == ["title", "preamble"]
    assert kinds.count("recital") >= 2
    sig = next(c for c in clauses if c.kind == "signature")
    assert "Jo Smith" in sig.text and "By:" in sig.text  # the whole block, labelled as what it is
    exhibit = next(c for c in clauses if c.kind == "exhibit")
    assert exhibit.number == "EXHIBIT A" and exhibit.heading == "SERVICE LEVELS"
    last = clauses[-1]
    assert last.number == "1." and last.parent == exhibit.id


def test_segment_run_in_heading_and_cross_reference() -> None:
    text = (
        "9. LIABILITY\n\n9.2 Exclusions. Neither party is liable for indirect loss.\n\n"
        "9.3 Limitation of Liability. Subject to\nSection 9.2 and to the exclusions in\n9.2 above, the cap is "
        "the fees paid in the prior twelve (12) months.\n\n9.4 Carve-outs. The cap does not apply to fraud."
    )
    clauses = segment(_doc(text))
    numbers = [c.number for c in clauses if c.number]
    assert numbers == ["9.", "9.2", "9.3", "9.4"]  # cross-references at line starts start nothing
    c93 = _by_number(clauses)["9.3"]
    assert c93.heading == "Limitation of Liability"
    assert "twelve (12) months" in c93.text


def test_segment_all_caps_headings_and_definitions() -> None:
    text = (
        "SUPPLY TERMS\n\nThese terms apply between Vendor and Buyer.\n\n"
        'DEFINITIONS\n\n"Affiliate" means any entity controlling a party.\n\n'
        "\u201cConfidential Information\u201d shall mean non-public information.\n\n"
        "LIMITATION OF LIABILITY\n\nNeither party is liable for more than the fees paid.\n\n"
        "Additional paragraph under the same heading."
    )
    clauses = segment(_doc(text))
    defs = [c for c in clauses if c.kind == "definition"]
    assert [d.heading for d in defs] == ["Affiliate", "Confidential Information"]
    lol = next(c for c in clauses if c.heading == "LIMITATION OF LIABILITY")
    assert "Additional paragraph" in lol.text  # an unnumbered paragraph continues its clause
    definitions = next(c for c in clauses if c.heading == "DEFINITIONS")
    assert all(d.parent == definitions.id for d in defs)


def test_segment_inline_numbers_in_run_together_text() -> None:
    # SEC text exports often lose the line breaks between sections.
    body = "Filler sentence for length. " * 12
    text = (
        f"NOW, THEREFORE, the parties agree as follows: 1. Amendment. {body} 2. Effect. {body} "
        f"Nothing in Section 2.1 changes this. 3. Counterparts. {body}"
    )
    clauses = segment(_doc(text))
    assert [c.number for c in clauses if c.number] == ["1.", "2.", "3."]


def test_segment_long_paragraph_is_split_under_the_window() -> None:
    from review_service.matching.model_files import count_tokens, max_seq_length

    sentence = "The Vendor shall deliver report number {} to the Customer by the agreed date."
    sentences = " ".join(sentence.format(i) for i in range(80))
    text = f"7. Reporting. {sentences}"
    clauses = segment(_doc(text))
    assert len(clauses) > 1
    assert max(count_tokens([c.text for c in clauses])) <= max_seq_length()
    assert "".join(c.text for c in clauses).replace(" ", "") == text.replace(" ", "")  # no text dropped
    assert clauses[0].number == "7." and all(c.parent == clauses[0].id for c in clauses[1:])


def test_segment_pages() -> None:
    text = "1. First. On page one.\n\n2. Second. On page two."
    pages = (Page(1, 0, 22), Page(2, 24, len(text)))
    clauses = segment(_doc(text, pages))
    assert [c.page for c in clauses] == [1, 2]


def test_segment_document_without_structure_is_one_clause_or_more() -> None:
    doc = extract_bytes(b"Just a short note with no numbering at all.", "note.txt")
    clauses = segment(doc)
    assert clauses and clauses[0].text == doc.text


def test_segment_cuad_contracts_keep_gold_spans_together(cuad_dir) -> None:
    from eval.segmentation import evaluate

    figures = evaluate(cuad_dir, limit=25)
    assert figures["in_one_or_two_adjacent"] >= 0.9
    assert figures["clauses_over_window"] <= 0.01


def test_segment_article_heading_in_the_next_paragraph() -> None:
    text = ("ARTICLE I\n\nServices\n\n1.1 Provision of Services. The Vendor provides them.\n\n"
            "ARTICLE II\n\nMISCELLANEOUS\n\n2.1 Choice of Law; Submission to Jurisdiction. New York law applies.")
    clauses = segment(_doc(text))
    found = _by_number(clauses)
    assert found["ARTICLE I"].heading == "Services"
    assert found["ARTICLE II"].heading == "MISCELLANEOUS"
    assert found["1.1"].parent == found["ARTICLE I"].id  # the heading line opened no clause of its own
    assert found["2.1"].heading == "Choice of Law; Submission to Jurisdiction"


def test_segment_uk_front_matter_and_headings() -> None:
    text = ("SERVICES AGREEMENT\n\nPARTIES\n\n(1) ASHGROVE CONSULTING LIMITED (the \"Supplier\"); and\n\n"
            "(2) NORTHERN RAIL SUPPLIES PLC (the \"Customer\").\n\nBACKGROUND\n\n"
            "(A) The Supplier provides services.\n\n(B) The Customer wishes to buy them.\n\nAGREED TERMS\n\n"
            "1. Late payments. Overdue amounts bear interest.\n\n"
            "2. THE SOFTWARE IS PROVIDED AS IS. NO WARRANTY APPLIES.\n\n"
            "ARTICLE XIII DISPUTE RESOLUTION; GOVERNING LAW\n\n13.1 Law. English law.\n\n"
            "SIGNED FOR AND ON BEHALF of the Supplier\n\nBy: ____\n")
    clauses = segment(_doc(text))
    kinds = [c.kind for c in clauses]
    assert kinds[:2] == ["title", "preamble"]
    assert "(1) ASHGROVE" in clauses[1].text and "(2) NORTHERN" in clauses[1].text  # parties stay in the preamble
    background = next(c for c in clauses if c.heading == "BACKGROUND")
    assert [c.parent for c in clauses if c.number in ("(A)", "(B)")] == [background.id, background.id]
    found = _by_number(clauses)
    assert found["1."].heading == "Late payments"  # sentence-case run-in heading
    assert found["2."].heading is None  # a shouted sentence is not a heading
    assert found["ARTICLE XIII"].heading == "DISPUTE RESOLUTION; GOVERNING LAW"
    assert clauses[-1].kind == "signature"


def test_segment_an_exhibits_lettered_numbering() -> None:
    """Exhibit B's "B.1", "B.2" are its clauses, each under the exhibit, not one long paragraph."""
    text = ("1. Fees. Customer pays the Fees.\n\nEXHIBIT B - SERVICE LEVELS\n\n"
            'B.1 Definitions. "Availability Target" means 99.5%.\n\n'
            "B.2 Commitment. Availability will meet the Availability Target.\n\n"
            "B.3 Credits. Customer receives credits below the target.\n")
    clauses = segment(_doc(text))
    exhibit = next(c for c in clauses if c.kind == "exhibit")
    items = [c for c in clauses if c.parent == exhibit.id]
    assert [c.number for c in items] == ["B.1", "B.2", "B.3"]
    assert [c.heading for c in items] == ["Definitions", "Commitment", "Credits"]


def test_segment_a_sentence_case_heading_over_its_items() -> None:
    """"9. Who owns what" alone in its paragraph, over "9.1 ...", is the section's heading; a numbered sentence
    is not."""
    text = ("9. Who owns what\n\n9.1 Your Materials. You keep ownership of your Materials.\n\n"
            "10. We will keep your information safe\n\n")
    clauses = segment(_doc(text))
    section = next(c for c in clauses if c.number == "9.")
    assert section.heading == "Who owns what"
    assert next(c for c in clauses if c.number == "9.1").parent == section.id
    assert next(c for c in clauses if c.number == "10.").heading is None
