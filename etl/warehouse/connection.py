"""Where the warehouse is, and connections to it. Looking the warehouse up never starts one.

The warehouse is ``Settings.database_url``: ``NEWSETL_DATABASE_URL``, or, inside Airflow, the
``newsetl_warehouse`` Connection (``plugins/newsetl_airflow.py``). Only the local commands (the CLI, the
demo, ``make airflow``) fall back to the embedded server when none is configured (``etl.warehouse.embedded``),
so a worker without a warehouse fails saying what to configure instead of loading into a database of its own.

Reads ``Settings.database_url``.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import psycopg2
import psycopg2.extensions
from psycopg2 import sql

from etl.config import ConfigError, Settings
from etl.warehouse.queries import query


class WarehouseNotConfigured(ConfigError):
    """No warehouse is configured where one must be (a pipeline run, an Airflow task)."""


def warehouse_url(settings: Settings) -> str:
    """The configured warehouse URL; ``WarehouseNotConfigured`` when there is none (nothing is started)."""
    if not settings.database_url:
        raise WarehouseNotConfigured(
            "no warehouse is configured: set NEWSETL_DATABASE_URL (in Airflow: the newsetl_warehouse Connection, "
            "or AIRFLOW_CONN_NEWSETL_WAREHOUSE); the CLI and `make demo` start an embedded one instead"
        )
    return settings.database_url


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


def redacted(url: str) -> str:
    """``url`` with its password, if any, shown as ``***``: fit for a console or a log."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@", 1)))
