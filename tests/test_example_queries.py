"""The example queries in ``sql/queries/example_*.sql`` run against a loaded demo warehouse, so they never rot."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import psycopg2
import pytest

from etl.demo_site.server import RunningSite
from etl.pipeline import run_sources
from etl.records import Interval
from etl.sql import QUERIES_DIR, query
from etl.warehouse import connect
from tests.conftest import empty_data_tables, settings_for

EXAMPLES = sorted(p.stem for p in QUERIES_DIR.glob("example_*.sql"))
WEEK = Interval(datetime(2025, 5, 12, tzinfo=UTC), datetime(2025, 5, 19, tzinfo=UTC))


@pytest.fixture(scope="module")
def loaded(
    database_url: str, demo_site: RunningSite, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[psycopg2.extensions.connection]:
    """The demo site's whole week loaded once for this module's read-only queries."""
    empty_data_tables(database_url)
    run_sources(settings_for(database_url, demo_site, tmp_path_factory.mktemp("newsetl")), WEEK)
    conn = connect(database_url)
    yield conn
    conn.close()


def run_example(conn: psycopg2.extensions.connection, name: str) -> tuple[list[str], list[tuple]]:
    with conn.cursor() as cur:
        cur.execute(query(name))
        return [d.name for d in cur.description], cur.fetchall()


def test_there_are_example_queries() -> None:
    assert len(EXAMPLES) >= 3


def test_example_queries(loaded: psycopg2.extensions.connection) -> None:
    columns, per_day = run_example(loaded, "example_articles_per_day")
    assert columns == ["source_name", "published_day", "articles", "paragraphs", "repeats_removed"]
    with loaded.cursor() as cur:
        cur.execute("select count(*), sum(repeats_removed) from articles")
        articles, repeats = cur.fetchone()
    assert sum(row[2] for row in per_day) == articles
    assert sum(row[4] for row in per_day) == repeats
    assert {row[1].isoformat() for row in per_day} == {f"2025-05-{d}" for d in range(12, 19)}

    columns, texts = run_example(loaded, "example_article_text")
    assert columns == ["source_name", "published_at", "title", "body_text"]
    assert len(texts) == 10
    assert all(row[3] and "\n\n" in row[3] for row in texts)

    columns, reasons = run_example(loaded, "example_failures_by_reason")
    assert columns == ["source_name", "stage", "reason", "urls"]
    assert {row[2] for row in reasons} == {"http_404", "http_503", "robots_disallowed"}


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_example_query_runs(loaded: psycopg2.extensions.connection, name: str) -> None:
    _, rows = run_example(loaded, name)
    assert rows
