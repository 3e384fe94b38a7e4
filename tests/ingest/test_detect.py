import io
import zipfile

import pytest

from review_service.errors import (
    CorruptFileError,
    EmptyFileError,
    FileTooLargeError,
    TypeMismatchError,
    UnsupportedTypeError,
)
from review_service.ingest import extract, extract_bytes
from review_service.ingest.detect import detect_type, sniff
from review_service.settings import Settings


def _zip(names: list[str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for n in names:
            zf.writestr(n, "<x/>")
    return buf.getvalue()


def test_detect_by_content_not_extension() -> None:
    assert sniff(b"%PDF-1.4 rest") == "pdf"
    assert sniff(_zip(["[Content_Types].xml", "word/document.xml"])) == "docx"
    assert sniff(b"plain words") == "txt"
    # A name with no or an unknown extension is decided by content alone.
    assert detect_type(b"%PDF-1.4 rest", "upload.bin") == "pdf"
    assert detect_type(b"%PDF-1.4 rest", None) == "pdf"


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"%PDF-1.4 ...", "contract.docx"),
        (b"plain text", "contract.pdf"),
        (_zip(["word/document.xml"]), "contract.pdf"),
    ],
)
def test_detect_refuses_a_lying_name(data: bytes, name: str) -> None:
    with pytest.raises(TypeMismatchError) as info:
        detect_type(data, name)
    assert info.value.code == "type_mismatch"
    assert name in info.value.message


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "PNG"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40, "legacy Word"),
        (_zip(["xl/workbook.xml"]), "Excel"),
        (_zip(["readme.txt"]), "zip archive"),
        (bytes(range(256)) * 4, "binary"),
    ],
)
def test_detect_names_unsupported_formats(data: bytes, needle: str) -> None:
    with pytest.raises(UnsupportedTypeError) as info:
        sniff(data)
    assert needle in info.value.message


def test_detect_truncated_zip_is_corrupt() -> None:
    data = _zip(["word/document.xml"])[:30]
    with pytest.raises(CorruptFileError):
        sniff(data)


def test_detect_empty_file(tmp_path) -> None:
    (tmp_path / "empty.pdf").write_bytes(b"")
    with pytest.raises(EmptyFileError):
        extract(tmp_path / "empty.pdf")


def test_detect_size_limit_is_checked_before_reading(tmp_path) -> None:
    settings = Settings(max_upload_bytes=100)
    (tmp_path / "big.txt").write_bytes(b"a" * 101)
    with pytest.raises(FileTooLargeError) as info:
        extract(tmp_path / "big.txt", settings)
    assert "VETTED_MAX_UPLOAD_BYTES" in info.value.message
    with pytest.raises(FileTooLargeError):
        extract_bytes(b"a" * 101, "big.txt", settings)


def test_detect_missing_file_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(Exception) as info:
        extract(tmp_path / "nope.pdf")
    assert getattr(info.value, "code", None) == "unreadable_file"
