"""Forward-only schema migrations: apply ``sql/migrations/NNNN_name.sql`` files not yet applied.

All pending files apply in one transaction under an advisory lock, so two first runs at once cannot
collide and a failed migration leaves nothing half-applied. An applied file whose text changed is
refused: write a new migration instead.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import psycopg2.extensions

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
