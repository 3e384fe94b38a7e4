"""PDF text extraction with pypdfium2: pages, paragraphs and headings, without the page furniture.

pdfium gives each page's text in content order with a line break wherever the text moves to a new line. Per
line we read a few boxes (its text rectangles, the baseline of its first and last character, the font size
and weight) and do the layout in plain Python, which keeps a 100-page contract well under a second:

- two-column pages: a vertical band in the middle of the page that no body line's text rectangles touch is a
  gutter; a line pdfium ran across it is split there, and each run of side-by-side lines is read left column
  first, then right column (:func:`_order_columns`);
- running headers, footers and page numbers: among the three top-most and three bottom-most lines of each
  page, a line that looks like a page number ("3", "- 3 -", "Page 3 of 12", "iv") is dropped, and so is a
  line whose text (digits ignored) recurs at the same edge and height on enough pages
  (:func:`_remove_furniture`);
- paragraphs: a new paragraph starts after extra vertical space, where the font size changes, or after a line
  that ends a clause (a full stop, a semicolon, "; and") and stops short of the margin, or where a line
  opens with a clause number ("9.3", "(a)", "ARTICLE IV") after such a line; a paragraph running on from one
  page (or column) to the next is kept whole (:func:`_paragraphs`);
- hyphens at line ends: joined or kept by the rule in :func:`_resolve_hyphen`.

A file that cannot be read in full (password, damage, truncation, no text layer, too many pages) is refused
with a typed error: a review of part of a contract would mislead.
"""

from __future__ import annotations

import ctypes
import math
import re
import statistics
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from review_service.errors import (
    CorruptFileError,
    EmptyFileError,
    EncryptedFileError,
    NoTextError,
    ScannedDocumentError,
    TooManyPagesError,
)
from review_service.ingest.document import Block, BlockKind, Document, Page
from review_service.settings import Settings

__all__ = ["extract_pdf"]

# pdfium is not thread-safe: one document at a time per process (the API may run extractions in threads).
_PDFIUM_LOCK = threading.Lock()

Rect = tuple[float, float, float, float]  # left, bottom, right, top in points, y upwards

# A page with a large image and (after furniture removal) less text than this is a scan without OCR.
_SCAN_MAX_CHARS = 20
_SCAN_MIN_IMAGE_SHARE = 0.25
# Header/footer candidates: this many lines from the top and from the bottom of each page.
_EDGE_LINES = 3
# pdfium marks a hyphen at a line end that it joined to the next line with U+FFFE.
_PDFIUM_HYPHEN = "\ufffe"
_SOFT_HYPHEN = "\u00ad"


@dataclass(slots=True)
class _Line:
    """One line of a page as pdfium reports it (two visual lines when pdfium joined a hyphenated word)."""

    raw: str  # without leading/trailing blanks
    char_start: int  # pdfium char index of raw[0]
    rects: list[Rect]
    baseline: float  # of the first character
    last_baseline: float  # of the last character: lower than ``baseline`` after a hyphen join
    size: float
    bold: bool
    column: int = 0  # 0: full width (or single-column page), 1: left column, 2: right column
    text: str = ""  # cleaned

    @property
    def x0(self) -> float:
        return min(r[0] for r in self.rects)

    @property
    def x1(self) -> float:
        return max(r[2] for r in self.rects)

    @property
    def top(self) -> float:
        return max(r[3] for r in self.rects)

    @property
    def bottom(self) -> float:
        return min(r[1] for r in self.rects)


@dataclass(slots=True)
class _Page:
    number: int
    width: float
    height: float
    lines: list[_Line]
    image_share: float = 0.0  # the largest image's share of the page (measured on pages with little text)


@dataclass(slots=True)
class _Para:
    lines: list[tuple[int, str]] = field(default_factory=list)  # (page number, cleaned line text)
    size: float = 0.0
    bold: bool = True


# --------------------------------------------------------------------------------------------------------
# Entry point


def extract_pdf(data: bytes, source: str, settings: Settings) -> Document:
    """Extract a PDF's text, pages and paragraphs; refuse a file that cannot be read in full."""
    _check_complete(data)
    with _PDFIUM_LOCK:
        pages = _read_pages(data, settings)
    if not any(p.lines for p in pages):
        if any(p.image_share >= _SCAN_MIN_IMAGE_SHARE for p in pages):
            raise ScannedDocumentError(
                f"the PDF looks scanned: its {_count(len(pages), 'page')} are images with no text layer, so "
                "there is no text to review; it needs OCR (a scanner's 'searchable PDF' option, or "
                "Acrobat's 'Recognize text'): run it and upload the result"
            )
        raise NoTextError(
            f"the PDF has {_count(len(pages), 'page')} but no text on them (the text may be drawn as "
            "outlines); export the contract again from the original document, or upload it as DOCX"
        )
    _remove_furniture(pages)
    scanned = [
        p.number
        for p in pages
        if p.image_share >= _SCAN_MIN_IMAGE_SHARE and sum(len(ln.text) for ln in p.lines) < _SCAN_MAX_CHARS
    ]
    if len(scanned) == len(pages):
        raise ScannedDocumentError(
            "the PDF looks scanned: its pages are images with no text layer (the only text is page numbers "
            "or headers); it needs OCR: run it and upload the result"
        )
    warnings: list[str] = []
    if scanned:
        warnings.append(
            f"{_page_list(scanned)} of {len(pages)} look scanned (an image with no text layer): their text "
            "is missing from the review; run OCR on the PDF and upload it again to include them"
        )
    text, page_spans, blocks = _assemble(pages)
    if not text.strip():
        raise NoTextError(
            "the PDF's only text is page numbers, headers and footers: there is no contract text"
        )
    return Document(
        source=source, type="pdf", text=text, pages=page_spans, blocks=blocks, warnings=tuple(warnings)
    )


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _page_list(numbers: list[int]) -> str:
    if len(numbers) == 1:
        return f"page {numbers[0]}"
    shown = ", ".join(str(n) for n in numbers[:20]) + (", ..." if len(numbers) > 20 else "")
    return f"pages {shown}"


# --------------------------------------------------------------------------------------------------------
# Reading with pdfium


def _check_complete(data: bytes) -> None:
    # pdfium quietly rebuilds a truncated file from the objects it finds, which would hand back part of the
    # contract. A complete file ends with %%EOF; bytes after it are tolerated (mail gateways append text),
    # unless they hold PDF objects: then the last (incremental) part of the file was cut off.
    eof = data.rfind(b"%%EOF")
    if eof < 0 or (len(data) - eof > 1024 and _PDF_SYNTAX.search(data, eof)):
        raise CorruptFileError(
            f"the PDF is incomplete: it stops after {len(data):,} bytes without its end-of-file marker, so "
            "it was probably cut off while downloading or copying; download or export it again"
        )


_PDF_SYNTAX = re.compile(rb"\d+\s+\d+\s+obj\b|\bstartxref\b|\bendstream\b")
_NO_PAGES = re.compile(rb"/Type\s*/Pages\b[^>]{0,200}?/Count\s+0\b|/Count\s+0\b[^>]{0,200}?/Type\s*/Pages\b")


def _open_error(exc: pdfium.PdfiumError, data: bytes | None = None) -> Exception:
    code = getattr(exc, "err_code", None)
    if code == pdfium_c.FPDF_ERR_PASSWORD:
        return EncryptedFileError(
            "the PDF is password-protected: it cannot be opened without its password; save or print an "
            "unprotected copy (or ask the sender for one) and upload that"
        )
    if code == pdfium_c.FPDF_ERR_SECURITY:
        return EncryptedFileError(
            "the PDF is password-protected with an encryption scheme Vetted cannot open; save or print an "
            "unprotected copy and upload that"
        )
    if code == pdfium_c.FPDF_ERR_FORMAT and data is not None and _NO_PAGES.search(data):
        # pdfium refuses a page tree without pages as malformed; the person needs to hear it is empty.
        return EmptyFileError("the PDF has no pages: export the contract again and upload the new file")
    return CorruptFileError(
        "the PDF is damaged and cannot be opened (its structure is invalid); open it in a PDF reader to "
        "check, then export or download it again"
    )


def _read_pages(data: bytes, settings: Settings) -> list[_Page]:
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise _open_error(exc, data) from exc
    try:
        count = len(pdf)
        if count <= 0:
            raise EmptyFileError("the PDF has no pages: export the contract again and upload the new file")
        # Refused before any text is read: an oversized file should cost nothing.
        if count > settings.max_pages:
            raise TooManyPagesError(
                f"the PDF has {count} pages, over the limit of {settings.max_pages} (VETTED_MAX_PAGES); "
                "split it into parts or raise the limit"
            )
        pages = []
        for index in range(count):
            try:
                page = pdf[index]
            except pdfium.PdfiumError as exc:
                raise CorruptFileError(
                    f"page {index + 1} of the PDF is damaged and cannot be read; export or download it again"
                ) from exc
            try:
                pages.append(_read_page(page, index + 1))
            except pdfium.PdfiumError as exc:
                raise CorruptFileError(
                    f"the text of page {index + 1} cannot be read: the PDF is damaged; export it again"
                ) from exc
            finally:
                page.close()
        return pages
    finally:
        pdf.close()


_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_BLANKS = " \xa0\t\u3000"


def _read_page(page: pdfium.PdfPage, number: int) -> _Page:
    # Positions are taken into the page as shown: origin at the visible box's bottom left, rotation applied.
    box_left, box_bottom, box_right, box_top = page.get_bbox()
    box_width, box_height = box_right - box_left, box_top - box_bottom
    rotation = page.get_rotation() % 360
    shifted = rotation or box_left or box_bottom

    def shown(r: Rect) -> Rect:
        moved = (r[0] - box_left, r[1] - box_bottom, r[2] - box_left, r[3] - box_bottom)
        return _rotate_rect(moved, rotation, box_width, box_height)

    textpage = page.get_textpage()
    try:
        n_chars = textpage.count_chars()
        text = textpage.get_text_range(0, n_chars) if n_chars > 0 else ""
        raw = textpage.raw
        ox, oy = ctypes.c_double(), ctypes.c_double()
        lines: list[_Line] = []
        pos = 0
        for m in [*_LINE_BREAK.finditer(text), None]:
            end = m.start() if m else len(text)
            seg_start, seg = pos, text[pos:end]
            pos = m.end() if m else len(text)
            body = seg.strip(_BLANKS)
            if not body:
                continue
            first_t = seg_start + len(seg) - len(seg.lstrip(_BLANKS))
            last_t = first_t + len(body) - 1
            # Text and char indices coincide unless pdfium dropped or inserted characters.
            first = pdfium_c.FPDFText_GetCharIndexFromTextIndex(raw, first_t)
            last = pdfium_c.FPDFText_GetCharIndexFromTextIndex(raw, last_t)
            if first < 0 or last < first:
                first, last = first_t, last_t
            n_rects = textpage.count_rects(first, last - first + 1)
            rects = [textpage.get_rect(i) for i in range(n_rects)]
            if not rects:
                continue  # zero-size glyphs: nothing a reader can see
            pdfium_c.FPDFText_GetCharOrigin(raw, first, ctypes.byref(ox), ctypes.byref(oy))
            x_first, baseline = ox.value, oy.value
            pdfium_c.FPDFText_GetCharOrigin(raw, last, ctypes.byref(ox), ctypes.byref(oy))
            x_last, last_baseline = ox.value, oy.value
            size = pdfium_c.FPDFText_GetFontSize(raw, first)
            bold = (
                pdfium_c.FPDFText_GetFontWeight(raw, first) >= 600
                and pdfium_c.FPDFText_GetFontWeight(raw, last) >= 600
            )
            if shifted:
                rects = [shown(r) for r in rects]
                baseline = shown((x_first, baseline, x_first, baseline))[1]
                last_baseline = shown((x_last, last_baseline, x_last, last_baseline))[1]
            lines.append(_Line(body, first, rects, baseline, last_baseline, size, bold))
        width, height = (box_height, box_width) if rotation in (90, 270) else (box_width, box_height)

        def char_left(index: int) -> float:
            box = textpage.get_charbox(index)
            return shown(box)[0] if shifted else box[0]

        lines = _order_columns(lines, width, char_left)
        for ln in lines:
            ln.text = _clean(ln.raw)
        lines = [ln for ln in lines if ln.text]
        image_share = 0.0
        if sum(len(ln.text) for ln in lines) < 200:
            image_share = _image_share(page, width * height)
    finally:
        textpage.close()
    return _Page(number, width, height, lines, image_share)


def _rotate_point(x: float, y: float, rotation: int, w: float, h: float) -> tuple[float, float]:
    # Into the coordinates of the page as displayed (``/Rotate`` turns it clockwise), origin bottom left.
    if rotation == 90:
        return y, w - x
    if rotation == 180:
        return w - x, h - y
    if rotation == 270:
        return h - y, x
    return x, y


def _rotate_rect(r: Rect, rotation: int, w: float, h: float) -> Rect:
    ax, ay = _rotate_point(r[0], r[1], rotation, w, h)
    bx, by = _rotate_point(r[2], r[3], rotation, w, h)
    return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)


def _image_share(page: pdfium.PdfPage, page_area: float) -> float:
    best = 0.0
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=4):
        left, bottom, right, top = obj.get_bounds()
        best = max(best, (right - left) * (top - bottom) / max(page_area, 1.0))
    return min(best, 1.0)


_LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
}
_TRANSLATE = str.maketrans(
    {
        **{chr(c): None for c in range(32) if chr(c) not in "\t"},
        "\t": " ",
        "\xa0": " ",
        "\u3000": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u2009": " ",
        "\u200b": None,
        "\ufeff": None,
        "\x7f": None,
        **_LIGATURES,
    }
)
_SPACES = re.compile(r" {2,}")


def _clean(raw: str) -> str:
    # NFC folds canonical twins some fonts map glyphs to (U+037E for ";"), without touching what NFKC would.
    s = unicodedata.normalize("NFC", raw).translate(_TRANSLATE)
    if _SOFT_HYPHEN in s:
        # A soft hyphen shows only where the line breaks: drop it elsewhere, keep it as a marker at the end.
        tail = s.endswith(_SOFT_HYPHEN)
        s = s.replace(_SOFT_HYPHEN, "") + (_SOFT_HYPHEN if tail else "")
    return _SPACES.sub(" ", s).strip()


# --------------------------------------------------------------------------------------------------------
# Columns


def _find_gutter(lines: list[_Line], width: float) -> tuple[float, float] | None:
    """The x range of a text-free vertical band mid-page with text beside it on both sides, if any."""
    if len(lines) < 6:
        return None
    step = 2.0
    lo, hi = 0.25 * width, 0.75 * width
    n_bins = int((hi - lo) / step)
    diff = [0] * (n_bins + 1)
    for ln in lines:
        # Each line counts once per bin: merge its rectangles' x ranges first.
        spans = sorted(
            (max(0, int((r[0] - 1 - lo) / step)), min(n_bins - 1, int((r[2] + 1 - lo) / step)))
            for r in ln.rects
            if r[2] + 1 >= lo and r[0] - 1 <= hi
        )
        end = -1
        for a, b in spans:
            if b <= end:
                continue
            a = max(a, end + 1)
            diff[a] += 1
            diff[b + 1] -= 1
            end = b
    covered, running = [], 0
    for d in diff[:n_bins]:
        running += d
        covered.append(running)
    # A few lines may cross the gutter (a title, a centred page number); body lines may not.
    allowed = max(1, len(lines) // 12)
    best: tuple[int, int] | None = None
    start = None
    for i, c in enumerate([*covered, allowed + 1]):
        if c <= allowed and start is None:
            start = i
        elif c > allowed and start is not None:
            if best is None or i - start > best[1] - best[0]:
                best = (start, i)
            start = None
    if best is None or (best[1] - best[0]) * step < 8 or best[0] == 0 or best[1] >= n_bins:
        return None  # too narrow for a gutter, or an empty half page rather than a gap between columns
    g0, g1 = lo + best[0] * step, lo + best[1] * step
    left = [ln for ln in lines if any(r[2] <= g0 + 1 for r in ln.rects)]
    right = [ln for ln in lines if any(r[0] >= g1 - 1 for r in ln.rects)]
    if len(left) < 3 or len(right) < 3:
        return None
    # Text columns are about as wide as each other and meet near the middle; a table's gap between a
    # narrow label column and the rest is not a gutter (its rows must stay together).
    left_width = g0 - min(r[0] for ln in left for r in ln.rects)
    right_width = max(r[2] for ln in right for r in ln.rects) - g1
    if not (
        0.35 * width <= (g0 + g1) / 2 <= 0.65 * width and 0.6 <= left_width / max(right_width, 1) <= 1.67
    ):
        return None
    # Side by side: the two sides must share much of their height, else it is not a column layout.
    overlap = min(max(ln.top for ln in left), max(ln.top for ln in right)) - max(
        min(ln.bottom for ln in left), min(ln.bottom for ln in right)
    )
    span = max(ln.top for ln in lines) - min(ln.bottom for ln in lines)
    if overlap < 0.3 * span:
        return None
    return g0, g1


def _order_columns(lines: list[_Line], width: float, char_left: Callable[[int], float]) -> list[_Line]:
    """Put a two-column page's lines in reading order; other pages keep pdfium's (content) order."""
    gutter = _find_gutter(lines, width)
    if gutter is None:
        return lines
    mid = (gutter[0] + gutter[1]) / 2
    pieces: list[_Line] = []
    for ln in lines:
        left = [r for r in ln.rects if r[2] <= mid]
        right = [r for r in ln.rects if r[0] >= mid]
        if len(left) + len(right) < len(ln.rects):
            pieces.append(ln)  # crosses the gutter: a full-width line
        elif not right:
            ln.column = 1
            pieces.append(ln)
        elif not left:
            ln.column = 2
            pieces.append(ln)
        else:
            pieces.extend(_split_line(ln, mid, left, right, char_left))
    # Top to bottom; each run of column lines is read left column first, then right column.
    pieces.sort(key=lambda ln: -ln.baseline)
    ordered: list[_Line] = []
    run: list[_Line] = []
    for piece in [*pieces, None]:
        if piece is not None and piece.column:
            run.append(piece)
            continue
        ordered.extend(x for x in run if x.column == 1)
        ordered.extend(x for x in run if x.column == 2)
        run = []
        if piece is not None:
            ordered.append(piece)
    return ordered


def _split_line(
    ln: _Line, mid: float, left: list[Rect], right: list[Rect], char_left: Callable[[int], float]
) -> list[_Line]:
    """Split a line pdfium ran across the gutter at its first character right of the gutter."""
    cut = len(ln.raw)
    for i, ch in enumerate(ln.raw):
        if ch not in _BLANKS and char_left(ln.char_start + i) >= mid:
            cut = i
            break
    a, b = ln.raw[:cut].rstrip(_BLANKS), ln.raw[cut:]
    out = []
    if a:
        out.append(_Line(a, ln.char_start, left, ln.baseline, ln.baseline, ln.size, ln.bold, 1))
    if b:
        out.append(
            _Line(b, ln.char_start + cut, right, ln.last_baseline, ln.last_baseline, ln.size, ln.bold, 2)
        )
    return out


# --------------------------------------------------------------------------------------------------------
# Running headers, footers and page numbers

_PAGE_NUMBER = re.compile(
    r"""^(?:
        (?:page|pg\.?|p\.)?\s*[-–—(\[]?\s*\d{1,4}\s*[-–—)\]]?                        # 3, - 3 -, (3), Page 3
      | (?:page\s*)?\d{1,4}\s*(?:of|/)\s*\d{1,4}                                   # Page 3 of 12, 3/12
      | (?:page\s*)?[ivxlc]{1,7}                                                   # iv (front matter)
      | (?:page\s*)?[A-Z]{1,2}\s*[-–]\s*\d{1,3}                                    # A-3 (exhibit pages)
    )$""",
    re.X | re.I,
)
_BARE_PAGE_NUMBER = re.compile(
    r"^(?:[-–—]\s*\d{1,4}\s*[-–—]|\d{1,4}|page\s+\d{1,4}(?:\s+of\s+\d{1,4})?)$", re.I
)
_DIGITS = re.compile(r"\d+")


def _isolated_page_numbers(p: _Page, order: list[int]) -> list[int]:
    """Page numbers inside the page: a PDF printed from a text export carries the old page breaks along."""
    gaps = [p.lines[a].baseline - p.lines[b].baseline for a, b in pairwise(order)]
    positive = [g for g in gaps if g > 0.5]
    if not positive:
        return []
    pitch = statistics.median(positive)
    found = []
    for k, i in enumerate(order):
        above = gaps[k - 1] if k > 0 else math.inf
        below = gaps[k] if k < len(gaps) else math.inf
        # A bare number set apart from the text above or below it, like a footer of its own.
        if max(above, below) >= 1.5 * pitch and _BARE_PAGE_NUMBER.match(p.lines[i].text):
            found.append(i)
    return found


def _in_margin(ln: _Line, edge: str, height: float) -> bool:
    return ln.bottom >= 0.8 * height if edge == "top" else ln.top <= 0.2 * height


def _furniture_key(text: str) -> str:
    return _DIGITS.sub("#", " ".join(text.lower().split()))


def _remove_furniture(pages: list[_Page]) -> None:
    """Drop page numbers, and lines repeated at the top or bottom (or, more often, anywhere) of many pages."""
    with_text = [p for p in pages if p.lines]
    n = len(with_text)
    # "Most pages" would miss a footer that changes per exhibit; a quarter still rules out chance repeats.
    needed = 2 if n <= 3 else max(3, math.ceil(0.25 * n))
    # A line repeated away from the page edges must recur on most pages (a text export's old footers).
    needed_inside = max(4, math.ceil(0.5 * n))
    drop: set[tuple[int, int]] = set()
    at_edge: dict[tuple[str, str], list[tuple[int, int, float, float, float]]] = defaultdict(list)
    inside: dict[str, set[tuple[int, int]]] = defaultdict(set)
    for p in with_text:
        order = sorted(range(len(p.lines)), key=lambda i: -p.lines[i].baseline)
        drop.update((p.number, i) for i in _isolated_page_numbers(p, order))
        edges = [("top", i) for i in order[:_EDGE_LINES]] + [("bottom", i) for i in order[-_EDGE_LINES:]]
        for edge, i in edges:
            ln = p.lines[i]
            if _PAGE_NUMBER.match(ln.text):
                drop.add((p.number, i))
            elif n >= 4 or (n >= 2 and _in_margin(ln, edge, p.height)):
                # In a short document a line repeated by chance is likelier: there, only the margins count.
                at_edge[(edge, _furniture_key(ln.text))].append((p.number, i, ln.baseline, ln.size, p.height))
        if n >= 4:
            for i, ln in enumerate(p.lines):
                if len(ln.text) >= 12:
                    inside[_furniture_key(ln.text)].add((p.number, i))
    for occurrences in at_edge.values():
        if len({o[0] for o in occurrences}) < needed:
            continue
        y = statistics.median(o[2] for o in occurrences)
        size = statistics.median(o[3] for o in occurrences)
        # Same height on the page (a signature line at varying heights is not a footer), same size (the
        # cover page's title in large type is the title, not the running header repeating it).
        steady = [o for o in occurrences if abs(o[2] - y) <= 0.05 * o[4] and o[3] <= 1.2 * size]
        if len({o[0] for o in steady}) >= needed:
            drop.update((o[0], o[1]) for o in steady)
    for where in inside.values():
        if len({page for page, _i in where}) >= needed_inside:
            drop.update(where)
    for p in with_text:
        p.lines = [ln for i, ln in enumerate(p.lines) if (p.number, i) not in drop]


# --------------------------------------------------------------------------------------------------------
# Paragraphs

_CLAUSE_START = re.compile(
    r"""^(?:
        (?:ARTICLE|Article|SECTION|Section|SCHEDULE|Schedule|EXHIBIT|Exhibit|ANNEX|Annex|APPENDIX|Appendix)
            \s+[\dIVXLC]+[A-Z]?\b
      | \d{1,3}(?:\.\d{1,3})*\.?\s                       # 9.  9.3  9.3.1
      | \((?:[a-z]{1,2}|[ivxl]{1,6}|\d{1,3}|[A-Z]{1,2})\)\s  # (a) (iv) (1) (A)
      | [A-Z]\.\s | [ivx]{1,5}\.\s | [•▪◦·\-–]\s           # A. iv. bullets
    )""",
    re.X,
)
_ENDS_CLAUSE = re.compile(r"(?:[.;:!?][\"'”’)\]]*|[;,]\s*(?:and|or))$")


def _is_heading_like(text: str) -> bool:
    # isupper: every cased character is upper case and there is at least one.
    return len(text) <= 80 and text.isupper() and sum(c.isalpha() for c in text) >= 3


def _quantile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def _paragraphs(pages: list[_Page]) -> tuple[list[_Para], float]:
    """Group lines into paragraphs (see the module docstring); also return the body font size."""
    all_lines = [ln for p in pages for ln in p.lines]
    sizes: dict[float, int] = defaultdict(int)
    for ln in all_lines:
        sizes[round(ln.size, 1)] += len(ln.text)
    body_size = max(sizes, key=lambda s: sizes[s]) if sizes else 10.0
    ratios = [
        (a.last_baseline - b.baseline) / max(a.size, 1.0)
        for p in pages
        for a, b in zip(p.lines, p.lines[1:], strict=False)
        if a.column == b.column
        and abs(a.size - b.size) < 0.5
        and 0 < a.last_baseline - b.baseline < 3 * a.size
    ]
    # The most common line spacing is the spacing inside paragraphs; more than that separates them.
    pitch = statistics.median(ratios) if ratios else 1.2

    paras: list[_Para] = []
    cur: _Para | None = None
    prev: _Line | None = None
    for p in pages:
        margins = _margins(p)
        for i, ln in enumerate(p.lines):
            if cur is None or prev is None:
                new = True
            elif i == 0 or ln.column != prev.column or ln.baseline > prev.last_baseline + 0.5 * ln.size:
                # A new page, column or text frame: continue only a sentence that is plainly unfinished.
                new = not (_ENDS_CLAUSE.search(prev.text) is None and ln.text[:1].islower())
            else:
                new = _breaks(prev, ln, pitch, margins)
            if new:
                cur = _Para(size=ln.size)
                paras.append(cur)
            assert cur is not None
            cur.lines.append((p.number, ln.text))
            cur.bold = cur.bold and ln.bold
            prev = ln
    return paras, body_size


def _margins(p: _Page) -> dict[int, tuple[float, float]]:
    by_col: dict[int, list[_Line]] = defaultdict(list)
    for ln in p.lines:
        by_col[ln.column].append(ln)
    return {
        c: (_quantile([ln.x0 for ln in lns], 0.1), _quantile([ln.x1 for ln in lns], 0.9))
        for c, lns in by_col.items()
    }


def _breaks(a: _Line, b: _Line, pitch: float, margins: dict[int, tuple[float, float]]) -> bool:
    """Whether line ``b`` starts a new paragraph after line ``a`` on the same page and column."""
    if abs(a.size - b.size) > 1.0:
        return True
    gap = a.last_baseline - b.baseline
    if gap > pitch * max(a.size, b.size) * 1.35 + 0.5:
        return True
    clause_start = _CLAUSE_START.match(b.text) is not None
    ends_clause = _ENDS_CLAUSE.search(a.text) is not None
    if a.bold != b.bold and (clause_start or ends_clause):
        return True
    left, right = margins.get(a.column, (a.x0, a.x1))
    char_w = (a.x1 - a.x0) / max(len(a.text), 1)
    indented = b.x0 > left + 2 * char_w  # a first-line indent
    signals = (
        clause_start
        or ends_clause
        or indented
        or a.bold != b.bold
        or _is_heading_like(a.text)
        or _CLAUSE_START.match(a.text) is not None  # "1.7 Manufacture" above its text
    )
    if not signals:
        return False  # an address or a list of names: lines kept together
    # Line ``a`` was ended on purpose if the first word of ``b`` would have fitted after it.
    first_word = len(b.text.split(" ", 1)[0])
    if right - a.x1 > (first_word + 1.5) * char_w:
        return True
    # A clause number at the start of a line after a finished sentence is a new clause even in justified text.
    return clause_start and ends_clause


# --------------------------------------------------------------------------------------------------------
# Hyphens at line ends

# Left parts of compounds written with a hyphen ("non-compete", "third-party", "co-branded"). Not syllables
# that hyphenation often leaves at a line end ("in-", "ex-", "under-"): those are left to rules 3 and 5.
_COMPOUND_LEFT = frozenset(
    {"non", "co", "self", "third", "pre", "post", "anti", "multi", "cross", "semi", "quasi", "mid", "e"}
    | {"well", "long", "short", "full", "part", "half"}
)
_WORD = re.compile(r"[A-Za-z]+")
_HYPHENATED = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)+")


class _Vocabulary:
    """Words and hyphenated compounds the document spells out in full, read once and only if needed."""

    def __init__(self, paras: list[_Para]) -> None:
        self._paras = paras
        self._sets: tuple[set[str], set[str]] | None = None

    def sets(self) -> tuple[set[str], set[str]]:
        if self._sets is None:
            text = "\n".join(line for para in self._paras for _page, line in para.lines).lower()
            # Fragments around a hyphen at a line end (or pdfium's joined one) are not words.
            text = re.sub(r"\S*[\ufffe\u00ad]\S*|\S+-\n\S+", " ", text)
            self._sets = set(_WORD.findall(text)), set(_HYPHENATED.findall(text))
        return self._sets


def _resolve_hyphen(left: str, right: str, vocab: _Vocabulary, soft: bool = False) -> str:
    """What joins ``left`` and ``right`` split by a hyphen at a line end: ``"-"`` (a real hyphen) or ``""``.

    The rule, first match wins:

    1. a soft hyphen (U+00AD) is a hyphenation point: join ("compen-" + "sation" -> "compensation");
    2. the right part starts with a capital or a digit: keep ("Co-" + "Branded", "Mid-" + "Atlantic");
    3. the document spells the joined word elsewhere: join; it spells the hyphenated word elsewhere: keep;
    4. the left part is a common compound prefix ("non", "third", "self", "co", "pre"...): keep, so
       "non-" + "compete" stays "non-compete";
    5. the right part is a word the document uses on its own ("royalty-" + "free", "pass-" + "through"):
       keep;
    6. otherwise join: the right part is a fragment ("indemni-" + "fication").

    Most contracts are not hyphenated by the word processor, so a hyphen at a line end is more often part of a
    compound than a break in a word; rules 3 to 5 protect those, rule 6 catches real hyphenation.
    """
    if soft:
        return ""
    if not right[:1].islower():
        return "-"
    words, compounds = vocab.sets()
    lo, ro = left.lower(), right.lower()
    if lo + ro in words:
        return ""
    if f"{lo}-{ro}" in compounds:
        return "-"
    if lo in _COMPOUND_LEFT:
        return "-"
    if len(ro) >= 2 and ro in words:
        return "-"
    return ""


_LEFT_WORD = re.compile(r"([A-Za-z]+)$")
_RIGHT_WORD = re.compile(r"^([A-Za-z]+)")
_INLINE_HYPHEN = re.compile(r"([A-Za-z]*)\ufffe([A-Za-z]*)")


def _join_lines(para: _Para, vocab: _Vocabulary) -> list[tuple[int, str, str]]:
    """The paragraph's lines as (page, separator before, text), hyphenated line ends resolved."""
    out: list[tuple[int, str, str]] = []
    for page, line in para.lines:
        if _PDFIUM_HYPHEN in line:
            line = _INLINE_HYPHEN.sub(
                lambda m: (
                    m.group(1) + _resolve_hyphen(m.group(1), m.group(2), vocab) + m.group(2)
                    if m.group(1) and m.group(2)
                    else m.group(1) + "-" + m.group(2)
                ),
                line,
            )
        sep = "\n"
        if out:
            prev_page, prev_sep, prev = out[-1]
            soft = prev.endswith(_SOFT_HYPHEN)
            if soft or prev.endswith("-"):
                lm, rm = _LEFT_WORD.search(prev[:-1]), _RIGHT_WORD.match(line)
                if lm and rm:
                    joint = _resolve_hyphen(lm.group(1), rm.group(1), vocab, soft=soft)
                    out[-1] = (prev_page, prev_sep, prev[:-1] + joint)
                    sep = ""
            if soft and sep:
                out[-1] = (prev_page, prev_sep, prev[:-1])
        out.append((page, sep, line))
    if out and out[-1][2].endswith(_SOFT_HYPHEN):
        page, sep, last = out[-1]
        out[-1] = (page, sep, last[:-1])
    return out


# --------------------------------------------------------------------------------------------------------
# The document text


def _assemble(pages: list[_Page]) -> tuple[str, tuple[Page, ...], tuple[Block, ...]]:
    paras, body_size = _paragraphs(pages)
    vocab = _Vocabulary(paras)
    parts: list[str] = []
    offset = 0
    page_start: dict[int, int] = {}
    page_end: dict[int, int] = {}
    blocks: list[Block] = []
    for para in paras:
        if parts:
            parts.append("\n\n")
            offset += 2
        start = offset
        chunks: list[str] = []
        for i, (page, sep, line) in enumerate(_join_lines(para, vocab)):
            if i:
                chunks.append(sep)
                offset += len(sep)
            page_start.setdefault(page, offset)
            chunks.append(line)
            offset += len(line)
            page_end[page] = offset
        para_text = "".join(chunks)
        parts.append(para_text)
        kind, level = _block_kind(para_text, para, body_size)
        blocks.append(Block(start=start, end=offset, kind=kind, level=level))
    text = "".join(parts)
    spans: list[Page] = []
    last = 0
    for p in pages:
        start = page_start.get(p.number, last)
        end = page_end.get(p.number, start)
        spans.append(Page(number=p.number, start=start, end=end))
        last = end
    return text, tuple(spans), tuple(blocks)


def _block_kind(text: str, para: _Para, body_size: float) -> tuple[BlockKind, int | None]:
    if (
        len(para.lines) > 2
        or len(text) > 120
        or text.endswith((",", ";"))
        or not any(c.isalpha() for c in text)
    ):
        return "paragraph", None
    bigger = para.size >= 1.15 * body_size
    if bigger or para.bold or _is_heading_like(text) or re.match(r"(?:ARTICLE|Article)\s+[\dIVXLC]+\b", text):
        return "heading", 1 if para.size >= 1.3 * body_size or text[:7].lower() == "article" else 2
    return "paragraph", None
