"""Reading an uploaded file within the size limit, and checking it is a readable contract before anything is
stored (a corrupt, encrypted, scanned or empty document is refused at upload, not later by the worker)."""

from __future__ import annotations

from fastapi import UploadFile

from review_service.errors import EmptyFileError, FileTooLargeError
from review_service.ingest import extract_bytes
from review_service.settings import Settings


def read_upload(file: UploadFile, settings: Settings) -> tuple[bytes, str]:
    """The file's bytes (never more than the limit plus one byte are read) and its name."""
    limit = settings.max_upload_bytes
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise FileTooLargeError(f"the file is over the {limit / 1e6:.0f} MB limit (VETTED_MAX_UPLOAD_BYTES): "
                                "split the document or ask an admin to raise it")
    if not data:
        raise EmptyFileError("the file is empty (0 bytes): upload the contract again")
    return data, (file.filename or "").strip()


def check_document(data: bytes, filename: str, settings: Settings) -> None:
    """Extract the document once to refuse what the review could never read; raises the ingest error."""
    extract_bytes(data, filename or None, settings)
