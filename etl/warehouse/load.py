"""Load a batch of articles and failures into the warehouse in one transaction.

Each batch is copied into temporary tables, then merged with set-based, idempotent statements
(``sql/queries/upsert_articles.sql``, ``insert_article_captures.sql``, ``update_articles_from_captures.sql``,
``insert_paragraphs.sql``, ``replace_article_paragraphs.sql``, ``upsert_article_search.sql``,
``insert_failures.sql``). Loading the same batch twice, or two overlapping batches at once, leaves the same
rows: articles are keyed by canonical URL, their captures by (article, fetched_at), paragraphs by content hash,
and an unchanged article is not rewritten. Rows are merged in key order (URL, paragraph key) and a batch is
deduplicated before ``on conflict``, so concurrent batches lock rows in the same order; a deadlock or
serialization failure that still happens is retried (``etl.warehouse.transactions``). A crash mid-batch rolls
the whole batch back; an article's search document commits with it.

Revisions (migration 0011): every article page loaded is a capture of the article, kept in
``article_captures`` (one per fetched_at; the views ``article_revisions`` and ``article_revision_changes``
read them). The article row shows the latest capture by fetched_at, not the last loaded: a capture older
than the article's latest (a late backfill, an older WARC record) is kept as an earlier state and changes
neither the row nor its paragraphs (``LoadResult.superseded``). A capture loaded again with the same
fetched_at and other text is the same fetch extracted again (``reprocess`` after an extractor change) and
replaces the capture in place: no revision. So the same captures loaded in any order, or twice, leave the same
rows (``run_id`` columns aside: they name the run that loaded a row). A batch may hold several captures of one
URL (a WARC file captures a page more than once); the same URL and fetched_at twice keeps the last.

One page never costs its batch. Every text is made storable first (``etl.warehouse.storable``: NUL and lone
surrogates replaced, counted). A batch the warehouse still rejects for its data (SQLSTATE classes 22 and 54,
a not-null or check violation: ``string is too long for tsvector``, ``index row size exceeds maximum``) is
rolled back and split in halves, each loaded on its own, down to the single page at fault: its article
becomes a failure (stage ``load``, reason ``not_storable``, the database's message as detail), the rest of
the batch loads. Nothing is half-written: each part is one transaction.

The first source to load an article owns it (``upsert_articles.sql``): another source listing the same URL
leaves the row as it is (``LoadResult.owned_elsewhere``).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial

import psycopg2
import psycopg2.extensions

from etl.reasons import Reason
from etl.records import DedupedArticle, Failure, Source
from etl.warehouse.queries import query
from etl.warehouse.storable import Storable
from etl.warehouse.transactions import error_message, run_isolating

logger = logging.getLogger(__name__)

_ARTICLE_COLUMNS = (
    "url, source_name, title, published_at, published_utc_offset_min, language, authors, section, publisher, "
    "fetched_at, body_hash, paragraph_count, repeats_removed"
)
_PARAGRAPH_COLUMNS = "url, fetched_at, position, paragraph_key, text"
_FAILURE_COLUMNS = "url, stage, reason, http_status, detail, failed_at"

CopyValue = str | int | bytes | datetime | tuple[str, ...] | None
Row = tuple[CopyValue, ...]


@dataclass(frozen=True)
class LoadResult:
    """What one batch did to the warehouse.

    ``articles``: article captures of this batch now in the warehouse (new, changed, unchanged, kept as an
    earlier state, or owned by another source); ``articles_changed``: articles inserted or whose row changed;
    ``failures``: failure rows recorded, the rejected pages' included; ``stored``: the batch's articles this
    source owns as their current capture, as stored (texts made storable), for the cross-article steps;
    ``rejected``: the failures (stage ``load``) made of articles the warehouse could not store;
    ``owned_elsewhere``: URLs of batch articles another source owns (left as they are);
    ``superseded``: (URL, fetched_at) of batch captures older than the article's latest capture: kept as
    earlier states (revisions), left out of ``stored``;
    ``characters_replaced``: NUL characters and lone surrogates replaced by U+FFFD in the batch's text.
    """

    articles: int
    articles_changed: int
    failures: int
    stored: tuple[DedupedArticle, ...] = ()
    rejected: tuple[Failure, ...] = ()
    owned_elsewhere: tuple[str, ...] = ()
    characters_replaced: int = 0
    superseded: tuple[tuple[str, datetime], ...] = ()


@dataclass(frozen=True)
class _Item:
    """One page of a batch as rows to copy: an article capture (with its paragraphs), by URL and fetched_at, or a
    failure, by URL (``fetched_at`` None)."""

    url: str
    fetched_at: datetime | None
    article: Row | None
    paragraphs: tuple[Row, ...]
    failure: Row | None
    stored: DedupedArticle | None
    """The article as the warehouse stores it (texts made storable)."""


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
    """Merge one batch into the warehouse atomically; a page the warehouse rejects becomes a failure row
    (stage ``load``, reason ``not_storable``) and the rest of the batch loads. Raises only for trouble that is
    not one page's data (the connection, a bug)."""
    storable = Storable()
    by_key = {_key(item): item for item in (_article_item(a, storable) for a in articles)}
    failed = {item.url: item for item in (_failure_item(f, storable) for f in failures)}
    items = [by_key[key] for key in sorted(by_key)] + [failed[url] for url in sorted(failed)]
    superseded: set[tuple[str, datetime]] = set()
    merge = partial(_merge, run_id=run_id, source_name=source_name, superseded=superseded)
    changed, bad = run_isolating(conn, items, merge)
    rejected = tuple(_rejected(source_name, item, error) for item, error in bad if item.article is not None)
    unrecorded = [(item, error) for item, error in bad if item.article is None]
    recorded = len(failed)
    if rejected or unrecorded:
        retry = [_failure_item(failure, storable) for failure in rejected]
        retry += [_failure_item(_rejected(source_name, item, error), storable) for item, error in unrecorded]
        _, lost = run_isolating(conn, retry, merge)
        recorded = len(failed) - len(unrecorded) + len(retry) - len(lost)
        for item, error in lost:
            logger.error("run %s: could not record the failure of %.200s: %s", run_id, item.url, error_message(error))
    for failure in rejected:
        logger.warning("run %s: %.200s not stored: %s", run_id, failure.url, failure.detail)
    loaded = sorted(set(by_key) - {_key(item) for item, _ in bad if item.article is not None})
    owned = set(_owned_elsewhere(conn, source_name, sorted({url for url, _ in loaded})))
    if owned:
        logger.info("run %s: %d articles belong to another source that loaded them first", run_id, len(owned))
    superseded &= set(loaded)
    if superseded:
        logger.info("run %s: %d captures older than their article's latest kept as revisions", run_id, len(superseded))
    if storable.replaced:
        logger.warning("run %s: replaced %d NUL or lone surrogate characters", run_id, storable.replaced)
    return LoadResult(
        articles=len(loaded),
        articles_changed=changed,
        failures=recorded,
        stored=tuple(
            stored
            for key in loaded
            if key[0] not in owned and key not in superseded and (stored := by_key[key].stored) is not None
        ),
        rejected=rejected,
        owned_elsewhere=tuple(sorted(owned)),
        characters_replaced=storable.replaced,
        superseded=tuple(sorted(superseded)),
    )


def _key(item: _Item) -> tuple[str, datetime]:
    """An article capture's key in a batch: URL and fetched_at."""
    if item.fetched_at is None:
        raise ValueError(f"{item.url}: a failure has no capture key")
    return item.url, item.fetched_at


def _merge(
    cur: psycopg2.extensions.cursor,
    items: Sequence[_Item],
    *,
    run_id: int,
    source_name: str,
    superseded: set[tuple[str, datetime]],
) -> int:
    """Merge ``items`` in the caller's transaction; the number of articles inserted or changed. Adds to
    ``superseded`` the captures older than their article's latest (the last statement, so an attempt rolled
    back before its commit adds nothing)."""
    cur.execute(query("create_load_tables"))
    articles = [item for item in items if item.article is not None]
    _copy(cur, "load_articles", _ARTICLE_COLUMNS, (item.article for item in articles if item.article))
    _copy(cur, "load_paragraphs", _PARAGRAPH_COLUMNS, (row for item in articles for row in item.paragraphs))
    _copy(cur, "load_failures", _FAILURE_COLUMNS, (item.failure for item in items if item.failure))
    changed = 0
    if articles:
        cur.execute(query("upsert_articles"), {"run_id": run_id})
        changed = cur.rowcount
        cur.execute(query("insert_article_captures"), {"run_id": run_id})
        if cur.rowcount:  # else every capture was loaded before, unchanged: nothing to recompute
            cur.execute(query("update_articles_from_captures"))
            changed += cur.rowcount
            cur.execute(query("insert_paragraphs"))
        if changed:
            cur.execute(query("replace_article_paragraphs"))
        cur.execute(query("upsert_article_search"), {"urls": sorted({item.url for item in articles})})
    if len(articles) < len(items):
        cur.execute(query("insert_failures"), {"run_id": run_id, "source_name": source_name})
    if articles:
        cur.execute(query("select_superseded_captures"))
        superseded.update((url, fetched_at) for url, fetched_at in cur.fetchall())
    return changed


def _owned_elsewhere(conn: psycopg2.extensions.connection, source_name: str, urls: Sequence[str]) -> list[str]:
    if not urls:
        return []
    with conn, conn.cursor() as cur:
        cur.execute(query("select_articles_owned_elsewhere"), {"urls": list(urls), "source_name": source_name})
        return [row[0] for row in cur.fetchall()]


def storable_article(item: DedupedArticle, storable: Storable) -> DedupedArticle:
    """``item`` with every text made storable (URL, title, language, authors, section, paragraphs); paragraph
    keys and the body hash stay those of the text as extracted."""
    a = item.article
    article = replace(
        a,
        url=storable.text(a.url),
        title=storable.optional(a.title),
        language=storable.optional(a.language),
        authors=storable.texts(a.authors),
        section=storable.optional(a.section),
        publisher=storable.optional(a.publisher),
    )
    paragraphs = tuple(replace(p, text=storable.text(p.text)) for p in item.paragraphs)
    return replace(item, article=article, paragraphs=paragraphs)


def _article_item(original: DedupedArticle, storable: Storable) -> _Item:
    item = storable_article(original, storable)
    a = item.article
    row: Row = (
        a.url,
        a.source,
        a.title,
        a.published_at,
        utc_offset_min(a.published_at),
        a.language,
        a.authors,
        a.section,
        a.publisher,
        a.fetched_at,
        item.body_hash,
        len(item.paragraphs),
        item.repeats_removed,
    )
    paragraphs = tuple(
        (a.url, a.fetched_at, position, paragraph.key, paragraph.text)
        for position, paragraph in enumerate(item.paragraphs, start=1)
    )
    return _Item(a.url, a.fetched_at, row, paragraphs, None, item)


def utc_offset_min(moment: datetime | None) -> int | None:
    """The UTC offset in minutes ``moment`` carries (the page's stated offset; 0 for UTC), None without one."""
    offset = moment.utcoffset() if moment is not None else None
    return None if offset is None else int(offset.total_seconds() // 60)


def _failure_item(failure: Failure, storable: Storable) -> _Item:
    url = storable.text(failure.url)
    row: Row = (url, failure.stage, failure.reason, failure.http_status, storable.text(failure.detail), failure.at)
    return _Item(url, None, None, (), row, None)


def _rejected(source_name: str, item: _Item, error: psycopg2.Error) -> Failure:
    """The failure recorded for a page whose row the warehouse rejected."""
    return Failure(
        source=source_name,
        url=item.url,
        stage="load",
        reason=Reason.NOT_STORABLE,
        http_status=None,
        at=datetime.now(UTC),
        detail=error_message(error),
    )


def _copy(cur: psycopg2.extensions.cursor, table: str, columns: str, rows: Iterable[Row]) -> None:
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
