"""Database fixtures (both backends) and small builders for the repository tests."""

from __future__ import annotations

from repo_builders import people  # noqa: F401

from review_service.repository.testing import *  # noqa: F403
