"""Forward-only schema migrations: apply ``sql/migrations/NNNN_name.sql`` files not yet applied.

All pending files apply in one transaction under an advisory lock, so two first runs at once cannot
collide and a failed migration leaves nothing half-applied. An applied file whose text changed is
refused: write a new migration instead.

``reset_tables`` (``make reset`` on a configured warehouse) is the inverse: it drops exactly the objects
the migration files create, nothing else in the database, and applies them again.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import psycopg2.extensions
from psycopg2 import sql

from etl.warehouse.connection import connect
from etl.warehouse.queries import MIGRATIONS_DIR, migration_files, query

logger = logging.getLogger(__name__)

_LOCK_KEY = 7_164_917_301  # any constant; names the "migrations" advisory lock


class MigrationError(RuntimeError):
    """The database's migration history does not match the files."""


def migrate(conn: psycopg2.extensions.connection, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Apply pending migrations; return the names applied (empty when up to date)."""
    applied_now: list[str] = []
    with conn, conn.cursor() as cur:
        cur.execute(query("lock_migrations"), {"key": _LOCK_KEY})
        cur.execute(query("create_schema_migrations"))
        cur.execute(query("select_applied_migrations"))
        applied = dict(cur.fetchall())
        for path in migration_files(directory):
            version = path.name[:4]
            text = path.read_text(encoding="utf-8")
            checksum = hashlib.sha256(text.encode("utf-8")).hexdigest()
            if version in applied:
                if applied[version] != checksum:
                    raise MigrationError(f"{path.name} changed after it was applied; add a new migration instead")
                continue
            logger.info("applying migration %s", path.name)
            cur.execute(text)
            cur.execute(query("insert_schema_migration"), {"version": version, "name": path.name, "checksum": checksum})
            applied_now.append(path.name)
    return applied_now


def migrate_database(url: str) -> list[str]:
    """``migrate`` on a connection of its own to the database at ``url``; the names applied."""
    conn = connect(url)
    try:
        return migrate(conn)
    finally:
        conn.close()


def pending_migrations(url: str, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Names of the migration files not applied to the database at ``url`` (all of them when it has none).

    Reads only; ``psycopg2.Error`` when the database cannot be reached."""
    conn = connect(url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(query("select_migrations_table"))
            applied: set[str] = set()
            if cur.fetchone()[0]:
                cur.execute(query("select_applied_migrations"))
                applied = {version for version, _checksum in cur.fetchall()}
    finally:
        conn.close()
    return [path.name for path in migration_files(directory) if path.name[:4] not in applied]


# ``create [or replace] [unlogged] <kind> [if not exists] <name>`` and ``drop <kind> [if exists] <name>``:
# every kind of object a migration may create, or a later one drop, that is not dropped with its table
# (indexes, constraints, triggers and comments are).
_CREATED_OR_DROPPED = re.compile(
    r"^\s*(create|drop)\s+(?:or\s+replace\s+)?(?:unlogged\s+)?"
    r"(table|view|materialized\s+view|sequence|function|procedure|type|domain)\s+"
    r"(?:if\s+(?:not\s+)?exists\s+)?([\w.]+)",
    re.IGNORECASE | re.MULTILINE,
)
"""A statement that creates an object, or drops one an earlier migration created (a later file's ``drop``)."""
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


def migration_objects(directory: Path = MIGRATIONS_DIR, *, dropped_too: bool = False) -> list[tuple[str, str]]:
    """(kind, name) of every object the migration files create and no later file drops (with ``dropped_too``,
    the dropped ones as well: what a warehouse migrated by an older release may still hold), in the order
    they create them, plus the ``schema_migrations`` table ``migrate`` keeps its history in."""
    objects = [("table", "schema_migrations")]
    for path in migration_files(directory):
        for verb, kind, name in _CREATED_OR_DROPPED.findall(path.read_text(encoding="utf-8")):
            named = (" ".join(kind.lower().split()), name.lower())
            if verb.lower() == "create":
                objects.append(named)
            elif not dropped_too:
                objects = [held for held in objects if held != named]
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
            for kind, name in migration_objects(directory, dropped_too=True):
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
