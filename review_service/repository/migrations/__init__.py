"""Alembic migrations: the only thing that creates or changes the schema.

``upgrade(url)`` brings a database to the newest revision; it runs at start-up and in the tests. To write a new
revision after changing ``models.py``::

    VETTED_DATABASE_URL=sqlite:///var/dev.db alembic upgrade head
    VETTED_DATABASE_URL=sqlite:///var/dev.db alembic revision --autogenerate -m "what changed"

then read the generated file: autogenerate does not see triggers, and SQLite needs batch mode for most ALTERs
(``env.py`` turns it on).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, inspect, text

from review_service.repository.db import make_engine, normalize_url

HERE = Path(__file__).resolve().parent


def alembic_config(url: str | None = None) -> Config:
    """An Alembic configuration for this package's migrations (no ``alembic.ini`` needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    if url is not None:
        # ConfigParser treats % as interpolation: escape it (passwords in URLs).
        cfg.set_main_option("sqlalchemy.url", normalize_url(url).replace("%", "%%"))
    return cfg


# pg_advisory_xact_lock key: "vetted migrate". Two processes starting at once migrate one after the other.
_PG_MIGRATE_LOCK = 0x7665_7474_6D69_67


def _run(url: str | Engine, action: Callable[[Config], None]) -> None:
    engine, owned = (url, False) if isinstance(url, Engine) else (make_engine(url), True)
    try:
        cfg = alembic_config(engine.url.render_as_string(hide_password=False))
        # One transaction for the whole run (both backends have transactional DDL; on SQLite it is a write
        # transaction from the start, so concurrent starts are serialised too).
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATE_LOCK})
            cfg.attributes["connection"] = connection
            action(cfg)
    finally:
        if owned:
            engine.dispose()


def upgrade(url: str | Engine, revision: str = "head") -> None:
    """Bring the database at ``url`` (or behind an engine) to ``revision`` (default: the newest)."""
    _run(url, lambda cfg: command.upgrade(cfg, revision))


def downgrade(url: str | Engine, revision: str) -> None:
    """Take the database back to ``revision`` (``"base"``: drop everything)."""
    _run(url, lambda cfg: command.downgrade(cfg, revision))


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def has_schema(engine: Engine) -> bool:
    return "alembic_version" in inspect(engine).get_table_names()
