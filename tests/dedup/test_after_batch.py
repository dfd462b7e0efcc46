"""``etl.dedup.after_batch`` through the pipeline: re-runs and either load order give the same tables."""

from __future__ import annotations

import threading
from dataclasses import replace

import psycopg2

from etl.config import DedupSettings, Settings
from etl.dedup.after_batch import after_batch
from etl.dedup.within_article import dedup_article
from etl.demo_site.content import load_vocab
from etl.demo_site.server import RunningSite
from etl.pipeline.run import run_sources
from etl.records import DedupedArticle, Interval
from etl.warehouse.connection import connect
from etl.warehouse.load import load_batch
from tests.factories import (
    DEMO_ARTICLE_BASE,
    MAY_15,
    MAY_16,
    SOURCE,
    empty_data_tables,
    make_article,
    start_run,
)

TWO_DAY_RULE = DedupSettings(boilerplate_min_articles=3, boilerplate_min_days=2)

CONTENTS = {
    "articles": "select url, title, published_at, encode(body_hash, 'hex'), paragraph_count, repeats_removed "
    "from articles order by url",
    "paragraphs": "select encode(paragraph_key, 'hex'), text from paragraphs order by 1",
    "article_paragraphs": "select a.url, ap.position, encode(ap.paragraph_key, 'hex') from article_paragraphs ap "
    "join articles a using (article_id) order by 1, 2",
    "boilerplate_paragraphs": "select source_name, encode(paragraph_key, 'hex'), articles, days, first_seen_on, "
    "last_seen_on from boilerplate_paragraphs order by 1, 2",
    "paragraph_lsh_pending": "select encode(paragraph_key, 'hex') from paragraph_lsh_pending order by 1",
    "paragraph_bands": "select encode(paragraph_key, 'hex'), band_keys from paragraph_bands order by 1",
    "paragraph_near_duplicates": "select encode(paragraph_key, 'hex'), encode(similar_key, 'hex'), similarity "
    "from paragraph_near_duplicates order by 1, 2",
    "article_duplicates": "select a.url, o.url, d.similarity, d.shared_paragraphs from article_duplicates d "
    "join articles a on a.article_id = d.article_id join articles o on o.article_id = d.duplicate_of order by 1, 2",
    "article_search": "select a.url, s.search_config::text, s.search_vector::text from article_search s "
    "join articles a using (article_id) order by 1",
    "article_text": "select url, duplicate_of is not null, paragraph_count, body_text from article_text order by 1",
}


def contents(conn: psycopg2.extensions.connection) -> dict[str, list[tuple]]:
    """Every table of the deduplicated warehouse, without surrogate ids and clock times."""
    result = {}
    with conn.cursor() as cur:
        for name, statement in CONTENTS.items():
            cur.execute(statement)
            result[name] = cur.fetchall()
    conn.rollback()
    return result


def test_two_days_in_either_order_and_a_rerun_give_the_same_tables(
    settings: Settings, demo_site: RunningSite, db: psycopg2.extensions.connection, clean_database: str
) -> None:
    settings = replace(settings, dedup=TWO_DAY_RULE)
    run_sources(settings, MAY_15)
    run_sources(settings, MAY_16)
    forward = contents(db)
    run_sources(settings, MAY_16)
    assert contents(db) == forward
    empty_data_tables(clean_database)
    run_sources(settings, MAY_16)
    run_sources(settings, MAY_15)
    assert contents(db) == forward
    assert all(forward[name] for name in CONTENTS if name not in ("paragraph_near_duplicates", "paragraph_lsh_pending"))
    assert forward["paragraph_lsh_pending"] == []


def test_the_demo_sites_subscription_lines_are_boilerplate_and_out_of_article_text(
    settings: Settings, db: psycopg2.extensions.connection
) -> None:
    run_sources(replace(settings, dedup=TWO_DAY_RULE), Interval(MAY_15.start, MAY_16.end))
    with db.cursor() as cur:
        cur.execute(
            "select b.source_name, p.text from boilerplate_paragraphs b join paragraphs p using (paragraph_key) "
            "order by 1, 2"
        )
        marked = set(cur.fetchall())
        # the mirror re-publishes a few Russian articles with their line: too few to be the mirror's boilerplate
        cur.execute(
            "select count(*) from article_text where body_text like '%%Telegram%%' and source_name <> 'demo-mirror'"
        )
        in_text = cur.fetchone()[0]
        cur.execute(
            "select count(*) from article_paragraphs join paragraphs using (paragraph_key) "
            "where text like '%%Telegram%%'"
        )
        on_pages = cur.fetchone()[0]
    for source, edition in (("demo-de", "de"), ("demo-es", "es"), ("demo-en", "en"), ("demo-ru", "ru")):
        assert (source, load_vocab(edition)["boilerplate"]) in marked
    assert in_text == 0
    assert on_pages > 0


def test_the_seeds_russian_copy_is_linked_to_its_source_article(
    settings: Settings, demo_site: RunningSite, db: psycopg2.extensions.connection
) -> None:
    run_sources(settings, MAY_15, ["demo-mirror", "demo-ru"])
    seed = next(t for t in demo_site.site.articles("ru") if t.kind == "seed_ru")
    copy = next(e for e in demo_site.site.entries("mirror") if e.kind == "syndicated" and e.source_path == seed.path)
    with db.cursor() as cur:
        cur.execute(
            "select o.url, d.similarity, d.shared_paragraphs from article_duplicates d "
            "join articles a on a.article_id = d.article_id join articles o on o.article_id = d.duplicate_of "
            "where a.url = %s",
            (DEMO_ARTICLE_BASE + copy.path,),
        )
        rows = cur.fetchall()
    unique = len(seed.unique_paragraphs)
    assert rows == [(DEMO_ARTICLE_BASE + seed.path, round(unique / (unique + 1), 7), unique)]


def test_two_workers_loading_overlapping_batches_at_once_neither_deadlock_nor_duplicate(
    db: psycopg2.extensions.connection, clean_database: str
) -> None:
    run_id = start_run(db)
    db.commit()
    common = "Gemeinsamer Absatz, den beide Agenturen wortgleich verbreiten, mit 3 Zahlen und 12 Namen."
    shared = [
        dedup_article(make_article(f"http://example.test/{i}", (f"Eigener Absatz Nummer {i} mit etwas Text.", common)))
        for i in range(40)
    ]
    copy_a = dedup_article(make_article("http://example.test/a", ("Nur in a, ganz eigener Text hier.", common)))
    copy_b = dedup_article(make_article("http://example.test/b", ("Nur in b, ganz eigener Text hier.", common)))
    errors: list[BaseException] = []
    barrier = threading.Barrier(2, timeout=30)

    def work(batch: list[DedupedArticle]) -> None:
        conn = connect(clean_database)
        try:
            barrier.wait()
            load_batch(conn, run_id, SOURCE.name, batch, [])
            after_batch(conn, DedupSettings(), batch)
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            conn.close()

    threads = [
        threading.Thread(target=work, args=([*shared, copy_a],)),
        threading.Thread(target=work, args=([*reversed(shared), copy_b],)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    together = contents(db)
    assert len(together["articles"]) == 42
    assert len(together["paragraphs"]) == 43
    assert len(together["article_search"]) == 42
    assert together["paragraph_lsh_pending"] == []
    empty_data_tables(clean_database)
    run_id = start_run(db)
    db.commit()
    for batch in ([*shared, copy_a], [copy_b]):
        load_batch(db, run_id, SOURCE.name, batch, [])
        after_batch(db, DedupSettings(), batch)
    assert contents(db) == together
