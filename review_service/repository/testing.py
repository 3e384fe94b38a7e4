"""Pytest fixtures for tests that use the real database, on SQLite and on PostgreSQL.

Import them into a ``conftest.py``::

    from review_service.repository.testing import *  # noqa: F403

``database_url`` is parametrized over both backends: each test gets a fresh, migrated, empty database (a copy of
a file migrated once per session on SQLite; on PostgreSQL a database ``vetted_test_<random>`` created and
migrated once per session, emptied before each test, dropped at the end). PostgreSQL is the server at
``VETTED_TEST_POSTGRES_URL`` (default ``postgresql://postgres@127.0.0.1:5432/test``, the CI machines' server);
when it does not answer, the PostgreSQL cases are skipped with a message saying so.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from review_service.repository.db import make_engine, session_scope
from review_service.repository.files import FileStore

ADMIN_URL = os.environ.get("VETTED_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = [pytest.param("sqlite", id="sqlite"), pytest.param("postgresql", id="postgresql",
                                                               marks=pytest.mark.postgres)]


def _pg_admin() -> object | None:
    """An autocommit psycopg connection to the server's maintenance database; None only when nothing listens
    at the address (a server that answers but refuses us is a failure, not a skip)."""
    import socket

    import psycopg

    url = make_url(ADMIN_URL)
    host, port = url.host or "127.0.0.1", url.port or 5432
    try:
        socket.create_connection((host, port), timeout=3).close()
    except OSError:
        return None
    return psycopg.connect(host=host, port=port, user=url.username or "postgres", password=url.password,
                           dbname=url.database or "postgres", autocommit=True, connect_timeout=10)


def _skip_without_postgres() -> None:
    pytest.skip(f"PostgreSQL does not answer at {make_url(ADMIN_URL).render_as_string()} (start it, or set "
                "VETTED_TEST_POSTGRES_URL): the PostgreSQL cases are skipped")


def _pg_url(dbname: str) -> str:
    return make_url(ADMIN_URL).set(drivername="postgresql+psycopg", database=dbname).render_as_string(
        hide_password=False)


@pytest.fixture(scope="session")
def _pg_template() -> Iterator[str | None]:
    from review_service.repository.migrations import upgrade

    admin = _pg_admin()
    if admin is None:
        yield None
        return
    name = f"vetted_test_{secrets.token_hex(4)}"
    admin.execute(f'CREATE DATABASE "{name}"')  # type: ignore[attr-defined]
    try:
        upgrade(_pg_url(name))
        yield name
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[attr-defined]
        admin.close()  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from review_service.repository.migrations import upgrade

    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()  # closing the last connection checkpoints the WAL into the file
    assert not path.with_name(path.name + "-wal").exists() or path.with_name(path.name + "-wal").stat().st_size == 0
    return path


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database of the test's backend (empty: no rows)."""
    if backend == "sqlite":
        template = request.getfixturevalue("_sqlite_template")
        path = tmp_path / "vetted.db"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    template = request.getfixturevalue("_pg_template")
    if template is None:
        _skip_without_postgres()
    # The session's database, emptied: much cheaper than a database per test. The audit table's triggers
    # refuse TRUNCATE, so they are bypassed for this connection only (replica role: needs a superuser).
    url = _pg_url(template)
    eng = make_engine(url, poolclass=NullPool)
    try:
        with eng.begin() as conn:
            tables = [r[0] for r in conn.exec_driver_sql(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> "
                "'alembic_version'")]
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
            conn.exec_driver_sql(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
    finally:
        eng.dispose()
    yield url


@pytest.fixture
def empty_database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of the test's backend with no schema at all (for migration tests)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    if request.getfixturevalue("_pg_template") is None:
        _skip_without_postgres()
    admin = _pg_admin()
    assert admin is not None
    name = f"vetted_test_empty_{secrets.token_hex(4)}"
    admin.execute(f'CREATE DATABASE "{name}"')  # type: ignore[attr-defined]
    try:
        yield _pg_url(name)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[attr-defined]
        admin.close()  # type: ignore[attr-defined]


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on the test database; committed at the end of the test if it is still open."""
    with session_scope(engine) as s:
        yield s


@pytest.fixture
def store(tmp_path: Path) -> FileStore:
    return FileStore(tmp_path / "files")


__all__ = ["_pg_template", "_sqlite_template", "backend", "database_url", "empty_database_url", "engine",
           "session", "store"]
