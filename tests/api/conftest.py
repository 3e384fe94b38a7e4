"""Fixtures for the API tests: the app over a fresh database of each backend (SQLite and PostgreSQL), a
TestClient, and a small world of users and reviewed contracts made without the model (``api_world``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from review_service.repository import service
from review_service.repository.testing import *  # noqa: F403
from review_service.settings import Settings

SECRET = "test-secret-key-0123456789-abcdefghijklmnop"


@pytest.fixture(autouse=True)
def _fast_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    # Real argon2 with test-sized costs: the default parameters take a quarter second per hash.
    fast = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(service, "_hasher", fast)
    monkeypatch.setattr(service, "_DUMMY_HASH", fast.hash("dummy"))


@pytest.fixture
def settings(tmp_path, database_url) -> Settings:
    return Settings(secret_key=SecretStr(SECRET), data_dir=tmp_path, files_dir=tmp_path / "files",
                    database_url=database_url, max_upload_bytes=64 * 1024)


@pytest.fixture
def app(settings, engine, store) -> FastAPI:
    from api.main import create_app

    return create_app(settings, engine=engine, store=store)


@pytest.fixture
def client(app) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c
