"""``etl.dedup.copies``: an article re-publishing another is linked to the earlier one; unrelated ones are not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg2

from etl.config import DedupSettings
from etl.dedup.after_batch import after_batch
from etl.dedup.copies import link_article_duplicates
from etl.dedup.within_article import dedup_article
from etl.warehouse.connection import connect
from etl.warehouse.load import load_batch
from etl.warehouse.migrate import migrate
from etl.warehouse.queries import MIGRATIONS_DIR
from tests.factories import make_article, migrations_before, start_run, throwaway_database

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


def _story_copies(count: int) -> list:
    """The original (published first) and ``count`` copies, each an hour later than the one before."""
    return [
        dedup_article(
            make_article(
                f"http://example.test/{'original' if n == 0 else f'copy-{n}'}",
                STORY if n == 0 else (*STORY, f"Quelle: Kopie {n}"),
                published_at=EARLY + timedelta(hours=n),
            )
        )
        for n in range(count + 1)
    ]


def _stories(conn: psycopg2.extensions.connection) -> dict[str, str]:
    """Each copy's URL and its story's URL, following duplicate_of to an article without a row."""
    with conn.cursor() as cur:
        cur.execute(
            "with recursive story_of as ("
            "  select d.article_id, d.duplicate_of as story_id from article_duplicates d"
            "  where not exists (select 1 from article_duplicates o where o.article_id = d.duplicate_of)"
            "  union select d.article_id, s.story_id from article_duplicates d"
            "  join story_of s on s.article_id = d.duplicate_of)"
            " select a.url, o.url from story_of s join articles a on a.article_id = s.article_id"
            " join articles o on o.article_id = s.story_id"
        )
        return dict(cur.fetchall())


def test_a_story_copied_more_often_than_compared_gives_each_copy_one_link_to_the_original(
    db: psycopg2.extensions.connection,
) -> None:
    settings = DedupSettings(article_duplicate_probe_carriers=2)
    run_id = start_run(db)
    articles = _story_copies(6)
    for item in articles:  # in calendar order, as nightly runs load them
        load_batch(db, run_id, "test-src", [item], [])
        link_article_duplicates(db, settings, [item.article.url])
    copies = {item.article.url for item in articles[1:]}
    assert {row[0] for row in links(db)} == copies
    assert {row[1] for row in links(db)} == {"http://example.test/original"}
    assert link_article_duplicates(db, settings, sorted(copies | {"http://example.test/original"})) == 0


def test_an_original_loaded_after_its_copies_is_the_story_every_copy_leads_to(
    db: psycopg2.extensions.connection,
) -> None:
    settings = DedupSettings(article_duplicate_probe_carriers=2)
    run_id = start_run(db)
    articles = _story_copies(6)
    for item in reversed(articles):  # a backfill: the latest copy first, the original last
        load_batch(db, run_id, "test-src", [item], [])
        link_article_duplicates(db, settings, [item.article.url])
    copies = {item.article.url for item in articles[1:]}
    assert _stories(db) == dict.fromkeys(copies, "http://example.test/original")
    with db.cursor() as cur:  # each copy points at an earlier article
        cur.execute(
            "select count(*) from article_duplicates d join articles a on a.article_id = d.article_id "
            "join articles o on o.article_id = d.duplicate_of where a.published_at <= o.published_at"
        )
        assert cur.fetchone() == (0,)
    before = links(db)
    assert link_article_duplicates(db, settings, ["http://example.test/original"]) == 0
    assert links(db) == before


def test_a_rewritten_original_unlinks_the_copies_that_no_longer_share_its_text(
    db: psycopg2.extensions.connection,
) -> None:
    run_id = start_run(db)
    articles = _story_copies(2)
    load_batch(db, run_id, "test-src", articles, [])
    link_article_duplicates(db, DedupSettings(), [item.article.url for item in articles])
    assert len(links(db)) == 2
    rewritten = dedup_article(make_article("http://example.test/original", ("Ganz neu.",), published_at=EARLY))
    load_batch(db, run_id, "test-src", [rewritten], [])
    link_article_duplicates(db, DedupSettings(), ["http://example.test/original"])
    assert links(db) == [("http://example.test/copy-2", "http://example.test/copy-1", 0.6, 3)]  # linked again


def test_migration_0014_keeps_each_copys_link_to_the_earliest_article_it_copies(
    server_url: str, tmp_path: Path
) -> None:
    before = migrations_before(tmp_path, "0014")
    with throwaway_database(server_url, "newsetl_test", migrated=False) as url:
        conn = connect(url)
        try:
            migrate(conn, before)
            run_id = start_run(conn)
            articles = _story_copies(3)
            load_batch(conn, run_id, "test-src", articles, [])
            with conn, conn.cursor() as cur:  # every pair, as the story step wrote them before 0014
                cur.execute(
                    "insert into article_duplicates (article_id, duplicate_of, similarity, shared_paragraphs) "
                    "select a.article_id, o.article_id, 0.75, 3 from articles a join articles o "
                    "on o.published_at < a.published_at"
                )
            migrate(conn, MIGRATIONS_DIR)
            assert links(conn) == [
                (f"http://example.test/copy-{n}", "http://example.test/original", 0.75, 3) for n in (1, 2, 3)
            ]
        finally:
            conn.close()
