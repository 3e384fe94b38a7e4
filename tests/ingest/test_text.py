import codecs

import pytest

from review_service.errors import EmptyFileError, EncodingError, NoTextError, TypeMismatchError
from review_service.ingest import extract, extract_bytes
from review_service.ingest.text import decode

SAMPLE = "12.1 Governing Law. This Agreement is governed by the laws of England and Wales — “quoted” £5,000.\n"


@pytest.mark.parametrize(
    "encoded",
    [
        SAMPLE.encode("utf-8"),
        codecs.BOM_UTF8 + SAMPLE.encode("utf-8"),
        SAMPLE.encode("utf-16"),  # with BOM
        SAMPLE.encode("utf-16-le"),  # without BOM
        SAMPLE.encode("utf-16-be"),
        SAMPLE.encode("cp1252"),
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "utf16le", "utf16be", "cp1252"],
)
def test_text_decode_detects_encoding(encoded: bytes) -> None:
    assert decode(encoded) == SAMPLE


def test_text_offsets_point_into_the_file(tmp_path) -> None:
    raw = "Title\r\n\r\n1. Term.  The term is one year.\r\n"
    path = tmp_path / "draft.txt"
    path.write_bytes(raw.encode("utf-8"))
    doc = extract(path)
    assert doc.text == raw  # exactly as decoded, no newline normalisation
    assert doc.type == "txt" and doc.page_count == 1


def test_text_form_feeds_are_pages() -> None:
    doc = extract_bytes(b"page one text\fpage two text", "x.txt")
    assert [p.number for p in doc.pages] == [1, 2]
    assert doc.page_at(doc.text.index("two")) == 2


def test_text_markdown_is_text() -> None:
    assert extract_bytes(b"# Terms\n\n1. Payment. Net 45.", "terms.md").type == "txt"


@pytest.mark.parametrize(
    ("data", "name", "error", "code"),
    [
        (b"", "empty.txt", EmptyFileError, "empty_file"),
        (b"   \n\n\t ", "blank.txt", NoTextError, "no_text"),
        (b"%PDF-1.7\n...", "contract.txt", TypeMismatchError, "type_mismatch"),
    ],
)
def test_text_bad_input(data: bytes, name: str, error: type, code: str) -> None:
    with pytest.raises(error) as info:
        extract_bytes(data, name)
    assert info.value.code == code
    assert info.value.message


def test_text_undecodable_bytes_are_refused_or_decoded_without_crash() -> None:
    # cp1252 leaves five bytes undefined; a file of them must give a clear error, never a traceback.
    try:
        decode(bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D]) * 10 + b"text")
    except EncodingError as exc:
        assert exc.code == "unknown_encoding"
