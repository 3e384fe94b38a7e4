"""Shared fixtures: where the public data sets are, skipping cleanly when they are absent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("VETTED_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def cuad_dir() -> Path:
    path = SHARED_DATA / "cuad"
    if not (path / "labels.jsonl").exists():
        pytest.skip(f"CUAD data not found at {path} (set VETTED_SHARED_DATA); this test needs the public data")
    return path


@pytest.fixture(scope="session")
def corpora_dir() -> Path:
    return ROOT / "corpora"


@pytest.fixture(autouse=True)
def _fresh_settings():
    """Settings are read once per process; a test that sets VETTED_* variables must see them."""
    from review_service.settings import get_settings

    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
