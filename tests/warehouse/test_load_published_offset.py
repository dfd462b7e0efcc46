"""``etl.warehouse.load``: the page's UTC offset, its local publication day and the publisher are stored."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import psycopg2

from etl.dedup.within_article import dedup_article
from etl.warehouse.load import load_batch
from tests.factories import SOURCE, make_article, start_run

MINSK = timezone(timedelta(hours=3))


def stored(db: psycopg2.extensions.connection, url: str) -> tuple:
    with db.cursor() as cur:
        cur.execute(
            "select published_at, published_utc_offset_min, published_local_date, publisher "
            "from articles where url = %s",
            (url,),
        )
        row = cur.fetchone()
        assert row is not None
        return row


def test_the_instant_the_page_offset_and_its_local_day_are_stored(db: psycopg2.extensions.connection) -> None:
    run_id = start_run(db)
    minsk = replace(
        make_article("http://example.test/minsk", ("Eins.",)),
        published_at=datetime(2025, 5, 15, 1, 10, tzinfo=MINSK),
        publisher="BelTA",
    )
    bare = replace(
        make_article("http://example.test/bare", ("Zwei.",)), published_at=datetime(2025, 5, 15, 23, 0, tzinfo=UTC)
    )
    load_batch(db, run_id, SOURCE.name, [dedup_article(minsk), dedup_article(bare)], [])
    published_at, offset, local_day, publisher = stored(db, "http://example.test/minsk")
    assert published_at == datetime(2025, 5, 14, 22, 10, tzinfo=UTC)  # the same instant
    assert (offset, local_day, publisher) == (180, date(2025, 5, 15), "BelTA")
    assert stored(db, "http://example.test/bare")[1:] == (0, date(2025, 5, 15), None)
    with db.cursor() as cur:
        cur.execute(
            "select count(*) from articles "
            "where published_local_date = date '2025-05-15' and published_utc_offset_min = 180"
        )
        assert cur.fetchone() == (1,)


def test_a_changed_offset_for_the_same_instant_updates_the_row(db: psycopg2.extensions.connection) -> None:
    run_id = start_run(db)
    utc = replace(
        make_article("http://example.test/o", ("Drei.",)), published_at=datetime(2025, 5, 14, 22, 10, tzinfo=UTC)
    )
    assert load_batch(db, run_id, SOURCE.name, [dedup_article(utc)], []).articles_changed == 1
    minsk = replace(utc, published_at=utc.published_at.astimezone(MINSK) if utc.published_at else None)
    assert load_batch(db, run_id, SOURCE.name, [dedup_article(minsk)], []).articles_changed == 1
    assert stored(db, "http://example.test/o")[1:3] == (180, date(2025, 5, 15))
    assert load_batch(db, run_id, SOURCE.name, [dedup_article(minsk)], []).articles_changed == 0
