"""The database connection: one engine per URL, and short transactions through :func:`session_scope`.

SQLite (the embedded default) is opened in WAL mode with foreign keys on and a busy timeout, and every
transaction starts with ``BEGIN IMMEDIATE``: SQLite's default deferred transactions take the write lock only
at the first write, and a transaction that read first and then finds another writer has committed fails at
once with "database is locked" instead of waiting. Taking the write lock up front makes writers queue behind
the busy timeout instead, which is what a job queue and an audit chain need. Readers outside a transaction
(WAL) are never blocked. Keep transactions short: never hold one open across a review.

PostgreSQL is reached through psycopg 3; a bare ``postgresql://`` URL is given that driver.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from review_service.settings import Settings, get_settings

SQLITE_BUSY_TIMEOUT_MS = 30_000
READONLY = "vetted_readonly"

_lock = threading.Lock()
_engines: dict[str, Engine] = {}
_factories: dict[int, sessionmaker[Session]] = {}


def database_url(settings: Settings | None = None) -> str:
    """The configured database URL (``VETTED_DATABASE_URL``), or a SQLite file under the data folder."""
    settings = settings or get_settings()
    if settings.database_url:
        return settings.database_url
    return f"sqlite:///{Path(settings.data_dir).resolve() / 'vetted.db'}"


def normalize_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` get the psycopg 3 driver; anything else is returned unchanged."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1) if url.startswith("postgres://") else url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(bind: Engine | Session) -> bool:
    engine = bind.get_bind() if isinstance(bind, Session) else bind
    return engine.dialect.name == "sqlite"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """A new engine for ``url``, with the SQLite settings described in the module docstring."""
    url = normalize_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        kwargs.setdefault("pool_pre_ping", True)
        return create_engine(url, **kwargs)
    database = parsed.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    connect_args = dict(kwargs.pop("connect_args", {}))
    connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
    connect_args.setdefault("check_same_thread", False)
    engine = create_engine(url, connect_args=connect_args, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The driver's own transaction handling is switched off so that the "begin" hook below decides.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            if database != ":memory:":
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            # WAL with synchronous=NORMAL is durable against application crashes; FULL adds power-loss
            # durability of the last transactions, which a contract repository wants.
            cursor.execute("PRAGMA synchronous=FULL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A read-only scope (session_scope(readonly=True)) takes no write lock: in WAL mode it reads a snapshot.
        conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READONLY) else "BEGIN IMMEDIATE")

    return engine


def get_engine(url: str | None = None) -> Engine:
    """The process-wide engine for ``url`` (default: the configured database), created on first use."""
    url = normalize_url(url or database_url())
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = make_engine(url)
        return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """The session factory bound to ``engine`` (objects stay readable after commit)."""
    with _lock:
        factory = _factories.get(id(engine))
        if factory is None or factory.kw.get("bind") is not engine:
            factory = _factories[id(engine)] = sessionmaker(bind=engine, expire_on_commit=False)
        return factory


@contextmanager
def session_scope(bind: Engine | sessionmaker[Session] | None = None, *, readonly: bool = False) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back if it raises, the session closed either way.

    ``bind`` is an engine or a session factory; by default the configured database's engine. A ``readonly``
    scope never commits and, on SQLite, takes no write lock (use it for reads that may run while
    another transaction writes).
    """
    factory = bind if isinstance(bind, sessionmaker) else session_factory(bind or get_engine())
    session = factory()
    try:
        if readonly:
            session.connection(execution_options={READONLY: True})
        yield session
        # A read-only scope just closes: the connection's transaction is rolled back when it goes back to the
        # pool, and the objects read stay usable (a rollback would expire them).
        if not readonly:
            session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def dispose_all() -> None:
    """Close every pooled connection of the process-wide engines (tests, shutdown)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
        _factories.clear()
