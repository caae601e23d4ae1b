"""Engines and migrations for the two supported stores: SQLite (embedded) and PostGIS."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from ecozone.errors import Unavailable

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def redact_url(url: str) -> str:
    """The URL with its password hidden, safe to print."""
    return make_url(url).render_as_string(hide_password=True)


def _configure_sqlite_connection(dbapi_connection, _record) -> None:
    # We issue BEGIN ourselves (below); pysqlite's implicit transactions would defer locking.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _begin_immediate(conn) -> None:
    # Take the write lock at BEGIN: two writers then queue on busy_timeout instead of failing
    # with "database is locked" when both try to upgrade a read lock (SQLAlchemy's pysqlite recipe).
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    """Create an engine for ``url``; SQLite files get their folder, foreign keys and WAL."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _configure_sqlite_connection)
        event.listen(engine, "begin", _begin_immediate)
        return engine
    return create_engine(url, pool_pre_ping=True)


def check_connection(engine: Engine) -> None:
    """Raise ``Unavailable`` naming the URL (password hidden) when the database can't be reached."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        url = engine.url.render_as_string(hide_password=True)
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise Unavailable(f"cannot reach the database at {url}: {reason}", url=url) from exc


def check_schema(engine: Engine) -> None:
    """Raise ``Unavailable`` when the database is unreachable or holds no ecozone schema yet."""
    check_connection(engine)
    if not inspect(engine).has_table("alembic_version"):
        url = engine.url.render_as_string(hide_password=True)
        raise Unavailable(
            f"the database at {url} holds no ecozone schema yet; run `ecozone init` (or `make run`)",
            url=url,
        )


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # configparser treats % as interpolation; URL-encoded query values carry it.
    url = engine.url.render_as_string(hide_password=False).replace("%", "%%")
    config.set_main_option("sqlalchemy.url", url)
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (creates it on an empty database)."""
    check_connection(engine)
    config = alembic_config(engine)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
