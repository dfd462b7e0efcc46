"""Run the stages for one source and one data interval: discover -> fetch -> extract -> dedup -> load.

This is the code both the CLI (``python -m etl run``) and the Airflow DAG call. A run writes an audit row
to ``pipeline_runs`` first, loads articles and failures in batches of ``Settings.load_batch_size`` (one
transaction each), and closes the audit row with its counts. Every write is idempotent, so a retry, a
re-run or an overlapping backfill of the same interval leaves the same rows; runs of one source and
interval also wait for each other (a session advisory lock), so their batches never interleave.

Besides what discovery finds, a run fetches the source's earlier failures that may pass now
(``etl.retries``); every fetched body goes to the raw archive (``etl.archive``) before extraction, and a
page stored before is requested conditionally. ``reprocess`` runs extract -> dedup -> load over the
archive instead, without network.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from itertools import islice
from typing import TypeVar

import psycopg2.extensions

from etl.archive import archived_pages, latest_pages, store_pages
from etl.config import Settings
from etl.crossdedup import after_batch, after_run
from etl.dedup import dedup_article
from etl.discover import discover
from etl.extract import extract
from etl.fetch import Fetcher, charset_of
from etl.load import load_batch, register_source
from etl.records import Article, DedupedArticle, Failure, FetchedPage, Interval, Source, StageCounts
from etl.retries import failed_urls, plan_urls
from etl.sources import find_source, load_sources
from etl.sql import query
from etl.warehouse import connect, database_url

logger = logging.getLogger(__name__)

T = TypeVar("T")


class LoadCheckError(RuntimeError):
    """A run failed or loaded nothing although pages were found."""


class DiscoveryFailed(RuntimeError):
    """No discovery method of a source answered; the interval was not processed."""


@dataclass(frozen=True)
class RunSummary:
    """The outcome of one run of one source: small enough for an Airflow XCom."""

    run_id: int
    source: str
    interval_start: datetime
    interval_end: datetime
    status: str
    counts: StageCounts

    @property
    def articles_loaded(self) -> int:
        return self.counts.articles_loaded

    @property
    def failures(self) -> int:
        return self.counts.fetch_failed + self.counts.extract_failed

    def as_dict(self) -> dict[str, object]:
        return {
            "run_id": self.run_id,
            "source": self.source,
            "interval_start": self.interval_start.isoformat(),
            "interval_end": self.interval_end.isoformat(),
            "status": self.status,
            **asdict(self.counts),
        }


def run_sources(
    settings: Settings,
    interval: Interval,
    source_names: Sequence[str] | None = None,
    *,
    dag_run_id: str | None = None,
    reprocess: bool = False,
) -> list[RunSummary]:
    """Run every named source (default: all in the sources file) for ``interval``, one after another.

    ``reprocess``: re-extract and reload from the raw archive instead of refetching.
    """
    sources = load_sources(settings)
    names = list(source_names) if source_names else [s.name for s in sources]
    for name in names:
        find_source(sources, name)
    settings = replace(settings, database_url=database_url(settings))
    return [run_source(settings, name, interval, dag_run_id=dag_run_id, reprocess=reprocess) for name in names]


def run_source(
    settings: Settings,
    source_name: str,
    interval: Interval,
    *,
    dag_run_id: str | None = None,
    reprocess: bool = False,
) -> RunSummary:
    """Discover, fetch, extract, deduplicate and load one source's articles for ``interval``.

    ``reprocess``: re-extract and reload the pages the raw archive holds for ``interval`` instead of
    discovering and fetching, so an extractor improvement applies to history without any network.
    """
    source = find_source(load_sources(settings), source_name)
    conn = connect(database_url(settings))
    try:
        register_source(conn, source)
        _lock_interval(conn, source, interval)
        run_id = _start_run(conn, source, interval, dag_run_id)
        counts = StageCounts()
        logger.info(
            "run %s: %s for [%s, %s)", run_id, source.name, interval.start.isoformat(), interval.end.isoformat()
        )
        try:
            if reprocess:
                _reprocess(settings, source, interval, conn, run_id, counts)
            else:
                _process(settings, source, interval, conn, run_id, counts)
            after_run(conn, settings.dedup, source.name)
        except Exception as exc:
            conn.rollback()
            _finish_run(conn, run_id, counts, "failed", f"{type(exc).__name__}: {exc}")
            raise
        _finish_run(conn, run_id, counts, "success", None)
        return RunSummary(run_id, source.name, interval.start, interval.end, "success", counts)
    finally:
        conn.close()


def _process(
    settings: Settings,
    source: Source,
    interval: Interval,
    conn: psycopg2.extensions.connection,
    run_id: int,
    counts: StageCounts,
) -> None:
    fetcher = Fetcher(settings.fetch, source)
    try:
        discovered, discovery_failures = discover(source, interval, lambda url: fetcher.get(url, expect_html=False))
        counts.urls_discovered = len(discovered)
        if discovery_failures:
            load_batch(conn, run_id, source.name, [], discovery_failures)
            if not discovered and len(discovery_failures) == len(source.discovery):
                reasons = ", ".join(f"{f.url}: {f.reason}" for f in discovery_failures)
                raise DiscoveryFailed(f"no discovery method of {source.name} answered ({reasons})")
        failed = failed_urls(conn, source.name)
        urls, retries, given_up = plan_urls([item.url for item in discovered], failed, settings.fetch.max_attempts)
        if retries or given_up:
            logger.info("run %s: %s retries %d URLs, gives up %d", run_id, source.name, len(retries), len(given_up))
        with ThreadPoolExecutor(max_workers=source.concurrency or settings.fetch.concurrency) as pool:
            for chunk in _chunks(urls, settings.load_batch_size):
                stored = latest_pages(conn, source.name, chunk)
                pages = list(pool.map(fetcher.fetch_page, chunk, [stored.get(url) for url in chunk]))
                store_pages(conn, run_id, source.name, [p for p in pages if isinstance(p, FetchedPage)])
                _load(settings, conn, run_id, source, pages, counts)
    finally:
        fetcher.close()


def _reprocess(
    settings: Settings,
    source: Source,
    interval: Interval,
    conn: psycopg2.extensions.connection,
    run_id: int,
    counts: StageCounts,
) -> None:
    for chunk in _chunks(archived_pages(conn, source.name, interval), settings.load_batch_size):
        counts.urls_discovered += len(chunk)
        _load(settings, conn, run_id, source, chunk, counts)


def _load(
    settings: Settings,
    conn: psycopg2.extensions.connection,
    run_id: int,
    source: Source,
    pages: Sequence[FetchedPage | Failure],
    counts: StageCounts,
) -> None:
    """Extract, deduplicate and load one batch of fetched pages and failures."""
    articles: list[DedupedArticle] = []
    failures: list[Failure] = []
    for page in pages:
        outcome = _to_article(source, page, counts)
        (articles if isinstance(outcome, DedupedArticle) else failures).append(outcome)
    result = load_batch(conn, run_id, source.name, articles, failures)
    after_batch(conn, settings.dedup, articles)
    counts.articles_loaded += result.articles
    logger.info(
        "run %s: %s loaded %d articles (%d new or changed), %d failures",
        run_id,
        source.name,
        result.articles,
        result.articles_changed,
        result.failures,
    )


def _to_article(source: Source, page: FetchedPage | Failure, counts: StageCounts) -> DedupedArticle | Failure:
    """Extract and deduplicate one fetched page; count what happened."""
    if isinstance(page, Failure):
        if page.reason == "robots_disallowed":
            counts.robots_disallowed += 1
        else:
            counts.fetch_failed += 1
        return page
    counts.pages_fetched += 1
    try:
        found = extract(
            page.content, url=page.final_url, charset=charset_of(page.content_type), selector=source.article_selector
        )
    except Exception as exc:  # a parser bug on one page must not cost the run
        logger.exception("extracting %s failed", page.final_url)
        counts.extract_failed += 1
        return _extract_failure(source, page, "parse_error", f"{type(exc).__name__}: {exc}")
    article = Article(
        source=source.name,
        url=found.url or page.final_url,
        title=found.title,
        published_at=found.published_at,
        language=found.language or source.language,
        authors=found.authors,
        section=found.section,
        fetched_at=page.fetched_at,
        paragraphs=found.paragraphs,
    )
    deduped = dedup_article(article)
    if not deduped.paragraphs:
        counts.extract_failed += 1
        return _extract_failure(source, page, "no_text", "no main-text paragraphs found")
    counts.articles_extracted += 1
    counts.paragraphs_extracted += len(article.paragraphs)
    counts.paragraphs_repeated += deduped.repeats_removed
    return deduped


def _extract_failure(source: Source, page: FetchedPage, reason: str, detail: str) -> Failure:
    return Failure(source.name, page.requested_url, "extract", reason, page.status, datetime.now(UTC), detail)


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _lock_interval(conn: psycopg2.extensions.connection, source: Source, interval: Interval) -> None:
    """Wait for any other run of this source and interval (session lock, released when ``conn`` closes)."""
    with conn, conn.cursor() as cur:
        params = {"source_name": source.name, "interval_start": interval.start, "interval_end": interval.end}
        cur.execute(query("lock_source_interval"), params)


def _start_run(conn: psycopg2.extensions.connection, source: Source, interval: Interval, dag_run_id: str | None) -> int:
    with conn, conn.cursor() as cur:
        cur.execute(
            query("start_run"),
            {
                "source_name": source.name,
                "interval_start": interval.start,
                "interval_end": interval.end,
                "dag_run_id": dag_run_id,
            },
        )
        return cur.fetchone()[0]


def _finish_run(
    conn: psycopg2.extensions.connection, run_id: int, counts: StageCounts, status: str, error: str | None
) -> None:
    with conn, conn.cursor() as cur:
        cur.execute(query("finish_run"), {**asdict(counts), "run_id": run_id, "status": status, "error": error})


def check_runs(settings: Settings, run_ids: Sequence[int]) -> str:
    """Fail loudly when a run failed, or found pages but loaded none; else a one-line summary."""
    conn = connect(database_url(settings))
    try:
        with conn, conn.cursor() as cur:
            cur.execute(query("select_runs"), {"run_ids": list(run_ids)})
            rows = cur.fetchall()
    finally:
        conn.close()
    missing = set(run_ids) - {row[0] for row in rows}
    problems = [f"run {run_id} has no audit row" for run_id in sorted(missing)]
    for run_id, source, status, discovered, _fetched, fetch_failed, extract_failed, loaded, error in rows:
        if status != "success":
            problems.append(f"run {run_id} ({source}) is {status}: {error or 'no error recorded'}")
        elif discovered > 0 and loaded == 0:
            problems.append(
                f"run {run_id} ({source}) discovered {discovered} URLs but loaded no article "
                f"({fetch_failed} fetch failures, {extract_failed} extract failures)"
            )
    if problems:
        raise LoadCheckError("; ".join(problems))
    total = sum(row[7] for row in rows)
    return f"{len(rows)} runs loaded {total} articles"
