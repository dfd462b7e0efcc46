"""``etl.dedup.copies``: an article re-publishing another is linked to the earlier one; unrelated ones are not."""

from __future__ import annotations

from datetime import UTC, datetime

import psycopg2

from etl.config import DedupSettings
from etl.dedup.after_batch import after_batch
from etl.dedup.copies import link_article_duplicates
from etl.dedup.within_article import dedup_article
from etl.warehouse.load import load_batch
from tests.factories import make_article, start_run

STORY = ("Erster Absatz der Meldung.", "Zweiter Absatz der Meldung.", "Dritter Absatz der Meldung.")
EARLY = datetime(2025, 5, 15, 9, tzinfo=UTC)
LATE = datetime(2025, 5, 15, 12, tzinfo=UTC)


def links(conn: psycopg2.extensions.connection) -> list[tuple]:
    with conn.cursor() as cur:
        cur.execute(
            "select a.url, o.url, d.similarity, d.shared_paragraphs from article_duplicates d "
            "join articles a on a.article_id = d.article_id join articles o on o.article_id = d.duplicate_of "
            "order by 1, 2"
        )
        return cur.fetchall()


def test_a_copy_is_linked_to_the_earlier_original_whatever_the_load_order(db: psycopg2.extensions.connection) -> None:
    run_id = start_run(db)
    copy = dedup_article(make_article("http://example.test/copy", (*STORY, "Quelle: BelTA"), published_at=LATE))
    original = dedup_article(make_article("http://example.test/original", STORY, published_at=EARLY))
    other = dedup_article(make_article("http://example.test/other", ("Ganz anders.", STORY[0]), published_at=LATE))
    for item in (copy, other, original):  # the copy arrives first
        load_batch(db, run_id, "test-src", [item], [])
        link_article_duplicates(db, DedupSettings(), [item.article.url])
    assert links(db) == [("http://example.test/copy", "http://example.test/original", 0.75, 3)]


def test_linking_again_changes_nothing_and_a_changed_copy_is_unlinked(db: psycopg2.extensions.connection) -> None:
    run_id = start_run(db)
    urls = ["http://example.test/original", "http://example.test/copy"]
    batch = [
        dedup_article(make_article(urls[0], STORY, published_at=EARLY)),
        dedup_article(make_article(urls[1], STORY, published_at=LATE)),
    ]
    load_batch(db, run_id, "test-src", batch, [])
    assert link_article_duplicates(db, DedupSettings(), urls) == 1
    assert link_article_duplicates(db, DedupSettings(), urls) == 0
    assert links(db) == [(urls[1], urls[0], 1.0, 3)]
    rewritten = dedup_article(make_article(urls[1], ("Neu geschrieben.", "Ganz neu."), published_at=LATE))
    load_batch(db, run_id, "test-src", [rewritten], [])
    link_article_duplicates(db, DedupSettings(), [urls[1]])
    assert links(db) == []


def test_a_copy_with_a_typo_fixed_still_counts_that_paragraph_as_shared(db: psycopg2.extensions.connection) -> None:
    run_id = start_run(db)
    long_story = tuple(f"{text} Mit weiteren Einzelheiten aus der Sitzung des Ausschusses." for text in STORY)
    edited = (long_story[0], long_story[1].replace("weiteren", "weitern"), long_story[2])
    urls = ["http://example.test/original", "http://example.test/edited"]
    batch = [
        dedup_article(make_article(urls[0], long_story, published_at=EARLY)),
        dedup_article(make_article(urls[1], edited, published_at=LATE)),
    ]
    load_batch(db, run_id, "test-src", batch, [])
    link_article_duplicates(db, DedupSettings(), urls)
    assert links(db) == [(urls[1], urls[0], 0.5, 2)]  # exact keys only: 2 of 4
    after_batch(db, DedupSettings(), batch)  # links the near-duplicate paragraphs, then the articles again
    assert links(db) == [(urls[1], urls[0], 1.0, 3)]
