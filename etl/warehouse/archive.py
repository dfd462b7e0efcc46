"""The raw page archive in the warehouse: every fetched body kept, compressed and content-addressed.

``page_bodies`` holds each distinct body once (SHA-256 key), zstd-compressed (``body_codec``; bodies stored
before migration 0013 are gzip and read back as such); ``page_fetches`` records which run fetched which
URL, with status, headers and fetched_at. The archive serves conditional GETs (the stored version and its
ETag / Last-Modified) and ``reprocess``, which re-extracts stored pages without any network.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial

import psycopg2.extensions
import zstandard

from etl.records import FetchedPage, Interval
from etl.warehouse.queries import query
from etl.warehouse.storable import Storable
from etl.warehouse.transactions import error_message, run_isolating

logger = logging.getLogger(__name__)

_ROWS_PER_READ = 200
CODEC = "zstd"
"""Codec of newly archived bodies (``page_bodies.body_codec``); ``_DECOMPRESS`` reads every codec stored."""
ZSTD_LEVEL = 3
"""zstd level of archived bodies. On the 295 dev-set pages (183 KiB of HTML each, one idle core): 32.5 KiB and
0.36 ms a page, against 38.3 KiB and 1.03 ms for gzip level 3 (the codec before migration 0013) and 34.1 KiB
and 2.25 ms for gzip 6; zstd 6 stores 30.0 KiB in 1.11 ms, CPU the pipeline's main thread, which feeds the
extraction workers, spends better on them. Any level reads back the same way."""
_DECOMPRESS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": gzip.decompress,
    "zstd": lambda data: zstandard.ZstdDecompressor().decompress(data),
}


@dataclass(frozen=True)
class ArchiveResult:
    """What archiving a batch did: the pages the warehouse rejected (requested URL -> the database's message;
    the caller records them as failures) and the NUL characters and lone surrogates replaced by U+FFFD in
    the pages' URLs, content types and headers."""

    rejected: dict[str, str]
    characters_replaced: int


@dataclass(frozen=True)
class _Fetch:
    """One page as its archive row: texts made storable, body hashed and compressed (once, outside the
    transaction, which ``run_isolating`` may repeat)."""

    page: FetchedPage
    url: str
    final_url: str
    content_type: str
    headers: str
    digest: bytes
    body_compressed: bytes


def store_pages(
    conn: psycopg2.extensions.connection, run_id: int, source_name: str, pages: Sequence[FetchedPage]
) -> ArchiveResult:
    """Archive the pages of one batch in one transaction of two statements (idempotent per run and URL).

    Texts are made storable first (``etl.warehouse.storable``; headers go to ``jsonb``, which rejects even the
    escape ``\u0000``); a page the warehouse still rejects is left out, the rest archived
    (``etl.warehouse.transactions.run_isolating``)."""
    storable = Storable()
    compressor = zstandard.ZstdCompressor(level=ZSTD_LEVEL)  # not thread-safe: one per call
    rows = [
        _Fetch(
            page,
            storable.text(page.requested_url),
            storable.text(page.final_url),
            storable.text(page.content_type),
            json.dumps([[storable.text(k), storable.text(v)] for k, v in page.headers]),
            hashlib.sha256(page.content).digest(),
            _compress(compressor, page.content),
        )
        for page in pages
    ]
    _, bad = run_isolating(conn, rows, partial(_insert, run_id=run_id, source_name=source_name))
    rejected = {row.page.requested_url: error_message(error) for row, error in bad}
    for url, message in rejected.items():
        logger.warning("run %s: %.200s not archived: %s", run_id, url, message)
    if storable.replaced:
        logger.warning(
            "run %s: replaced %d NUL or lone surrogate characters in archived pages", run_id, storable.replaced
        )
    return ArchiveResult(rejected, storable.replaced)


def _compress(compressor: zstandard.ZstdCompressor, content: bytes) -> bytes:
    """One zstd frame of ``content``, copied to a bytes object of its own size: ``compress`` returns one that
    keeps the allocation of the worst case (a little more than ``content``), so a batch of 200 pages held
    185 KiB each instead of 33 KiB (36 MB more peak RSS, measured over 3,000 dev-set pages)."""
    return bytes(memoryview(compressor.compress(content)))


def _insert(cur: psycopg2.extensions.cursor, rows: Sequence[_Fetch], *, run_id: int, source_name: str) -> int:
    cur.execute(
        query("insert_page_bodies"),
        {
            "body_sha256s": [row.digest for row in rows],
            "body_codec": CODEC,
            "body_compresseds": [row.body_compressed for row in rows],
            "size_bytes": [len(row.page.content) for row in rows],
        },
    )
    cur.execute(
        query("insert_page_fetches"),
        {
            "run_id": run_id,
            "source_name": source_name,
            "urls": [row.url for row in rows],
            "final_urls": [row.final_url for row in rows],
            "http_statuses": [row.page.status for row in rows],
            "not_modifieds": [row.page.not_modified for row in rows],
            "content_types": [row.content_type for row in rows],
            "headers": [row.headers for row in rows],
            "body_sha256s": [row.digest for row in rows],
            "fetched_ats": [row.page.fetched_at for row in rows],
        },
    )
    return len(rows)


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
    url, final_url, status, content_type, headers, fetched_at, codec, body_compressed = row
    fetched: datetime = fetched_at
    return FetchedPage(
        source=source_name,
        requested_url=url,
        final_url=final_url,
        status=status,
        content=_DECOMPRESS[codec](bytes(body_compressed)),
        content_type=content_type,
        fetched_at=fetched,
        elapsed_s=0.0,
        headers=tuple((str(k), str(v)) for k, v in headers),
    )
