"""``etl.warehouse.load``: batches merge idempotently, atomically, and keep each paragraph once."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta

import psycopg2
import pytest

from etl.dedup.normalise import paragraph_key
from etl.dedup.within_article import dedup_article
from etl.records import Failure, Paragraph, Source
from etl.warehouse.connection import connect
from etl.warehouse.load import copy_field, load_batch, register_source
from etl.warehouse.queries import query
from tests.factories import FETCHED, SOURCE, make_article, start_run, stored_paragraphs
from tests.poison_site import incompressible

OTHER = Source(name="other-src", base_url="http://example.test/", language="de")
"""A second source listing the same URLs as ``SOURCE``."""
LATER = FETCHED + timedelta(hours=1)


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


def test_a_batch_failing_for_other_than_its_data_writes_nothing(db: psycopg2.extensions.connection) -> None:
    start_run(db)
    db.commit()
    good = dedup_article(make_article("http://example.test/a", ("One.",)))
    failure = Failure(SOURCE.name, "http://example.test/x", "fetch", "http_404", 404, FETCHED)
    with pytest.raises(psycopg2.errors.ForeignKeyViolation):
        load_batch(db, 999, SOURCE.name, [good], [failure])  # no such run
    assert snapshot(db) == {"articles": [], "paragraphs": [], "article_paragraphs": []}


def test_a_row_the_warehouse_rejects_costs_only_its_page_and_is_recorded(db: psycopg2.extensions.connection) -> None:
    run_id = start_run(db)
    db.commit()
    good = [dedup_article(make_article(f"http://example.test/{i}", (f"Paragraph {i}.",))) for i in range(7)]
    blank = Paragraph(paragraph_key(" x"), "   ")  # the warehouse's check refuses a blank paragraph
    bad = replace(dedup_article(make_article("http://example.test/bad", ("Kept?",))), paragraphs=(blank,))
    wrong = Failure(SOURCE.name, "http://example.test/wrong", "no-such-stage", "oops", None, FETCHED)
    result = load_batch(db, run_id, SOURCE.name, [*good[:3], bad, *good[3:]], [wrong])
    assert (result.articles, result.failures) == (7, 2)
    assert [f.url for f in result.rejected] == ["http://example.test/bad"]
    assert sorted(item.article.url for item in result.stored) == sorted(item.article.url for item in good)
    with db.cursor() as cur:
        cur.execute("select url from articles order by url")
        assert [row[0] for row in cur] == sorted(item.article.url for item in good)
        cur.execute("select url, stage, reason, detail from fetch_failures order by url")
        rows = cur.fetchall()
    assert [row[:3] for row in rows] == [
        ("http://example.test/bad", "load", "not_storable"),
        ("http://example.test/wrong", "load", "not_storable"),
    ]
    assert rows[0][3].startswith("23514: ") and "paragraphs_text_ck" in rows[0][3]
    before = snapshot(db)
    load_batch(db, run_id, SOURCE.name, [*good[:3], bad, *good[3:]], [wrong])
    assert snapshot(db) == before


def test_nul_and_lone_surrogates_are_replaced_in_every_text_and_counted(db: psycopg2.extensions.connection) -> None:
    run_id = start_run(db)
    db.commit()
    article = make_article(
        "http://example.test/n\x00ul",
        ("Paragraph.",),
        title="Ti\x00tle \udfff",
        authors=("An\x00na",),
        section="Wirt\x00schaft",
        language="d\x00",
    )
    failure = Failure(SOURCE.name, "http://example.test/f\x00", "fetch", "not_html", 200, FETCHED, "pdf\x00\ud83d")
    deduped = dedup_article(article)
    # a paragraph as extraction may hand it on (hashing it is extraction's business)
    deduped = replace(deduped, paragraphs=(Paragraph(paragraph_key("p"), "Para\x00graph with \ud800 surrogate."),))
    result = load_batch(db, run_id, SOURCE.name, [deduped], [failure])
    assert result.characters_replaced == 11
    assert [item.article.url for item in result.stored] == ["http://example.test/n\ufffdul"]
    with db.cursor() as cur:
        cur.execute("select url, title, authors, section, language from articles")
        assert cur.fetchall() == [
            ("http://example.test/n\ufffdul", "Ti\ufffdtle \ufffd", ["An\ufffdna"], "Wirt\ufffdschaft", "d\ufffd")
        ]
        cur.execute("select url, detail from fetch_failures")
        assert cur.fetchall() == [("http://example.test/f\ufffd", "pdf\ufffd\ufffd")]
    assert stored_paragraphs(db, "http://example.test/n\ufffdul") == ["Para\ufffdgraph with \ufffd surrogate."]


def test_urls_of_any_length_load_and_reload_idempotently(db: psycopg2.extensions.connection) -> None:
    run_id = start_run(db)
    db.commit()
    long_url = "http://example.test/" + incompressible(10_000)
    batch = [dedup_article(make_article(long_url, ("Long.",)))]
    failures = [Failure(SOURCE.name, long_url + "/f", "fetch", "http_404", 404, FETCHED)]
    first = load_batch(db, run_id, SOURCE.name, batch, failures)
    before = snapshot(db)
    second = load_batch(db, run_id, SOURCE.name, batch, failures)
    assert (first.articles_changed, second.articles_changed, first.rejected) == (1, 0, ())
    assert snapshot(db) == before
    assert stored_paragraphs(db, long_url) == ["Long."]
    with db.cursor() as cur:
        cur.execute("select count(*) from fetch_failures where url = %s", (long_url + "/f",))
        assert cur.fetchone()[0] == 1


def test_the_first_source_to_load_an_article_keeps_it(db: psycopg2.extensions.connection) -> None:
    run_id = start_run(db)
    register_source(db, OTHER)
    with db.cursor() as cur:
        params = {"source_name": OTHER.name, "interval_start": FETCHED, "interval_end": LATER, "dag_run_id": None}
        cur.execute(query("start_run"), params)
        other_run = cur.fetchone()[0]
    db.commit()
    url = "http://example.test/shared"
    mine = dedup_article(make_article(url, ("As we have it.",)))
    theirs = dedup_article(make_article(url, ("As they have it.",), source=OTHER.name, fetched_at=LATER))
    load_batch(db, run_id, SOURCE.name, [mine], [])
    before = snapshot(db)
    for _ in range(2):
        result = load_batch(db, other_run, OTHER.name, [theirs], [])
        assert snapshot(db) == before  # source_name, run_id, fetched_at and text stay those of the owner
        assert (result.owned_elsewhere, result.stored, result.articles_changed) == ((url,), (), 0)
    changed = dedup_article(make_article(url, ("As we have it now.",), fetched_at=LATER))
    assert load_batch(db, run_id, SOURCE.name, [changed], []).articles_changed == 1
    assert stored_paragraphs(db, url) == ["As we have it now."]


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
