"""Errors of the repository's services, each with a stable code (the API maps them to 4xx responses).

They extend the catalogue in ``review_service.errors``; they live here until that file takes them in.
"""

from __future__ import annotations

from review_service.errors import VettedError


class InvalidRequestError(VettedError):
    """Missing or invalid metadata or arguments: nothing was written (HTTP 422)."""

    code = "invalid_request"


class NotFoundError(VettedError):
    """No such contract, version, deviation, user... (HTTP 404)."""

    code = "not_found"


class ConflictError(VettedError):
    """The request clashes with what is stored (HTTP 409)."""

    code = "conflict"


class DuplicateFileError(ConflictError):
    """The same file (by SHA-256) is already stored as a version of a contract."""

    code = "duplicate_file"

    def __init__(self, message: str, *, contract_id: int, version_id: int) -> None:
        super().__init__(message)
        self.contract_id = contract_id
        self.version_id = version_id


class ForbiddenError(VettedError):
    """Signed in, but this role may not do this (HTTP 403)."""

    code = "forbidden"


class InvalidTransitionError(ConflictError):
    """The contract's workflow state does not allow that move (HTTP 409)."""

    code = "invalid_transition"


class NotReviewedError(ConflictError):
    """The version has no review yet: wait for its job (HTTP 409)."""

    code = "not_reviewed"
