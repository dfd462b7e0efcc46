"""Article revisions (migration 0011, ``etl.warehouse.load``): every capture kept, the article showing the latest,
and the same revisions whatever order the captures are loaded in."""

from __future__ import annotations

import itertools
import threading
from datetime import timedelta
from pathlib import Path

import psycopg2

from etl.dedup.within_article import dedup_article
from etl.records import DedupedArticle, Source
from etl.warehouse.connection import connect
from etl.warehouse.load import load_batch, register_source
from etl.warehouse.migrate import migrate
from etl.warehouse.queries import query
from tests.factories import (
    FETCHED,
    SOURCE,
    empty_data_tables,
    make_article,
    migrations_before,
    start_run,
    stored_paragraphs,
    throwaway_database,
)

FLIP = "http://example.test/flip"
"""An article whose headline goes A, B and back to A, captured twice in A at the end."""
FIXED = "http://example.test/fixed"
"""An article whose headline is corrected and a correction appended, then re-fetched unchanged."""
T1, T2, T3, T4 = (FETCHED + timedelta(hours=hours) for hours in range(4))
BODY = ("Der Hightech-Park prüfte die Zusammenarbeit.", "Die Gespräche gehen weiter.")
OTHER = Source(name="other-src", base_url="http://example.test/", language="de")
"""A second source listing the same URLs."""
CORRECTION = "Korrektur: In einer früheren Fassung hieß es fälschlich, die Gespräche seien beendet."


def capture(url: str, title: str, paragraphs: tuple[str, ...], fetched_at: object) -> DedupedArticle:
    return dedup_article(make_article(url, paragraphs, title=title, fetched_at=fetched_at))


CAPTURES = (
    capture(FLIP, "Park prüft Zusammenarbeit", BODY, T1),
    capture(FLIP, "Park beendet Gespräche", BODY[:1], T2),
    capture(FLIP, "Park prüft Zusammenarbeit", BODY, T3),
    capture(FLIP, "Park prüft Zusammenarbeit", BODY, T4),
)
CORRECTED = (
    capture(FIXED, "Gespräche beendet", BODY, T1),
    capture(FIXED, "Gespräche gehen weiter", (*BODY, CORRECTION), T2),
    capture(FIXED, "Gespräche gehen weiter", (*BODY, CORRECTION), T4),
)

TABLES = {
    "articles": "select url, source_name, title, published_at, published_utc_offset_min, language, authors, "
    "section, publisher, fetched_at, body_hash, paragraph_count, repeats_removed from articles order by url",
    "article_captures": "select a.url, c.fetched_at, c.title, c.published_at, c.published_utc_offset_min, "
    "c.language, c.authors, c.section, c.publisher, c.body_hash, c.paragraph_keys, c.repeats_removed "
    "from article_captures c join articles a using (article_id) order by a.url, c.fetched_at",
    "paragraphs": "select paragraph_key, text, first_seen_at from paragraphs order by paragraph_key",
    "article_paragraphs": "select a.url, ap.position, ap.paragraph_key from article_paragraphs ap "
    "join articles a using (article_id) order by a.url, ap.position",
    "article_revisions": "select url, revision, is_current, first_fetched_at, last_fetched_at, captures, title, "
    "published_at, body_hash, paragraph_keys from article_revisions order by url, revision",
    "article_revision_changes": "select url, from_revision, to_revision, from_fetched_at, to_fetched_at, "
    "headline_changed, old_title, new_title, paragraphs_added, paragraphs_removed "
    "from article_revision_changes order by url, to_revision",
}
"""Every row the revisions touch, by URL rather than article_id (ids follow the load order) and without the
``run_id`` columns (they name the run that loaded a row, which the load order decides)."""


def contents(conn: psycopg2.extensions.connection) -> dict[str, list[tuple]]:
    result = {}
    with conn.cursor() as cur:
        for name, statement in TABLES.items():
            cur.execute(statement)
            result[name] = [
                tuple(
                    bytes(v) if isinstance(v, memoryview) else [bytes(x) for x in v] if _is_keys(v) else v for v in row
                )
                for row in cur
            ]
    conn.commit()
    return result


def _is_keys(value: object) -> bool:
    return isinstance(value, list) and bool(value) and isinstance(value[0], memoryview)


def load_each(conn: psycopg2.extensions.connection, captures: tuple[DedupedArticle, ...]) -> None:
    """Load each capture in a run of its own, as separate crawls and imports would."""
    for item in captures:
        run_id = start_run(conn)
        conn.commit()
        load_batch(conn, run_id, SOURCE.name, [item], [])


def forget_articles(conn: psycopg2.extensions.connection) -> None:
    """Delete every article and paragraph (cheaper than emptying every table, 24 times over)."""
    with conn, conn.cursor() as cur:
        cur.execute("delete from article_search; delete from articles; delete from paragraphs")


def revisions(conn: psycopg2.extensions.connection, url: str) -> list[tuple]:
    with conn.cursor() as cur:
        cur.execute(
            "select revision, is_current, title, first_fetched_at, last_fetched_at, captures "
            "from article_revisions where url = %s order by revision",
            (url,),
        )
        return cur.fetchall()


def test_captures_in_every_order_give_the_same_revisions_and_articles(db: psycopg2.extensions.connection) -> None:
    captures = CAPTURES + CORRECTED[:2]
    seen = {}
    for n, order in enumerate(itertools.permutations(range(len(CAPTURES)))):
        fixed = CORRECTED[:2] if n % 2 else CORRECTED[1::-1]  # the correction first, or last
        forget_articles(db)
        load_each(db, tuple(CAPTURES[i] for i in order) + fixed)
        seen[order] = contents(db)
    load_each(db, captures)  # and everything loaded once more
    again = contents(db)
    first = seen[(0, 1, 2, 3)]
    assert all(result == first for result in seen.values())
    assert again == first
    assert revisions(db, FLIP) == [
        (1, False, "Park prüft Zusammenarbeit", T1, T1, 1),
        (2, False, "Park beendet Gespräche", T2, T2, 1),
        (3, True, "Park prüft Zusammenarbeit", T3, T4, 2),
    ]
    with db.cursor() as cur:
        cur.execute("select title, fetched_at, paragraph_count from articles where url = %s", (FLIP,))
        assert cur.fetchone() == ("Park prüft Zusammenarbeit", T3, 2)
    assert stored_paragraphs(db, FLIP) == list(BODY)


def test_an_older_capture_loaded_late_becomes_a_revision_and_leaves_the_article(
    db: psycopg2.extensions.connection,
) -> None:
    load_each(db, CORRECTED[1:2])
    before = contents(db)
    run_id = start_run(db)
    db.commit()
    result = load_batch(db, run_id, SOURCE.name, [CORRECTED[0]], [])
    after = contents(db)
    assert (result.articles, result.articles_changed, result.stored) == (1, 0, ())
    assert result.superseded == ((FIXED, T1),)
    for table in ("articles", "article_paragraphs"):
        assert after[table] == before[table]
    assert stored_paragraphs(db, FIXED) == [*BODY, CORRECTION]
    assert revisions(db, FIXED) == [
        (1, False, "Gespräche beendet", T1, T1, 1),
        (2, True, "Gespräche gehen weiter", T2, T2, 1),
    ]
    assert after["article_revision_changes"] == [
        (FIXED, 1, 2, T1, T2, True, "Gespräche beendet", "Gespräche gehen weiter", [CORRECTION], [])
    ]


def test_an_identical_refetch_adds_no_revision_and_moves_nothing(db: psycopg2.extensions.connection) -> None:
    load_each(db, CORRECTED[:2])
    before = contents(db)
    run_id = start_run(db)
    db.commit()
    result = load_batch(db, run_id, SOURCE.name, [CORRECTED[2]], [])
    after = contents(db)
    assert result.articles_changed == 0
    assert [item.article.fetched_at for item in result.stored] == [T4]
    assert after["articles"] == before["articles"]  # fetched_at stays T2: when this text was first fetched
    assert after["article_revision_changes"] == before["article_revision_changes"]
    assert [row[1:] for row in after["article_captures"]] == [
        row[1:] for row in before["article_captures"] + [after["article_captures"][-1]]
    ]
    assert revisions(db, FIXED)[-1] == (2, True, "Gespräche gehen weiter", T2, T4, 2)


def test_a_reextraction_with_the_same_fetched_at_replaces_the_capture_in_place(
    db: psycopg2.extensions.connection,
) -> None:
    load_each(db, CORRECTED[:2])
    reextracted = capture(FIXED, "Gespräche gehen weiter", (*BODY, CORRECTION, "Bildunterschrift."), T2)
    run_id = start_run(db)
    db.commit()
    assert load_batch(db, run_id, SOURCE.name, [reextracted], []).articles_changed == 1
    assert [row[:3] for row in revisions(db, FIXED)] == [
        (1, False, "Gespräche beendet"),
        (2, True, "Gespräche gehen weiter"),
    ]
    assert stored_paragraphs(db, FIXED) == [*BODY, CORRECTION, "Bildunterschrift."]
    with db.cursor() as cur:
        cur.execute("select count(*) from article_captures")
        assert cur.fetchone()[0] == 2


def test_several_captures_of_one_url_in_one_batch_are_all_kept(db: psycopg2.extensions.connection) -> None:
    run_id = start_run(db)
    db.commit()
    result = load_batch(db, run_id, SOURCE.name, list(reversed(CAPTURES)), [])
    assert (result.articles, result.articles_changed) == (4, 1)
    assert [item.article.fetched_at for item in result.stored] == [T4]
    assert sorted(result.superseded) == [(FLIP, T1), (FLIP, T2), (FLIP, T3)]
    assert [row[:3] for row in revisions(db, FLIP)] == [
        (1, False, "Park prüft Zusammenarbeit"),
        (2, False, "Park beendet Gespräche"),
        (3, True, "Park prüft Zusammenarbeit"),
    ]
    assert contents(db)["articles"][0][9] == T3  # fetched_at: the first capture of the current revision


def test_a_late_capture_keeps_the_earliest_form_of_a_shared_paragraph(db: psycopg2.extensions.connection) -> None:
    later = capture(FIXED, "Gespräche beendet", ("Die  Gespräche gehen weiter.",), T2)  # same key, other spacing
    earlier = capture(FIXED, "Gespräche beendet", ("Die Gespräche gehen weiter.",), T1)
    load_each(db, (later, earlier))
    with db.cursor() as cur:
        cur.execute("select text, first_seen_at from paragraphs")
        assert cur.fetchall() == [("Die Gespräche gehen weiter.", T1)]


def test_concurrent_loads_of_different_captures_of_the_same_articles_converge(
    db: psycopg2.extensions.connection, clean_database: str
) -> None:
    run_id = start_run(db)
    db.commit()
    urls = [f"http://example.test/{i}" for i in range(30)]
    old = [capture(url, "Alt", (f"Absatz {url}.", "Gemeinsam."), T1) for url in urls]
    new = [capture(url, "Neu", (f"Absatz {url}.", "Gemeinsam.", CORRECTION), T2) for url in urls]
    errors: list[BaseException] = []

    def load(batch: list[DedupedArticle]) -> None:
        conn = connect(clean_database)
        try:
            load_batch(conn, run_id, SOURCE.name, batch, [])
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=load, args=(new,)), threading.Thread(target=load, args=(list(reversed(old)),))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    concurrent = contents(db)
    empty_data_tables(clean_database)
    run_id = start_run(db)
    db.commit()
    for batch in (old, new):
        load_batch(db, run_id, SOURCE.name, batch, [])
    assert contents(db) == concurrent
    assert {row[2] for row in concurrent["articles"]} == {"Neu"}
    assert len(concurrent["article_revision_changes"]) == 30


def test_migration_0011_keeps_loaded_articles_as_their_first_capture(server_url: str, tmp_path: Path) -> None:
    before = migrations_before(tmp_path, "0011")
    with throwaway_database(server_url, "newsetl_revisions", migrated=False) as url:
        conn = connect(url)
        try:
            migrate(conn, before)
            run_id = start_run(conn)
            conn.commit()
            with conn, conn.cursor() as cur:  # an article as the code before 0011 wrote it
                cur.execute(
                    "insert into articles (source_name, url, title, fetched_at, body_hash, paragraph_count, run_id) "
                    "values (%s, %s, %s, %s, %s, 0, %s) returning article_id",
                    (SOURCE.name, FIXED, "Gespräche gehen weiter", T2, CORRECTED[1].body_hash, run_id),
                )
            migrate(conn)
            load_batch(conn, run_id, SOURCE.name, [CORRECTED[0]], [])  # older: a revision, the row stays
            with conn.cursor() as cur:
                cur.execute("select title, fetched_at, paragraph_count from articles")
                assert cur.fetchall() == [("Gespräche gehen weiter", T2, 0)]
                cur.execute("select fetched_at, paragraph_keys from article_captures order by fetched_at")
                assert [(at, len(keys)) for at, keys in cur.fetchall()] == [(T1, 2), (T2, 0)]
        finally:
            conn.close()


def test_another_source_listing_the_url_adds_no_capture(db: psycopg2.extensions.connection) -> None:
    load_each(db, CORRECTED[:1])
    register_source(db, OTHER)
    with db.cursor() as cur:
        params = {"source_name": OTHER.name, "interval_start": T1, "interval_end": T4, "dag_run_id": None}
        cur.execute(query("start_run"), params)
        other_run = cur.fetchone()[0]
    db.commit()
    before = contents(db)
    theirs = dedup_article(make_article(FIXED, (*BODY, CORRECTION), source=OTHER.name, title="Ihre", fetched_at=T2))
    result = load_batch(db, other_run, OTHER.name, [theirs], [])
    assert (result.owned_elsewhere, result.superseded, result.stored) == ((FIXED,), (), ())
    assert contents(db) == before
