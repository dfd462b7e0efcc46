"""Fixtures shared by the archive import tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def warehouse(clean_database: str) -> str:
    """The emptied session database, import bookkeeping (``warc_imports``) included."""
    return clean_database
