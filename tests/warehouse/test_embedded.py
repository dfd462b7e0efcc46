"""``etl.warehouse.embedded``: without a configured warehouse, the local commands get an embedded PostgreSQL."""

from __future__ import annotations

import subprocess
from pathlib import Path

from etl.config import Settings
from etl.warehouse.connection import connect
from etl.warehouse.embedded import EMBEDDED_DATABASE, local_warehouse_url, psql_command, stop_embedded
from etl.warehouse.migrate import migrate
from etl.warehouse.queries import migration_files


def test_a_configured_warehouse_is_used_and_nothing_is_started(tmp_path: Path) -> None:
    settings = Settings(database_url="postgresql://someone@db.example/warehouse", data_dir=tmp_path)
    assert local_warehouse_url(settings) == "postgresql://someone@db.example/warehouse"
    assert not (tmp_path / "pg").exists()


def test_embedded_server_starts_in_the_data_dir_migrates_and_stops(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "state")
    url = local_warehouse_url(settings)
    try:
        assert (settings.embedded_pg_dir / "PG_VERSION").exists()
        assert f"/{EMBEDDED_DATABASE}?" in url
        conn = connect(url)
        try:
            assert migrate(conn)
            with conn.cursor() as cur:
                cur.execute("select current_database(), current_setting('server_version_num')::int >= 180000")
                assert cur.fetchone() == (EMBEDDED_DATABASE, True)
        finally:
            conn.close()
        assert local_warehouse_url(settings) == url
        psql = subprocess.run(
            [*psql_command(settings), "-Atc", "select count(*) from schema_migrations"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert psql.stdout.strip() == str(len(migration_files())), psql.stderr
    finally:
        assert stop_embedded(settings)
    assert not stop_embedded(settings)
