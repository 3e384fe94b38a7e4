"""Ingest: turn a PDF, DOCX or text file into a :class:`Document`, refusing bad input with typed errors."""

from __future__ import annotations

from pathlib import Path

from review_service.errors import FileTooLargeError, InputError
from review_service.ingest.detect import detect_type
from review_service.ingest.document import Block, Document, Page
from review_service.settings import Settings, get_settings

__all__ = ["Block", "Document", "Page", "extract", "extract_bytes"]


def extract_bytes(data: bytes, filename: str | None = None, settings: Settings | None = None) -> Document:
    """Extract a document from bytes; ``filename`` names the source and is checked against the content."""
    settings = settings or get_settings()
    if len(data) > settings.max_upload_bytes:
        raise FileTooLargeError(
            f"the file is {len(data) / 1e6:.1f} MB, over the {settings.max_upload_bytes / 1e6:.0f} MB limit "
            "(VETTED_MAX_UPLOAD_BYTES); split the document or raise the limit"
        )
    kind = detect_type(data, filename)
    source = filename or "<bytes>"
    if kind == "pdf":
        from review_service.ingest.pdf import extract_pdf

        return extract_pdf(data, source, settings)
    if kind == "docx":
        from review_service.ingest.docx import extract_docx

        return extract_docx(data, source, settings)
    from review_service.ingest.text import extract_txt

    return extract_txt(data, source, settings)


def extract(path: str | Path, settings: Settings | None = None) -> Document:
    """Extract the document at ``path``."""
    settings = settings or get_settings()
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > settings.max_upload_bytes:
            raise FileTooLargeError(
                f"{path.name} is {size / 1e6:.1f} MB, over the {settings.max_upload_bytes / 1e6:.0f} MB limit "
                "(VETTED_MAX_UPLOAD_BYTES); split the document or raise the limit"
            )
        data = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}", code="unreadable_file") from exc
    return extract_bytes(data, str(path), settings)
