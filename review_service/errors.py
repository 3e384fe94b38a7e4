"""One error hierarchy with stable codes.

Every failure a user can cause carries a code that scripts can rely on (it never changes once shipped) and a
message a person can act on. The CLI prints ``code: message`` and exits 2; the API turns it into
``{"error": {"code", "message"}}``.
"""

from __future__ import annotations


class VettedError(Exception):
    """Base of every error Vetted raises on purpose."""

    code = "vetted_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class InputError(VettedError):
    """The document itself is unusable: the user must supply another file."""

    code = "bad_input"


class EmptyFileError(InputError):
    code = "empty_file"


class FileTooLargeError(InputError):
    code = "file_too_large"


class TooManyPagesError(InputError):
    code = "too_many_pages"


class UnsupportedTypeError(InputError):
    code = "unsupported_type"


class TypeMismatchError(InputError):
    """The file's name claims one type and its content is another."""

    code = "type_mismatch"


class CorruptFileError(InputError):
    code = "corrupt_file"


class EncryptedFileError(InputError):
    code = "encrypted_file"


class ScannedDocumentError(InputError):
    """A PDF with pages but no text layer: it needs OCR before review."""

    code = "scanned_document"


class NoTextError(InputError):
    code = "no_text"


class UnsafeDocumentError(InputError):
    """Zip bombs, external references and other hostile content."""

    code = "unsafe_document"


class EncodingError(InputError):
    code = "unknown_encoding"


class LibraryError(VettedError):
    """The clause library folder is missing or does not validate."""

    code = "invalid_library"
