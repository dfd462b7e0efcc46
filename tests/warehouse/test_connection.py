"""``etl.warehouse.connection``: the configured URL is used as given; looking the warehouse up never starts one."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.config import ConfigError, Settings
from etl.warehouse.connection import redacted, warehouse_url


def test_configured_url_is_used_as_given(tmp_path: Path) -> None:
    settings = Settings(database_url="postgresql://someone@db.example/warehouse", data_dir=tmp_path)
    assert warehouse_url(settings) == "postgresql://someone@db.example/warehouse"
    assert not (tmp_path / "pg").exists()


def test_without_a_configured_warehouse_the_lookup_fails_saying_what_to_set_and_starts_nothing(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    with pytest.raises(ConfigError, match=r"NEWSETL_DATABASE_URL.*newsetl_warehouse Connection"):
        warehouse_url(settings)
    assert not (tmp_path / "pg").exists()


def test_a_password_is_never_shown() -> None:
    assert redacted("postgresql://newsetl:s3cret@db:5432/w") == "postgresql://newsetl:***@db:5432/w"
    assert redacted("postgresql://newsetl@db/w") == "postgresql://newsetl@db/w"
