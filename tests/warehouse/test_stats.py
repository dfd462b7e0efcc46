"""``etl.warehouse.stats``: the daily per-source stats match the articles, and a refresh is repeatable."""

from __future__ import annotations

from datetime import timedelta

import psycopg2.extensions

from etl.config import Settings
from etl.dates import day_start
from etl.pipeline.run import run_sources
from etl.records import Interval
from etl.warehouse.stats import refresh_daily_stats
from tests.factories import DAY


def stats_rows(db: psycopg2.extensions.connection) -> list[tuple]:
    with db.cursor() as cur:
        cur.execute(
            "select source_name, day, articles, paragraphs, repeats_removed from daily_source_stats_snapshot order by 1"
        )
        return cur.fetchall()


def test_refresh_counts_each_sources_articles_of_the_day_and_repeats_identically(
    settings: Settings, db: psycopg2.extensions.connection
) -> None:
    start = day_start(DAY)
    interval = Interval(start, start + timedelta(days=1))
    run_sources(settings, interval, ["demo-de", "demo-es"])

    refresh_daily_stats(settings, interval)
    first = stats_rows(db)
    refresh_daily_stats(settings, interval)

    with db.cursor() as cur:
        cur.execute(
            "select source_name, %s::date, count(*), sum(paragraph_count), sum(repeats_removed) from articles "
            "where published_at >= %s and published_at < %s group by source_name order by 1",
            (DAY, interval.start, interval.end),
        )
        expected = cur.fetchall()
    assert first == expected
    assert stats_rows(db) == first
    assert [row[0] for row in first] == ["demo-de", "demo-es"]
