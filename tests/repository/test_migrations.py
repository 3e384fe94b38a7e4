"""The Alembic migrations create the schema (not metadata.create_all), and it matches the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from review_service.repository.db import make_engine
from review_service.repository.migrations import current_revision, downgrade, head_revision, upgrade
from review_service.repository.models import Base

TABLES = {"users", "teams", "contracts", "contract_access", "contract_versions", "reviews", "deviations",
          "clause_embeddings", "jobs", "audit_events", "comments", "comment_mentions", "notifications",
          "legal_assignments"}


def test_migrations_create_the_schema_the_models_describe(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    try:
        assert current_revision(engine) == head_revision()
        assert set(inspect(engine).get_table_names()) == TABLES | {"alembic_version"}
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
        assert diff == [], f"the migrations and models.py disagree: {diff}"
    finally:
        engine.dispose()


def test_migrations_upgrade_twice_is_harmless_and_downgrade_drops_everything(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    upgrade(empty_database_url)
    downgrade(empty_database_url, "base")
    engine = make_engine(empty_database_url)
    try:
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
    upgrade(empty_database_url)


def test_migrations_sqlite_connection_settings(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'data' / 'v.db'}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    finally:
        engine.dispose()


def test_migrations_foreign_keys_are_enforced(engine) -> None:
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text("INSERT INTO contract_versions (contract_id, number, file_sha256, filename, media_type, "
                          "size, uploaded_by, note, created_at) VALUES (999, 1, 'x', 'f', 't', 1, 999, '', "
                          "CURRENT_TIMESTAMP)"))
