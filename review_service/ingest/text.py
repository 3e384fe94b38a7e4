"""Plain text and Markdown, with the encoding detected.

The document text is the file's content exactly as decoded (no normalisation), so clause offsets point into
the file a user has on disk.
"""

from __future__ import annotations

import codecs

from review_service.errors import EncodingError, NoTextError
from review_service.ingest.document import Document, Page
from review_service.settings import Settings

_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def decode(data: bytes) -> str:
    """Decode text: BOM first, then strict UTF-8, BOM-less UTF-16, cp1252, then charset detection."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    sample = data[:4096]
    if sample.count(0):
        even_nuls, odd_nuls = sample[0::2].count(0), sample[1::2].count(0)
        try:
            return data.decode("utf-16-le" if odd_nuls > even_nuls else "utf-16-be")
        except UnicodeDecodeError:
            pass
    try:
        # cp1252 is what Word and Windows editors write; only five byte values are undefined in it.
        return data.decode("cp1252")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise EncodingError(
            "the text file's character encoding could not be recognised; save it as UTF-8 and upload again"
        )
    return str(best)


def extract_txt(data: bytes, source: str, settings: Settings) -> Document:
    text = decode(data)
    if not text.strip():
        raise NoTextError("the text file holds only whitespace: there is no contract text to review")
    # Form feeds are page breaks in text exports; otherwise the whole file is one page.
    pages, start = [], 0
    for i, chunk in enumerate(text.split("\f")):
        end = start + len(chunk)
        pages.append(Page(number=i + 1, start=start, end=end))
        start = end + 1
    if len(pages) > settings.max_pages:
        from review_service.errors import TooManyPagesError

        raise TooManyPagesError(f"the file has {len(pages)} pages, over the limit of {settings.max_pages}")
    return Document(source=source, type="txt", text=text, pages=tuple(pages))
