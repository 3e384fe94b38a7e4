"""Generate the DOCX and PDF versions of the sample vendor drafts from their TXT sources.

Run ``.venv/bin/python corpora/make_corpus.py`` from the repository root; it rewrites the files listed in
``DOCX`` and ``PDF`` below, byte for byte the same each time (fixed document properties, fixed zip
timestamps, reportlab's invariant mode).

- A draft reviewed in TXT *and* DOCX or PDF has its source in ``drafts/``; a draft that exists only as DOCX
  or PDF has its source in ``sources/`` (not reviewed itself).
- DOCX: the clause numbers are *not* in the text. They are Word's automatic numbering (``numbering.xml``
  with ``w:numPr`` on the paragraphs, direct or carried by the Heading 1 style), rebuilt by Word, or by the
  ingest, from the list definitions. The script strips each number from the TXT and checks that the list
  definitions count to the same number, so the DOCX and the TXT always carry the same clause numbers.
- PDF: A4 pages drawn with reportlab, with a running header and footer ("Page N of M") as vendors send
  them, bold headings, wrapped body text and the signature block line by line.

All the text is the Vetted team's own (see README.md).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas

HERE = Path(__file__).resolve().parent
ZIP_TIME = (2026, 3, 1, 9, 0, 0)
CORE_TIME = "2026-03-01T09:00:00Z"

# --- reading a TXT draft -----------------------------------------------------------------------------------


@dataclass
class Para:
    """One blank-line-separated paragraph of the TXT source."""

    lines: list[str]

    @property
    def text(self) -> str:
        return " ".join(line.strip() for line in self.lines)


def read_paragraphs(path: Path) -> list[Para]:
    paras: list[Para] = []
    for chunk in re.split(r"\n[ \t]*\n", path.read_text(encoding="utf-8").strip("\n")):
        lines = [line.rstrip() for line in chunk.split("\n") if line.strip()]
        if lines:
            paras.append(Para(lines))
    return paras


_SIGNATURE = re.compile(r"(IN WITNESS WHEREOF|SIGNATURES\b|Signed for and on behalf|AGREED AND ACCEPTED)")
_APPENDIX = re.compile(r"(EXHIBIT|SCHEDULE|ANNEX|APPENDIX)\b")


def is_signature_start(p: Para) -> bool:
    return bool(_SIGNATURE.match(p.lines[0]))


def is_appendix_heading(p: Para) -> bool:
    return bool(_APPENDIX.match(p.lines[0]))


# --- DOCX --------------------------------------------------------------------------------------------------

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = f'xmlns:w="{W_NS}" xmlns:r="{R_NS}"'
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAIN_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml"
ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
         (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def roman(n: int) -> str:
    out = ""
    for value, letters in ROMAN:
        while n >= value:
            out += letters
            n -= value
    return out


@dataclass(frozen=True)
class Scheme:
    """How a draft numbers its clauses: the TXT markers per list level and the Word list that rebuilds them."""

    name: str
    # (regex matching the TXT marker at the start of a paragraph, Word numFmt, Word lvlText) per level
    levels: tuple[tuple[str, str, str], ...]
    legal_from: int | None = None  # levels from here on use legal numbering (w:isLgl): 1.1 under Article I
    heading_style_level: int | None = None  # this level's numbering is carried by the Heading 1 style
    heading_on_next_line: bool = False  # "ARTICLE I" on one line, its heading on the next (same paragraph)

    def render(self, counters: list[int], level: int) -> str:
        """The number Word shows for ``level`` given the counters, as the TXT writes it."""
        text = self.levels[level][2]
        for i in range(level + 1):
            fmt = self.levels[i][1]
            value = counters[i]
            shown = roman(value) if fmt == "upperRoman" and not (self.legal_from is not None and level >=
                                                                   self.legal_from) else (
                chr(96 + value) if fmt == "lowerLetter" else str(value))
            text = text.replace(f"%{i + 1}", shown)
        return text


DECIMAL = Scheme("decimal", ((r"(\d+)\.(?=\s)", "decimal", "%1."), (r"(\d+)\.(\d+)(?=\s)", "decimal", "%1.%2"),
                             (r"\(([a-z])\)(?=\s)", "lowerLetter", "(%3)")))
DECIMAL_STYLED = Scheme(DECIMAL.name + "_styled", DECIMAL.levels, heading_style_level=0)
ARTICLE = Scheme(
    "article",
    ((r"ARTICLE ([IVXLC]+)$", "upperRoman", "ARTICLE %1"), (r"Section (\d+)\.(\d+)(?=\s)", "decimal",
                                                             "Section %1.%2"),
     (r"\(([a-z])\)(?=\s)", "lowerLetter", "(%3)")),
    legal_from=1, heading_on_next_line=True,
)
# The numbered items inside an exhibit or schedule ("1. Scope.") form a second, separate list.
APPENDIX_LIST = (r"(\d+)\.(?=\s)", "decimal", "%1.")


def _lvl(ilvl: int, fmt: str, text: str, *, legal: bool = False, pstyle: str | None = None) -> str:
    extra = f'<w:pStyle w:val="{pstyle}"/>' if pstyle else ""
    extra += "<w:isLgl/>" if legal else ""
    indent = 0 if ilvl == 0 else 567 * ilvl
    hanging = 567 if ilvl else 0
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>{extra}'
        f'<w:suff w:val="space"/><w:lvlText w:val="{escape(text)}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="{indent + hanging}" w:hanging="{hanging}"/></w:pPr></w:lvl>'
    )


def numbering_xml(scheme: Scheme) -> str:
    levels = "".join(
        _lvl(i, fmt, text, legal=scheme.legal_from is not None and i >= scheme.legal_from,
             pstyle="Heading1" if scheme.heading_style_level == i else None)
        for i, (_, fmt, text) in enumerate(scheme.levels)
    )
    appendix = _lvl(0, APPENDIX_LIST[1], APPENDIX_LIST[2])
    return (
        f"{HEAD}<w:numbering {NS}>"
        f'<w:abstractNum w:abstractNumId="1"><w:nsid w:val="5EED0001"/><w:multiLevelType w:val="multilevel"/>'
        f"{levels}</w:abstractNum>"
        f'<w:abstractNum w:abstractNumId="2"><w:nsid w:val="5EED0002"/><w:multiLevelType w:val="multilevel"/>'
        f"{appendix}</w:abstractNum>"
        '<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>'
        '<w:num w:numId="2"><w:abstractNumId w:val="2"/></w:num>'
        "</w:numbering>"
    )


def styles_xml(scheme: Scheme) -> str:
    h1_num = '<w:numPr><w:numId w:val="1"/></w:numPr>' if scheme.heading_style_level == 0 else ""

    def style(sid: str, name: str, ppr: str = "", rpr: str = "", based: str | None = "Normal") -> str:
        based_xml = f'<w:basedOn w:val="{based}"/>' if based else ""
        return (f'<w:style w:type="paragraph" w:styleId="{sid}"><w:name w:val="{name}"/>{based_xml}'
                f"<w:qFormat/><w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>")

    return (
        f"{HEAD}<w:styles {NS}>"
        '<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri"/><w:sz w:val="21"/>'
        '</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="120"/></w:pPr></w:pPrDefault>'
        "</w:docDefaults>"
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>'
        '<w:pPr><w:jc w:val="both"/></w:pPr></w:style>'
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/></w:style>'
        + style("Title", "Title", '<w:jc w:val="center"/><w:spacing w:after="240"/>', '<w:b/><w:sz w:val="28"/>')
        + style("Heading1", "heading 1", f'{h1_num}<w:keepNext/><w:spacing w:before="240"/><w:outlineLvl w:val="0"/>',
                '<w:b/><w:caps/>')
        + style("Heading2", "heading 2", '<w:keepNext/><w:outlineLvl w:val="1"/>', "<w:b/>")
        + style("Signature", "Signature Block", '<w:jc w:val="left"/><w:spacing w:after="0"/>')
        + '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/></w:style>'
        "</w:styles>"
    )


def _run(text: str, *, bold: bool = False) -> str:
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _p(text: str, *, style: str | None = None, num: tuple[int, int] | None = None,
       runs: str | None = None) -> str:
    ppr = ""
    if style:
        ppr += f'<w:pStyle w:val="{style}"/>'
    if num is not None:
        ppr += f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
    body = runs if runs is not None else (_run(text) if text else "")
    return f"<w:p>{'<w:pPr>' + ppr + '</w:pPr>' if ppr else ''}{body}</w:p>"


def _body_runs(text: str) -> str:
    """A run-in heading ("Payment. Customer will ...") in bold, the rest plain, as drafters format it."""
    m = re.match(r"([A-Z][A-Za-z'’\-; ]{1,60}?\.)(\s.*)$", text)
    if m and len(m.group(1).split()) <= 8 and m.group(1)[:-1].strip().istitle():
        return _run(m.group(1), bold=True) + _run(m.group(2))
    return _run(text)


def _signature_table(blocks: list[Para]) -> str:
    cells = []
    for block in blocks:
        inner = "".join(_p(line, style="Signature") for line in block.lines)
        cells.append(f'<w:tc><w:tcPr><w:tcW w:w="4500" w:type="dxa"/></w:tcPr>{inner}</w:tc>')
    return (
        '<w:tbl><w:tblPr><w:tblW w:w="9000" w:type="dxa"/></w:tblPr>'
        '<w:tblGrid><w:gridCol w:w="4500"/><w:gridCol w:w="4500"/></w:tblGrid>'
        f"<w:tr>{''.join(cells)}</w:tr></w:tbl>"
    )


@dataclass
class DocxSpec:
    source: str
    target: str
    scheme: Scheme
    title: str
    author: str
    header: str = ""
    footer: str = ""
    body: list[str] = field(default_factory=list)


def build_body(spec: DocxSpec, paras: list[Para]) -> list[str]:
    """Paragraph XML for the document body, with each TXT clause number replaced by Word numbering."""
    scheme = spec.scheme
    counters = [0] * len(scheme.levels)
    appendix_counter = 0
    out: list[str] = []
    zone = "front"  # front -> body -> signature -> appendix
    i = 0
    while i < len(paras):
        para = paras[i]
        first = para.lines[0].strip()
        if i == 0:
            out.extend(_p(line, style="Title") for line in para.lines)
            i += 1
            continue
        if zone in ("body", "front") and is_signature_start(para):
            zone = "signature"
            out.append(_p(para.text))
            blocks: list[Para] = []
            while i + 1 < len(paras) and not is_appendix_heading(paras[i + 1]):
                blocks.append(paras[i + 1])
                i += 1
            if len(blocks) == 2 and all(len(b.lines) > 1 for b in blocks):
                out.append(_signature_table(blocks))
            else:
                for block in blocks:
                    out.extend(_p(line, style="Signature") for line in block.lines)
                    out.append(_p(""))
            i += 1
            continue
        if zone != "front" and is_appendix_heading(para):
            zone = "appendix"
            appendix_counter = 0
            out.extend(_p(line, style="Heading2") for line in para.lines)
            i += 1
            continue
        if zone == "appendix":
            m = re.match(APPENDIX_LIST[0], first)
            if m:
                appendix_counter += 1
                if int(m.group(1)) != appendix_counter:
                    raise ValueError(f"{spec.source}: appendix item {m.group(0)} out of sequence")
                out.append(_p("", num=(2, 0), runs=_body_runs(para.text[m.end():].strip())))
            else:
                out.extend(_p(line) for line in para.lines)
            i += 1
            continue
        level, match = None, None
        for lv, (pattern, _, _) in enumerate(scheme.levels):
            match = re.match(pattern, first)
            if match:
                level = lv
                break
        if level is None or match is None or (zone == "front" and level != 0):
            # Unnumbered: preamble, recitals, a paragraph continuing a clause, the lines of an order form.
            if zone == "body" and len(para.lines) > 1 and all(len(line) < 100 for line in para.lines):
                out.extend(_p(line) for line in para.lines)
            else:
                style = "Heading2" if zone == "front" and _is_caps(para.text) and len(para.text) < 40 else None
                out.append(_p(para.text, style=style))
            i += 1
            continue
        zone = "body"
        counters[level] += 1
        for deeper in range(level + 1, len(counters)):
            counters[deeper] = 0
        expected = scheme.render(counters, level)
        written = match.group(0).strip()
        if written != expected:
            raise ValueError(f"{spec.source}: the TXT says {written!r} where the list counts {expected!r}")
        if scheme.heading_on_next_line and level == 0:
            heading = para.lines[1].strip() if len(para.lines) > 1 else ""
            out.append(_p("", style="Heading1", num=(1, 0), runs=_run(heading)))
        else:
            rest = para.text[match.end():].strip()
            is_heading = level == 0 and _is_caps(rest.rstrip("."))
            if is_heading:
                style = "Heading1"
                num = None if scheme.heading_style_level == 0 else (1, 0)
                out.append(_p(rest, style=style, num=num))
            else:
                out.append(_p("", num=(1, level), runs=_body_runs(rest)))
        i += 1
    return out


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


def _rels(items: list[tuple[str, str, str]]) -> str:
    rels = "".join(
        f'<Relationship Id="{rid}" Type="http://schemas.openxmlformats.org/{kind}" Target="{target}"/>'
        for rid, kind, target in items
    )
    return f'{HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>'


def write_docx(spec: DocxSpec) -> Path:
    paras = read_paragraphs(HERE / spec.source)
    body = build_body(spec, paras)
    officedoc = "officeDocument/2006/relationships/"
    doc_rels = [("rId1", officedoc + "styles", "styles.xml"), ("rId2", officedoc + "numbering", "numbering.xml"),
                ("rId3", officedoc + "settings", "settings.xml")]
    overrides = {
        "/word/document.xml": f"{MAIN_CT}.document.main+xml",
        "/word/styles.xml": f"{MAIN_CT}.styles+xml",
        "/word/numbering.xml": f"{MAIN_CT}.numbering+xml",
        "/word/settings.xml": f"{MAIN_CT}.settings+xml",
        "/docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
        "/docProps/app.xml": "application/vnd.openxmlformats-officedocument.extended-properties+xml",
    }
    parts: dict[str, str] = {}
    sect_refs = ""
    if spec.header:
        doc_rels.append(("rId4", officedoc + "header", "header1.xml"))
        overrides["/word/header1.xml"] = f"{MAIN_CT}.header+xml"
        parts["word/header1.xml"] = f"{HEAD}<w:hdr {NS}>{_p(spec.header)}</w:hdr>"
        sect_refs += '<w:headerReference w:type="default" r:id="rId4"/>'
    if spec.footer:
        doc_rels.append(("rId5", officedoc + "footer", "footer1.xml"))
        overrides["/word/footer1.xml"] = f"{MAIN_CT}.footer+xml"
        page = ('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE '
                '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>' + _run("1")
                + '<w:r><w:fldChar w:fldCharType="end"/></w:r>')
        parts["word/footer1.xml"] = f"{HEAD}<w:ftr {NS}>{_p('', runs=_run(spec.footer + ' | Page ') + page)}</w:ftr>"
        sect_refs += '<w:footerReference w:type="default" r:id="rId5"/>'
    sect = (f'<w:sectPr>{sect_refs}<w:pgSz w:w="12240" w:h="15840"/><w:pgMar w:top="1440" w:right="1440" '
            'w:bottom="1440" w:left="1440" w:header="708" w:footer="708" w:gutter="0"/></w:sectPr>')
    content_types = (
        f'{HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        + "".join(f'<Override PartName="{k}" ContentType="{v}"/>' for k, v in overrides.items())
        + "</Types>"
    )
    core = (
        f'{HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(spec.title)}</dc:title><dc:creator>{escape(spec.author)}</dc:creator>"
        f"<cp:lastModifiedBy>{escape(spec.author)}</cp:lastModifiedBy><cp:revision>3</cp:revision>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{CORE_TIME}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{CORE_TIME}</dcterms:modified></cp:coreProperties>'
    )
    app = (f'{HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
           "<Application>Microsoft Office Word</Application></Properties>")
    parts.update({
        "[Content_Types].xml": content_types,
        "_rels/.rels": _rels([("rId1", officedoc + "officeDocument", "word/document.xml"),
                              ("rId2", "package/2006/relationships/metadata/core-properties", "docProps/core.xml"),
                              ("rId3", officedoc + "extended-properties", "docProps/app.xml")]),
        "word/_rels/document.xml.rels": _rels(doc_rels),
        "word/document.xml": f"{HEAD}<w:document {NS}><w:body>{''.join(body)}{sect}</w:body></w:document>",
        "word/styles.xml": styles_xml(spec.scheme),
        "word/numbering.xml": numbering_xml(spec.scheme),
        "word/settings.xml": f'{HEAD}<w:settings {NS}><w:defaultTabStop w:val="720"/></w:settings>',
        "docProps/core.xml": core,
        "docProps/app.xml": app,
    })
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(parts, key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, parts[name].encode("utf-8"))
    path = HERE / spec.target
    path.write_bytes(buffer.getvalue())
    return path


# --- PDF ---------------------------------------------------------------------------------------------------


@dataclass
class PdfSpec:
    source: str
    target: str
    title: str
    author: str
    header: str
    footer: str
    font: str = "Helvetica"
    bold: str = "Helvetica-Bold"
    size: float = 10.0
    pagesize: tuple[float, float] = A4
    page_label: str = "Page {n} of {total}"


def _heading_like(para: Para) -> bool:
    text = para.text
    if len(para.lines) == 2 and re.match(r"(ARTICLE|EXHIBIT|SCHEDULE|ANNEX)\b", para.lines[0]):
        return True
    return len(para.lines) == 1 and len(text) <= 90 and _is_caps(text) and not text.endswith(",")


def write_pdf(spec: PdfSpec) -> Path:
    paras = read_paragraphs(HERE / spec.source)
    width, height = spec.pagesize
    margin, leading, gap = 72.0, spec.size * 1.3, spec.size * 0.8
    wrap = width - 2 * margin
    top, bottom = height - margin - 6, margin + 14
    # Lay out first (to know the page count for "Page N of M"), then draw.
    pages: list[list[tuple[str, float, float, str, float]]] = [[]]
    y = top
    signature = False

    def emit(kind: str, text: str, font: str, size: float, need: float = 0.0) -> None:
        nonlocal y
        if y - max(need, size) < bottom:
            pages.append([])
            y = top
        pages[-1].append((kind, margin, y, text, size) if kind != "title" else (kind, width / 2, y, text, size))
        y -= size * 1.3 if kind != "body" else leading

    for index, para in enumerate(paras):
        if index == 0:
            for line in para.lines:
                emit("title", line, spec.bold, spec.size + 4)
            y -= gap
            continue
        if is_signature_start(para):
            signature = True
        if signature and not is_appendix_heading(para):
            lines = para.lines if len(para.lines) > 1 or len(para.text) < 90 else simpleSplit(
                para.text, spec.font, spec.size, wrap)
            for n, line in enumerate(lines):
                emit("body", line, spec.font, spec.size, need=leading * (len(lines) - n))
            y -= gap
            continue
        if is_appendix_heading(para):
            signature = False
            pages.append([])
            y = top
        if _heading_like(para):
            for line in para.lines:
                emit("heading", line, spec.bold, spec.size + 1, need=(spec.size + 1) * 1.3 + leading * 3)
            y -= gap / 2
            continue
        if len(para.lines) > 1 and all(len(line) < 100 for line in para.lines):
            lines = para.lines
        else:
            lines = simpleSplit(para.text, spec.font, spec.size, wrap)
        for line in lines:
            emit("body", line, spec.font, spec.size)
        y -= gap

    path = HERE / spec.target
    c = canvas.Canvas(str(path), pagesize=spec.pagesize, invariant=True)
    c.setTitle(spec.title)
    c.setAuthor(spec.author)
    total = len(pages)
    for n, ops in enumerate(pages, start=1):
        c.setFont(spec.font, 8)
        c.drawString(margin, height - 40, spec.header)
        c.drawString(margin, 36, spec.footer)
        c.drawRightString(width - margin, 36, spec.page_label.format(n=n, total=total))
        for kind, x, y0, text, size in ops:
            if kind == "title":
                c.setFont(spec.bold, size)
                c.drawCentredString(x, y0, text)
            elif kind == "heading":
                c.setFont(spec.bold, size)
                c.drawString(x, y0, text)
            else:
                c.setFont(spec.font, size)
                c.drawString(x, y0, text)
        c.showPage()
    c.save()
    return path


# --- the corpus --------------------------------------------------------------------------------------------

DOCX = [
    DocxSpec("drafts/brightpath_saas_subscription.txt", "drafts/brightpath_saas_subscription.docx", DECIMAL,
             "Brightpath Subscription Agreement", "Brightpath Legal",
             footer="Brightpath Analytics - Subscription Agreement (US) v2026.1"),
    DocxSpec("drafts/meridian_services_msa_sow.txt", "drafts/meridian_services_msa_sow.docx", ARTICLE,
             "Master Professional Services Agreement", "Meridian Systems Integration",
             header="Meridian / Calloway Mutual - MPSA - Consultant draft 1/20/2026", footer="Confidential"),
    DocxSpec("drafts/lumenfield_saas_agreement.txt", "drafts/lumenfield_saas_agreement.docx", DECIMAL,
             "Lumenfield Service Agreement", "Lumenfield Software"),
    DocxSpec("sources/ashgrove_services_agreement.txt", "drafts/ashgrove_services_agreement.docx",
             DECIMAL_STYLED, "Services Agreement", "Ashgrove Digital Limited",
             header="Ashgrove Digital / Pellham Foods - Services Agreement - Supplier draft 12.01.26",
             footer="Subject to contract"),
    DocxSpec("sources/corvane_data_processing_addendum.txt", "drafts/corvane_data_processing_addendum.docx",
             DECIMAL, "Data Processing Addendum", "Corvane Cloud Services Limited",
             header="Corvane Cloud Services Limited - DPA (UK GDPR) - CCS-DPA-UK v5",
             footer="Corvane confidential"),
]

PDF = [
    PdfSpec("drafts/kestrel_mutual_nda.txt", "drafts/kestrel_mutual_nda.pdf", "Mutual Nondisclosure Agreement",
            "Kestrel Robotics, Inc.", "Kestrel Robotics - Mutual NDA - form v4 (2026)", "Kestrel confidential",
            pagesize=LETTER),
    PdfSpec("drafts/veridian_platform_subscription.txt", "drafts/veridian_platform_subscription.pdf",
            "Veridian Ledger Platform: Terms of Subscription", "Veridian Ledger Systems Limited",
            "Veridian Ledger Systems Limited | Terms of Subscription | Draft for Castlemere Building Society",
            "VLS-TOS-2026-03 | Commercial in confidence", font="Times-Roman", bold="Times-Bold", size=10.5),
    PdfSpec("sources/quillon_one_way_nda.txt", "drafts/quillon_one_way_nda.pdf",
            "Confidentiality and Non-Disclosure Agreement", "Quillon Medical Devices Corporation",
            "QUILLON MEDICAL DEVICES CORPORATION", "QMD Form NDA-1 (Rev. 2019)", font="Times-Roman",
            bold="Times-Bold", size=11.0, pagesize=LETTER, page_label="- {n} -"),
    PdfSpec("sources/sterlingfold_software_licence.txt", "drafts/sterlingfold_software_licence.pdf",
            "Software License and Maintenance Agreement", "Sterlingfold Software Corporation",
            "STERLINGFOLD SOFTWARE CORPORATION - CONFIDENTIAL", "SSC SLMA v11 (01/2026)", pagesize=LETTER),
]


def main() -> None:
    for docx_spec in DOCX:
        path = write_docx(docx_spec)
        print(f"wrote {path.relative_to(HERE.parent)} ({path.stat().st_size} bytes)")
    for pdf_spec in PDF:
        path = write_pdf(pdf_spec)
        print(f"wrote {path.relative_to(HERE.parent)} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
