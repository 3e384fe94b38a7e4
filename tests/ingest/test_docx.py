"""DOCX extraction: reading order, Word's automatic numbering, tables, tracked changes, pages, bad input."""

from __future__ import annotations

import io
import random
import time
import zipfile
from pathlib import Path

import docx
import pytest
from docx_factory import (
    COMMENT_TEXT,
    FOOTER_TEXT,
    FOOTNOTE_TEXT,
    HEADER_TEXT,
    abstract_num,
    build_docx,
    dele,
    encrypted_ole,
    field,
    hyperlink,
    ins,
    lvl,
    move_from,
    move_to,
    num,
    numbering,
    p,
    page_break,
    patch_declared_size,
    r,
    raw_run,
    rendered_page_break,
    style,
    table,
    tc,
    tr,
    zip_parts,
)

from review_service.errors import (
    CorruptFileError,
    EncryptedFileError,
    InputError,
    NoTextError,
    TooManyPagesError,
    UnsafeDocumentError,
    UnsupportedTypeError,
)
from review_service.ingest import extract_bytes
from review_service.ingest.document import Document
from review_service.ingest.docx import extract_docx
from review_service.settings import Settings

FIXTURES = Path(__file__).resolve().parents[2] / "corpora" / "fixtures"


def _settings(**overrides: int) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]


def _extract(data: bytes, **overrides: int) -> Document:
    return extract_docx(data, "contract.docx", _settings(**overrides))


def _block_texts(doc: Document) -> list[str]:
    return [doc.text[b.start : b.end] for b in doc.blocks]


def _check_invariants(doc: Document) -> None:
    """The conventions every extractor keeps: blocks tile the text, joined by exactly one blank line."""
    texts = _block_texts(doc)
    assert "\n\n".join(texts) == doc.text
    for text in texts:
        assert text and text == text.strip() and "\n\n" not in text
    assert doc.pages[0].start == 0 and doc.pages[-1].end == len(doc.text)
    for before, after in zip(doc.pages, doc.pages[1:], strict=False):
        assert before.end == after.start and after.number == before.number + 1


# --- the factory builds real Word packages -------------------------------------------------------------


def test_docx_factory_output_opens_in_python_docx() -> None:
    data = build_docx(p("Hello ", hyperlink("world")), table(["a", "b"]))
    document = docx.Document(io.BytesIO(data))
    assert document.paragraphs[0].text == "Hello world"
    assert document.tables[0].cell(0, 1).text == "b"


def test_docx_python_docx_document_with_style_numbering_and_headings() -> None:
    # python-docx's own template numbers "List Number" through the style, like Word's built-in styles.
    document = docx.Document()
    document.add_heading("Master Services Agreement", 0)
    document.add_heading("Payment", 1)
    document.add_paragraph("Invoices are payable within 30 days.", style="List Number")
    document.add_paragraph("Late amounts bear interest.", style="List Number")
    document.add_paragraph("Either party may audit.", style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    doc = extract_bytes(buffer.getvalue(), "msa.docx")
    assert _block_texts(doc) == [
        "Master Services Agreement",
        "Payment",
        "1. Invoices are payable within 30 days.",
        "2. Late amounts bear interest.",
        "Either party may audit.",
    ]
    assert [b.kind for b in doc.blocks] == ["title", "heading", "list_item", "list_item", "list_item"]
    assert doc.blocks[1].level == 1
    assert doc.blocks[2].number == "1." and doc.blocks[2].level == 0
    assert doc.blocks[4].number is None  # bullets get no invented number
    _check_invariants(doc)


# --- numbering ---------------------------------------------------------------------------------------

_MULTI = abstract_num(0, lvl(0, text="%1."), lvl(1, text="%1.%2"), lvl(2, text="%1.%2.%3"))

NUMBERING_CASES = [
    pytest.param(
        numbering(abstract_num(0, lvl(0, "decimal", "%1.")), num(1, 0)),
        [(1, 0)] * 3,
        ["1.", "2.", "3."],
        id="decimal",
    ),
    pytest.param(
        numbering(_MULTI, num(1, 0)),
        [(1, 0), (1, 1), (1, 1), (1, 2), (1, 2), (1, 0), (1, 1), (1, 2)],
        ["1.", "1.1", "1.2", "1.2.1", "1.2.2", "2.", "2.1", "2.1.1"],
        id="multilevel-deeper-levels-reset",
    ),
    pytest.param(
        numbering(abstract_num(0, lvl(0, "lowerLetter", "(%1)")), num(1, 0)),
        [(1, 0)] * 3,
        ["(a)", "(b)", "(c)"],
        id="lowerLetter",
    ),
    pytest.param(
        numbering(abstract_num(0, lvl(0, "lowerLetter", "(%1)", start=26)), num(1, 0)),
        [(1, 0)] * 3,
        ["(z)", "(aa)", "(bb)"],
        id="lowerLetter-past-z",
    ),
    pytest.param(
        numbering(abstract_num(0, lvl(0, "upperLetter", "%1.")), num(1, 0)),
        [(1, 0)] * 2,
        ["A.", "B."],
        id="upperLetter",
    ),
    pytest.param(
        numbering(abstract_num(0, lvl(0, "lowerRoman", "(%1)")), num(1, 0)),
        [(1, 0)] * 4,
        ["(i)", "(ii)", "(iii)", "(iv)"],
        id="lowerRoman",
    ),
    pytest.param(
        numbering(abstract_num(0, lvl(0, "upperRoman", "ARTICLE %1")), num(1, 0)),
        [(1, 0)] * 4,
        ["ARTICLE I", "ARTICLE II", "ARTICLE III", "ARTICLE IV"],
        id="upperRoman-article",
    ),
    pytest.param(
        numbering(abstract_num(0, lvl(0, "upperRoman", "Article %1"), lvl(1, "decimal", "Section %1.%2")), num(1, 0)),
        [(1, 0), (1, 1), (1, 1), (1, 0), (1, 1)],
        ["Article I", "Section I.1", "Section I.2", "Article II", "Section II.1"],
        id="article-section-without-isLgl",
    ),
    pytest.param(
        numbering(
            abstract_num(0, lvl(0, "upperRoman", "Article %1"), lvl(1, "decimal", "Section %1.%2", legal=True)),
            num(1, 0),
        ),
        [(1, 0), (1, 1), (1, 1), (1, 0), (1, 1)],
        ["Article I", "Section 1.1", "Section 1.2", "Article II", "Section 2.1"],
        id="isLgl-forces-decimal",
    ),
    pytest.param(
        numbering(
            abstract_num(0, lvl(0, text="%1."), lvl(1, "lowerLetter", "(%2)"), lvl(2, "lowerRoman", "(%3)")),
            num(1, 0),
        ),
        [(1, 0), (1, 1), (1, 2), (1, 2), (1, 1), (1, 2), (1, 0), (1, 1)],
        ["1.", "(a)", "(i)", "(ii)", "(b)", "(i)", "2.", "(a)"],
        id="clause-paragraph-subparagraph",
    ),
    pytest.param(
        numbering(abstract_num(0, lvl(0, text="%1.", start=5)), num(1, 0)),
        [(1, 0)] * 3,
        ["5.", "6.", "7."],
        id="start-value",
    ),
    pytest.param(
        numbering(abstract_num(0, lvl(0, "decimalZero", "%1", start=9)), num(1, 0)),
        [(1, 0)] * 2,
        ["09", "10"],
        id="decimalZero",
    ),
    pytest.param(
        numbering(abstract_num(0, lvl(0, text="%1.")), num(1, 0), num(2, 0, starts={0: 1})),
        [(1, 0), (1, 0), (1, 0), (2, 0), (2, 0)],
        ["1.", "2.", "3.", "1.", "2."],
        id="restart-via-startOverride",
    ),
    pytest.param(
        numbering(abstract_num(0, lvl(0, text="%1.")), num(1, 0), num(2, 0)),
        [(1, 0), (1, 0), None, (2, 0), (2, 0), (1, 0)],
        ["1.", "2.", None, "3.", "4.", "5."],
        id="two-nums-sharing-an-abstract-continue",
    ),
    pytest.param(
        numbering(abstract_num(0, lvl(0, text="%1.")), num(1, 0), num(2, 0, starts={0: 8})),
        [(1, 0), (1, 0), (2, 0), (1, 0)],
        ["1.", "2.", "8.", "9."],
        id="override-then-shared-counter-continues",
    ),
    pytest.param(
        numbering(abstract_num(0, lvl(0, text="%1.")), abstract_num(1, lvl(0, text="%1.")), num(1, 0), num(2, 1)),
        [(1, 0), (1, 0), (2, 0), (1, 0)],
        ["1.", "2.", "1.", "3."],
        id="separate-abstracts-count-separately",
    ),
    pytest.param(
        numbering(abstract_num(0, lvl(0, text="%1."), lvl(1, "lowerLetter", "(%2)", restart=0)), num(1, 0)),
        [(1, 0), (1, 1), (1, 1), (1, 0), (1, 1)],
        ["1.", "(a)", "(b)", "2.", "(c)"],
        id="lvlRestart-0-never-restarts",
    ),
    pytest.param(
        numbering(
            abstract_num(0, lvl(0, text="%1."), lvl(1, text="%1.%2"), lvl(2, "lowerLetter", "(%3)", restart=1)),
            num(1, 0),
        ),
        [(1, 0), (1, 1), (1, 2), (1, 1), (1, 2), (1, 0), (1, 2)],
        ["1.", "1.1", "(a)", "1.2", "(b)", "2.", "(a)"],
        id="lvlRestart-1-restarts-only-after-level-1",
    ),
    pytest.param(
        numbering(abstract_num(0, lvl(0, text="%1.")), num(1, 0)),
        [(1, 0), (0, 0), (1, 0)],
        ["1.", None, "2."],
        id="numId-0-is-no-numbering",
    ),
    pytest.param(
        numbering(abstract_num(0, lvl(0, "bullet", "\u2022")), num(1, 0)),
        [(1, 0), (1, 0)],
        [None, None],
        id="bullet-has-no-number",
    ),
    pytest.param(
        numbering(abstract_num(0, lvl(0, "none", "")), num(1, 0)),
        [(1, 0)],
        [None],
        id="none-format",
    ),
    pytest.param(
        numbering(abstract_num(0, lvl(0, "ordinal", "%1 Schedule")), num(1, 0)),
        [(1, 0)] * 3,
        ["1st Schedule", "2nd Schedule", "3rd Schedule"],
        id="ordinal",
    ),
    pytest.param(
        numbering(abstract_num(0, lvl(0, "cardinalText", "Article %1")), num(1, 0)),
        [(1, 0)] * 2,
        ["Article One", "Article Two"],
        id="cardinalText",
    ),
]


@pytest.mark.parametrize(("numbering_xml", "paragraphs", "expected"), NUMBERING_CASES)
def test_docx_numbering(
    numbering_xml: str, paragraphs: list[tuple[int, int] | None], expected: list[str | None]
) -> None:
    body = [p(f"Clause text {i}", num=spec) for i, spec in enumerate(paragraphs)]
    doc = _extract(build_docx(*body, numbering_xml=numbering_xml))
    assert [b.number for b in doc.blocks] == expected
    for i, (block, number) in enumerate(zip(doc.blocks, expected, strict=True)):
        text = doc.text[block.start : block.end]
        assert text == (f"{number} Clause text {i}" if number else f"Clause text {i}")
        if number is not None:
            assert block.kind == "list_item" and block.level == paragraphs[i][1]  # type: ignore[index]
    _check_invariants(doc)


def test_docx_numbering_bullet_paragraph_is_list_item() -> None:
    doc = _extract(
        build_docx(
            p("An item", num=(1, 0)),
            numbering_xml=numbering(abstract_num(0, lvl(0, "bullet", "o")), num(1, 0)),
        )
    )
    assert doc.text == "An item"
    assert doc.blocks[0].kind == "list_item" and doc.blocks[0].number is None


@pytest.mark.parametrize(
    ("suff", "expected"), [(None, "1. Text"), ("tab", "1. Text"), ("space", "1. Text"), ("nothing", "1.Text")]
)
def test_docx_numbering_suffix(suff: str | None, expected: str) -> None:
    xml = numbering(abstract_num(0, lvl(0, text="%1.", suff=suff)), num(1, 0))
    assert _extract(build_docx(p("Text", num=(1, 0)), numbering_xml=xml)).text == expected


def test_docx_numbering_lvl_override_replaces_level_format() -> None:
    override = f'<w:lvlOverride w:ilvl="0">{lvl(0, "upperLetter", "Schedule %1")}</w:lvlOverride>'
    xml = numbering(abstract_num(0, lvl(0, text="%1.")), num(1, 0, overrides=override))
    doc = _extract(build_docx(p("Fees", num=(1, 0)), p("Service levels", num=(1, 0)), numbering_xml=xml))
    assert _block_texts(doc) == ["Schedule A Fees", "Schedule B Service levels"]


def test_docx_empty_numbered_paragraph_still_counts() -> None:
    # Word shows "2." on an empty numbered line, so the next clause is 3.
    xml = numbering(abstract_num(0, lvl(0, text="%1.")), num(1, 0))
    doc = _extract(build_docx(p("One", num=(1, 0)), p(num=(1, 0)), p("Three", num=(1, 0)), numbering_xml=xml))
    assert _block_texts(doc) == ["1. One", "3. Three"]


HEADING_STYLES = style(
    "Heading1", "heading 1", ppr='<w:numPr><w:numId w:val="7"/></w:numPr><w:outlineLvl w:val="0"/>'
) + style(
    "Heading2",
    "heading 2",
    based_on="Heading1",
    ppr='<w:numPr><w:ilvl w:val="1"/></w:numPr><w:outlineLvl w:val="1"/>',
)


def test_docx_style_based_numbering_on_headings() -> None:
    # Heading 1 carries numId 7 without a level; the abstractNum level's pStyle ties it to level 0.
    xml = numbering(
        abstract_num(3, lvl(0, text="%1.", pstyle="Heading1"), lvl(1, text="%1.%2", pstyle="Heading2")),
        num(7, 3),
    )
    # The factory's default styles define Heading1/2 too; these later definitions replace them.
    doc = _extract(
        build_docx(
            p("Definitions", style="Heading1"),
            p("Terms defined in this agreement have these meanings.", style="Heading2"),
            p("Plain body text."),
            p("Services", style="Heading1"),
            p("The supplier shall perform the services.", style="Heading2"),
            numbering_xml=xml,
            styles=HEADING_STYLES,
        )
    )
    assert _block_texts(doc) == [
        "1. Definitions",
        "1.1 Terms defined in this agreement have these meanings.",
        "Plain body text.",
        "2. Services",
        "2.1 The supplier shall perform the services.",
    ]
    assert [(b.kind, b.level, b.number) for b in doc.blocks] == [
        ("heading", 1, "1."),
        ("heading", 2, "1.1"),
        ("paragraph", None, None),
        ("heading", 1, "2."),
        ("heading", 2, "2.1"),
    ]


def test_docx_style_numbering_inherited_through_based_on() -> None:
    styles = style("ClauseBase", "Clause Base", ppr='<w:numPr><w:ilvl w:val="1"/><w:numId w:val="4"/></w:numPr>')
    styles += style("Clause2", "Clause 2", based_on="ClauseBase")
    xml = numbering(abstract_num(0, lvl(0, text="%1."), lvl(1, "lowerLetter", "(%2)")), num(4, 0))
    doc = _extract(
        build_docx(p("Parent", num=(4, 0)), p("Child", style="Clause2"), p("Second child", style="Clause2"),
                   numbering_xml=xml, styles=styles)
    )  # fmt: skip
    assert _block_texts(doc) == ["1. Parent", "(a) Child", "(b) Second child"]
    assert doc.blocks[1].style == "Clause 2" and doc.blocks[1].level == 1


def test_docx_style_linked_only_by_level_pstyle() -> None:
    styles = style("Schedule", "Schedule Heading")
    xml = numbering(abstract_num(2, lvl(0, "upperLetter", "Schedule %1", pstyle="Schedule")), num(9, 2))
    doc = _extract(
        build_docx(p("Fees", style="Schedule"), p("Security", style="Schedule"), numbering_xml=xml, styles=styles)
    )
    assert _block_texts(doc) == ["Schedule A Fees", "Schedule B Security"]


def test_docx_direct_numid_0_switches_off_style_numbering() -> None:
    xml = numbering(abstract_num(3, lvl(0, text="%1.", pstyle="Heading1")), num(7, 3))
    doc = _extract(
        build_docx(p("Numbered", style="Heading1"), p("Unnumbered", style="Heading1", num=(0, 0)),
                   p("Numbered again", style="Heading1"), numbering_xml=xml, styles=HEADING_STYLES)
    )  # fmt: skip
    assert _block_texts(doc) == ["1. Numbered", "Unnumbered", "2. Numbered again"]
    assert doc.blocks[1].kind == "heading"


def test_docx_num_style_link() -> None:
    # A list style: abstract 10 defers to the numbering style "LegalList", whose num 20 holds the levels.
    styles = style("LegalList", "Legal List", kind="numbering", based_on=None,
                   ppr='<w:numPr><w:numId w:val="20"/></w:numPr>')  # fmt: skip
    xml = numbering(
        abstract_num(10, extra='<w:numStyleLink w:val="LegalList"/>'),
        abstract_num(11, lvl(0, text="%1."), lvl(1, text="%1.%2"), extra='<w:styleLink w:val="LegalList"/>'),
        num(20, 11),
        num(21, 10),
    )
    doc = _extract(
        build_docx(p("A", num=(21, 0)), p("B", num=(21, 1)), p("C", num=(20, 0)), numbering_xml=xml, styles=styles)
    )
    assert _block_texts(doc) == ["1. A", "1.1 B", "2. C"]


def test_docx_numbering_without_numbering_part_is_ignored() -> None:
    doc = _extract(build_docx(p("Text", num=(1, 0))))
    assert doc.text == "Text" and doc.blocks[0].kind == "paragraph"


# --- headings --------------------------------------------------------------------------------------------


def test_docx_heading_and_title_blocks() -> None:
    styles = style("ClauseHeading", "Clause Heading", ppr='<w:outlineLvl w:val="1"/>')
    styles += style("MyHeading", "My Heading", based_on="Heading3")
    doc = _extract(
        build_docx(
            p("Consulting Agreement", style="Title"),
            p("Background", style="Heading1"),
            p("Scope", style="ClauseHeading"),
            p("Detail", style="MyHeading"),
            p("Direct outline", ppr='<w:outlineLvl w:val="0"/>'),
            p("Body"),
            styles=styles,
        )
    )
    assert [(b.kind, b.level) for b in doc.blocks] == [
        ("title", None),
        ("heading", 1),
        ("heading", 2),
        ("heading", 3),
        ("heading", 1),
        ("paragraph", None),
    ]
    assert doc.blocks[1].style == "heading 1"


# --- text content --------------------------------------------------------------------------------------


def test_docx_paragraphs_and_tables_in_body_order() -> None:
    doc = _extract(
        build_docx(
            p("Before the table."),
            table(["Service", "Fee"], ["Hosting", "EUR 1,000"], ["", ""]),
            p("After the table."),
        )
    )
    assert _block_texts(doc) == [
        "Before the table.",
        "Service | Fee",
        "Hosting | EUR 1,000",
        "After the table.",
    ]
    assert [b.kind for b in doc.blocks] == ["paragraph", "table_row", "table_row", "paragraph"]
    _check_invariants(doc)


def test_docx_merged_and_nested_cells() -> None:
    merged = tr(
        tc("Spanning title", tcpr='<w:gridSpan w:val="2"/>'),
        tc("Side", tcpr='<w:vMerge w:val="restart"/>'),
    )
    continued = tr(tc("Left"), tc("Right"), tc("Stale copy", tcpr="<w:vMerge/>"))
    nested = tr(tc("Outer", table(["In 1", "In 2"], ["In 3", "In 4"])), tc("Cell"))
    multi = tr(tc(p("Signed: ____"), p("Name: Jane Roe")), tc("Date"))
    doc = _extract(build_docx(table(merged, continued, nested, multi)))
    assert _block_texts(doc) == [
        "Spanning title | Side",
        "Left | Right",
        "Outer\nIn 1 | In 2\nIn 3 | In 4 | Cell",
        "Signed: ____\nName: Jane Roe | Date",
    ]
    _check_invariants(doc)


def test_docx_numbered_paragraphs_in_table_cells_count() -> None:
    xml = numbering(abstract_num(0, lvl(0, text="%1.")), num(1, 0))
    doc = _extract(
        build_docx(
            p("Intro", num=(1, 0)),
            table([p("In cell", num=(1, 0)), "x"]),
            p("After", num=(1, 0)),
            numbering_xml=xml,
        )
    )
    assert _block_texts(doc) == ["1. Intro", "2. In cell | x", "3. After"]


def test_docx_headers_footers_footnotes_comments_excluded() -> None:
    body = p(
        '<w:commentRangeStart w:id="0"/>',
        "The liability cap is EUR 1m.",
        '<w:commentRangeEnd w:id="0"/>',
        raw_run('<w:commentReference w:id="0"/>'),
        raw_run('<w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="1"/>'),
    )
    doc = _extract(build_docx(body))
    assert doc.text == "The liability cap is EUR 1m."
    for other in (HEADER_TEXT, FOOTER_TEXT, FOOTNOTE_TEXT, COMMENT_TEXT):
        assert other not in doc.text


def test_docx_tracked_changes_read_as_accepted() -> None:
    doc = _extract(
        build_docx(
            p("The Supplier shall ", dele("endeavour to "), ins("promptly "), "deliver the goods."),
            p(move_from("Moved away. "), "Stays.", move_to(" Moved here.")),
            '<w:ins w:id="5" w:author="A">' + p("Block insertion.") + "</w:ins>",
            table(["Kept", "row"], tr("Deleted row", "x", trpr='<w:del w:id="9" w:author="A"/>')),
            p(dele("A deleted paragraph."), ppr='<w:rPr><w:del w:id="7" w:author="A"/></w:rPr>'),
            p("Next paragraph."),
        )
    )
    assert _block_texts(doc) == [
        "The Supplier shall promptly deliver the goods.",
        "Stays. Moved here.",
        "Block insertion.",
        "Kept | row",
        "Next paragraph.",
    ]
    assert any("tracked changes" in w for w in doc.warnings)


def test_docx_deleted_paragraph_mark_joins_next_paragraph() -> None:
    doc = _extract(
        build_docx(
            p("First half ", ppr='<w:rPr><w:del w:id="7" w:author="A"/></w:rPr>'),
            p("second half."),
            p("Own."),
        )
    )
    assert _block_texts(doc) == ["First half second half.", "Own."]


def test_docx_inline_wrappers_and_special_characters() -> None:
    sdt = '<w:sdt><w:sdtPr><w:alias w:val="Party"/></w:sdtPr><w:sdtContent>' + r("Acme Ltd") + "</w:sdtContent></w:sdt>"
    smart = '<w:smartTag w:uri="urn:x" w:element="place">' + r("London") + "</w:smartTag>"
    simple = '<w:fldSimple w:instr=" DOCPROPERTY Client ">' + r("Client Co") + "</w:fldSimple>"
    doc = _extract(
        build_docx(
            p(sdt, " of ", smart, ", see ", hyperlink("the terms"), " and ", simple, "."),
            p("Clause ", field("REF _Ref123 \\r \\h", "4.2"), " applies."),
            p("Item", raw_run("<w:tab/>"), "Price", raw_run("<w:noBreakHyphen/>"), "list",
              raw_run('<w:sym w:font="Wingdings" w:char="F0A8"/>'),
              raw_run('<w:sym w:font="Symbol" w:char="F061"/>')),
            p("Line one", raw_run("<w:br/><w:br/>"), raw_run("<w:cr/>"), "line two", raw_run("<w:br/>")),
            p(r("visible"), r(" hidden", rpr="<w:vanish/>")),
            p(raw_run('<w:instrText xml:space="preserve"> TOC \\o </w:instrText>')),
        )
    )  # fmt: skip
    assert _block_texts(doc) == [
        "Acme Ltd of London, see the terms and Client Co.",
        "Clause 4.2 applies.",
        "Item\tPrice-list☐α",
        "Line one\nline two",
        "visible",
    ]
    assert any("hidden text" in w for w in doc.warnings)
    _check_invariants(doc)


def test_docx_nested_field_in_instruction_and_field_spanning_paragraphs() -> None:
    begin, separate, end = (raw_run(f'<w:fldChar w:fldCharType="{k}"/>') for k in ("begin", "separate", "end"))
    instr = raw_run('<w:instrText xml:space="preserve"> IF </w:instrText>')
    # { IF { MERGEFIELD Cap } = "" "uncapped" "capped" } shows "capped"; the inner result is instruction.
    if_field = [begin, instr, field("MERGEFIELD Cap", "EUR 5m"), r(' = "" "uncapped" "capped" '), separate]
    toc_begin = [begin, raw_run('<w:instrText xml:space="preserve"> TOC \\o "1-3" </w:instrText>'), separate]
    doc = _extract(
        build_docx(
            p("Liability is ", *if_field, r("capped"), end, "."),
            p(*toc_begin, "1. Definitions\t1"),
            p("2. Services\t2", end),
            p("After the contents."),
            p(begin, instr, "Unclosed instruction"),
            p("Not swallowed."),
        )
    )
    assert _block_texts(doc) == [
        "Liability is capped.",
        "1. Definitions\t1",
        "2. Services\t2",
        "After the contents.",
        "Not swallowed.",
    ]


def test_docx_empty_and_whitespace_paragraphs_leave_no_block() -> None:
    doc = _extract(build_docx(p("A"), p(), p("   "), p(raw_run("<w:tab/>")), p("B")))
    assert doc.text == "A\n\nB"
    assert len(doc.blocks) == 2


def test_docx_offsets_match_block_text() -> None:
    xml = numbering(_MULTI, num(1, 0))
    doc = _extract(
        build_docx(
            p("Agreement", style="Title"),
            p("Definitions", num=(1, 0)),
            p("Affiliate", num=(1, 1)),
            table(["a", "b"]),
            p("text ", ins("added"), page_break(), "on page two", num=(1, 1)),
            numbering_xml=xml,
        )
    )
    _check_invariants(doc)
    assert _block_texts(doc) == [
        "Agreement",
        "1. Definitions",
        "1.1 Affiliate",
        "a | b",
        "1.2 text addedon page two",
    ]
    last = doc.blocks[-1]
    assert doc.text[last.start : last.end].startswith(last.number or "?")


def test_docx_text_box_is_left_out_with_a_warning() -> None:
    box = (
        '<w:r><w:drawing><wp:anchor xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
        f"<w:txbxContent>{p('Boxed term')}</w:txbxContent></wp:anchor></w:drawing></w:r>"
    )
    doc = _extract(build_docx(p("Body", box)))
    assert doc.text == "Body"
    assert any("text box" in w for w in doc.warnings)


def test_docx_strict_namespace() -> None:
    data = build_docx(p("Strict text"))
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        parts: dict[str, bytes | str] = {n: zf.read(n) for n in zf.namelist()}
    parts["word/document.xml"] = (
        bytes(parts["word/document.xml"])
        .replace(b"http://schemas.openxmlformats.org/wordprocessingml/2006/main", b"http://purl.oclc.org/ooxml/wordprocessingml/main")
    )  # fmt: skip
    assert _extract(zip_parts(parts)).text == "Strict text"


def test_docx_block_content_controls_and_alternate_content() -> None:
    block_sdt = (
        '<w:sdt><w:sdtPr><w:alias w:val="Schedule"/></w:sdtPr><w:sdtContent>'
        + p("Inside a block content control.")
        + table(["Inside", "too"])
        + "</w:sdtContent></w:sdt>"
    )
    alternate = (
        '<mc:AlternateContent><mc:Choice Requires="w14">'
        + r("Chosen")
        + "</mc:Choice><mc:Fallback>"
        + r("Fallback")
        + "</mc:Fallback></mc:AlternateContent>"
    )
    doc = _extract(build_docx(block_sdt, p(alternate, " text.")))
    assert _block_texts(doc) == ["Inside a block content control.", "Inside | too", "Chosen text."]


def test_docx_hostile_numbers_stay_small() -> None:
    xml = numbering(abstract_num(0, lvl(0, "lowerLetter", "(%1)", start=2_000_000_000)), num(1, 0))
    doc = _extract(build_docx(p("Clause", num=(1, 0)), numbering_xml=xml))
    assert doc.text == "(2000000000) Clause"


def test_docx_deep_nesting_is_a_typed_error_not_a_crash() -> None:
    inner = p("deep")
    for _ in range(120):
        inner = table([tc(inner)])
    with pytest.raises(InputError):
        _extract(build_docx(inner))


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"%PDF-1.7 not a docx", CorruptFileError),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, UnsupportedTypeError),
    ],
)
def test_docx_extractor_called_on_other_content(data: bytes, error: type[Exception]) -> None:
    with pytest.raises(error):
        _extract(data)


# --- pages -----------------------------------------------------------------------------------------------


def test_docx_pages_from_breaks() -> None:
    sect_break = '<w:sectPr><w:type w:val="nextPage"/></w:sectPr>'
    continuous = '<w:sectPr><w:type w:val="continuous"/></w:sectPr>'
    doc = _extract(
        build_docx(
            p("Page one."),
            p("Still one.", page_break()),
            p(
                rendered_page_break(),
                "Page two starts here; Word laid out ",
                rendered_page_break(),
                "page three.",
            ),
            p("End of section.", ppr=sect_break),
            p("Page four.", ppr=continuous),
            p("Same page four."),
            p("Page five.", ppr="<w:pageBreakBefore/>"),
        )
    )
    _check_invariants(doc)
    assert doc.page_count == 5
    assert doc.page_at(doc.text.index("Page one.")) == 1
    assert doc.page_at(doc.text.index("Still one.")) == 1
    assert doc.page_at(doc.text.index("Page two")) == 2  # hard break + rendered break: one new page
    assert doc.page_at(doc.text.index("page three.")) == 3
    assert doc.page_at(doc.text.index("End of section.")) == 3
    assert doc.page_at(doc.text.index("Page four.")) == 4
    assert doc.page_at(doc.text.index("Same page four.")) == 4
    assert doc.page_at(doc.text.index("Page five.")) == 5
    assert doc.text[doc.pages[2].start :].startswith("page three.")


def test_docx_single_page_without_breaks() -> None:
    doc = _extract(build_docx(p("One"), p("Two")))
    assert [(pg.number, pg.start, pg.end) for pg in doc.pages] == [(1, 0, len(doc.text))]


def test_docx_too_many_pages() -> None:
    data = build_docx(*(p(f"Page {i}", page_break()) for i in range(5)))
    assert _extract(data, max_pages=5).page_count == 5
    with pytest.raises(TooManyPagesError) as info:
        _extract(data, max_pages=4)
    assert info.value.code == "too_many_pages"


# --- bad input -------------------------------------------------------------------------------------------


def test_docx_truncated_file_is_corrupt() -> None:
    data = build_docx(p("Text"))
    with pytest.raises(CorruptFileError) as info:
        extract_bytes(data[: len(data) // 2], "contract.docx")
    assert info.value.code == "corrupt_file"
    with pytest.raises(CorruptFileError):
        _extract(data[: len(data) // 2])


def test_docx_damaged_member_data_is_corrupt() -> None:
    body = p("Some text that compresses into a run of deflate data. " * 50)
    data = bytearray(build_docx(body, extras=False))
    # Damage the compressed bytes of word/document.xml, keeping the zip directory intact.
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 20, start + 60):
        data[i] ^= 0x5A
    with pytest.raises(CorruptFileError):
        _extract(bytes(data))


def test_docx_zip_without_a_document() -> None:
    data = zip_parts({"notes.txt": "hello", "[Content_Types].xml": "<Types/>"})
    with pytest.raises(UnsupportedTypeError):
        extract_bytes(data, "contract.docx")
    with pytest.raises(CorruptFileError) as info:
        _extract(data)
    assert "word/document.xml" in info.value.message


def test_docx_malformed_xml_is_corrupt() -> None:
    data = build_docx(p("x"), replace_parts={"word/document.xml": "<w:document><w:body><w:p>"})
    with pytest.raises(CorruptFileError) as info:
        _extract(data)
    assert "word/document.xml" in info.value.message


def test_docx_missing_body_is_corrupt() -> None:
    data = build_docx(
        replace_parts={
            "word/document.xml": f'<w:document xmlns:w="{"http://schemas.openxmlformats.org/wordprocessingml/2006/main"}"/>'
        }
    )
    with pytest.raises(CorruptFileError):
        _extract(data)


def test_docx_empty_document_has_no_text() -> None:
    with pytest.raises(NoTextError) as info:
        _extract(build_docx(p(), p("  "), table(["", ""])))
    assert info.value.code == "no_text"


def test_docx_picture_only_document_says_so() -> None:
    picture = "<w:r><w:drawing/></w:r>"
    with pytest.raises(NoTextError) as info:
        _extract(build_docx(p(picture), p(picture)))
    assert "picture" in info.value.message


def test_docx_zip_bomb_ratio_refused_before_inflating() -> None:
    bomb = b"\x00" * (20 * 1024 * 1024)  # deflates about 1000 to 1
    data = build_docx(p("Text"), replace_parts={"word/media/image1.png": bomb})
    started = time.perf_counter()
    with pytest.raises(UnsafeDocumentError) as info:
        _extract(data)
    assert time.perf_counter() - started < 0.5
    assert info.value.code == "unsafe_document" and "zip bomb" in info.value.message


def test_docx_total_unzipped_size_refused() -> None:
    filler = random.Random(7).randbytes(2 * 1024 * 1024)  # incompressible: no ratio alarm, only the total
    data = build_docx(p("Text"), replace_parts={"word/media/blob.bin": filler})
    assert _extract(data).text == "Text"
    with pytest.raises(UnsafeDocumentError) as info:
        _extract(data, max_unzipped_bytes=1024 * 1024)
    assert "MB" in info.value.message


def test_docx_member_lying_about_its_size_is_not_inflated_past_it() -> None:
    big = p("x" * 400_000)
    data = build_docx(big, extras=False)
    liar = patch_declared_size(data, "word/document.xml", 1000)
    with pytest.raises(InputError):
        _extract(liar)


@pytest.mark.parametrize(
    ("part", "xml"),
    [
        pytest.param(
            "word/document.xml",
            '<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>",
            id="xxe-document",
        ),
        pytest.param(
            "word/styles.xml",
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
            '<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">&lol2;</w:styles>',
            id="billion-laughs-styles",
        ),
        pytest.param(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]><x/>'.encode("utf-16"),
            id="doctype-utf16",
        ),
    ],
)
def test_docx_dtd_is_refused(part: str, xml: str | bytes) -> None:
    data = build_docx(p("Text"), replace_parts={part: xml})
    with pytest.raises(UnsafeDocumentError) as info:
        _extract(data)
    assert "DTD" in info.value.message


@pytest.mark.parametrize(
    "target",
    [
        "http://attacker.example/template.dotm",
        "\\\\fileserver\\share\\t.dotm",
        "file://attacker.example/t.dotm",
    ],
)
def test_docx_remote_template_refused(target: str) -> None:
    data = build_docx(p("Text"), settings_rels=(("rIdTemplate", "attachedTemplate", target, "External"),))
    with pytest.raises(UnsafeDocumentError) as info:
        _extract(data)
    assert target in info.value.message and "template" in info.value.message


@pytest.mark.parametrize("rel_type", ["image", "oleObject", "subDocument", "frame", "aFChunk"])
def test_docx_remote_resources_refused(rel_type: str) -> None:
    data = build_docx(p("Text"), document_rels=(("rIdX", rel_type, "https://tracker.example/x", "External"),))
    with pytest.raises(UnsafeDocumentError) as info:
        _extract(data)
    assert "https://tracker.example/x" in info.value.message


def test_docx_local_template_allowed_with_warning() -> None:
    target = "file:///C:\\Users\\jane\\AppData\\Roaming\\Microsoft\\Templates\\Firm%20Letter.dotx"
    data = build_docx(p("Text"), settings_rels=(("rIdTemplate", "attachedTemplate", target, "External"),))
    doc = _extract(data)
    assert doc.text == "Text"
    assert any("template" in w for w in doc.warnings)


def test_docx_external_hyperlinks_allowed() -> None:
    data = build_docx(
        p("See ", hyperlink("our terms", "rIdTerms")),
        document_rels=(("rIdTerms", "hyperlink", "\\\\server\\share\\terms.pdf", "External"),),
    )
    assert _extract(data).text == "See our terms"


def test_docx_encrypted_ole_refused() -> None:
    with pytest.raises(EncryptedFileError) as info:
        extract_bytes(encrypted_ole(), "contract.docx")
    assert "password" in info.value.message and info.value.code == "encrypted_file"
    with pytest.raises(EncryptedFileError):
        _extract(encrypted_ole())


def test_docx_legacy_doc_is_still_unsupported_not_encrypted() -> None:
    legacy = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "WordDocument".encode("utf-16-le")
    with pytest.raises(UnsupportedTypeError):
        extract_bytes(legacy, "contract.doc")


# --- scale and shipped fixtures --------------------------------------------------------------------------


def test_docx_hundred_pages_extract_fast() -> None:
    xml = numbering(_MULTI, num(1, 0))
    body: list[str] = []
    for page in range(100):
        body.append(p(f"Clause heading {page}", num=(1, 0)))
        for i in range(8):
            body.append(
                p(
                    f"The Supplier shall {i} ",
                    ins("promptly "),
                    dele("slowly "),
                    "do things " * 12,
                    num=(1, 1),
                )
            )
        body.append(table(["Service", "Fee", "Term"], ["Hosting", "EUR 10", "12 months"]))
        body.append(p("End of page.", page_break()))
    data = build_docx(*body, numbering_xml=xml)
    started = time.perf_counter()
    doc = _extract(data)
    elapsed = time.perf_counter() - started
    assert doc.page_count == 100
    assert "100. Clause heading 99" in doc.text
    assert elapsed < 1.0, f"extraction took {elapsed:.2f}s"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "services_agreement_numbered.docx",
            [
                "1. DEFINITIONS",
                "2.2 The Supplier shall:",
                "(b) follow the Customer",
                "Monthly reporting | GBP 4,500 per month | monthly in arrears",
                "3.2 Invoices are payable within 30 days of receipt.",
                "limited to the fees paid in the twelve months",
                "5.2 Either party may end",
            ],
        ),
        (
            "consultancy_terms_headings.docx",
            [
                "Article I Engagement",
                "Section 1.2 Standards",
                "Article II Fees",
                "Day rates (excluding VAT)\n\nPrincipal consultant | EUR 1,200 | per day",
                "(iii) supported by receipts.\n\nArticle III Confidentiality",
                "work done for Kestrel Renewables GmbH by",
                "Section 3.2 Exceptions\n\nThe obligation does not apply to information that:\n\n(i) is",
            ],
        ),
    ],
)
def test_docx_shipped_fixtures(name: str, expected: list[str]) -> None:
    path = FIXTURES / name
    if not path.exists():
        pytest.skip(f"{name} not generated: run corpora/fixtures/make_docx_fixtures.py")
    doc = extract_bytes(path.read_bytes(), name)
    _check_invariants(doc)
    for snippet in expected:
        assert snippet in doc.text
    for absent in ("Confidential\n", "Draft 2", "sixty", " 60 "):
        assert absent not in doc.text
