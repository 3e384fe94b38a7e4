"""Build real DOCX packages for the ingest tests, part by part, with the XML Word itself writes.

Writing the zip parts directly (rather than patching a python-docx document) gives the tests full control
over numbering.xml, styles.xml, relationships and tracked-change markup; ``test_docx`` checks that
python-docx opens what this module builds.
"""

from __future__ import annotations

import io
import struct
import zipfile
from xml.sax.saxutils import escape, quoteattr

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_NS_DECL = (
    f'xmlns:w="{W_NS}" xmlns:r="{R_NS}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math"'
)
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml"
_DATE = 'w:author="Counsel" w:date="2025-03-01T10:00:00Z"'

# --- runs and inline content -----------------------------------------------------------------------------


def r(text: str, *, rpr: str = "") -> str:
    """A run holding ``text``; tabs and newlines become w:tab and w:br, as Word writes them."""
    pieces = []
    for i, line in enumerate(text.split("\n")):
        if i:
            pieces.append("<w:br/>")
        for j, chunk in enumerate(line.split("\t")):
            if j:
                pieces.append("<w:tab/>")
            if chunk:
                pieces.append(f'<w:t xml:space="preserve">{escape(chunk)}</w:t>')
    props = f"<w:rPr>{rpr}</w:rPr>" if rpr else ""
    return f"<w:r>{props}{''.join(pieces)}</w:r>"


def raw_run(inner: str) -> str:
    return f"<w:r>{inner}</w:r>"


def ins(*content: str, rid: int = 101) -> str:
    return f'<w:ins w:id="{rid}" {_DATE}>{"".join(_inline(c) for c in content)}</w:ins>'


def dele(text: str, rid: int = 102) -> str:
    run = f'<w:r><w:delText xml:space="preserve">{escape(text)}</w:delText></w:r>'
    return f'<w:del w:id="{rid}" {_DATE}>{run}</w:del>'


def move_from(text: str, rid: int = 103) -> str:
    run = f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
    return f'<w:moveFrom w:id="{rid}" {_DATE}>{run}</w:moveFrom>'


def move_to(text: str, rid: int = 104) -> str:
    return f'<w:moveTo w:id="{rid}" {_DATE}>{r(text)}</w:moveTo>'


def hyperlink(text: str, rel_id: str = "rIdLink1") -> str:
    run = r(text, rpr='<w:rStyle w:val="Hyperlink"/>')
    return f'<w:hyperlink r:id="{rel_id}" w:history="1">{run}</w:hyperlink>'


def field(instruction: str, result: str) -> str:
    """A complex field (begin, instruction, separate, result, end), e.g. a cross-reference."""
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {escape(instruction)} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f"{r(result)}"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def page_break() -> str:
    return '<w:r><w:br w:type="page"/></w:r>'


def rendered_page_break() -> str:
    return "<w:r><w:lastRenderedPageBreak/></w:r>"


def _inline(content: str) -> str:
    """Markup passes through; plain text becomes a run."""
    return content if content.lstrip().startswith("<") else r(content)


# --- paragraphs and tables -----------------------------------------------------------------------------


def p(
    *content: str,
    style: str | None = None,
    num: tuple[int, int] | None = None,
    num_id: int | None = None,
    ilvl: int | None = None,
    ppr: str = "",
) -> str:
    """A paragraph; ``num=(numId, ilvl)`` gives it direct list numbering."""
    props = ""
    if style:
        props += f'<w:pStyle w:val="{style}"/>'
    if num is not None:
        num_id, ilvl = num
    if num_id is not None or ilvl is not None:
        props += "<w:numPr>"
        if ilvl is not None:
            props += f'<w:ilvl w:val="{ilvl}"/>'
        if num_id is not None:
            props += f'<w:numId w:val="{num_id}"/>'
        props += "</w:numPr>"
    props += ppr
    ppr_xml = f"<w:pPr>{props}</w:pPr>" if props else ""
    return f"<w:p>{ppr_xml}{''.join(_inline(c) for c in content)}</w:p>"


def tc(*paragraphs: str, tcpr: str = "") -> str:
    body = "".join(x if x.lstrip().startswith("<") else p(x) for x in paragraphs) or "<w:p/>"
    props = f'<w:tcPr><w:tcW w:w="2000" w:type="dxa"/>{tcpr}</w:tcPr>'
    return f"<w:tc>{props}{body}</w:tc>"


def tr(*cells: str, trpr: str = "") -> str:
    props = f"<w:trPr>{trpr}</w:trPr>" if trpr else ""
    return f"<w:tr>{props}{''.join(c if c.startswith('<w:tc>') else tc(c) for c in cells)}</w:tr>"


def table(*rows: str | list[str]) -> str:
    """A table; each row is tr(...) markup or a list of cell texts."""
    xml_rows = [row if isinstance(row, str) else tr(*row) for row in rows]
    cols = max((row.count("<w:tc>") for row in xml_rows), default=1)
    grid = "".join('<w:gridCol w:w="2000"/>' for _ in range(cols))
    return (
        '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{''.join(xml_rows)}</w:tbl>"
    )


# --- numbering -------------------------------------------------------------------------------------------


def lvl(
    ilvl: int,
    fmt: str = "decimal",
    text: str | None = None,
    *,
    start: int = 1,
    restart: int | None = None,
    legal: bool = False,
    pstyle: str | None = None,
    suff: str | None = None,
) -> str:
    text = f"%{ilvl + 1}." if text is None else text
    parts = [f'<w:start w:val="{start}"/>', f'<w:numFmt w:val="{fmt}"/>']
    if restart is not None:
        parts.append(f'<w:lvlRestart w:val="{restart}"/>')
    if pstyle:
        parts.append(f'<w:pStyle w:val="{pstyle}"/>')
    if legal:
        parts.append("<w:isLgl/>")
    if suff:
        parts.append(f'<w:suff w:val="{suff}"/>')
    parts.append(f"<w:lvlText w:val={quoteattr(text)}/>")
    parts.append('<w:lvlJc w:val="left"/>')
    indent = 720 * (ilvl + 1)
    parts.append(f'<w:pPr><w:ind w:left="{indent}" w:hanging="360"/></w:pPr>')
    return f'<w:lvl w:ilvl="{ilvl}">{"".join(parts)}</w:lvl>'


def abstract_num(abstract_id: int, *levels: str, extra: str = "") -> str:
    return (
        f'<w:abstractNum w:abstractNumId="{abstract_id}"><w:nsid w:val="{abstract_id + 0x1A2B3C00:08X}"/>'
        f'<w:multiLevelType w:val="multilevel"/>{extra}{"".join(levels)}</w:abstractNum>'
    )


def num(num_id: int, abstract_id: int, starts: dict[int, int] | None = None, overrides: str = "") -> str:
    body = f'<w:abstractNumId w:val="{abstract_id}"/>'
    for ilvl, start in (starts or {}).items():
        body += f'<w:lvlOverride w:ilvl="{ilvl}"><w:startOverride w:val="{start}"/></w:lvlOverride>'
    return f'<w:num w:numId="{num_id}">{body}{overrides}</w:num>'


def numbering(*items: str) -> str:
    # Word writes every abstractNum before the first num.
    abstracts = [i for i in items if i.startswith("<w:abstractNum ")]
    nums = [i for i in items if not i.startswith("<w:abstractNum ")]
    return f"{_HEAD}<w:numbering {_NS_DECL}>{''.join(abstracts + nums)}</w:numbering>"


# --- styles ----------------------------------------------------------------------------------------------


def style(
    style_id: str,
    name: str,
    *,
    based_on: str | None = "Normal",
    ppr: str = "",
    kind: str = "paragraph",
) -> str:
    based = f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
    props = f"<w:pPr>{ppr}</w:pPr>" if ppr else ""
    head = f'<w:style w:type="{kind}" w:styleId="{style_id}"><w:name w:val="{name}"/>'
    return f"{head}{based}<w:qFormat/>{props}</w:style>"


def _default_styles() -> str:
    headings = "".join(
        style(f"Heading{n}", f"heading {n}", ppr=f'<w:keepNext/><w:outlineLvl w:val="{n - 1}"/>') for n in range(1, 4)
    )
    return (
        '<w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="22"/></w:rPr></w:rPrDefault><w:pPrDefault/>'
        "</w:docDefaults>"
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>'
        "<w:qFormat/></w:style>"
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/></w:style>'
        f"{headings}"
        + style("Title", "Title", ppr="<w:contextualSpacing/>")
        + style("ListParagraph", "List Paragraph", ppr='<w:ind w:left="720"/>')
        + '<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/></w:style>'
    )


# --- the package -----------------------------------------------------------------------------------------


def _rels(*rels: tuple[str, str, str] | tuple[str, str, str, str]) -> str:
    items = []
    for rel in rels:
        rel_id, rel_type, target = rel[:3]
        full_type = rel_type if "://" in rel_type else REL_TYPE + rel_type
        mode = f' TargetMode="{rel[3]}"' if len(rel) > 3 else ""
        items.append(f'<Relationship Id="{rel_id}" Type="{full_type}" Target={quoteattr(target)}{mode}/>')
    return f'{_HEAD}<Relationships xmlns="{REL_NS}">{"".join(items)}</Relationships>'


def _story(root: str, content: str) -> str:
    return f"{_HEAD}<w:{root} {_NS_DECL}>{content}</w:{root}>"


HEADER_TEXT = "CONFIDENTIAL DRAFT header text"
FOOTER_TEXT = "Page footer text 7"
FOOTNOTE_TEXT = "Footnote text that is not body text."
COMMENT_TEXT = "Reviewer comment: check this cap."


def build_docx(
    *body: str,
    numbering_xml: str | None = None,
    styles: str = "",
    extras: bool = True,
    document_rels: tuple[tuple[str, ...], ...] = (),
    settings_rels: tuple[tuple[str, ...], ...] = (),
    replace_parts: dict[str, bytes | str] | None = None,
    sect: str | None = None,
) -> bytes:
    """A complete .docx: body paragraphs/tables plus styles, optional numbering, and (with ``extras``)
    a header, footer, footnote and comment whose text must never reach the extracted body text."""
    doc_rels: list[tuple[str, ...]] = [
        ("rIdStyles", "styles", "styles.xml"),
        ("rIdSettings", "settings", "settings.xml"),
        ("rIdLink1", "hyperlink", "https://example.com/terms", "External"),
    ]
    overrides = {
        "/word/document.xml": f"{_MAIN_CT}.document.main+xml",
        "/word/styles.xml": f"{_MAIN_CT}.styles+xml",
        "/word/settings.xml": f"{_MAIN_CT}.settings+xml",
    }
    parts: dict[str, bytes | str] = {}
    sect_refs = ""
    if extras:
        doc_rels += [
            ("rIdHeader1", "header", "header1.xml"),
            ("rIdFooter1", "footer", "footer1.xml"),
            ("rIdFootnotes", "footnotes", "footnotes.xml"),
            ("rIdComments", "comments", "comments.xml"),
        ]
        overrides.update(
            {
                "/word/header1.xml": f"{_MAIN_CT}.header+xml",
                "/word/footer1.xml": f"{_MAIN_CT}.footer+xml",
                "/word/footnotes.xml": f"{_MAIN_CT}.footnotes+xml",
                "/word/comments.xml": f"{_MAIN_CT}.comments+xml",
            }
        )
        parts["word/header1.xml"] = _story("hdr", p(HEADER_TEXT, style="Header"))
        parts["word/footer1.xml"] = _story("ftr", p(FOOTER_TEXT, style="Footer"))
        parts["word/footnotes.xml"] = _story(
            "footnotes",
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
            f'<w:footnote w:id="1">{p(FOOTNOTE_TEXT)}</w:footnote>',
        )
        parts["word/comments.xml"] = _story(
            "comments",
            f'<w:comment w:id="0" w:author="Reviewer" w:initials="R">{p(COMMENT_TEXT)}</w:comment>',
        )
        sect_refs = (
            '<w:headerReference w:type="default" r:id="rIdHeader1"/>'
            '<w:footerReference w:type="default" r:id="rIdFooter1"/>'
        )
    if numbering_xml is not None:
        doc_rels.append(("rIdNumbering", "numbering", "numbering.xml"))
        overrides["/word/numbering.xml"] = f"{_MAIN_CT}.numbering+xml"
        parts["word/numbering.xml"] = numbering_xml
    doc_rels += list(document_rels)
    sect_xml = (
        sect
        if sect is not None
        else (
            f'<w:sectPr>{sect_refs}<w:pgSz w:w="11906" w:h="16838"/>'
            '<w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" w:header="708" '
            'w:footer="708" w:gutter="0"/>'
            "</w:sectPr>"
        )
    )
    settings_part = '<w:zoom w:percent="100"/><w:defaultTabStop w:val="720"/>'
    if settings_rels:
        settings_part = '<w:attachedTemplate r:id="rIdTemplate"/>' + settings_part
        parts["word/_rels/settings.xml.rels"] = _rels(*settings_rels)  # type: ignore[arg-type]
    content_types = (
        f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="png" ContentType="image/png"/>'
        + "".join(f'<Override PartName="{k}" ContentType="{v}"/>' for k, v in overrides.items())
        + "</Types>"
    )
    parts.update(
        {
            "[Content_Types].xml": content_types,
            "_rels/.rels": _rels(("rId1", "officeDocument", "word/document.xml")),
            "word/document.xml": _story("document", f"<w:body>{''.join(body)}{sect_xml}</w:body>"),
            "word/_rels/document.xml.rels": _rels(*doc_rels),  # type: ignore[arg-type]
            "word/styles.xml": _story("styles", _default_styles() + styles),
            "word/settings.xml": _story("settings", settings_part),
        }
    )
    parts.update(replace_parts or {})
    return zip_parts(parts)


def zip_parts(parts: dict[str, bytes | str], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as zf:
        # [Content_Types].xml first, as Word writes it.
        for name in sorted(parts, key=lambda n: (n != "[Content_Types].xml", n)):
            data = parts[name]
            zf.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    return buffer.getvalue()


def patch_declared_size(data: bytes, name: str, size: int) -> bytes:
    """Rewrite the uncompressed size a zip declares for ``name`` (local and central headers): a liar."""
    out = bytearray(data)
    encoded = name.encode()
    for signature, size_at, name_len_at, name_at in (
        (b"PK\x03\x04", 22, 26, 30),
        (b"PK\x01\x02", 24, 28, 46),
    ):
        pos = out.find(signature)
        while pos != -1:
            (name_len,) = struct.unpack_from("<H", out, pos + name_len_at)
            if bytes(out[pos + name_at : pos + name_at + name_len]) == encoded:
                struct.pack_into("<I", out, pos + size_at, size)
            pos = out.find(signature, pos + 4)
    return bytes(out)


def encrypted_ole() -> bytes:
    """The shape of a password-protected DOCX: an OLE compound file with an EncryptedPackage stream."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    directory = "Root Entry".encode("utf-16-le").ljust(128, b"\x00")
    directory += "EncryptionInfo".encode("utf-16-le").ljust(128, b"\x00")
    directory += "EncryptedPackage".encode("utf-16-le").ljust(128, b"\x00")
    return header + directory + b"\x00" * 1024
