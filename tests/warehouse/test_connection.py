"""``etl.warehouse.connection``: the configured URL wins; without one, an embedded PostgreSQL serves the same code."""

from __future__ import annotations

import subprocess
from pathlib import Path

import psycopg2.errors
import pytest

from etl.config import Settings
from etl.warehouse.connection import (
    EMBEDDED_DATABASE,
    connect,
    database_url,
    migration_objects,
    psql_command,
    reset_tables,
    stop_embedded,
    throwaway_database,
)
from etl.warehouse.migrate import migrate
from etl.warehouse.queries import migration_files

# Everything in the current schema that is not dropped with a table: relations (sequences of identity and
# serial columns excepted), functions and procedures, and types of one's own (enums, domains, ranges,
# composites).
SCHEMA_OBJECTS = """
select case c.relkind when 'v' then 'view' when 'm' then 'materialized view' when 'S' then 'sequence'
       else 'table' end, c.relname
from pg_class c
where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'p', 'v', 'm', 'S')
  and not exists (
      select from pg_depend d
      where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype in ('a', 'i')
  )
union all
select case p.prokind when 'p' then 'procedure' else 'function' end, p.proname
from pg_proc p
where p.pronamespace = current_schema()::regnamespace
union all
select case t.typtype when 'd' then 'domain' else 'type' end, t.typname
from pg_type t
left join pg_class c on c.oid = t.typrelid
where t.typnamespace = current_schema()::regnamespace
  and (t.typtype in ('d', 'e', 'r') or (t.typtype = 'c' and c.relkind = 'c'))
"""


def test_configured_url_is_used_as_given(tmp_path: Path) -> None:
    settings = Settings(database_url="postgresql://someone@db.example/warehouse", data_dir=tmp_path)
    assert database_url(settings) == "postgresql://someone@db.example/warehouse"
    assert not (tmp_path / "pg").exists()


def test_embedded_server_starts_in_the_data_dir_migrates_and_stops(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "state")
    url = database_url(settings)
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
        assert database_url(settings) == url
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


def test_migration_objects_name_everything_a_migrated_database_holds(server_url: str) -> None:
    with throwaway_database(server_url, "newsetl_test_objects") as url:
        conn = connect(url)
        try:
            with conn, conn.cursor() as cur:
                cur.execute(SCHEMA_OBJECTS)
                held = set(cur.fetchall())
        finally:
            conn.close()
    assert held == set(migration_objects())


def test_reset_tables_fails_and_changes_nothing_when_an_object_of_ones_own_depends_on_the_warehouse(
    server_url: str,
) -> None:
    with throwaway_database(server_url, "newsetl_test_reset") as url:
        conn = connect(url)
        try:
            with conn, conn.cursor() as cur:
                cur.execute("insert into sources (source_name, base_url, language) values ('x', 'http://x/', 'de')")
                cur.execute("create view my_report as select count(*) as articles from articles")
            with pytest.raises(psycopg2.errors.DependentObjectsStillExist):
                reset_tables(url)
            with conn, conn.cursor() as cur:
                cur.execute("select source_name from sources")
                assert cur.fetchall() == [("x",)]
                cur.execute("select articles from my_report")
                assert cur.fetchall() == [(0,)]
        finally:
            conn.close()
