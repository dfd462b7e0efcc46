"""Load a batch of articles and failures into the warehouse in one transaction.

Each batch is copied into temporary tables, then merged with set-based, idempotent statements
(``sql/queries/upsert_articles.sql``, ``insert_paragraphs.sql``, ``replace_article_paragraphs.sql``,
``insert_failures.sql``). Loading the same batch twice, or two overlapping batches at once, leaves the
same rows: articles are keyed by canonical URL, paragraphs by content hash, and an unchanged article is
not rewritten. Rows are merged in key order (URL, paragraph key) and a batch is deduplicated before
``on conflict``, so concurrent batches lock rows in the same order; a deadlock or serialization failure
that still happens is retried (``etl.warehouse.transactions``). A crash mid-batch rolls the whole batch back.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import psycopg2.extensions

from etl.records import DedupedArticle, Failure, Source
from etl.warehouse.queries import query
from etl.warehouse.transactions import run_in_transaction

_ARTICLE_COLUMNS = (
    "url, source_name, title, published_at, language, authors, section, fetched_at, body_hash, "
    "paragraph_count, repeats_removed"
)
_PARAGRAPH_COLUMNS = "url, position, paragraph_key, text"
_FAILURE_COLUMNS = "url, stage, reason, http_status, detail, failed_at"

CopyValue = str | int | bytes | datetime | tuple[str, ...] | None


@dataclass(frozen=True)
class LoadResult:
    """What one batch did to the warehouse."""

    articles: int
    articles_changed: int
    failures: int


def register_source(conn: psycopg2.extensions.connection, source: Source) -> None:
    """Insert or refresh the source's row (committed at once: runs reference it)."""
    with conn, conn.cursor() as cur:
        cur.execute(
            query("upsert_source"),
            {"source_name": source.name, "base_url": source.base_url, "language": source.language},
        )


def load_batch(
    conn: psycopg2.extensions.connection,
    run_id: int,
    source_name: str,
    articles: Sequence[DedupedArticle],
    failures: Sequence[Failure],
) -> LoadResult:
    """Merge one batch into the warehouse atomically."""
    by_url = {item.article.url: item for item in articles}  # a page reached twice in a batch loads once
    ordered = [by_url[url] for url in sorted(by_url)]

    def merge(cur: psycopg2.extensions.cursor) -> int:
        cur.execute(query("create_load_tables"))
        _copy(cur, "load_articles", _ARTICLE_COLUMNS, (_article_row(item) for item in ordered))
        _copy(cur, "load_paragraphs", _PARAGRAPH_COLUMNS, _paragraph_rows(ordered))
        _copy(cur, "load_failures", _FAILURE_COLUMNS, (_failure_row(f) for f in failures))
        cur.execute(query("upsert_articles"), {"run_id": run_id})
        changed = cur.rowcount
        cur.execute(query("insert_paragraphs"))
        cur.execute(query("replace_article_paragraphs"))
        cur.execute(query("insert_failures"), {"run_id": run_id, "source_name": source_name})
        return changed

    changed = run_in_transaction(conn, merge)
    return LoadResult(articles=len(by_url), articles_changed=changed, failures=len(failures))


def _article_row(item: DedupedArticle) -> tuple[CopyValue, ...]:
    a = item.article
    return (
        a.url,
        a.source,
        a.title,
        a.published_at,
        a.language,
        a.authors,
        a.section,
        a.fetched_at,
        item.body_hash,
        len(item.paragraphs),
        item.repeats_removed,
    )


def _paragraph_rows(items: Iterable[DedupedArticle]) -> Iterable[tuple[CopyValue, ...]]:
    for item in items:
        for position, paragraph in enumerate(item.paragraphs, start=1):
            yield (item.article.url, position, paragraph.key, paragraph.text)


def _failure_row(failure: Failure) -> tuple[CopyValue, ...]:
    return (failure.url, failure.stage, failure.reason, failure.http_status, failure.detail, failure.at)


def _copy(cur: psycopg2.extensions.cursor, table: str, columns: str, rows: Iterable[tuple[CopyValue, ...]]) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(copy_field(value) for value in row))
        buffer.write("\n")
    buffer.seek(0)
    cur.copy_expert(f"copy {table} ({columns}) from stdin", buffer)


def copy_field(value: CopyValue) -> str:
    """One field in COPY's text format: ``\\N`` for null, backslash escapes for the rest."""
    if value is None:
        return r"\N"
    if isinstance(value, bytes):
        text = "\\x" + value.hex()
    elif isinstance(value, datetime):
        text = value.isoformat()
    elif isinstance(value, tuple):
        text = "{" + ",".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in value) + "}"
    else:
        text = str(value)
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
