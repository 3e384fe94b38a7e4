"""Database fixtures (both backends) for the job tests."""

from __future__ import annotations

from review_service.repository.testing import *  # noqa: F403
