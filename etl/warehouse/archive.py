"""The raw page archive in the warehouse: every fetched body kept, gzip-compressed and content-addressed.

``page_bodies`` holds each distinct body once (SHA-256 key); ``page_fetches`` records which run fetched which
URL, with status, headers and fetched_at. The archive serves conditional GETs (the stored version and its
ETag / Last-Modified) and ``reprocess``, which re-extracts stored pages without any network.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterator, Sequence
from datetime import datetime

import psycopg2.extensions

from etl.records import FetchedPage, Interval
from etl.warehouse.queries import query

_ROWS_PER_READ = 200


def store_pages(
    conn: psycopg2.extensions.connection, run_id: int, source_name: str, pages: Sequence[FetchedPage]
) -> None:
    """Archive the pages of one batch in one transaction of two statements (idempotent per run and URL)."""
    if not pages:
        return
    digests = [hashlib.sha256(page.content).digest() for page in pages]
    with conn, conn.cursor() as cur:
        cur.execute(
            query("insert_page_bodies"),
            {
                "body_sha256s": digests,
                "body_gzips": [gzip.compress(page.content, 6) for page in pages],
                "size_bytes": [len(page.content) for page in pages],
            },
        )
        cur.execute(
            query("insert_page_fetches"),
            {
                "run_id": run_id,
                "source_name": source_name,
                "urls": [page.requested_url for page in pages],
                "final_urls": [page.final_url for page in pages],
                "http_statuses": [page.status for page in pages],
                "not_modifieds": [page.not_modified for page in pages],
                "content_types": [page.content_type for page in pages],
                "headers": [json.dumps([list(pair) for pair in page.headers]) for page in pages],
                "body_sha256s": digests,
                "fetched_ats": [page.fetched_at for page in pages],
            },
        )


def latest_pages(conn: psycopg2.extensions.connection, source_name: str, urls: Sequence[str]) -> dict[str, FetchedPage]:
    """The newest stored version of each of ``urls`` that the archive has."""
    with conn, conn.cursor() as cur:
        cur.execute(query("select_latest_pages"), {"source_name": source_name, "urls": list(urls)})
        return {row[0]: _page(source_name, row) for row in cur.fetchall()}


def archived_pages(conn: psycopg2.extensions.connection, source_name: str, interval: Interval) -> Iterator[FetchedPage]:
    """The newest stored version of every page the source's runs over ``interval`` fetched, by URL.

    Read through a server-side cursor, so history of any size streams; the cursor survives the commits of
    loads made while it is read.
    """
    with conn.cursor(name="archived_pages", withhold=True) as cur:
        cur.itersize = _ROWS_PER_READ
        cur.execute(
            query("select_archived_pages"),
            {"source_name": source_name, "interval_start": interval.start, "interval_end": interval.end},
        )
        conn.commit()
        for row in cur:
            yield _page(source_name, row)


def _page(source_name: str, row: tuple) -> FetchedPage:
    url, final_url, status, content_type, headers, fetched_at, body_gzip = row
    fetched: datetime = fetched_at
    return FetchedPage(
        source=source_name,
        requested_url=url,
        final_url=final_url,
        status=status,
        content=gzip.decompress(bytes(body_gzip)),
        content_type=content_type,
        fetched_at=fetched,
        elapsed_s=0.0,
        headers=tuple((str(k), str(v)) for k, v in headers),
    )
