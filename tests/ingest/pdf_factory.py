"""Real PDFs for the PDF extraction tests, built with reportlab (layout) and pikepdf (encryption, damage).

Lines are placed explicitly (no reflow) so a test knows exactly where each line ends: that is what hyphen
joining, paragraph breaks and header/footer removal are about.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import pikepdf
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen import canvas

WIDTH, HEIGHT = A4
MARGIN = 72.0
FONT, BOLD = "Helvetica", "Helvetica-Bold"

# A paragraph is a string (wrapped to the text width) or a list of lines set exactly as given; a tuple
# ("heading", text) is set in bold and larger.
Paragraph = str | list[str] | tuple[str, str]


def contract_pdf(
    pages: Sequence[Sequence[Paragraph]],
    *,
    header: str | None = "Northwind Supply Ltd - Master Services Agreement",
    footer: str | None = "Confidential",
    page_numbers: str | None = "Page {n} of {total}",
    size: float = 10.0,
    leading: float = 13.0,
    gap: float = 9.0,
) -> bytes:
    """A single-column contract: each page's paragraphs, with a running header, footer and page number."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    total = len(pages)
    for n, paragraphs in enumerate(pages, start=1):
        if header:
            c.setFont(FONT, 8)
            c.drawString(MARGIN, HEIGHT - 40, header)
        y = HEIGHT - MARGIN
        for para in paragraphs:
            if isinstance(para, tuple):
                c.setFont(BOLD, size + 3)
                c.drawString(MARGIN, y, para[1])
                y -= leading + 3 + gap
                continue
            c.setFont(FONT, size)
            lines = para if isinstance(para, list) else simpleSplit(para, FONT, size, WIDTH - 2 * MARGIN)
            for line in lines:
                c.drawString(MARGIN, y, line)
                y -= leading
            y -= gap
        c.setFont(FONT, 8)
        if footer:
            c.drawString(MARGIN, 40, footer)
        if page_numbers:
            c.drawRightString(WIDTH - MARGIN, 40, page_numbers.format(n=n, total=total))
        c.showPage()
    c.save()
    return buf.getvalue()


def two_column_pdf(
    title: str, left: list[str], right: list[str], *, interleaved: bool, rotated: bool = False
) -> bytes:
    """One page: a full-width title, then two columns of lines.

    ``interleaved`` draws the columns row by row (left line, right line, ...), so the content order runs
    across the gutter as some layout programs write it; otherwise column after column. ``rotated`` stores
    a landscape page as a portrait page turned by ``/Rotate 90``, the text drawn up the stored page.
    """
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    page_width, page_height = WIDTH, HEIGHT
    if rotated:
        c.setPageRotation(90)
        c.translate(WIDTH, 0)
        c.rotate(90)
        page_width, page_height = HEIGHT, WIDTH
    c.setFont(BOLD, 14)
    c.drawString(MARGIN, page_height - MARGIN, title)
    c.setFont(FONT, 10)
    left_x, right_x = MARGIN, page_width / 2 + 12
    top = page_height - MARGIN - 30

    def y(i: int) -> float:
        return top - 13 * i

    if interleaved:
        for i in range(max(len(left), len(right))):
            if i < len(left):
                c.drawString(left_x, y(i), left[i])
            if i < len(right):
                c.drawString(right_x, y(i), right[i])
    else:
        for i, line in enumerate(left):
            c.drawString(left_x, y(i), line)
        for i, line in enumerate(right):
            c.drawString(right_x, y(i), line)
    c.showPage()
    c.save()
    return buf.getvalue()


def _noise_image(width: int = 400, height: int = 560) -> ImageReader:
    from PIL import Image, ImageDraw

    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    # Dark bars where lines of text would be: what a scanned page looks like, with no text layer.
    for row in range(40, height - 40, 18):
        draw.rectangle((30, row, width - 30 - (row * 7) % 90, row + 8), fill=40)
    return ImageReader(img)


def scanned_pdf(pages: int = 1, *, text_pages: Sequence[int] = (), page_number: bool = False) -> bytes:
    """Pages that are only an image (no text), except the 1-based ``text_pages``, which carry real text."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for n in range(1, pages + 1):
        if n in text_pages:
            c.setFont(FONT, 10)
            text = c.beginText(MARGIN, HEIGHT - MARGIN)
            for line in [
                "1. Services. The Supplier shall provide the services described in Schedule 1 with",
                "reasonable skill and care and in accordance with good industry practice.",
                "",
                "2. Fees. The Customer shall pay the fees set out in Schedule 2 within thirty days.",
            ]:
                text.textLine(line)
            c.drawText(text)
        else:
            c.drawImage(_noise_image(), 40, 60, width=WIDTH - 80, height=HEIGHT - 120)
        if page_number:
            c.setFont(FONT, 8)
            c.drawCentredString(WIDTH / 2, 30, str(n))
        c.showPage()
    c.save()
    return buf.getvalue()


def blank_pdf(pages: int = 1) -> bytes:
    """Pages with a drawn frame and nothing else: no text, no image."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for _ in range(pages):
        c.rect(MARGIN, MARGIN, WIDTH - 2 * MARGIN, HEIGHT - 2 * MARGIN)
        c.showPage()
    c.save()
    return buf.getvalue()


def encrypted(data: bytes, *, user: str = "", owner: str = "owner-secret") -> bytes:
    """``data`` encrypted with pikepdf (AES-256); an empty ``user`` password opens without one."""
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(user=user, owner=owner, R=6))
    return out.getvalue()


def zero_page_pdf() -> bytes:
    out = io.BytesIO()
    with pikepdf.new() as pdf:
        pdf.save(out)
    return out.getvalue()


def many_pages_pdf(pages: int) -> bytes:
    """``pages`` near-empty pages, each with one short line (cheap to build)."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for n in range(1, pages + 1):
        c.setFont(FONT, 10)
        c.drawString(MARGIN, HEIGHT - MARGIN, f"Clause {n}. The parties agree to this clause.")
        c.showPage()
    c.save()
    return buf.getvalue()
