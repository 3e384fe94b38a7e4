"""Word documents (DOCX): the body text in reading order, with Word's automatic numbering written in.

The package is opened with :mod:`zipfile` and the XML walked with lxml, not through python-docx's
``paragraph.text``, which drops tracked insertions and knows nothing of list numbers.

What the text holds (see :mod:`review_service.ingest.document` for the shared conventions):

- body paragraphs and table rows in document order, one block each, separated by a blank line; empty
  paragraphs leave no block;
- the document as it reads with all tracked changes accepted: insertions and moved-to text in, deletions
  and moved-from text out;
- Word's automatic numbering rebuilt from ``numbering.xml`` (direct or style-based, with Word's counting
  rules) and written at the start of the paragraph;
- table rows as their cells joined with ``" | "``; nested tables flattened into their cell;
- not headers, footers, footnotes, endnotes, comments, text boxes, field codes or hidden text.

DOCX has no fixed pages: a new page begins at hard page breaks, at Word's ``lastRenderedPageBreak``
markers (where Word last laid the pages out), at page-starting section breaks and at "page break before".

What it refuses, each with a typed error: broken zips or XML, zip bombs (checked from the zip directory
before anything is inflated, and again while inflating), XML with a DTD, and relationships that would make
Word fetch something from the network when the file is opened (remote templates, linked objects and
images, frames); external hyperlinks are normal in contracts and allowed.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from review_service.errors import (
    CorruptFileError,
    EncryptedFileError,
    NoTextError,
    TooManyPagesError,
    UnsafeDocumentError,
)
from review_service.ingest.document import Block, BlockKind, Document, Page
from review_service.settings import Settings

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = "{" + _W_NS + "}"
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_M_T = "{http://schemas.openxmlformats.org/officeDocument/2006/math}t"
# ISO 29500 Strict documents use other namespace URIs for the same vocabulary; mapping them onto the
# transitional ones before parsing lets one walker read both.
_STRICT_NAMESPACES = [
    (b"http://purl.oclc.org/ooxml/wordprocessingml/main", _W_NS.encode()),
    (b"http://purl.oclc.org/ooxml/officeDocument/relationships", _R_NS.encode()),
]

_P, _R, _T, _TBL, _TR, _TC = (_W + t for t in ("p", "r", "t", "tbl", "tr", "tc"))
_PPR, _RPR, _TRPR, _TCPR = (_W + t for t in ("pPr", "rPr", "trPr", "tcPr"))
_VAL = _W + "val"

# Members this large must not have an absurd compression ratio (small XML parts compress very well).
_RATIO_CHECK_FROM = 1024 * 1024
_READ_CHUNK = 64 * 1024
# Marks a page break inside a paragraph while its text is built; XML text can never contain NUL.
_BREAK = "\x00"

# Inline elements whose content is never displayed text.
_SKIP_INLINE = frozenset(
    _W + t
    for t in (
        "pPr", "rPr", "del", "moveFrom", "sdtPr", "sdtEndPr", "bookmarkStart", "bookmarkEnd",
        "commentRangeStart", "commentRangeEnd", "proofErr", "permStart", "permEnd",
        "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd",
        "customXmlPr", "fldData",
    )
)  # fmt: skip
# Block-level elements to skip: deleted content, section properties, properties of wrappers.
_SKIP_BLOCK = frozenset(_W + t for t in ("del", "moveFrom", "sectPr", "sdtPr", "sdtEndPr", "customXmlPr"))

# Relationship types that are fine to point outside the package: Word never fetches them on open.
_SAFE_EXTERNAL_TYPES = frozenset({"hyperlink"})
_EXTERNAL_WHAT = {
    "attachedtemplate": "an external template",
    "subdocument": "an external sub-document",
    "oleobject": "an externally linked object",
    "image": "a linked image",
    "frame": "an external frame",
    "afchunk": "an external imported document",
    "externallinkpath": "an external data link",
    "package": "an external package",
    "video": "a linked video",
    "audio": "a linked sound",
    "media": "a linked media file",
}


def extract_docx(data: bytes, source: str, settings: Settings) -> Document:
    """Extract a DOCX; corrupt, hostile or textless files get a typed error, never a partial result."""
    with _Package.open(data, settings) as package:
        warnings = package.check_external_references()
        main = package.main_document_name()
        root = package.xml(main)
        if root is None:
            raise CorruptFileError(
                "the file is not a complete Word document: it has no main document part (word/document.xml); "
                "open it in Word, save it again as .docx and upload that"
            )
        body = root.find(_W + "body")
        if root.tag != _W + "document" or body is None:
            raise CorruptFileError(
                f"the Word document is damaged: {main} holds no document body; open it in Word, save it "
                "again as .docx and upload that"
            )
        parts = package.document_parts(main)
        styles = _Styles(package.xml(parts["styles"]) if "styles" in parts else None)
        numbering = _Numbering(package.xml(parts["numbering"]) if "numbering" in parts else None, styles)
    walker = _Walker(styles, numbering, settings.max_pages)
    try:
        walker.walk_body(body)
    except RecursionError as exc:
        # Word never nests this deep (the parser already caps XML depth); refuse rather than crash.
        raise UnsafeDocumentError(
            "the Word document nests tables or content controls too deeply to read safely; "
            "save it again from Word or export a PDF"
        ) from exc
    return walker.document(source, warnings)


# --------------------------------------------------------------------------------------------------------
# The package: zip safety, capped reads, safe XML parsing, relationships


class _Package:
    """A DOCX zip checked against zip bombs before anything is inflated, read with a hard byte budget."""

    def __init__(self, zf: zipfile.ZipFile, settings: Settings) -> None:
        self._zf = zf
        self._settings = settings
        self._budget = settings.max_unzipped_bytes
        # Part names are case-insensitive in OPC packages.
        self._infos = {info.filename.lower(): info for info in zf.infolist() if not info.is_dir()}

    @classmethod
    def open(cls, data: bytes, settings: Settings) -> _Package:
        if not data.startswith(b"PK"):
            # Not a zip at all: let type sniffing name what it is (legacy .doc, encrypted DOCX, PDF...).
            from review_service.ingest.detect import sniff

            what = {"pdf": "a PDF", "txt": "plain text"}.get(sniff(data), "something else")
            raise CorruptFileError(
                f"the file is not a Word document (DOCX): its content is {what}; upload the .docx file itself"
            )
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError, NotImplementedError) as exc:
            raise CorruptFileError(
                f"the Word document (DOCX) is damaged: its zip structure cannot be read ({exc}); it may be "
                "truncated: download or export it again"
            ) from exc
        package = cls(zf, settings)
        try:
            package._check_directory()
        except BaseException:
            zf.close()
            raise
        return package

    def __enter__(self) -> _Package:
        return self

    def __exit__(self, *exc: object) -> None:
        self._zf.close()

    def _check_directory(self) -> None:
        limit, ratio = self._settings.max_unzipped_bytes, self._settings.max_zip_ratio
        total = sum(info.file_size for info in self._infos.values())
        if total > limit:
            raise UnsafeDocumentError(
                f"the Word document would unpack to {total / 1e6:.0f} MB, over the "
                f"{limit / 1e6:.0f} MB limit (VETTED_MAX_UNZIPPED_BYTES); a contract never needs that much: "
                "the file is a zip bomb or carries huge embedded files; remove them and upload again"
            )
        for info in self._infos.values():
            actual = info.file_size / max(info.compress_size, 1)
            if info.file_size > _RATIO_CHECK_FROM and actual > ratio:
                raise UnsafeDocumentError(
                    f"the Word document's part {info.filename} compresses {actual:.0f} to 1 (the limit is "
                    f"{ratio}, VETTED_MAX_ZIP_RATIO): that is a zip bomb, not a contract; upload a document "
                    "saved by Word"
                )
            if info.flag_bits & 0x1:
                raise EncryptedFileError(
                    "the Word document's zip is password-protected: remove the password and upload again"
                )

    def has(self, name: str) -> bool:
        return name.lower() in self._infos

    def read(self, name: str) -> bytes | None:
        """The member's bytes, inflated under the package budget and never past its declared size."""
        info = self._infos.get(name.lower())
        if info is None:
            return None
        chunks: list[bytes] = []
        got = 0
        ratio = self._settings.max_zip_ratio
        try:
            with self._zf.open(info) as member:
                while chunk := member.read(_READ_CHUNK):
                    got += len(chunk)
                    if got > self._budget or got > info.file_size:
                        raise UnsafeDocumentError(
                            f"the Word document's part {info.filename} inflates past "
                            f"{self._settings.max_unzipped_bytes / 1e6:.0f} MB or past its declared size: "
                            "the file is a zip bomb or has been tampered with; upload a document saved by "
                            "Word"
                        )
                    if got > _RATIO_CHECK_FROM and got > ratio * max(info.compress_size, 1):
                        raise UnsafeDocumentError(
                            f"the Word document's part {info.filename} inflates more than {ratio} to 1: "
                            "that is a zip bomb, not a contract; upload a document saved by Word"
                        )
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError) as exc:
            raise CorruptFileError(
                f"the Word document is damaged: its part {info.filename} cannot be unpacked ({exc}); it may "
                "be truncated: download or export it again"
            ) from exc
        self._budget -= got
        return b"".join(chunks)

    def xml(self, name: str) -> etree._Element | None:
        """The member parsed as XML, refusing DTDs; ``None`` when the package has no such member."""
        data = self.read(name)
        return None if data is None else _parse_xml(data, name)

    def main_document_name(self) -> str:
        """The main document part, as the package relationships name it (normally word/document.xml)."""
        for rel in self._relationships("_rels/.rels", ""):
            if rel.type == "officedocument" and not rel.external and self.has(rel.target):
                return rel.target
        return "word/document.xml"

    def document_parts(self, main: str) -> dict[str, str]:
        """The styles and numbering parts of the main document, by relationship type."""
        found: dict[str, str] = {}
        for rel in self._relationships(_rels_name(main), posixpath.dirname(main)):
            if rel.type in ("styles", "numbering") and not rel.external and self.has(rel.target):
                found.setdefault(rel.type, rel.target)
        for kind in ("styles", "numbering"):
            if kind not in found and self.has(f"word/{kind}.xml"):
                found[kind] = f"word/{kind}.xml"
        return found

    def check_external_references(self) -> list[str]:
        """Refuse relationships that make Word fetch from the network on open; warn about local ones.

        Every relationship part is checked, not only the main document's: the classic remote-template
        attack sits in ``word/_rels/settings.xml.rels``.
        """
        warnings: list[str] = []
        for name, info in self._infos.items():
            if not name.endswith(".rels"):
                continue
            source_dir = posixpath.dirname(posixpath.dirname(info.filename))
            for rel in self._relationships(info.filename, source_dir):
                if not rel.external or rel.type in _SAFE_EXTERNAL_TYPES:
                    continue
                what = _EXTERNAL_WHAT.get(rel.type, f"an external {rel.type!r} resource")
                if _is_network_target(rel.raw_target):
                    raise UnsafeDocumentError(
                        f'the Word document links to {what} at "{rel.raw_target}", which Word would fetch '
                        "when the file is opened; Vetted refuses documents that load remote content: remove "
                        "the link (or copy the text into a new document) and upload again"
                    )
                warnings.append(
                    f"the document links to {what} on the author's computer ({rel.raw_target}); "
                    "it was ignored"
                )
        return warnings

    def _relationships(self, name: str, source_dir: str) -> Iterator[_Relationship]:
        root = self.xml(name)
        if root is None:
            return
        for el in root.iter(_PKG_REL):
            rel_type = (el.get("Type") or "").rstrip("/").rsplit("/", 1)[-1].lower()
            raw = el.get("Target") or ""
            external = (el.get("TargetMode") or "").lower() == "external"
            if external:
                target = raw
            elif raw.startswith("/"):
                target = posixpath.normpath(raw.lstrip("/"))
            else:
                target = posixpath.normpath(posixpath.join(source_dir, raw))
            yield _Relationship(rel_type, target, raw, external)


@dataclass(frozen=True, slots=True)
class _Relationship:
    type: str  # the last segment of the type URI, lower case ("officedocument", "hyperlink", ...)
    target: str  # the part name inside the package, for internal targets
    raw_target: str
    external: bool


def _rels_name(part: str) -> str:
    directory, base = posixpath.split(part)
    return posixpath.join(directory, "_rels", base + ".rels")


def _is_network_target(target: str) -> bool:
    """Whether opening ``target`` would touch the network (URLs, UNC paths, file URLs with a host)."""
    t = target.strip().replace("\\", "/")
    if t.startswith("//"):
        return True  # UNC path: Windows sends the user's credentials to that server
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", t)
    if scheme is None or len(scheme.group(1)) == 1:
        return False  # a relative path or a drive letter
    if scheme.group(1).lower() != "file":
        return True
    rest = t[len("file:") :]
    if not rest.startswith("//"):
        return False
    rest = rest[2:]
    if rest.startswith("/"):
        return rest.startswith("//")  # file:////server/share is UNC again
    host = rest.split("/", 1)[0].lower()
    return host not in ("", "localhost")


_DTD_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)


def _parse_xml(data: bytes, name: str) -> etree._Element:
    # No OOXML part has a DTD; one here is an entity-expansion or external-entity attack.
    if any(marker in data for marker in _DTD_MARKERS):
        raise UnsafeDocumentError(
            f"the Word document's part {name} declares a DTD or entities, which Word never writes: "
            "this is an XML attack (external entities or an entity bomb), not a contract; upload a "
            "document saved by Word"
        )
    for strict, transitional in _STRICT_NAMESPACES:
        if strict in data:
            data = data.replace(strict, transitional)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True,
        remove_pis=True,
    )  # fmt: skip
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise CorruptFileError(
            f"the Word document is damaged: its part {name} is not well-formed XML ({exc}); open it in "
            "Word, save it again as .docx and upload that"
        ) from exc
    if root.getroottree().docinfo.doctype:
        raise UnsafeDocumentError(
            f"the Word document's part {name} declares a DTD; upload a document saved by Word"
        )
    return root


def _on(el: etree._Element | None) -> bool:
    """An OOXML on/off property: present without a value, or with a true value."""
    return el is not None and (el.get(_VAL) or "true").lower() not in ("0", "false", "off")


def _int(value: str | None, default: int | None = None) -> int | None:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


# --------------------------------------------------------------------------------------------------------
# Styles: what a paragraph style contributes to numbering, headings and pagination


@dataclass(frozen=True, slots=True)
class _StyleInfo:
    name: str | None
    num_id: str | None  # "0" switches numbering off
    ilvl: int | None
    kind: BlockKind | None  # "heading" or "title" when the style makes one
    heading_level: int | None
    page_break_before: bool
    chain: tuple[str, ...]


_HEADING_NAME = re.compile(r"heading\s*([1-9])")


class _Styles:
    def __init__(self, root: etree._Element | None) -> None:
        self._styles: dict[str, etree._Element] = {}
        self.default_paragraph: str | None = None
        self._cache: dict[str | None, _StyleInfo] = {}
        if root is None:
            return
        for style in root.iter(_W + "style"):
            style_id = style.get(_W + "styleId")
            if style_id is None:
                continue
            self._styles[style_id] = style
            is_default = (style.get(_W + "default") or "0").lower() in ("1", "true", "on")
            if is_default and style.get(_W + "type", "paragraph") == "paragraph":
                self.default_paragraph = style_id

    def numbering_of(self, style_id: str) -> str | None:
        """The numId a numbering style points at (for abstractNum numStyleLink)."""
        style = self._styles.get(style_id)
        if style is None:
            return None
        num_id = style.find(f"{_PPR}/{_W}numPr/{_W}numId")
        return num_id.get(_VAL) if num_id is not None else None

    def info(self, style_id: str | None) -> _StyleInfo:
        if style_id not in self._cache:
            self._cache[style_id] = self._resolve(style_id)
        return self._cache[style_id]

    def _chain(self, style_id: str | None) -> list[etree._Element]:
        chain: list[etree._Element] = []
        current = style_id if style_id in self._styles else self.default_paragraph
        while current is not None and current in self._styles and len(chain) < 32:
            style = self._styles[current]
            if style in chain:
                break  # a basedOn loop
            chain.append(style)
            based_on = style.find(_W + "basedOn")
            current = based_on.get(_VAL) if based_on is not None else None
        return chain

    def _resolve(self, style_id: str | None) -> _StyleInfo:
        chain = self._chain(style_id)
        name = None
        if chain:
            name_el = chain[0].find(_W + "name")
            name = name_el.get(_VAL) if name_el is not None else chain[0].get(_W + "styleId")
        num_id = None
        ilvl = None
        kind: BlockKind | None = None
        level = None
        decided = False
        page_break: bool | None = None
        for style in chain:
            ppr = style.find(_PPR)
            if ppr is not None:
                num_pr = ppr.find(_W + "numPr")
                if num_pr is not None:
                    if num_id is None and (el := num_pr.find(_W + "numId")) is not None:
                        num_id = el.get(_VAL)
                    if ilvl is None and (el := num_pr.find(_W + "ilvl")) is not None:
                        ilvl = _int(el.get(_VAL))
                if page_break is None and (el := ppr.find(_W + "pageBreakBefore")) is not None:
                    page_break = _on(el)
            if decided:
                continue
            # The nearest style that says anything about outline level decides whether this is a heading.
            outline = ppr.find(_W + "outlineLvl") if ppr is not None else None
            name_el = style.find(_W + "name")
            style_name = (name_el.get(_VAL) or "").strip().lower() if name_el is not None else ""
            if outline is not None:
                decided = True
                value = _int(outline.get(_VAL), 9)
                if value is not None and 0 <= value <= 8:
                    kind, level = "heading", value + 1
            elif (match := _HEADING_NAME.fullmatch(style_name)) is not None:
                decided, kind, level = True, "heading", int(match.group(1))
            elif style_name == "title":
                decided, kind = True, "title"
        return _StyleInfo(
            name=name,
            num_id=num_id,
            ilvl=ilvl,
            kind=kind,
            heading_level=level,
            page_break_before=bool(page_break),
            chain=tuple(s.get(_W + "styleId") or "" for s in chain),
        )


# --------------------------------------------------------------------------------------------------------
# Numbering: Word's list counters


@dataclass(frozen=True, slots=True)
class _Level:
    start: int
    fmt: str
    text: str | None
    restart: int | None  # lvlRestart: None = after any shallower level, 0 = never, n = after level n-1
    legal: bool
    suffix: str
    pstyle: str | None


@dataclass(slots=True)
class _Num:
    abstract_id: str
    start_overrides: dict[int, int]
    level_overrides: dict[int, _Level]


@dataclass(slots=True)
class _Counters:
    values: list[int | None] = field(default_factory=lambda: [None] * 9)


@dataclass(frozen=True, slots=True)
class _ListNumber:
    text: str  # the rendered number, e.g. "1.2", "(a)", "Article IV"; "" for bullets and empty templates
    suffix: str  # what follows it in the text
    bullet: bool


def _parse_level(lvl: etree._Element) -> _Level:
    def val(tag: str) -> str | None:
        el = lvl.find(_W + tag)
        return el.get(_VAL) if el is not None else None

    text_el = lvl.find(_W + "lvlText")
    suffix = {"space": " ", "nothing": ""}.get(val("suff") or "tab", " ")
    return _Level(
        start=_int(val("start"), 1) or 0,
        fmt=(val("numFmt") or "decimal"),
        text=text_el.get(_VAL) if text_el is not None else None,
        restart=_int(val("lvlRestart")),
        legal=_on(lvl.find(_W + "isLgl")),
        suffix=suffix,
        pstyle=val("pStyle"),
    )


class _Numbering:
    """numbering.xml, and the running counters as the body is walked in order.

    Counters live on the abstract definition, after ``numStyleLink`` indirection: ``w:num`` instances that
    share one continue one another's counting, as Word does. A ``startOverride`` restarts its level the
    first time its instance is used at that level.
    """

    def __init__(self, root: etree._Element | None, styles: _Styles) -> None:
        self._styles = styles
        self._abstracts: dict[str, dict[int, _Level]] = {}
        self._style_links: dict[str, str] = {}
        self._nums: dict[str, _Num] = {}
        self._counters: dict[str, _Counters] = {}
        self._used: set[tuple[str, int]] = set()
        self._levels_cache: dict[str, tuple[str, dict[int, _Level]]] = {}
        # A level's pStyle ties a paragraph style to (abstract, level).
        self.style_levels: dict[str, tuple[str, int]] = {}
        if root is None:
            return
        for abstract in root.iter(_W + "abstractNum"):
            abstract_id = abstract.get(_W + "abstractNumId")
            if abstract_id is None:
                continue
            levels: dict[int, _Level] = {}
            for lvl in abstract.findall(_W + "lvl"):
                ilvl = _int(lvl.get(_W + "ilvl"))
                if ilvl is not None and 0 <= ilvl <= 8:
                    levels[ilvl] = _parse_level(lvl)
                    if levels[ilvl].pstyle:
                        self.style_levels.setdefault(levels[ilvl].pstyle or "", (abstract_id, ilvl))
            self._abstracts[abstract_id] = levels
            link = abstract.find(_W + "numStyleLink")
            if link is not None and link.get(_VAL):
                self._style_links[abstract_id] = link.get(_VAL) or ""
        for num in root.iter(_W + "num"):
            num_id, abstract_ref = num.get(_W + "numId"), num.find(_W + "abstractNumId")
            if num_id is None or abstract_ref is None or abstract_ref.get(_VAL) is None:
                continue
            starts: dict[int, int] = {}
            overrides: dict[int, _Level] = {}
            for override in num.findall(_W + "lvlOverride"):
                ilvl = _int(override.get(_W + "ilvl"))
                if ilvl is None or not 0 <= ilvl <= 8:
                    continue
                start = override.find(_W + "startOverride")
                if start is not None and (value := _int(start.get(_VAL))) is not None:
                    starts[ilvl] = value
                lvl = override.find(_W + "lvl")
                if lvl is not None:
                    overrides[ilvl] = _parse_level(lvl)
            self._nums[num_id] = _Num(abstract_ref.get(_VAL) or "", starts, overrides)

    def _abstract_of(self, num_id: str) -> str | None:
        """The abstract definition holding the levels, following numStyleLink through numbering styles."""
        num = self._nums.get(num_id)
        abstract_id = num.abstract_id if num else None
        seen: set[str] = set()
        while abstract_id is not None and abstract_id in self._style_links and abstract_id not in seen:
            seen.add(abstract_id)
            linked_num = self._styles.numbering_of(self._style_links[abstract_id])
            linked = self._nums.get(linked_num or "")
            if linked is None:
                break
            abstract_id = linked.abstract_id
        return abstract_id if abstract_id in self._abstracts else None

    def levels(self, num_id: str) -> tuple[str, dict[int, _Level]] | None:
        """The abstract id (the counter key) and the effective levels of a numbering instance."""
        if num_id in self._levels_cache:
            return self._levels_cache[num_id]
        abstract_id = self._abstract_of(num_id)
        if abstract_id is None:
            return None
        levels = dict(self._abstracts[abstract_id])
        levels.update(self._nums[num_id].level_overrides)
        self._levels_cache[num_id] = (abstract_id, levels)
        return abstract_id, levels

    def num_for_abstract(self, abstract_id: str) -> str | None:
        """A numbering instance of ``abstract_id``, for styles tied to a level only by the level's pStyle."""
        ids = [n for n, num in self._nums.items() if num.abstract_id == abstract_id]
        return min(ids, key=lambda n: (_int(n, 0), n)) if ids else None

    def next(self, num_id: str, ilvl: int) -> _ListNumber | None:
        """Advance the counter for a paragraph at (num_id, ilvl) and render its number."""
        resolved = self.levels(num_id)
        if resolved is None:
            return None
        abstract_id, levels = resolved
        ilvl = min(max(ilvl, 0), 8)
        level = levels.get(ilvl)
        if level is None:
            return None
        values = self._counters.setdefault(abstract_id, _Counters()).values
        first_use = (num_id, ilvl) not in self._used
        self._used.add((num_id, ilvl))
        override = self._nums[num_id].start_overrides.get(ilvl)
        if first_use and override is not None:
            values[ilvl] = override
        elif values[ilvl] is None:
            values[ilvl] = level.start
        else:
            values[ilvl] = (values[ilvl] or 0) + 1
        for deeper in range(ilvl + 1, 9):
            restart = levels[deeper].restart if deeper in levels else None
            if restart is None or restart - 1 >= deeper or (restart != 0 and ilvl < restart):
                values[deeper] = None
        if level.fmt == "bullet":
            return _ListNumber("", level.suffix, bullet=True)
        return _ListNumber(_render(level, levels, values), level.suffix, bullet=False)


def _render(level: _Level, levels: dict[int, _Level], values: list[int | None]) -> str:
    def placeholder(match: re.Match[str]) -> str:
        index = int(match.group(1)) - 1
        ref = levels.get(index)
        value = values[index] if values[index] is not None else (ref.start if ref else 1)
        fmt = ref.fmt if ref else "decimal"
        if level.legal and fmt not in ("none", "bullet"):
            fmt = "decimal"  # "legal" numbering shows every level as Arabic numerals
        return _format_number(value or 0, fmt)

    return re.sub(r"%([1-9])", placeholder, level.text or "").strip()


_ROMAN = [
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
    (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
]  # fmt: skip
_ONES = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
]  # fmt: skip
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_ORDINAL_WORDS = {
    "one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
    "nine": "ninth", "twelve": "twelfth",
}  # fmt: skip


def _roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
    out = []
    for value, letters in _ROMAN:
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)


def _letters(n: int) -> str:
    # Word goes a..z, then aa, bb, cc (the letter repeated), not aa, ab.
    if not 0 < n <= 26 * 30:
        return str(n)  # past 30 repeats Word gives up too; a hostile w:start must not build a huge string
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _words(n: int) -> str:
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    hundreds, rest = divmod(n, 100)
    return f"{_ONES[hundreds]} hundred" + (f" and {_words(rest)}" if rest else "")


def _ordinal_words(n: int) -> str:
    words = _words(n)
    head, sep, last = words.rpartition("-") if "-" in words else words.rpartition(" ")
    if last in _ORDINAL_WORDS:
        last = _ORDINAL_WORDS[last]
    elif last.endswith("y"):
        last = last[:-1] + "ieth"
    else:
        last += "th"
    return head + sep + last


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("decimal", "decimalFullWidth", "decimalHalfWidth"):
        return str(n)
    if fmt == "decimalZero":
        return f"{n:02d}" if 0 <= n < 10 else str(n)
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperRoman":
        return _roman(n)
    if fmt in ("none", "bullet"):
        return ""
    if fmt == "ordinal":
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix}"
    if fmt == "cardinalText" and 0 <= n < 1000:
        return _words(n).capitalize()
    if fmt == "ordinalText" and 0 < n < 1000:
        return _ordinal_words(n).capitalize()
    if fmt == "decimalEnclosedParen":
        return f"({n})"
    if fmt == "decimalEnclosedFullstop":
        return f"{n}."
    if fmt == "decimalEnclosedCircle" and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    return str(n)


# --------------------------------------------------------------------------------------------------------
# Text of runs

# Symbol-font characters (w:sym) that are letters in disguise: Greek in the Symbol font, boxes in Wingdings.
_SYMBOL_GREEK = dict(
    zip(
        range(0x41, 0x7B),
        "ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ[∴]⊥_‾αβχδεφγηιϕκλμνοπθρστυϖωξψζ",
        strict=True,
    )
)
_SYMBOL_OTHER = {0xB7: "•", 0xD2: "®", 0xD3: "©", 0xD4: "™", 0xA3: "≤", 0xB3: "≥", 0xB1: "±", 0xB4: "×"}
_WINGDINGS = {
    0xA8: "☐",
    0x6F: "☐",
    0x71: "☐",
    0xFE: "☒",
    0xFD: "☒",
    0xFC: "✓",
    0x9F: "•",
    0xA7: "▪",
    0x6C: "●",
}
_CONTROL = re.compile(r"[\x01-\x08\x0e-\x1f\x7f]")
_LINE_BREAKS = re.compile(r"[\r\x0b\x0c\x85\u2028\u2029]")
_NEWLINES = re.compile(r"[ \t]*\n\s*")


def _symbol(sym: etree._Element) -> str:
    try:
        code = int(sym.get(_W + "char") or "", 16)
    except ValueError:
        return ""
    font = (sym.get(_W + "font") or "").lower()
    if code >= 0xF000:
        code -= 0xF000  # symbol fonts are addressed through the private use area
    if font.startswith("wingdings"):
        return _WINGDINGS.get(code, "")
    if font == "symbol":
        return (
            _SYMBOL_GREEK.get(code) or _SYMBOL_OTHER.get(code) or (chr(code) if 0x20 <= code < 0x7F else "")
        )
    return chr(code) if 0x20 <= code <= 0x10FFFF and not 0xD800 <= code < 0xE000 else ""


def _normalize(raw: str, *, strip_end: bool = True) -> str:
    """One paragraph's text: no control characters, no blank line inside, no surrounding whitespace."""
    text = _CONTROL.sub("", _LINE_BREAKS.sub("\n", raw))
    text = _NEWLINES.sub("\n", text).lstrip()
    return text.rstrip() if strip_end else text


def _finish(raw: str) -> tuple[str, list[int]]:
    """Normalized text and the offsets of the page breaks marked in ``raw``."""
    if _BREAK not in raw:
        return _normalize(raw), []
    pieces = raw.split(_BREAK)
    text = _normalize("".join(pieces))
    breaks: list[int] = []
    prefix = ""
    for piece in pieces[:-1]:
        prefix += piece
        breaks.append(min(len(_normalize(prefix, strip_end=False)), len(text)))
    return text, breaks


# --------------------------------------------------------------------------------------------------------
# The walk over the body


@dataclass(slots=True)
class _Paragraph:
    text: str
    breaks: list[int]  # page breaks at these offsets of text (len(text) = after the paragraph)
    kind: BlockKind
    level: int | None
    number: str | None
    style: str | None
    break_before: bool
    break_after: bool
    mark_deleted: bool


class _Walker:
    """Walks the body in order, building the text, blocks and pages as it goes."""

    def __init__(self, styles: _Styles, numbering: _Numbering, max_pages: int) -> None:
        self._styles = styles
        self._numbering = numbering
        self._max_pages = max_pages
        self._parts: list[str] = []
        self._length = 0
        self._blocks: list[Block] = []
        self._page_starts = [0]
        self._pending_break = False
        self._carry = ""  # text of a paragraph whose mark was deleted, joined to the next paragraph
        # Open complex fields, innermost last: False while in the instruction, True once in the result.
        # Only result text is shown; a nested field's result inside an instruction is not.
        self._fields: list[bool] = []
        self._tracked = False
        self._hidden_chars = 0
        self._drawings = 0
        self._text_boxes = 0
        self._alt_chunks = 0

    # Output ---------------------------------------------------------------------------------------------

    def _new_page(self, offset: int) -> None:
        if offset <= self._page_starts[-1]:
            return  # breaks at one position make one new page, not blank ones
        self._page_starts.append(offset)
        if len(self._page_starts) > self._max_pages:
            raise TooManyPagesError(
                f"the Word document has more than {self._max_pages} pages, over the limit "
                "(VETTED_MAX_PAGES); split the document or raise the limit"
            )

    def _emit(
        self,
        text: str,
        breaks: list[int],
        kind: BlockKind = "paragraph",
        level: int | None = None,
        number: str | None = None,
        style: str | None = None,
    ) -> None:
        if not text:
            if breaks:
                self._pending_break = True
            return
        start = self._length + (2 if self._parts else 0)
        if self._parts:
            self._parts.append("\n\n")
        if self._pending_break or 0 in breaks:
            self._new_page(start)
        self._pending_break = False
        for offset in breaks:
            if 0 < offset < len(text):
                self._new_page(start + offset)
            elif offset >= len(text):
                self._pending_break = True
        self._parts.append(text)
        self._length = start + len(text)
        self._blocks.append(
            Block(start=start, end=self._length, kind=kind, level=level, number=number, style=style)
        )

    def document(self, source: str, warnings: list[str]) -> Document:
        text = "".join(self._parts)
        if not text.strip():
            if self._drawings:
                raise NoTextError(
                    f"the Word document holds no text, only {self._drawings} picture(s) or drawing(s): it "
                    "looks like a scan pasted into Word; run OCR on the scan and upload a text PDF or DOCX"
                )
            raise NoTextError("the Word document holds no text: there is no contract text to review")
        starts = self._page_starts
        pages = tuple(
            Page(number=i + 1, start=s, end=starts[i + 1] if i + 1 < len(starts) else len(text))
            for i, s in enumerate(starts)
        )
        notes = list(warnings)
        if self._tracked:
            notes.append("the document has tracked changes: the text is read as if all of them were accepted")
        if self._hidden_chars:
            notes.append(f"{self._hidden_chars} characters of hidden text were left out")
        if self._text_boxes:
            notes.append(f"{self._text_boxes} text box(es) were left out: check them for contract terms")
        if self._alt_chunks:
            notes.append(f"{self._alt_chunks} imported document chunk(s) (altChunk) were left out")
        return Document(
            source=source,
            type="docx",
            text=text,
            pages=pages,
            blocks=tuple(self._blocks),
            warnings=tuple(notes),
        )

    # Block level ----------------------------------------------------------------------------------------

    def walk_body(self, body: etree._Element) -> None:
        self._blocks_in(body)
        self._flush_carry()

    def _blocks_in(self, container: etree._Element) -> None:
        for child in container:
            tag = child.tag
            if tag == _P:
                self._body_paragraph(child)
            elif tag == _TBL:
                self._flush_carry()
                for row_text, row_break in self._table_rows(child):
                    self._emit(row_text, [0] if row_break else [], "table_row")
            elif tag in _SKIP_BLOCK or not isinstance(tag, str):
                if tag in (_W + "del", _W + "moveFrom"):
                    self._tracked = True
            elif tag == _W + "altChunk":
                self._alt_chunks += 1
            elif tag == _MC + "AlternateContent":
                self._blocks_in(_choice(child))
            else:
                # sdt, sdtContent, customXml, ins, moveTo and anything unknown: their content is body content
                if tag in (_W + "ins", _W + "moveTo"):
                    self._tracked = True
                self._blocks_in(child)

    def _flush_carry(self) -> None:
        if self._carry:
            text, breaks = _finish(self._carry)
            self._carry = ""
            self._emit(text, breaks)

    def _body_paragraph(self, p: etree._Element) -> None:
        carry, self._carry = self._carry, ""
        para = self._paragraph(p, carry=carry)
        if para.mark_deleted:
            # Accepting the deletion of a paragraph mark joins the paragraph to the next one.
            self._carry = carry + self._raw_text(p)
            return
        if para.break_before:
            self._pending_break = True
        self._emit(para.text, para.breaks, para.kind, para.level, para.number, para.style)
        if para.break_after:
            self._pending_break = True

    def _table_rows(self, tbl: etree._Element) -> Iterator[tuple[str, bool]]:
        """Each row as its cells' text joined with " | ", and whether a page break falls in the row."""
        for tr in _children(tbl, _TR):
            trpr = tr.find(_TRPR)
            if trpr is not None and trpr.find(_W + "del") is not None:
                self._tracked = True
                continue  # a deleted row
            cells: list[str] = []
            row_break = False
            for tc in _children(tr, _TC):
                tcpr = tc.find(_TCPR)
                if tcpr is not None:
                    vmerge, hmerge = tcpr.find(_W + "vMerge"), tcpr.find(_W + "hMerge")
                    # A continuation of a merged cell shows the first cell's text, already taken.
                    if vmerge is not None and vmerge.get(_VAL, "continue") != "restart":
                        continue
                    if hmerge is not None and hmerge.get(_VAL, "continue") != "restart":
                        continue
                    if tcpr.find(_W + "cellDel") is not None:
                        continue
                lines: list[str] = []
                for text, has_break in self._cell_content(tc):
                    row_break = row_break or has_break
                    if text:
                        lines.append(text)
                if lines:
                    cells.append("\n".join(lines))
            yield _normalize(" | ".join(cells)), row_break

    def _cell_content(self, container: etree._Element) -> Iterator[tuple[str, bool]]:
        carry = ""
        for child in container:
            tag = child.tag
            if tag == _P:
                para = self._paragraph(child, carry=carry)
                if para.mark_deleted:
                    carry += self._raw_text(child)
                    continue
                carry = ""
                yield para.text, bool(para.breaks) or para.break_before
            elif tag == _TBL:
                yield from self._table_rows(child)
            elif tag in _SKIP_BLOCK or tag == _TCPR or not isinstance(tag, str):
                continue
            elif tag == _MC + "AlternateContent":
                yield from self._cell_content(_choice(child))
            else:
                yield from self._cell_content(child)
        if carry:
            text, breaks = _finish(carry)
            yield text, bool(breaks)

    # Paragraphs -----------------------------------------------------------------------------------------

    def _paragraph(self, p: etree._Element, carry: str = "") -> _Paragraph:
        ppr = p.find(_PPR)
        style_id = direct_num = direct_ilvl = None
        outline = None
        break_before = break_after = mark_deleted = False
        if ppr is not None:
            if (el := ppr.find(_W + "pStyle")) is not None:
                style_id = el.get(_VAL)
            num_pr = ppr.find(_W + "numPr")
            if num_pr is not None:
                if (el := num_pr.find(_W + "numId")) is not None:
                    direct_num = el.get(_VAL)
                if (el := num_pr.find(_W + "ilvl")) is not None:
                    direct_ilvl = _int(el.get(_VAL))
            if (el := ppr.find(_W + "outlineLvl")) is not None:
                outline = _int(el.get(_VAL))
            if (el := ppr.find(_W + "pageBreakBefore")) is not None:
                break_before = _on(el)
            sect = ppr.find(_W + "sectPr")
            if sect is not None:
                sect_type = sect.find(_W + "type")
                sect_kind = sect_type.get(_VAL, "nextPage") if sect_type is not None else "nextPage"
                break_after = sect_kind in ("nextPage", "evenPage", "oddPage")
            mark = ppr.find(_RPR)
            if mark is not None:
                mark_deleted = mark.find(_W + "del") is not None or mark.find(_W + "moveFrom") is not None
                if mark_deleted or mark.find(_W + "ins") is not None:
                    self._tracked = True
        info = self._styles.info(style_id)
        if ppr is None or ppr.find(_W + "pageBreakBefore") is None:
            break_before = info.page_break_before
        if mark_deleted:
            # The paragraph no longer exists once changes are accepted: it takes no list number.
            return _Paragraph("", [], "paragraph", None, None, info.name, False, False, True)

        number = self._list_number(info, direct_num, direct_ilvl)
        text, breaks = _finish(carry + self._raw_text(p))

        kind: BlockKind = "paragraph"
        level: int | None = None
        if outline is not None and 0 <= outline <= 8:
            kind, level = "heading", outline + 1
        elif info.kind is not None:
            kind, level = info.kind, info.heading_level
        shown: str | None = None
        if number is not None:
            if kind == "paragraph" and (number[0].text or number[0].bullet):
                kind, level = "list_item", number[1]
            if number[0].text:
                shown = number[0].text
                prefix = shown + number[0].suffix
                if text:
                    text = prefix + text
                    breaks = [b + len(prefix) if b > 0 else 0 for b in breaks]
        return _Paragraph(text, breaks, kind, level, shown, info.name, break_before, break_after, False)

    def _list_number(
        self, info: _StyleInfo, direct_num: str | None, direct_ilvl: int | None
    ) -> tuple[_ListNumber, int] | None:
        num_id = direct_num if direct_num is not None else info.num_id
        ilvl = direct_ilvl if direct_ilvl is not None else info.ilvl
        if num_id is None:
            # A style tied to a list only through a level's pStyle.
            for style_id in info.chain:
                if style_id in self._numbering.style_levels:
                    abstract_id, style_ilvl = self._numbering.style_levels[style_id]
                    num_id = self._numbering.num_for_abstract(abstract_id)
                    ilvl = style_ilvl if ilvl is None else ilvl
                    break
        if num_id is None or num_id == "0":
            return None
        if ilvl is None:
            ilvl = 0
            # Style-based numbering usually gives no level: the level whose pStyle is the style says it.
            resolved = self._numbering.levels(num_id)
            if resolved is not None:
                for style_id in info.chain:
                    found = [i for i, lvl in resolved[1].items() if lvl.pstyle == style_id]
                    if found:
                        ilvl = found[0]
                        break
        number = self._numbering.next(num_id, ilvl)
        return (number, min(max(ilvl, 0), 8)) if number is not None else None

    def _raw_text(self, p: etree._Element) -> str:
        out: list[str] = []
        self._inline(p, out)
        # A field result may run on over paragraphs (a table of contents); an instruction that has not
        # reached its result by the end of the paragraph is malformed and must not hide what follows.
        if False in self._fields:
            self._fields = [in_result for in_result in self._fields if in_result]
        return "".join(out)

    def _inline(self, el: etree._Element, out: list[str]) -> None:
        for child in el:
            tag = child.tag
            if tag == _R:
                self._run(child, out)
            elif tag in _SKIP_INLINE or not isinstance(tag, str):
                if tag in (_W + "del", _W + "moveFrom"):
                    self._tracked = True
            elif tag == _MC + "AlternateContent":
                self._inline(_choice(child), out)
            elif tag == _M_T:
                out.append(child.text or "")
            elif tag in (_P, _TBL):
                continue  # block content inside inline content is malformed; never join it in
            else:
                # ins, moveTo, hyperlink, smartTag, sdt/sdtContent, fldSimple, customXml, dir, bdo, math...
                if tag in (_W + "ins", _W + "moveTo"):
                    self._tracked = True
                self._inline(child, out)

    def _run(self, r: etree._Element, out: list[str]) -> None:
        rpr = r.find(_RPR)
        hidden = rpr is not None and _on(rpr.find(_W + "vanish"))
        if hidden:
            self._hidden_chars += sum(len(t.text or "") for t in r.iter(_T))
        for child in r:
            tag = child.tag
            if tag == _W + "fldChar":
                # Field characters open and close fields even in hidden runs.
                self._field_char(child)
            elif hidden or False in self._fields:
                continue  # hidden text, or a field instruction (including nested fields' results)
            elif tag == _T:
                out.append(child.text or "")
            elif tag in (_W + "tab", _W + "ptab"):
                out.append("\t")
            elif tag == _W + "br":
                out.append(_BREAK if child.get(_W + "type") == "page" else "\n")
            elif tag == _W + "cr":
                out.append("\n")
            elif tag == _W + "lastRenderedPageBreak":
                out.append(_BREAK)
            elif tag == _W + "noBreakHyphen":
                out.append("-")
            elif tag == _W + "sym":
                out.append(_symbol(child))
            elif tag in (_W + "drawing", _W + "pict", _W + "object"):
                self._note_drawing(child)
            elif tag == _MC + "AlternateContent":
                self._run(_choice(child), out)
            elif tag == _W + "ruby":
                base = child.find(_W + "rubyBase")
                if base is not None:
                    self._inline(base, out)
            elif tag in (_W + "delText", _W + "delInstrText"):
                self._tracked = True
            # instrText, fldChar, footnote/endnote/comment references and the rest carry no body text.

    def _field_char(self, fld: etree._Element) -> None:
        kind = fld.get(_W + "fldCharType")
        if kind == "begin":
            self._fields.append(False)
        elif kind == "separate" and self._fields:
            self._fields[-1] = True
        elif kind == "end" and self._fields:
            self._fields.pop()

    def _note_drawing(self, el: etree._Element) -> None:
        self._drawings += 1
        for box in el.iter(_W + "txbxContent"):
            if any((t.text or "").strip() for t in box.iter(_T)):
                self._text_boxes += 1


def _choice(alternate: etree._Element) -> etree._Element:
    """The branch of mc:AlternateContent to read: the first Choice, else the Fallback (never both)."""
    for branch in alternate:
        if branch.tag in (_MC + "Choice", _MC + "Fallback"):
            return branch
    return etree.Element("empty")


def _children(el: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Children with ``tag``, looking through content controls, custom XML and tracked insertions."""
    for child in el:
        if child.tag == tag:
            yield child
        elif child.tag in (_W + "sdt", _W + "sdtContent", _W + "customXml", _W + "ins", _W + "moveTo"):
            yield from _children(child, tag)
