"""The extracted document: one text, its pages, and the structural blocks found in it.

Every extractor returns a :class:`Document`. Offsets are character offsets into ``Document.text``;
everything downstream (clauses, evidence, redlines) points into that one string.

Text conventions shared by all extractors, which the segmenter relies on:

- a paragraph (a DOCX paragraph, a PDF text block, a TXT paragraph) never contains a blank line;
- paragraphs are separated by a blank line (``"\n\n"``) where the extractor knows the boundary; a PDF may
  also keep the original line breaks inside a paragraph (single ``"\n"``);
- numbering that the source renders but does not store as text (Word's automatic list numbers) is written
  into the text, followed by a tab or space, so the clause number reads as it does on screen;
- running headers, footers and page numbers are not in the text.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Literal

DocumentType = Literal["pdf", "docx", "txt"]
BlockKind = Literal["paragraph", "heading", "list_item", "table_row", "title"]


@dataclass(frozen=True, slots=True)
class Page:
    """A page of the source, 1-based, as a span of the document text."""

    number: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Block:
    """A paragraph-level unit the extractor knows about (DOCX paragraphs, PDF text blocks).

    ``level`` is the heading level (1 = top) for headings and the list level (0 = top) for list items.
    ``number`` is the list number the extractor rebuilt (already written into the text at ``start``).
    """

    start: int
    end: int
    kind: BlockKind = "paragraph"
    level: int | None = None
    number: str | None = None
    style: str | None = None


@dataclass(frozen=True)
class Document:
    source: str
    type: DocumentType
    text: str
    pages: tuple[Page, ...]
    blocks: tuple[Block, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    @property
    def page_count(self) -> int:
        return len(self.pages)

    def page_at(self, offset: int) -> int:
        """The 1-based page number holding ``offset`` (the last page for an offset at the very end)."""
        if not self.pages:
            return 1
        starts = [p.start for p in self.pages]
        i = bisect.bisect_right(starts, offset) - 1
        return self.pages[max(0, min(i, len(self.pages) - 1))].number

    def summary(self) -> dict[str, object]:
        return {"source": self.source, "type": self.type, "pages": self.page_count, "chars": len(self.text)}
