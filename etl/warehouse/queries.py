"""Named SQL: every statement the library runs lives in ``sql/queries/<verb>_<object>.sql``.

An installed package reads the copy of ``sql/`` its wheel carries (``etl/_sql``); a checkout and an editable
install read the repository's ``sql/``.
"""

from __future__ import annotations

from pathlib import Path

from etl.config import PACKAGED_SQL_DIR, PROJECT_ROOT

SQL_DIR = PACKAGED_SQL_DIR if PACKAGED_SQL_DIR.is_dir() else PROJECT_ROOT / "sql"
MIGRATIONS_DIR = SQL_DIR / "migrations"
QUERIES_DIR = SQL_DIR / "queries"
# Analysts' example queries: kept apart from the statements the code runs (the tests run each of them).
EXAMPLES_DIR = SQL_DIR / "examples"


def query(name: str) -> str:
    """The text of ``sql/queries/<name>.sql``."""
    path = QUERIES_DIR / f"{name}.sql"
    if not path.is_file():
        raise FileNotFoundError(f"no named query {name!r} at {path}")
    return path.read_text(encoding="utf-8")


def migration_files(directory: Path = MIGRATIONS_DIR) -> list[Path]:
    """Migration files in the order they apply (by their four-digit prefix)."""
    return sorted(directory.glob("[0-9][0-9][0-9][0-9]_*.sql"))
