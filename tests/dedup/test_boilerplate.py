"""``etl.dedup.boilerplate``: a paragraph recurring across a source's articles on several days is boilerplate."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import psycopg2

from etl.config import DedupSettings
from etl.dedup.boilerplate import refresh_boilerplate
from etl.dedup.normalise import paragraph_key
from etl.dedup.within_article import dedup_article
from etl.records import DedupedArticle
from etl.warehouse.load import load_batch
from tests.factories import SOURCE, make_article, start_run

SUBSCRIBE = "Abonnieren Sie unseren Telegram-Kanal."
QUOTE = "„Wir werden die Zusammenarbeit ausbauen“, sagte der Minister."
SETTINGS = DedupSettings(boilerplate_min_articles=5, boilerplate_min_days=3)
DAYS = [date(2025, 5, 12) + timedelta(days=offset) for offset in range(4)]


def day_articles(day: date) -> list[DedupedArticle]:
    """Two articles a day, both ending with the subscription line; the quote only in two follow-ups of the 13th."""
    items = []
    for index in range(2):
        body = [f"Nachricht {index} vom {day.isoformat()}."]
        if day == date(2025, 5, 13):
            body.append(QUOTE)
        body.append(SUBSCRIBE)
        published = datetime(day.year, day.month, day.day, 9 + index, tzinfo=UTC)
        url = f"http://example.test/{day.isoformat()}/{index}"
        items.append(dedup_article(make_article(url, tuple(body), published_at=published)))
    return items


def marks(conn: psycopg2.extensions.connection) -> list[tuple]:
    with conn.cursor() as cur:
        cur.execute(
            "select source_name, encode(paragraph_key, 'hex'), articles, days, first_seen_on, last_seen_on "
            "from boilerplate_paragraphs order by 1, 2"
        )
        return cur.fetchall()


def load_days(conn: psycopg2.extensions.connection, days: list[date]) -> None:
    run_id = start_run(conn)
    for day in days:
        load_batch(conn, run_id, SOURCE.name, day_articles(day), [])
        refresh_boilerplate(conn, SETTINGS, SOURCE.name)


def test_a_recurring_line_is_page_chrome_with_counts_and_days(db: psycopg2.extensions.connection) -> None:
    load_days(db, DAYS)
    assert marks(db) == [(SOURCE.name, paragraph_key(SUBSCRIBE).hex(), 8, 4, DAYS[0], DAYS[-1])]


def test_a_quote_shared_by_two_follow_ups_is_not_boilerplate(db: psycopg2.extensions.connection) -> None:
    load_days(db, DAYS)
    assert paragraph_key(QUOTE).hex() not in {row[1] for row in marks(db)}


def test_below_the_day_threshold_nothing_is_marked(db: psycopg2.extensions.connection) -> None:
    load_days(db, DAYS[:2])
    assert marks(db) == []


def test_marks_do_not_depend_on_load_order(db: psycopg2.extensions.connection) -> None:
    load_days(db, DAYS)
    forward = marks(db)
    with db, db.cursor() as cur:
        cur.execute("truncate boilerplate_paragraphs, article_paragraphs, paragraphs, articles cascade")
    load_days(db, list(reversed(DAYS)))
    assert marks(db) == forward


def test_marks_follow_a_changed_threshold_and_stay_in_article_paragraphs(db: psycopg2.extensions.connection) -> None:
    load_days(db, DAYS)
    refresh_boilerplate(db, DedupSettings(boilerplate_min_articles=9, boilerplate_min_days=3), SOURCE.name)
    assert marks(db) == []
    with db.cursor() as cur:
        cur.execute("select count(*) from article_paragraphs where paragraph_key = %s", (paragraph_key(SUBSCRIBE),))
        assert cur.fetchone()[0] == 8


def test_article_text_leaves_boilerplate_out(db: psycopg2.extensions.connection) -> None:
    load_days(db, DAYS)
    with db.cursor() as cur:
        cur.execute("select url, paragraph_count, body_text from article_text order by url")
        rows = cur.fetchall()
    assert len(rows) == 8
    assert all(SUBSCRIBE not in body for _, _, body in rows)
    assert sum(count for _, count, _ in rows) == 8 + 2
    assert {body for url, _, body in rows if "2025-05-13" in url} == {
        f"Nachricht {i} vom 2025-05-13.\n\n{QUOTE}" for i in range(2)
    }
