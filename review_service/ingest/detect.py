"""Decide a file's type from its content; the name is only checked for lies."""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

from review_service.errors import EmptyFileError, EncryptedFileError, TypeMismatchError, UnsupportedTypeError
from review_service.ingest.document import DocumentType

# Extensions a user may give, and what each claims to be.
_CLAIMS: dict[str, DocumentType] = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".txt": "txt",
    ".text": "txt",
    ".md": "txt",
    ".markdown": "txt",
}
_NAMES = {"pdf": "a PDF", "docx": "a Word document (DOCX)", "txt": "plain text"}

# Signatures of formats people upload by mistake, so the message can name them.
_KNOWN_BINARIES: list[tuple[bytes, str]] = [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy Word/Excel file (.doc/.xls): save it as DOCX or PDF"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image: Vetted needs the contract's text, not a picture of it"),
    (b"\xff\xd8\xff", "a JPEG image: Vetted needs the contract's text, not a picture of it"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image (a scan?): run OCR and upload the PDF with a text layer"),
    (b"MM\x00*", "a TIFF image (a scan?): run OCR and upload the PDF with a text layer"),
    (b"{\\rtf", "an RTF file: save it as DOCX or PDF"),
    (b"\x7fELF", "a program, not a document"),
    (b"MZ", "a Windows program, not a document"),
    (b"\x1f\x8b", "a gzip archive, not a document"),
]
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A password-protected DOCX is an OLE compound file holding an "EncryptedPackage" stream; the directory
# stores stream names in UTF-16LE.
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def sniff(data: bytes) -> DocumentType:
    """The document type the bytes actually hold, or an error naming what they are instead."""
    if not data:
        raise EmptyFileError("the file is empty (0 bytes): upload the contract again")
    head = data[:1024]
    # PDF readers accept a header anywhere in the first kilobyte.
    if b"%PDF-" in head:
        return "pdf"
    if data[:4] == b"PK\x03\x04" or data[:4] == b"PK\x05\x06":
        return _sniff_zip(data)
    if data.startswith(_OLE_MAGIC) and _ENCRYPTED_PACKAGE in data:
        raise EncryptedFileError(
            "the Word document is password-protected: remove the password in Word "
            "(File > Info > Protect Document) and upload again"
        )
    for magic, what in _KNOWN_BINARIES:
        if data.startswith(magic):
            raise UnsupportedTypeError(f"the file is {what}; Vetted reads PDF, DOCX and plain text")
    if _looks_like_text(data):
        return "txt"
    raise UnsupportedTypeError(
        "the file is neither PDF, DOCX nor text (it looks like binary data); upload the contract as PDF, "
        "DOCX or TXT"
    )


def _sniff_zip(data: bytes) -> DocumentType:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except zipfile.BadZipFile as exc:
        # A truncated DOCX still starts with PK: report it as the broken document it is.
        from review_service.errors import CorruptFileError

        raise CorruptFileError(
            f"the file starts like a Word document (DOCX) but its zip structure is broken ({exc}); "
            "it may be truncated: download or export it again"
        ) from exc
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        raise UnsupportedTypeError("the file is an Excel workbook (XLSX); Vetted reads PDF, DOCX and text")
    if "ppt/presentation.xml" in names:
        raise UnsupportedTypeError("the file is a PowerPoint deck (PPTX); Vetted reads PDF, DOCX and text")
    if "content.xml" in names and "mimetype" in names:
        raise UnsupportedTypeError("the file is an OpenDocument file; save it as DOCX or PDF")
    raise UnsupportedTypeError("the file is a zip archive, not a document; upload the contract itself")


def _looks_like_text(data: bytes) -> bool:
    sample = data[:8192]
    if sample.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return True
    # UTF-16 without a BOM shows NULs in every other byte; other binary has NULs scattered.
    if b"\x00" in sample:
        even, odd = sample[0::2], sample[1::2]
        return even.count(0) > 0.4 * len(even) or odd.count(0) > 0.4 * len(odd)
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls <= len(sample) * 0.01


def claimed_type(filename: str | None) -> DocumentType | None:
    if not filename:
        return None
    return _CLAIMS.get(PurePath(filename).suffix.lower())


def detect_type(data: bytes, filename: str | None = None) -> DocumentType:
    """The type by content; a name whose extension claims a different document type is refused."""
    actual = sniff(data)
    claimed = claimed_type(filename)
    if claimed is not None and claimed != actual:
        raise TypeMismatchError(
            f"{PurePath(filename or '').name!r} is named like {_NAMES[claimed]} but its content is "
            f"{_NAMES[actual]}; rename it to the right extension or upload the intended file"
        )
    return actual
