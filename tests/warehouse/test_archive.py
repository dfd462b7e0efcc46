"""``etl.warehouse.archive``: every fetched body is kept compressed once (zstd; gzip bodies stored before migration
0013 read back), and reprocess reloads from it offline."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import replace
from pathlib import Path

import psycopg2
import zstandard

from etl.config import Settings
from etl.demo_site.server import RunningSite
from etl.pipeline.run import run_source
from etl.warehouse.archive import latest_pages, store_pages
from etl.warehouse.connection import connect
from etl.warehouse.migrate import migrate
from etl.warehouse.queries import MIGRATIONS_DIR
from tests.factories import (
    DEMO_ARTICLE_BASE,
    MAY_15,
    SOURCE,
    fetched_page,
    migrations_before,
    start_run,
    stored_paragraphs,
    throwaway_database,
)
from tests.poison_site import incompressible


def article_rows(conn: psycopg2.extensions.connection) -> list[tuple]:
    with conn.cursor() as cur:
        cur.execute("select url, title, published_at, fetched_at, encode(body_hash, 'hex') from articles order by url")
        return cur.fetchall()


def test_a_run_archives_every_page_it_fetched_compressed_once(
    settings: Settings, db: psycopg2.extensions.connection
) -> None:
    summary = run_source(settings, "demo-de", MAY_15)
    with db.cursor() as cur:
        cur.execute(
            "select count(*), count(distinct body_sha256) from page_fetches where run_id = %s", (summary.run_id,)
        )
        fetches, bodies = cur.fetchone()
        cur.execute("select body_codec, body_compressed, size_bytes from page_bodies")
        stored = cur.fetchall()
    assert fetches == summary.counts.pages_fetched
    assert bodies == len(stored)
    assert {codec for codec, _, _ in stored} == {"zstd"}
    assert all(len(zstandard.ZstdDecompressor().decompress(bytes(body))) == size for _, body, size in stored)
    assert sum(len(bytes(body)) for _, body, _ in stored) < sum(size for *_, size in stored)


def test_latest_pages_returns_the_newest_version_with_its_headers(
    settings: Settings, demo_site: RunningSite, db: psycopg2.extensions.connection
) -> None:
    summary = run_source(settings, "demo-de", MAY_15)
    with db.cursor() as cur:
        cur.execute("select url from page_fetches where run_id = %s order by url limit 1", (summary.run_id,))
        (url,) = cur.fetchone()
    page = latest_pages(db, "demo-de", [url, "http://nowhere.test/"])[url]
    assert set(latest_pages(db, "demo-de", [url, "http://nowhere.test/"])) == {url}
    assert page.content == demo_site.site.response(url.removeprefix(DEMO_ARTICLE_BASE), demo_site.base_url)[2]
    assert page.header("content-type") == page.content_type


def test_storing_a_batch_twice_in_a_run_keeps_one_row(settings: Settings, db: psycopg2.extensions.connection) -> None:
    summary = run_source(settings, "demo-de", MAY_15)
    page = next(iter(latest_pages(db, "demo-de", _urls(db)).values()))
    store_pages(db, summary.run_id, "demo-de", [page, replace(page, not_modified=True)])
    with db.cursor() as cur:
        cur.execute("select count(*) from page_fetches where url = %s", (page.requested_url,))
        assert cur.fetchone()[0] == 1


def test_reprocess_reloads_an_interval_from_the_archive_without_network(
    settings: Settings, db: psycopg2.extensions.connection
) -> None:
    run_source(settings, "demo-de", MAY_15)
    before = article_rows(db)
    texts = {row[0]: stored_paragraphs(db, row[0]) for row in before}
    with db, db.cursor() as cur:
        cur.execute("delete from article_paragraphs")
        cur.execute("delete from articles")
    offline = replace(settings, demo_site_url="http://127.0.0.1:9")  # nothing listens there
    summary = run_source(offline, "demo-de", MAY_15, reprocess=True)
    assert summary.status == "success"
    assert article_rows(db) == before
    assert {url: stored_paragraphs(db, url) for url in texts} == texts
    with db.cursor() as cur:
        cur.execute("select count(*) from page_fetches where run_id = %s", (summary.run_id,))
        assert cur.fetchone()[0] == 0


def _urls(conn: psycopg2.extensions.connection) -> list[str]:
    with conn.cursor() as cur:
        cur.execute("select url from page_fetches")
        return [row[0] for row in cur]


def test_pages_with_nul_in_headers_and_urls_of_any_length_are_archived_and_a_rejected_one_costs_only_itself(
    db: psycopg2.extensions.connection,
) -> None:
    run_id = start_run(db)
    db.commit()
    long_url = "http://example.test/" + incompressible(10_000)
    nul = replace(
        fetched_page("http://example.test/nul", b"<p>nul</p>"),
        content_type="text/html\x00x",
        headers=(("X-Note", "a\x00b"), ("X-Odd", "\ud800")),
    )
    bad = replace(fetched_page("http://example.test/bad", b"<p>bad</p>"), status=2**31)  # no integer holds it
    pages = [fetched_page(long_url, b"<p>long</p>"), nul, bad, fetched_page("http://example.test/ok", b"<p>ok</p>")]
    result = store_pages(db, run_id, SOURCE.name, pages)
    assert list(result.rejected) == ["http://example.test/bad"]
    assert result.rejected["http://example.test/bad"].startswith("22003: ")
    assert result.characters_replaced == 3
    stored = latest_pages(db, SOURCE.name, [page.requested_url for page in pages])
    assert sorted(stored) == sorted([long_url, "http://example.test/nul", "http://example.test/ok"])
    assert stored["http://example.test/nul"].headers == (("X-Note", "a\ufffdb"), ("X-Odd", "\ufffd"))
    assert stored["http://example.test/nul"].content_type == "text/html\ufffdx"
    assert store_pages(db, run_id, SOURCE.name, pages[:2]).rejected == {}
    with db.cursor() as cur:
        cur.execute("select count(*) from page_fetches")
        assert cur.fetchone()[0] == 3


def test_a_body_archived_at_another_zstd_level_reads_back(db: psycopg2.extensions.connection) -> None:
    run_id = start_run(db)
    db.commit()
    body = b"<html><body><article><p>" + b"A body archived before the level changed. " * 200 + b"</p></article>"
    page = fetched_page("http://example.test/old.html", body)
    store_pages(db, run_id, page.source, [page])
    with db, db.cursor() as cur:
        cur.execute("update page_bodies set body_compressed = %s", (zstandard.ZstdCompressor(level=19).compress(body),))
    assert latest_pages(db, page.source, [page.requested_url])[page.requested_url].content == body


def test_bodies_archived_as_gzip_before_migration_0013_read_back(server_url: str, tmp_path: Path) -> None:
    """Migration 0013 keeps stored bodies as they are (gzip, said by ``body_codec``); new ones are zstd."""
    before = migrations_before(tmp_path, "0013")
    old = b"<html><body><article><p>" + b"A body archived as gzip before 0013. " * 200 + b"</p></article>"
    new = old.replace(b"before", b"after")
    with throwaway_database(server_url, "newsetl_test", migrated=False) as url:
        conn = connect(url)
        try:
            migrate(conn, before)
            run_id = start_run(conn)
            with conn, conn.cursor() as cur:
                cur.execute(
                    "insert into page_bodies (body_sha256, body_gzip, size_bytes) values (%s, %s, %s)",
                    (hashlib.sha256(old).digest(), gzip.compress(old, 6), len(old)),
                )
                cur.execute(
                    "insert into page_fetches (run_id, source_name, url, final_url, http_status, content_type, "
                    "headers, body_sha256, fetched_at) values (%s, %s, %s, %s, 200, 'text/html', '[]', %s, now())",
                    (
                        run_id,
                        SOURCE.name,
                        "http://example.test/old.html",
                        "http://example.test/old.html",
                        hashlib.sha256(old).digest(),
                    ),
                )
            migrate(conn, MIGRATIONS_DIR)
            page = fetched_page("http://example.test/new.html", new)
            store_pages(conn, run_id, page.source, [page])
            pages = latest_pages(conn, SOURCE.name, ["http://example.test/old.html", page.requested_url])
            with conn.cursor() as cur:
                cur.execute("select body_codec, size_bytes from page_bodies order by body_codec")
                codecs = cur.fetchall()
        finally:
            conn.close()
    assert pages["http://example.test/old.html"].content == old
    assert pages[page.requested_url].content == new
    assert codecs == [("gzip", len(old)), ("zstd", len(new))]
