"""Segmentation: from a document's text to a clause tree.

The clauses partition the document: each clause owns the text from its marker (``9.3``, ``(b)``,
``ARTICLE IV``, a defined term, ``EXHIBIT A``...) up to the next clause, children excluded, so that every
character of the contract belongs to exactly one clause and the tree is given by ``parent``.

A new clause starts only where a drafter starts one:

- at the start of a paragraph (after a blank line, or a DOCX/PDF block boundary);
- at the start of a line inside a paragraph, when the line before ends a sentence or the marker is the
  number that comes next in the sequence (PDF text keeps its line breaks; a wrapped line that happens to begin
  with ``Section 9.2 of this Agreement`` is a cross-reference, not a clause);
- inside a line only for section numbers (``1.2 Contract Services ...`` run together by an SEC text export),
  and only when the number is the next one in the sequence and follows the end of a sentence.

Lettered and roman items inside one sentence (``(a) was public; (b) is received ...``) stay in their
sentence: splitting them would cut the clause a lawyer reads as one.

Clauses longer than the embedding model's window are split at paragraph, then sentence, boundaries (spaCy),
so that no text is beyond what the model sees.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Literal

from review_service.ingest.document import Document

ClauseKind = Literal[
    "title", "preamble", "recital", "article", "section", "subclause", "definition", "exhibit",
    "paragraph", "signature",
]


@dataclass(frozen=True, slots=True)
class Clause:
    id: str
    number: str | None
    heading: str | None
    level: int
    parent: str | None
    kind: ClauseKind
    start: int
    end: int
    page: int
    text: str

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id, "number": self.number, "heading": self.heading, "level": self.level,
            "parent": self.parent, "kind": self.kind, "start": self.start, "end": self.end,
            "page": self.page, "text": self.text,
        }


# ---------------------------------------------------------------------------------------------------------
# Markers

_ROMAN = r"(?:x{0,3})(?:ix|iv|v?i{0,3})"
_WORD_NUMBERS = {
    w: i + 1 for i, w in enumerate(
        "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "  # noqa: SIM905
        "seventeen eighteen nineteen twenty".split()
    )
}

_ARTICLE = re.compile(
    r"(?P<m>(?:ARTICLE|Article)\s+(?P<n>[IVXLC]+|\d{1,3}|[A-Za-z]+(?:-[A-Za-z]+)?)\b\.?)"
    r"(?:[ \t]*[-:.–—][ \t]*|[ \t]+|$)"
)
_SECTION = re.compile(
    r"(?P<m>(?:SECTION|Section|§)\s*(?P<n>\d{1,3}(?:\.\d{1,3})*[A-Za-z]?)\.?)(?:[ \t]*[-:.–—][ \t]*|[ \t]+|$)"
)
_EXHIBIT = re.compile(
    r"(?P<m>(?:EXHIBIT|Exhibit|SCHEDULE|Schedule|ANNEX|Annex|APPENDIX|Appendix|ATTACHMENT|Attachment|"
    r"ADDENDUM|Addendum)(?:\s+(?P<n>[A-Z0-9][A-Z0-9.\-]{0,5}))?)\b[ \t]*[-:.–—]?"
)
_DECIMAL = re.compile(r"(?P<m>(?P<n>\d{1,3}(?:\.\d{1,3})*)(?:\.|\))?)(?=[ \t]+[^\s\d%$]|\t|$)")
_PAREN = re.compile(r"(?P<m>\((?P<n>[a-zA-Z]{1,4}|\d{1,2})\))(?=[ \t]+\S|\t|$)")
_CLOSE = re.compile(r"(?P<m>(?P<n>[a-zA-Z]{1,4}|\d{1,2})\))(?=[ \t]+\S)")
_LETTER_DOT = re.compile(r"(?P<m>(?P<n>[A-Za-z]|[IVX]{1,5}|[ivx]{1,5})\.)(?=[ \t]+[A-Z\"“(])")
# The items of a schedule of details or an order form: "Item 8. Liability Cap".
_ITEM = re.compile(r"(?P<m>Item[ \t]+(?P<n>\d{1,2})\.?)(?=[ \t]+[A-Z])")
# An exhibit's or schedule's own numbering, prefixed with its letter: "B.1", "A-2", "C.3.1", "B9.".
_LETTERED_DECIMAL = re.compile(r"(?P<m>[A-Z][.-]?(?P<n>\d{1,2}(?:\.\d{1,2})*)\.?)(?=[ \t]+[A-Z\"“(])")


@dataclass(frozen=True, slots=True)
class Marker:
    """A clause number as written, with the style that decides its place in the hierarchy."""

    text: str  # as written: "9.3", "(b)", "ARTICLE IV", "Section 7.2"
    style: str  # "article", "dec" (with depth), "p-alpha", "p-roman", "exhibit"...
    value: tuple[int, ...]  # ordinal(s) for sequence checks
    end: int  # offset just past the marker and its separator, relative to the unit


def _roman_value(s: str) -> int:
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
    s = s.lower()
    total = 0
    for i, ch in enumerate(s):
        v = values[ch]
        total += -v if i + 1 < len(s) and values[s[i + 1]] > v else v
    return total


def _is_roman(s: str) -> bool:
    return bool(s) and re.fullmatch(_ROMAN, s.lower()) is not None


def _alpha_value(s: str) -> int:
    # "aa" after "z", as some drafts continue.
    return (ord(s[0].lower()) - 96) + 26 * (len(s) - 1)


def _item_style(n: str, prefix: str) -> tuple[str, int] | None:
    """Style and ordinal of a lettered, roman or numbered item label."""
    if n.isdigit():
        return f"{prefix}-num", int(n)
    if _is_roman(n) and (len(n) > 1 or n.lower() in "ivx"):
        case = "lower" if n.islower() else "upper"
        return f"{prefix}-roman-{case}", _roman_value(n)
    if len(set(n.lower())) == 1 and n.isalpha() and (n.islower() or n.isupper()):
        case = "lower" if n.islower() else "upper"
        return f"{prefix}-alpha-{case}", _alpha_value(n)
    return None


def find_marker(unit: str) -> Marker | None:
    """The clause marker at the very start of ``unit`` (leading spaces allowed), if any."""
    stripped = unit.lstrip(" \t")
    lead = len(unit) - len(stripped)
    if not stripped:
        return None
    first = stripped[0]
    if first in "AS§aE":
        m = _ARTICLE.match(stripped)
        if m and (m.group("n").isdigit() or _is_roman(m.group("n")) or m.group("n").lower() in _WORD_NUMBERS):
            n = m.group("n")
            value = int(n) if n.isdigit() else _WORD_NUMBERS.get(n.lower()) or _roman_value(n)
            return Marker(m.group("m").rstrip("."), "article", (value,), lead + m.end())
        m = _SECTION.match(stripped)
        if m:
            parts = tuple(int(p) for p in re.findall(r"\d+", m.group("n")))
            return Marker(m.group("m").rstrip("."), f"dec{len(parts)}", parts, lead + m.end())
    if first in "EeSsAa":
        m = _EXHIBIT.match(stripped)
        if m and _exhibit_heading_like(stripped):
            return Marker(m.group("m"), "exhibit", (0,), lead + m.end())
    if first.isdigit():
        m = _DECIMAL.match(stripped)
        if m:
            parts = tuple(int(p) for p in m.group("n").split("."))
            # A bare number needs its dot or bracket ("1." / "1)"): "2019 revenue" is not a clause.
            if len(parts) == 1 and m.group("m") == m.group("n"):
                return None
            if parts[0] > 300 or (len(parts) == 1 and parts[0] > 150):
                return None
            return Marker(m.group("m"), f"dec{len(parts)}", parts, lead + m.end())
        return None
    if first == "(":
        m = _PAREN.match(stripped)
        if m:
            item = _item_style(m.group("n"), "p")
            if item:
                return Marker(m.group("m"), item[0], (item[1],), lead + m.end())
        return None
    if first == "I":
        m = _ITEM.match(stripped)
        if m:
            return Marker(m.group("m").rstrip("."), "item", (int(m.group("n")),), lead + m.end())
    if first.isalpha():
        m = _LETTERED_DECIMAL.match(stripped)
        if m:
            parts = tuple(int(p) for p in m.group("n").split("."))
            return Marker(m.group("m").rstrip("."), f"ldec{len(parts)}", parts, lead + m.end())
        m = _CLOSE.match(stripped)
        if m:
            item = _item_style(m.group("n"), "c")
            if item:
                return Marker(m.group("m"), item[0], (item[1],), lead + m.end())
        m = _LETTER_DOT.match(stripped)
        if m:
            item = _item_style(m.group("n"), "d")
            if item:
                # "I." / "IV." at the top of a document are article-like sections.
                return Marker(m.group("m"), item[0], (item[1],), lead + m.end())
    return None


def _exhibit_heading_like(line: str) -> bool:
    """``Exhibit A`` opening a line is an exhibit only when the line reads as a heading."""
    first_line = line.split("\n", 1)[0].strip()
    if first_line.isupper():
        return True
    return len(first_line) <= 80 and not first_line.rstrip().endswith((",", ";")) and not re.search(
        r"\b(?:to|of|hereto|attached|shall|will|is|are|sets?)\b", first_line[:40].split(" ", 2)[-1]
    )


# ---------------------------------------------------------------------------------------------------------
# Headings, definitions, preamble, signatures

_SMALL_WORDS = {"of", "and", "or", "the", "a", "an", "to", "for", "in", "on", "by", "with", "as", "at", "from",
                "its", "upon", "under", "not", "no", "into", "vs", "v"}
_RUN_IN = re.compile(r"(?P<h>[A-Z][^.:\n\"“”]{0,90}?)(?P<sep>\.(?=[ \t]+\S)|:(?=[ \t]|$)|\.?[ \t]+[-–—][ \t]+)")
_DEFINITION = re.compile(
    r"[ \t]*[\"“”']{1,2}(?P<term>[^\"“”'\n]{1,80}?)[\"“”']{1,2}[ \t,]*(?:\([^)\n]{0,40}\)[ \t,]*)?"
    r"(?:shall[ \t]+mean|means|mean|shall[ \t]+have|has[ \t]+the[ \t]+meaning|have[ \t]+the[ \t]+meanings?|"
    r"refers?[ \t]+to|shall[ \t]+refer|includes|shall[ \t]+include|is[ \t]+defined|:)\b",
    re.IGNORECASE,
)
_BARE_DEFINITION = re.compile(
    r"[ \t]*(?P<term>[A-Z][A-Za-z0-9'’\-]*(?:[ \t]+(?:[A-Z][A-Za-z0-9'’\-]*|of|and|or|the|for|to|in)){0,6})"
    r"[ \t]+(?:shall[ \t]+mean|means)\b"
)
_RECITAL = re.compile(r"[ \t]*(?:WHEREAS|Whereas|RECITALS?|Recitals?|BACKGROUND|Background|WITNESSETH|Witnesseth)\b")
_OPERATIVE = re.compile(r"[ \t]*(?:NOW,?[ \t]+THEREFORE|Now,?[ \t]+[Tt]herefore|THE PARTIES AGREE|"
                        r"[Tt]he [Pp]arties (?:hereto )?(?:hereby )?agree as follows|AGREED TERMS|Agreed [Tt]erms"
                        r"[ \t]*$|IT IS AGREED|It is agreed)")
_SIGNATURE = re.compile(r"[ \t]*(?:IN[ \t]+WITNESS[ \t]+WHEREOF|SIGNATURES?\b|"
                        r"SIGNED[ \t]+(?:FOR[ \t]+AND[ \t]+)?ON[ \t]+BEHALF|SIGNED[ \t]+(?:FOR|BY)[ \t]|"
                        r"Signed[ \t]+(?:for[ \t]+and[ \t]+)?on[ \t]+behalf|"
                        r"Signed[ \t]+(?:for|by)[ \t]+[A-Z]|EXECUTED[ \t]+AS[ \t]+AN?[ \t]+AGREEMENT|"
                        r"Executed[ \t]+as[ \t]+an?[ \t]+agreement|AGREED[ \t]+AND[ \t]+ACCEPTED|"
                        r"In[ \t]+[Ww]itness[ \t]+[Ww]hereof|Agreed[ \t]+and[ \t]+[Aa]ccepted)")
# UK front matter: "PARTIES" introduces the parties, "(1) ACME LIMITED ..." lists them.
_PARTIES = re.compile(r"[ \t]*(?:PARTIES|Parties|BETWEEN|Between)[ \t]*:?[ \t]*$|"
                      r"[ \t]*\(\d\)[ \t]+[A-Z][A-Z0-9&.,' -]{2,}")


def _is_title_case(phrase: str) -> bool:
    words = re.findall(r"[A-Za-z][A-Za-z'’\-]*", phrase)
    if not words or len(words) > 12:
        return False
    big = [w for w in words if w.lower() not in _SMALL_WORDS]
    return bool(big) and all(w[0].isupper() for w in big)


def _is_caps_heading(line: str) -> bool:
    s = line.strip().rstrip(".:")
    letters = [c for c in s if c.isalpha()]
    return (
        3 <= len(s) <= 90 and len(letters) >= 3 and sum(c.isupper() for c in letters) >= 0.9 * len(letters)
        and len(s.split()) <= 12 and not s.endswith(",")
    )


def run_in_heading(body: str) -> tuple[str | None, bool]:
    """The heading written at the start of a clause body, and whether it is the whole first line.

    ``Limitation of Liability. In no event ...`` gives ``Limitation of Liability``; an all-caps or title-case
    line on its own (``LIMITATION OF LIABILITY``) is a heading too.
    """
    first_line = body.split("\n", 1)[0].strip()
    if not first_line:
        return None, False
    m = _RUN_IN.match(first_line)
    if m:
        h = m.group("h").strip()
        rest = first_line[m.end():].lstrip()
        if len(h.split()) <= 10 and not _DEFINITION.match(body) and not _READS_AS_SENTENCE.search(h) and (
            _is_title_case(h) or _is_caps_heading(h) or _is_sentence_case_heading(h, rest)
        ):
            return h.rstrip(" ,"), m.end() >= len(first_line.rstrip())
    bare = first_line.rstrip(".:")
    looks_like_heading = _is_caps_heading(bare) or (_is_title_case(bare) and not bare.endswith(","))
    if len(bare) <= 90 and looks_like_heading and not re.search(r"\.\s", bare) \
            and not _READS_AS_SENTENCE.search(bare):
        return bare, True
    return None, False


# An all-caps sentence ("THE SOFTWARE IS PROVIDED AS IS.") is a shouted term, not a heading.
_READS_AS_SENTENCE = re.compile(
    r"\b(?:shall|will|may|must|is|are|be|been|has|have|agrees?|warrants?|disclaims?|provides?|pays?|hereby|"
    r"does|do)\b", re.IGNORECASE,
)


def _is_sentence_case_heading(h: str, rest: str) -> bool:
    """"Late payments. Overdue amounts ..." : a short capitalised phrase, then a new capitalised sentence."""
    words = h.split()
    return 1 <= len(words) <= 4 and h[0].isupper() and bool(rest) and rest[0].isupper()


# ---------------------------------------------------------------------------------------------------------
# Units: the places where a clause may start


@dataclass(frozen=True, slots=True)
class _Unit:
    start: int
    end: int
    strong: bool  # after a blank line or a block boundary, rather than a line break or inside a line


_PARA_BREAK = re.compile(r"\n[ \t\f\r]*\n|\f")
_INLINE_SECTION = re.compile(r"(?:(?<=[.;:\"”)])[ \t]+|[ \t]{3,})(?=(?:\d{1,3}\.){1,3}\d{0,3}\.?[ \t]+[A-Z\"“])")
_SENTENCE_END = re.compile(r"[.:;\"”)]\s*$")


def _units(doc: Document) -> Iterator[_Unit]:
    """Paragraphs, and the lines inside them, as candidate clause starts."""
    text = doc.text
    bounds = {b.start for b in doc.blocks}
    pos = 0
    for m in _PARA_BREAK.finditer(text):
        yield from _paragraph_units(text, pos, m.start(), bounds)
        pos = m.end()
    yield from _paragraph_units(text, pos, len(text), bounds)


def _paragraph_units(text: str, start: int, end: int, bounds: set[int]) -> Iterator[_Unit]:
    # Block boundaries inside the paragraph (a PDF keeps some paragraphs without a blank line) are strong.
    line_start, first = start, True
    while line_start < end:
        nl = text.find("\n", line_start, end)
        line_end = end if nl < 0 else nl
        if text[line_start:line_end].strip():
            yield _Unit(line_start, line_end, first or line_start in bounds)
            first = False
        line_start = line_end + 1


# ---------------------------------------------------------------------------------------------------------
# The tree


@dataclass
class _Draft:
    """A clause while the tree is being built; ``end`` is set when the next clause starts."""

    id: str
    number: str | None
    heading: str | None
    level: int
    parent: str | None
    kind: ClauseKind
    start: int
    end: int


@dataclass
class _Open:
    style: str
    value: tuple[int, ...]
    index: int  # position in the output list


class _Builder:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.text = doc.text
        self.out: list[_Draft] = []
        self.stack: list[_Open] = []
        self.zone = "front"  # front matter (title, preamble, recitals) until the operative text starts
        self.heading_line_at = -1  # a heading line already taken by the clause above ("ARTICLE I" / "Services")
        self.heading_blocks = {b.start for b in doc.blocks if b.kind in ("heading", "title")}

    # -- sequence knowledge, to tell a clause number from a cross-reference
    def expected(self, marker: Marker) -> bool:
        for o in self.stack:
            if o.style == marker.style:
                return self._follows(o.value, marker.value)
        if marker.style.startswith("dec"):
            depth = len(marker.value)
            for o in reversed(self.stack):
                if o.style.startswith("dec") and len(o.value) == depth - 1:
                    return marker.value[:-1] == o.value and marker.value[-1] in (0, 1)
            if depth == 1:
                return marker.value[0] == 1 and not any(o.style.startswith("dec") for o in self.stack)
            return False
        return marker.value[0] == 1

    @staticmethod
    def _follows(prev: tuple[int, ...], cur: tuple[int, ...]) -> bool:
        if len(prev) != len(cur):
            return False
        return cur[:-1] == prev[:-1] and cur[-1] == prev[-1] + 1

    def resolve_ambiguous(self, marker: Marker) -> Marker:
        """``(i)`` after ``(h)`` is a letter, ``(v)`` after ``(u)`` too; otherwise roman."""
        if "-roman-" in marker.style and len(marker.text.strip("().")) == 1:
            alpha_style = marker.style.replace("roman", "alpha")
            letter = _alpha_value(marker.text.strip("()."))
            for o in self.stack:
                if o.style == alpha_style and o.value[0] == letter - 1:
                    return replace(marker, style=alpha_style, value=(letter,))
            if marker.text.strip("().").lower() != "i":
                # (v) or (x) with no (iv)/(ix) open and no letter sequence: a letter only if one is open.
                roman_open = any(o.style == marker.style for o in self.stack)
                alpha_open = any(o.style == alpha_style for o in self.stack)
                if alpha_open and not roman_open:
                    return replace(marker, style=alpha_style, value=(letter,))
        return marker

    # -- placing a new numbered clause
    def place(self, marker: Marker) -> tuple[int, str | None]:
        """Pop the stack to where ``marker`` belongs; return its level and parent id."""
        style = marker.style
        if style == "exhibit":
            self.stack.clear()
        elif any(o.style == style for o in self.stack):
            while self.stack and self.stack[-1].style != style:
                self.stack.pop()
            self.stack.pop()
        elif style.startswith("dec"):
            depth = len(marker.value)
            while self.stack:
                top = self.stack[-1]
                if top.style in ("article", "exhibit", "heading"):
                    break
                if top.style.startswith("dec") and len(top.value) < depth:
                    break
                self.stack.pop()
        elif style == "article":
            while self.stack and self.stack[-1].style != "exhibit":
                self.stack.pop()
        elif style == "heading":
            while self.stack and self.stack[-1].style not in ("article", "exhibit"):
                self.stack.pop()
        parent = self.out[self.stack[-1].index].id if self.stack else None
        return len(self.stack) + 1, parent

    def open(self, style: str, value: tuple[int, ...], index: int) -> None:
        self.stack.append(_Open(style, value, index))

    def add(self, *, start: int, number: str | None, heading: str | None, level: int, parent: str | None,
            kind: ClauseKind) -> int:
        if self.out:
            self.out[-1].end = start
        self.out.append(_Draft(f"c{len(self.out) + 1}", number, heading, level, parent, kind, start, len(self.text)))
        return len(self.out) - 1

    # -- one unit at a time
    def feed(self, unit: _Unit, prev_line: str) -> None:
        text = self.text
        line = text[unit.start:unit.end]
        if unit.start == self.heading_line_at:
            return
        marker = find_marker(line)
        if marker is not None:
            marker = self.resolve_ambiguous(marker)
            if not unit.strong and not (self.expected(marker) or _SENTENCE_END.search(prev_line)):
                marker = None
            elif not unit.strong and marker.style.startswith(("c-", "d-")) and not self.expected(marker):
                marker = None  # "a) ..." wrapped onto a new line mid-sentence
        if self.zone == "signature" and (marker is None or marker.style != "exhibit"):
            return
        if marker is not None:
            self._numbered(unit, line, marker)
            return
        if _SIGNATURE.match(line) and unit.strong:
            self.zone = "signature"
            self.stack.clear()
            self.add(start=unit.start, number=None, heading=None, level=1, parent=None, kind="signature")
            return
        if not unit.strong:
            return
        if self.zone == "front":
            self._front(unit, line)
            return
        d = _DEFINITION.match(line) or _BARE_DEFINITION.match(line)
        if d:
            self._definition(unit, d.group("term").strip())
            return
        heading, whole_line = run_in_heading(line)
        is_heading_block = unit.start in self.heading_blocks
        if (heading and whole_line and (_is_caps_heading(line) or is_heading_block)) or (
            is_heading_block and heading
        ):
            level, parent = self.place(Marker("", "heading", (0,), 0))
            idx = self.add(start=unit.start, number=None, heading=heading, level=level, parent=parent,
                           kind="section")
            self.open("heading", (0,), idx)
            return
        # An unnumbered paragraph continues the clause before it; over-long clauses are split later.

    def _front(self, unit: _Unit, line: str) -> None:
        if _PARTIES.match(line):
            if not self.out or self.out[-1].kind == "title":
                self.add(start=unit.start, number=None, heading=None, level=1, parent=None, kind="preamble")
            return
        if _OPERATIVE.match(line):
            self.zone = "body"
            kind: ClauseKind = "preamble" if not any(c.kind == "recital" for c in self.out) else "recital"
            self.add(start=unit.start, number=None, heading=None, level=1, parent=None, kind=kind)
            return
        if _RECITAL.match(line):
            heading = None
            if re.match(r"[ \t]*(?:RECITALS?|Recitals?|BACKGROUND|Background)[ \t]*:?[ \t]*$", line):
                heading = line.strip().rstrip(":")
            self.add(start=unit.start, number=None, heading=heading, level=1, parent=None, kind="recital")
            return
        if not self.out:
            kind = "title" if len(line.strip()) <= 120 and not line.rstrip().endswith((".", ",")) else "preamble"
            self.add(start=unit.start, number=None, heading=line.strip() if kind == "title" else None,
                     level=1, parent=None, kind=kind)
            return
        if (_is_caps_heading(line) and self.out[-1].kind != "title") or _DEFINITION.match(line):
            # A heading or a definition before any number: the operative text has started.
            self.zone = "body"
            self.feed(unit, "")
            return
        if self.out[-1].kind == "title" and not _is_caps_heading(line):
            self.add(start=unit.start, number=None, heading=None, level=1, parent=None, kind="preamble")
        # Otherwise the paragraph continues the title, preamble or recital before it.

    def _numbered(self, unit: _Unit, line: str, marker: Marker) -> None:
        if self.zone == "front" and _PARTIES.match(line):
            # "(1) ACME LIMITED, a company incorporated ..." names a party: still the preamble.
            if not self.out or self.out[-1].kind == "title":
                self.add(start=unit.start, number=None, heading=None, level=1, parent=None, kind="preamble")
            return
        if self.zone == "front":
            # Lettered recitals ("A. Vendor provides ...") under RECITALS stay recitals.
            if self.out and self.out[-1].kind == "recital" and marker.style.startswith(("d-alpha", "p-alpha")):
                head = next((c for c in reversed(self.out) if c.kind == "recital" and c.heading), None)
                self.add(start=unit.start + len(line) - len(line.lstrip()), number=marker.text.strip(),
                         heading=None, level=2 if head else 1, parent=head.id if head else None, kind="recital")
                return
            self.zone = "body"
        if self.zone == "signature":
            self.zone = "body"
        body = line[marker.end:]
        heading, _ = run_in_heading(body) if marker.style != "exhibit" else (body.strip(" -:.–—") or None, True)
        if heading is None and not body.strip() and marker.style in ("exhibit", "article", "dec1"):
            # "ARTICLE IV" or "EXHIBIT A" alone on its line: the heading is the line below.
            rest = self.text[unit.end:unit.end + 200]
            below = rest.lstrip().split("\n", 1)[0].strip()
            if below and find_marker(below) is None and (
                _is_caps_heading(below) or (_is_title_case(below) and len(below) <= 80)
            ):
                heading = below.rstrip(".:")
                self.heading_line_at = unit.end + len(rest) - len(rest.lstrip())
        if heading is None and marker.style in ("dec1", "article") and self._heads_its_items(unit, body):
            heading = body.strip()  # "9. Who owns what" over "9.1 Your Materials. ...": a heading in sentence case
        term = _DEFINITION.match(body) or _BARE_DEFINITION.match(body)
        level, parent = self.place(marker)
        kind: ClauseKind
        if marker.style == "exhibit":
            kind = "exhibit"
        elif term and not heading:
            kind, heading = "definition", term.group("term").strip()
        elif marker.style == "article":
            kind = "article"
        elif marker.style.startswith("dec") or marker.style.startswith("d-roman-upper"):
            kind = "section"
        else:
            kind = "subclause"
        start = unit.start + len(line) - len(line.lstrip())
        idx = self.add(start=start, number=marker.text.strip(), heading=heading or None, level=level,
                       parent=parent, kind=kind)
        self.open(marker.style, marker.value, idx)

    def _heads_its_items(self, unit: _Unit, body: str) -> bool:
        """A short line with no sentence in it, alone in its paragraph, followed by the section's first item."""
        words = body.split()
        if not 0 < len(words) <= 8 or body.rstrip().endswith((".", ";", ",", ":")) or "\n" in body.strip() \
                or _READS_AS_SENTENCE.search(body):
            return False
        below = self.text[unit.end:unit.end + 200].lstrip()
        item = find_marker(below.split("\n", 1)[0])
        return item is not None and item.style.startswith("dec") and len(item.value) == 2

    def _definition(self, unit: _Unit, term: str) -> None:
        # A run of definitions sits under the clause that introduced them ("1. Definitions").
        parent_open = self.stack[-1] if self.stack else None
        if parent_open is not None and parent_open.style == "definition":
            self.stack.pop()
            parent_open = self.stack[-1] if self.stack else None
        parent = self.out[parent_open.index].id if parent_open else None
        line = self.text[unit.start:unit.end]
        idx = self.add(start=unit.start + len(line) - len(line.lstrip()), number=None, heading=term,
                       level=len(self.stack) + 1, parent=parent, kind="definition")
        self.open("definition", (0,), idx)


def _inline_splits(doc: Document, units: list[_Unit]) -> list[_Unit]:
    """Split run-together text ("... as follows: 1. Second Amendment. ...") at section numbers in a line."""
    out: list[_Unit] = []
    for u in units:
        segment = doc.text[u.start:u.end]
        if len(segment) < 400 or not _INLINE_SECTION.search(segment):
            out.append(u)
            continue
        pos, strong = u.start, u.strong
        for m in _INLINE_SECTION.finditer(segment):
            cut = u.start + m.end()
            if cut - pos < 20:
                continue
            out.append(_Unit(pos, u.start + m.start(), strong))
            pos, strong = cut, False
        out.append(_Unit(pos, u.end, strong))
    return out


# ---------------------------------------------------------------------------------------------------------
# Splitting what the model cannot see whole


@lru_cache(maxsize=1)
def _sentencizer() -> Any:
    import spacy
    from spacy.symbols import ORTH

    nlp = spacy.blank("en")
    # Abbreviations common in contracts that end in a period but not a sentence.
    for abbr in ("Sec.", "Sect.", "Secs.", "Art.", "No.", "Nos.", "Para.", "para.", "Cl.", "cl.", "Ex.",
                 "Sch.", "approx.", "e.g.", "i.e.", "viz.", "etc.", "Ltd.", "Co.", "Corp.", "Inc.", "S.A.",
                 "N.V.", "B.V.", "L.P.", "L.L.C.", "U.S.C.", "Jr.", "St.", "v.", "vs."):
        nlp.tokenizer.add_special_case(abbr, [{ORTH: abbr}])  # type: ignore[union-attr]
    nlp.add_pipe("sentencizer")
    return nlp


def _sentence_starts(text: str) -> list[int]:
    doc = _sentencizer()(text)
    return [s.start_char for s in doc.sents]


def _split_long(doc: Document, clauses: list[_Draft], window: int) -> list[_Draft]:
    from review_service.matching.model_files import token_starts

    text = doc.text
    out: list[_Draft] = []
    for clause, starts in zip(clauses, token_starts([text[c.start:c.end] for c in clauses]), strict=True):
        size = len(starts) + 2  # with [CLS] and [SEP], as the model counts
        if size <= window or clause.kind == "signature":
            out.append(clause)
            continue
        pieces = _pack(text, clause.start, clause.end, size, window, [clause.start + a for a in starts])
        for i, (a, b) in enumerate(pieces):
            if i == 0:
                out.append(replace(clause, start=a, end=b))
            else:
                out.append(_Draft(f"{clause.id}.{i + 1}", None, clause.heading, clause.level + 1, clause.id,
                                  "paragraph", a, b))
    return out


# Finer and finer places to cut a clause that the model cannot see whole: sentences first, then the
# semicolons and inline enumerations of one long sentence, and as a last resort between words.
_FINE_CUTS = [
    re.compile(r"(?<=[;:])\s+|\s+(?=\(?(?:[a-z]{1,2}|[ivx]{1,5}|\d{1,2})\)\s)|\s+(?=\d{1,3}(?:\.\d{1,3})+\s)"),
    re.compile(r"(?<=,)\s+"),
    re.compile(r"\s+"),
]


def _pack(text: str, start: int, end: int, size: int, window: int, starts: list[int]) -> list[tuple[int, int]]:
    """Cut [start, end) into roughly equal pieces under the window, at the coarsest boundaries that do.
    ``starts``: where the clause's word pieces start in ``text``. Every cut falls on whitespace, so a span's
    pieces are those starting inside it: the clause is tokenized once, not once per candidate span."""

    def pieces_in(a: int, b: int) -> int:
        return bisect.bisect_left(starts, b) - bisect.bisect_left(starts, a)

    return _pack_level(text, start, end, size, window, pieces_in, 0)


def _pack_level(text: str, start: int, end: int, size: int, window: int, pieces_in: Callable[[int, int], int],
                level: int) -> list[tuple[int, int]]:
    chunk = text[start:end]
    if level == 0:
        found = {start + m.end() for m in re.finditer(r"\n\s*\n|\n(?=\s*\S)", chunk)}
        found |= {start + s for s in _sentence_starts(chunk)}
    else:
        found = {start + m.end() for m in _FINE_CUTS[level - 1].finditer(chunk)}
    cuts = sorted(c for c in found | {start} if start <= c < end)
    spans = list(zip(cuts, [*cuts[1:], end], strict=True))
    lengths = [max(pieces_in(a, b), 1) for a, b in spans]  # [CLS]/[SEP] once a piece
    n_pieces = -(-size // (window - 16))
    target = size / n_pieces
    pieces: list[tuple[int, int]] = []
    cur_start, cur_len = start, 0
    for (a, _b), n in zip(spans, lengths, strict=True):
        if cur_len and (cur_len + n > window - 8 or cur_len >= target):
            pieces.append((cur_start, a))
            cur_start, cur_len = a, 0
        cur_len += n
    pieces.append((cur_start, end))
    if level >= len(_FINE_CUTS):
        return pieces
    out: list[tuple[int, int]] = []
    for a, b in pieces:
        n = pieces_in(a, b) + 2  # with [CLS] and [SEP], as the model counts
        out.extend(_pack_level(text, a, b, n, window, pieces_in, level + 1) if n > window else [(a, b)])
    return out


# ---------------------------------------------------------------------------------------------------------


def segment(doc: Document, *, window: int | None = None) -> list[Clause]:
    """The clause tree of ``doc``: clauses in document order, partitioning its text."""
    if window is None:
        from review_service.matching.model_files import max_seq_length

        window = max_seq_length()
    units = _inline_splits(doc, list(_units(doc)))
    builder = _Builder(doc)
    prev_line = ""
    for unit in units:
        builder.feed(unit, prev_line)
        prev_line = doc.text[unit.start:unit.end]
    raw = builder.out
    if not raw:
        raw = [_Draft("c1", None, None, 1, None, "paragraph", 0, len(doc.text))]
    first_text = next((u.start for u in units), 0)
    raw[0].start = min(raw[0].start, first_text)
    raw = _split_long(doc, raw, window)
    return _finish(doc, raw)


def _finish(doc: Document, raw: list[_Draft]) -> list[Clause]:
    """Trim each clause's span to its text and renumber ids in document order."""
    text = doc.text
    ids: dict[str, str] = {}
    clauses: list[Clause] = []
    for r in raw:
        start, end = r.start, r.end
        while end > start and text[end - 1].isspace():
            end -= 1
        while start < end and text[start].isspace():
            start += 1
        if start >= end:
            continue
        new_id = f"c{len(clauses) + 1}"
        ids[r.id] = new_id
        clauses.append(Clause(
            id=new_id, number=r.number, heading=r.heading, level=r.level,
            parent=ids.get(r.parent) if r.parent else None, kind=r.kind,
            start=start, end=end, page=doc.page_at(start), text=text[start:end],
        ))
    return clauses
