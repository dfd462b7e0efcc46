"""``etl.warehouse.load``: batches merge idempotently, atomically, and keep each paragraph once."""

from __future__ import annotations

import threading

import psycopg2
import pytest

from etl.dedup.normalise import paragraph_key
from etl.dedup.within_article import dedup_article
from etl.records import Failure
from etl.warehouse.connection import connect
from etl.warehouse.load import copy_field, load_batch
from tests.factories import FETCHED, SOURCE, make_article, start_run, stored_paragraphs


def snapshot(conn: psycopg2.extensions.connection) -> dict[str, list[tuple]]:
    with conn.cursor() as cur:
        tables = {
            "articles": "select article_id, source_name, url, title, published_at, language, authors, section, "
            "fetched_at, body_hash, paragraph_count, repeats_removed, run_id from articles order by url",
            "paragraphs": "select paragraph_key, text, first_seen_at from paragraphs order by paragraph_key",
            "article_paragraphs": "select article_id, position, paragraph_key from article_paragraphs "
            "order by article_id, position",
        }
        result = {}
        for name, statement in tables.items():
            cur.execute(statement)
            result[name] = [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in cur]
        return result


def test_loading_the_same_batch_twice_changes_nothing(db: psycopg2.extensions.connection) -> None:
    run_id = start_run(db)
    batch = [dedup_article(make_article("http://example.test/a", ("One.", "Two.", "One.")))]
    first = load_batch(db, run_id, SOURCE.name, batch, [])
    before = snapshot(db)
    second = load_batch(db, run_id, SOURCE.name, batch, [])
    assert first.articles_changed == 1
    assert second.articles_changed == 0
    assert snapshot(db) == before
    assert stored_paragraphs(db, "http://example.test/a") == ["One.", "Two."]


def test_text_with_tabs_quotes_and_backslashes_survives_copy(db: psycopg2.extensions.connection) -> None:
    run_id = start_run(db)
    tricky = ("Line\tone\\two", 'Zeile mit\nUmbruch und "Zitat"', "\\N is not null")
    load_batch(db, run_id, SOURCE.name, [dedup_article(make_article("http://example.test/t", tricky))], [])
    assert stored_paragraphs(db, "http://example.test/t") == list(tricky)
    with db.cursor() as cur:
        cur.execute("select title, authors from articles")
        assert cur.fetchone() == ('Tab\there, "quoted" and back\\slash', ['Anna "Ann" Muster', "Back\\Slash, Jr."])


def test_changed_article_replaces_its_paragraphs_and_keeps_shared_ones(db: psycopg2.extensions.connection) -> None:
    run_id = start_run(db)
    load_batch(db, run_id, SOURCE.name, [dedup_article(make_article("http://example.test/a", ("One.", "Two.")))], [])
    updated = make_article("http://example.test/a", ("One.", "Two, corrected."), fetched_at=FETCHED.replace(hour=13))
    result = load_batch(db, run_id, SOURCE.name, [dedup_article(updated)], [])
    assert result.articles_changed == 1
    assert stored_paragraphs(db, "http://example.test/a") == ["One.", "Two, corrected."]
    with db.cursor() as cur:
        cur.execute("select count(*) from articles")
        assert cur.fetchone()[0] == 1
        cur.execute("select fetched_at from articles")
        assert cur.fetchone()[0] == FETCHED.replace(hour=13)


def test_a_paragraph_shared_by_two_articles_is_stored_once(db: psycopg2.extensions.connection) -> None:
    run_id = start_run(db)
    batch = [
        dedup_article(make_article("http://example.test/a", ("Shared quote.", "Only in a."))),
        dedup_article(make_article("http://example.test/b", ("Only in b.", "Shared quote."))),
    ]
    load_batch(db, run_id, SOURCE.name, batch, [])
    with db.cursor() as cur:
        cur.execute("select count(*) from paragraphs where paragraph_key = %s", (paragraph_key("Shared quote."),))
        assert cur.fetchone()[0] == 1
        cur.execute("select count(*) from article_paragraphs")
        assert cur.fetchone()[0] == 4


def test_failures_are_recorded_once_per_run_and_url(db: psycopg2.extensions.connection) -> None:
    run_id = start_run(db)
    failure = Failure(SOURCE.name, "http://example.test/down", "fetch", "http_503", 503, FETCHED, "Service Unavailable")
    load_batch(db, run_id, SOURCE.name, [], [failure])
    load_batch(db, run_id, SOURCE.name, [], [failure])
    with db.cursor() as cur:
        cur.execute("select url, stage, reason, http_status, detail from fetch_failures")
        assert cur.fetchall() == [("http://example.test/down", "fetch", "http_503", 503, "Service Unavailable")]


def test_a_failing_batch_writes_nothing(db: psycopg2.extensions.connection) -> None:
    run_id = start_run(db)
    good = dedup_article(make_article("http://example.test/a", ("One.",)))
    bad = Failure(SOURCE.name, "http://example.test/x", "no-such-stage", "oops", None, FETCHED)
    with pytest.raises(psycopg2.errors.CheckViolation):
        load_batch(db, run_id, SOURCE.name, [good], [bad])
    assert snapshot(db) == {"articles": [], "paragraphs": [], "article_paragraphs": []}


@pytest.mark.parametrize(
    ("value", "field"),
    [
        (None, r"\N"),
        ("a\tb\nc\\d", r"a\tb\nc\\d"),
        (b"\x01\xff", r"\\x01ff"),
        (("x", 'y"z'), r'{"x","y\\"z"}'),
        (7, "7"),
    ],
)
def test_copy_field_escapes_for_copy_text_format(value: object, field: str) -> None:
    assert copy_field(value) == field


def test_concurrent_loads_of_overlapping_batches_leave_the_same_rows(
    db: psycopg2.extensions.connection, clean_database: str
) -> None:
    run_id = start_run(db)
    db.commit()
    shared = [
        dedup_article(make_article(f"http://example.test/{i}", (f"Shared {i}.", "Common line."))) for i in range(30)
    ]
    only_a = [dedup_article(make_article("http://example.test/a", ("Only a.", "Common line.")))]
    only_b = [dedup_article(make_article("http://example.test/b", ("Only b.", "Common line.")))]
    errors: list[BaseException] = []

    def load(batch: list) -> None:
        conn = connect(clean_database)
        try:
            load_batch(conn, run_id, SOURCE.name, batch, [])
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            conn.close()

    threads = [
        threading.Thread(target=load, args=(shared + only_a,)),
        threading.Thread(target=load, args=(list(reversed(shared)) + only_b,)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    contents = snapshot(db)
    assert len(contents["articles"]) == 32
    assert len(contents["paragraphs"]) == 33
    assert len(contents["article_paragraphs"]) == 64
