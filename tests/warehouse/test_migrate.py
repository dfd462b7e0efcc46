"""``etl.warehouse.migrate``: migrations apply once, in order, history cannot be rewritten, and a reset drops
exactly what they created."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import psycopg2.errors
import pytest
from psycopg2 import sql

from etl.dedup.within_article import dedup_article
from etl.records import Failure
from etl.warehouse.connection import connect, url_with_database
from etl.warehouse.load import load_batch
from etl.warehouse.migrate import MigrationError, migrate, migration_objects, reset_tables
from etl.warehouse.queries import MIGRATIONS_DIR, migration_files
from tests.factories import FETCHED, SOURCE, make_article, migrations_before, start_run, throwaway_database
from tests.poison_site import incompressible


@pytest.fixture
def empty_database(server_url: str) -> Iterator[psycopg2.extensions.connection]:
    """A brand-new database with no tables, dropped after the test."""
    name = f"newsetl_migrate_{uuid.uuid4().hex[:10]}"
    admin = connect(server_url)
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    conn = connect(url_with_database(server_url, name))
    yield conn
    conn.close()
    with admin.cursor() as cur:
        cur.execute(sql.SQL("drop database {} with (force)").format(sql.Identifier(name)))
    admin.close()


def test_first_run_applies_every_file_and_second_run_nothing(empty_database: psycopg2.extensions.connection) -> None:
    names = [path.name for path in migration_files()]
    assert migrate(empty_database) == names
    assert migrate(empty_database) == []
    with empty_database.cursor() as cur:
        cur.execute("select name from schema_migrations order by version")
        assert [row[0] for row in cur.fetchall()] == names


def test_a_changed_applied_file_is_refused(empty_database: psycopg2.extensions.connection, tmp_path: Path) -> None:
    directory = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, directory)
    migrate(empty_database, directory)
    first = migration_files(directory)[0]
    first.write_text(first.read_text() + "\n-- edited\n")
    with pytest.raises(MigrationError, match=first.name):
        migrate(empty_database, directory)


def test_a_failing_migration_leaves_nothing_applied(
    empty_database: psycopg2.extensions.connection, tmp_path: Path
) -> None:
    directory = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, directory)
    (directory / "9999_broken.sql").write_text("create table broken (id int);\nselect no_such_function();\n")
    with pytest.raises(psycopg2.Error):
        migrate(empty_database, directory)
    empty_database.rollback()
    with empty_database.cursor() as cur:
        cur.execute("select to_regclass('articles'), to_regclass('broken'), to_regclass('schema_migrations')")
        assert cur.fetchone() == (None, None, None)


def test_every_user_facing_table_and_column_has_a_comment(database_url: str) -> None:
    conn = connect(database_url)
    try:
        with conn.cursor() as cur:
            cur.execute(
                """
                select c.relname, a.attname
                from pg_class as c
                inner join pg_namespace as n on n.oid = c.relnamespace
                inner join pg_attribute as a on a.attrelid = c.oid
                where n.nspname = 'public' and c.relkind in ('r', 'v', 'm') and a.attnum > 0
                  and not a.attisdropped and col_description(c.oid, a.attnum) is null
                """
            )
            uncommented_columns = cur.fetchall()
            cur.execute(
                """
                select c.relname
                from pg_class as c
                inner join pg_namespace as n on n.oid = c.relnamespace
                where n.nspname = 'public' and c.relkind in ('r', 'v', 'm') and obj_description(c.oid) is null
                """
            )
            uncommented_tables = cur.fetchall()
    finally:
        conn.close()
    assert uncommented_columns == []
    assert uncommented_tables == []


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


def test_reset_tables_drops_a_table_an_older_release_created_and_a_later_migration_dropped(
    empty_database: psycopg2.extensions.connection, tmp_path: Path
) -> None:
    before = migrations_before(tmp_path, "0015")
    migrate(empty_database, before)
    url = empty_database.dsn
    assert ("table", "paragraph_lsh") not in migration_objects()
    reset = reset_tables(url)
    assert ("table", "paragraph_lsh") in reset.dropped
    assert reset.applied[-1].startswith("0015")
    with empty_database, empty_database.cursor() as cur:
        cur.execute("select to_regclass('paragraph_lsh') is null, to_regclass('paragraph_lsh_pending') is not null")
        assert cur.fetchone() == (True, True)


def test_url_keys_migrate_on_a_populated_warehouse_and_upserts_stay_idempotent(
    empty_database: psycopg2.extensions.connection, tmp_path: Path
) -> None:
    before = migrations_before(tmp_path, "0008")
    migrate(empty_database, before)
    run_id = start_run(empty_database)
    old = dedup_article(make_article("http://example.test/old", ("Loaded before 0008.",)))
    failure = Failure(SOURCE.name, "http://example.test/down", "fetch", "http_503", 503, FETCHED)
    with empty_database, empty_database.cursor() as cur:  # rows as the code before 0008 wrote them
        cur.execute(
            "insert into articles (source_name, url, fetched_at, body_hash, paragraph_count, run_id) "
            "values (%s, %s, %s, %s, 0, %s)",
            (SOURCE.name, old.article.url, FETCHED, old.body_hash, run_id),
        )
        cur.execute(
            "insert into fetch_failures (run_id, source_name, url, stage, reason, failed_at) "
            "values (%s, %s, %s, %s, %s, %s)",
            (run_id, SOURCE.name, failure.url, failure.stage, failure.reason, FETCHED),
        )
    assert "0008_storable_rows_and_give_ups.sql" in migrate(empty_database)
    long_url = "http://example.test/" + incompressible(10_000)
    batch = [old, dedup_article(make_article(long_url, ("Long.",)))]
    for _ in range(2):
        load_batch(empty_database, run_id, SOURCE.name, batch, [failure])
    with empty_database.cursor() as cur:
        cur.execute("select url, paragraph_count from articles order by url")
        assert cur.fetchall() == sorted([(old.article.url, 1), (long_url, 1)])
        cur.execute("select url, count(*) from fetch_failures group by url")
        assert cur.fetchall() == [(failure.url, 1)]
        cur.execute("select urls_given_up, load_failed, characters_replaced from pipeline_runs")
        assert cur.fetchall() == [(0, 0, 0)]
