"""Run the stages for one source and one data interval: discover -> fetch -> extract -> dedup -> load.

This is the code both the CLI (``python -m etl run``) and the Airflow DAG call. A run writes an audit row
to ``pipeline_runs`` first, loads articles and failures in batches of ``Settings.load_batch_size`` (one
transaction each), and closes the audit row with its counts. Every write is idempotent, so a retry, a
re-run or an overlapping backfill of the same interval leaves the same rows; runs of one source and
interval also wait for each other (a session advisory lock), so their batches never interleave.

Besides what discovery finds, a run fetches the source's earlier failures that may pass now
(``etl.crawl.retries``); every fetched body goes to the raw archive (``etl.warehouse.archive``) before extraction, and a
page stored before is requested conditionally. ``reprocess`` runs extract -> dedup -> load over the
archive instead, without network.

Past the fetcher, a page is known by its identity URL only (``etl.sources.identity_url``: the source's
``canonical_base_url`` in place of its ``base_url``): discovered URLs are planned, archived, extracted,
loaded and recorded as failures under it, and only the request goes to the address (``request_url``). So a
source served from a new address (the demo site on another port) finds its articles, archived pages and
failures under the URLs it stored before.
"""

from __future__ import annotations

import logging
import time
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import partial
from itertools import islice
from typing import TypeVar

import psycopg2
import psycopg2.extensions
from psycopg2.extras import Json

from etl.config import ConfigError, Settings
from etl.crawl.discover import QUIET_REASONS, discover
from etl.crawl.fetch import Fetcher
from etl.crawl.retries import failed_urls, plan_urls
from etl.crawl.urls import canonical_url
from etl.dedup.after_batch import after_batch, after_run
from etl.pipeline.streams import run_ahead
from etl.pipeline.workers import (
    ExtractOutcome,
    WorkerLimits,
    WorkerStartError,
    extract_page,
    extraction_executor,
    job_for,
)
from etl.reasons import Reason
from etl.records import DedupedArticle, Failure, FetchedPage, Interval, Source, StageCounts, StageTimes
from etl.sources import find_source, identity_url, load_sources, request_url
from etl.warehouse.archive import archived_pages, latest_pages, store_pages
from etl.warehouse.connection import connect, wait_for_lock, warehouse_url
from etl.warehouse.load import load_batch, register_source
from etl.warehouse.queries import query

logger = logging.getLogger(__name__)

T = TypeVar("T")

FETCH_CHUNK = 50
"""Pages fetched and archived together and handed to the extraction workers as soon as they are: the workers
start on a run's pages after its first 50 (a load batch, 200 by default, took 1 s to fetch and archive on a
local site while both workers waited; benchmarks/real_pages.py). A load batch is made of whole chunks."""
FETCH_AHEAD = 1
"""Fetched load batches' worth of chunks waiting for the extraction workers (besides the chunk the fetch
thread is filling)."""
EXTRACT_AHEAD = 1
"""Batches submitted to the extraction workers while an earlier batch loads."""


class LoadCheckError(RuntimeError):
    """A run failed or loaded nothing although pages were found."""


class DiscoveryFailed(RuntimeError):
    """No discovery method of a source answered; the interval was not processed."""


@dataclass(frozen=True)
class RunSummary:
    """The outcome of one run of one source: small enough for an Airflow XCom."""

    run_id: int | None  # None: the run failed before its pipeline_runs row existed
    source: str
    interval_start: datetime
    interval_end: datetime
    status: str
    counts: StageCounts
    timings: StageTimes = field(default_factory=StageTimes)
    error: str | None = None

    @property
    def articles_loaded(self) -> int:
        return self.counts.articles_loaded

    @property
    def failures(self) -> int:
        return self.counts.fetch_failed + self.counts.extract_failed + self.counts.load_failed

    def describe(self) -> str:
        """Three lines a person reads in a task log: what was loaded, what discovery saw, took and left out (by
        method and reason), and where the seconds went (rounded)."""
        c = self.counts
        day = f"{self.interval_start:%Y-%m-%d}"
        if self.interval_end - self.interval_start != timedelta(days=1):
            day = f"[{self.interval_start:%Y-%m-%d %H:%M}, {self.interval_end:%Y-%m-%d %H:%M})"
        what = (
            f"run {self.run_id}: {self.source} {day}: {self.status}, {c.articles_loaded} articles loaded "
            f"({c.urls_discovered} URLs discovered, {c.pages_fetched} pages fetched, {self.failures} failed, "
            f"{c.urls_given_up} given up, "
            f"{c.robots_disallowed} disallowed by robots.txt, {c.paragraphs_repeated} repeated paragraphs removed) "
            f"in {self.timings.wall_s:.1f} s"
        )
        busy = [
            f"{stage.removesuffix('_s')} {seconds:.1f}"
            for stage, seconds in asdict(self.timings).items()
            if stage != "wall_s" and seconds >= 0.05
        ]
        found = "\ndiscovery: " + (describe_discovery(c.discovery_counts) or "no method tried")
        return what + found + "\nstage seconds (stages overlap): " + (", ".join(busy) or "none over 0.05 s")

    def as_dict(self) -> dict[str, object]:
        return {
            "run_id": self.run_id,
            "source": self.source,
            "interval_start": self.interval_start.isoformat(),
            "interval_end": self.interval_end.isoformat(),
            "status": self.status,
            **asdict(self.counts),
            **{stage: round(seconds, 3) for stage, seconds in asdict(self.timings).items()},
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

    ``reprocess``: re-extract and reload from the raw archive instead of refetching. The sources share
    one pool of extraction workers. A source whose run fails (its site does not answer, its warehouse
    write fails) costs that source only: its summary says ``failed`` with the error (its ``pipeline_runs``
    row too), the traceback is logged at INFO, and the next source runs. A bad configuration still raises.
    """
    sources = load_sources(settings)
    names = list(source_names) if source_names else [s.name for s in sources]
    for name in names:
        find_source(sources, name)
    settings = replace(settings, database_url=warehouse_url(settings))
    summaries = []
    with extraction_executor(settings.extract_processes, WorkerLimits.of(settings)) as pool:
        for name in names:
            try:
                summaries.append(_run_source(settings, name, interval, pool, dag_run_id, reprocess))
            except (ConfigError, WorkerStartError):
                raise
            except Exception as exc:
                logger.info("source %s failed", name, exc_info=True)
                kind = "discovery failed" if isinstance(exc, DiscoveryFailed) else f"failed: {type(exc).__name__}"
                error = f"{kind}: {' '.join(str(exc).split())}"
                failed = RunSummary(None, name, interval.start, interval.end, "failed", StageCounts(), error=error)
                summaries.append(failed)
    return summaries


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
    with extraction_executor(settings.extract_processes, WorkerLimits.of(settings)) as pool:
        return _run_source(settings, source_name, interval, pool, dag_run_id, reprocess)


@dataclass
class Run:
    """One run of one source over one interval, as every stage of it sees it: what to read, where to write,
    and the counters and timers each stage adds to."""

    settings: Settings
    source: Source
    interval: Interval
    run_id: int
    conn: psycopg2.extensions.connection
    """The run's own connection: it holds the interval's advisory lock and the run row's lock."""
    pool: Executor
    counts: StageCounts = field(default_factory=StageCounts)
    times: StageTimes = field(default_factory=StageTimes)
    published_in: Interval | None = None
    """Load only articles published in this interval (``python -m etl import-warc --start/--end``); the others
    are counted in ``left_out`` (``out_of_interval``, ``no_date``), never loaded. None: load every article."""
    left_out: Counter[str] = field(default_factory=Counter)

    def summary(self, status: str) -> RunSummary:
        return RunSummary(
            self.run_id, self.source.name, self.interval.start, self.interval.end, status, self.counts, self.times
        )


def _run_source(
    settings: Settings,
    source_name: str,
    interval: Interval,
    pool: Executor,
    dag_run_id: str | None,
    reprocess: bool,
) -> RunSummary:
    started = time.perf_counter()
    source = find_source(load_sources(settings), source_name)
    conn = connect(warehouse_url(settings), settings)
    try:
        register_source(conn, source)
        _lock_interval(conn, source, interval)
        run = Run(settings, source, interval, start_run(conn, source, interval, dag_run_id), conn, pool)
        logger.info(
            "run %s: %s for [%s, %s)", run.run_id, source.name, interval.start.isoformat(), interval.end.isoformat()
        )
        try:
            if reprocess:
                archived = _chunks(archived_pages(conn, source.name, interval), settings.load_batch_size)
                _extract_and_load(run, _counted(archived, run.counts))
            else:
                _process(run)
            with run.times.timed("boilerplate_s"):
                after_run(conn, settings.dedup, source.name)
        except BaseException as exc:
            close_failed_run(conn, run, exc)
            raise
        finish_run(conn, run.run_id, run.counts, "success", None)
        run.times.wall_s = time.perf_counter() - started
        summary = run.summary("success")
        logger.info("%s", summary.describe())
        return summary
    finally:
        conn.close()


def _process(run: Run) -> None:
    """Discover, then fetch (in a thread, a bounded number of batches ahead), extract and load."""
    settings, source = run.settings, run.source
    fetcher = Fetcher(settings.fetch, source)
    try:
        with run.times.timed("discover_s"):
            discovery = discover(
                source, run.interval, fetcher.fetch_document, lambda: fetcher.robots_sitemaps(source.base_url)
            )
        discovered = discovery.urls
        run.counts.urls_discovered = len(discovered)
        run.counts.discovery_counts = {method: dict(counts) for method, counts in discovery.counts.items()}
        if discovery.failures:
            load_batch(run.conn, run.run_id, source.name, [], list(discovery.failures))
        if discovery.method is None:
            reasons = "; ".join(f"{f.reason} ({f.url})" for f in discovery.failures)
            raise DiscoveryFailed(f"no discovery method of {source.name} could be read: {reasons}")
        if (took_none := discovery_took_none(discovery.counts)) is not None:
            logger.warning(
                "source %s %s; an entry without a date (nor one in its URL) is never fetched (docs/settings.md)",
                source.name,
                took_none,
            )
        failed = failed_urls(run.conn, source.name)
        addresses: dict[str, str] = {}  # identity -> the URL as listed, which is what gets requested
        listed: dict[str, datetime] = {}  # identity -> the publication date the listing gave
        for item in discovered:
            identity = identity_url(source, canonical_url(item.url))
            addresses.setdefault(identity, item.url)
            if item.published_at is not None:
                listed.setdefault(identity, item.published_at)
        found = list(addresses)
        plan = plan_urls(source.name, found, failed, settings.fetch, datetime.now(UTC))
        urls = plan.urls
        if plan.retries or plan.revived:
            logger.info(
                "run %s: %s retries %d URLs, %d of them given up before",
                run.run_id,
                source.name,
                len(plan.retries) + len(plan.revived),
                len(plan.revived),
            )
        if plan.given_up:
            load_batch(run.conn, run.run_id, source.name, [], plan.given_up)
            run.counts.urls_given_up += len(plan.given_up)
            logger.warning(
                "run %s: %s gives up %d URLs out of attempts (fetch_failures reason given_up): %s",
                run.run_id,
                source.name,
                len(plan.given_up),
                plan.given_up[0].detail,
            )
        chunk = min(FETCH_CHUNK, settings.load_batch_size)
        chunks = _fetched_chunks(run, fetcher, urls, addresses, chunk)
        depth = FETCH_AHEAD * -(-settings.load_batch_size // chunk)
        _extract_and_load(run, run_ahead(chunks, depth, "newsetl-fetch"), listed)
    finally:
        fetcher.close()


def _fetched_chunks(
    run: Run, fetcher: Fetcher, urls: Sequence[str], addresses: Mapping[str, str], size: int
) -> Iterator[list[FetchedPage | Failure]]:
    """Fetch ``urls`` (identity URLs; ``addresses`` maps those discovered to the URL as listed) in chunks of
    ``size``, each archived before it is handed on.

    Runs in the fetch thread, with a database connection of its own.
    """
    settings, source = run.settings, run.source
    conn = connect(warehouse_url(settings), settings)
    fetch = partial(_fetch_identity, fetcher, source, addresses)
    try:
        with ThreadPoolExecutor(max_workers=source.concurrency or settings.fetch.concurrency) as threads:
            for chunk in _chunks(urls, size):
                with run.times.timed("fetch_s"):
                    stored = latest_pages(conn, source.name, chunk)
                    pages = list(threads.map(fetch, chunk, [stored.get(u) for u in chunk]))
                with run.times.timed("archive_s"):
                    fetched = [p for p in pages if isinstance(p, FetchedPage)]
                    archived = store_pages(conn, run.run_id, source.name, fetched)
                yield [unless_rejected(p, archived.rejected) for p in pages]
    finally:
        conn.close()


def unless_rejected(page: FetchedPage | Failure, rejected: dict[str, str]) -> FetchedPage | Failure:
    """``page``, or a ``not_storable`` failure when the archive rejected it (``rejected``: URL -> message)."""
    if isinstance(page, Failure) or page.requested_url not in rejected:
        return page
    detail = rejected[page.requested_url]
    return Failure(page.source, page.requested_url, "load", Reason.NOT_STORABLE, page.status, page.fetched_at, detail)


def _fetch_identity(
    fetcher: Fetcher, source: Source, addresses: Mapping[str, str], identity: str, stored: FetchedPage | None
) -> FetchedPage | Failure:
    """Request the page filed under ``identity`` at its address; the outcome is filed under identity URLs again.

    The address is the URL as discovery listed it (``addresses``: canonical forms are for identity, never for
    the request line, so ``?q=%E4``, ``?a=1;b=2`` and ``?print`` go out as written); a retried failure, known
    by its identity only, is requested at ``request_url``. The final URL after redirects is mapped too (a 304
    keeps the stored one, already an identity), so extraction names the article by it as it would have on
    the canonical address; a failure's detail keeps the address that failed.
    """
    address = addresses.get(identity) or request_url(source, identity)
    result = fetcher.fetch_page(address, stored)
    if isinstance(result, Failure):
        if address == identity:
            return result
        detail = f"requested as {address}" + (f": {result.detail}" if result.detail else "")
        return replace(result, url=identity, detail=detail)
    return replace(result, requested_url=identity, final_url=identity_url(source, canonical_url(result.final_url)))


def _extract_and_load(
    run: Run, chunks: Iterator[list[FetchedPage | Failure]], listed: Mapping[str, datetime] | None = None
) -> None:
    """Submit each chunk of pages to the worker pool as it comes, and load them in batches of
    ``Settings.load_batch_size`` (whole chunks), each while the batch after it extracts: one batch is always
    extracting. ``listed``: identity URL -> the publication date discovery's listing gave it (a page without
    its own).

    The last batch loads a chunk at a time, so that its last pages extract while the ones before them load
    (the workers have nothing else left to do). At most ``EXTRACT_AHEAD + 1`` batches and the one being
    filled are held here, plus what the fetch thread holds.
    """
    in_flight: deque[list[Failure | Future[ExtractOutcome]]] = deque([[]])
    try:
        for pages in chunks:
            in_flight[-1].extend(
                run.pool.submit(extract_page, job_for(run.source, p, (listed or {}).get(p.requested_url)))
                if isinstance(p, FetchedPage)
                else p
                for p in pages
            )
            if len(in_flight[-1]) >= run.settings.load_batch_size:
                in_flight.append([])
            if len(in_flight) > EXTRACT_AHEAD + 1:
                load_outcomes(run, in_flight.popleft())
        while in_flight:
            batch = in_flight.popleft()
            for piece in _chunks(batch, len(batch) if in_flight else FETCH_CHUNK):
                load_outcomes(run, piece)
    finally:
        for batch in in_flight:
            for item in batch:
                if isinstance(item, Future):
                    item.cancel()
        close = getattr(chunks, "close", None)
        if close is not None:
            close()


def _counted(batches: Iterator[list[FetchedPage]], counts: StageCounts) -> Iterator[list[FetchedPage | Failure]]:
    for batch in batches:
        counts.urls_discovered += len(batch)
        yield list(batch)


def load_outcomes(run: Run, batch: Sequence[Failure | Future[ExtractOutcome]]) -> None:
    """Wait for a batch's extraction, then load its articles and failures and run the cross-article steps."""
    counts, times = run.counts, run.times
    articles: list[DedupedArticle] = []
    failures: list[Failure] = []
    for item in batch:
        if isinstance(item, Failure):
            if item.reason == Reason.ROBOTS_DISALLOWED:
                counts.robots_disallowed += 1
            elif item.stage == "load":  # fetched, but the archive rejected it
                counts.load_failed += 1
            else:
                counts.fetch_failed += 1
            failures.append(item)
            continue
        outcome = item.result()
        counts.pages_fetched += 1
        times.extract_s += outcome.extract_s
        times.dedup_s += outcome.dedup_s
        if outcome.failure is not None:
            counts.extract_failed += 1
            failures.append(outcome.failure)
        elif outcome.article is not None:
            counts.articles_extracted += 1
            counts.paragraphs_extracted += outcome.paragraphs_extracted
            counts.paragraphs_repeated += outcome.article.repeats_removed
            if (outside := _outside(run.published_in, outcome.article.article.published_at)) is not None:
                run.left_out[outside] += 1
                continue
            articles.append(outcome.article)
    with times.timed("load_s"):
        result = load_batch(run.conn, run.run_id, run.source.name, articles, failures)
    after_batch(run.conn, run.settings.dedup, result.stored, times)
    counts.articles_loaded += result.articles
    counts.load_failed += len(result.rejected)
    counts.characters_replaced += result.characters_replaced
    logger.info(
        "run %s: loaded %d articles (%d new or changed), %d failures (%d not storable)",
        run.run_id,
        result.articles,
        result.articles_changed,
        result.failures,
        len(result.rejected),
    )


def _outside(interval: Interval | None, published_at: datetime | None) -> str | None:
    """Why an article published at ``published_at`` is left out of ``interval`` (``out_of_interval``, or
    ``no_date`` when it states none); None when it is in, or when there is no interval."""
    if interval is None:
        return None
    if published_at is None:
        return "no_date"
    return None if interval.contains(published_at) else "out_of_interval"


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _lock_interval(conn: psycopg2.extensions.connection, source: Source, interval: Interval) -> None:
    """Wait for any other run of this source and interval (session lock, released when ``conn`` closes), however
    long: the wait is never cut by the statement timeout (``wait_for_lock``)."""
    params = {"source_name": source.name, "interval_start": interval.start, "interval_end": interval.end}
    waiting_for = f"another run of {source.name} over [{interval.start.isoformat()}, {interval.end.isoformat()})"
    wait_for_lock(conn, query("lock_source_interval"), params, waiting_for)


def start_run(conn: psycopg2.extensions.connection, source: Source, interval: Interval, dag_run_id: str | None) -> int:
    """Open the run's audit row, locked by this connection while it lives, and mark dead runs' rows abandoned."""
    with conn, conn.cursor() as cur:
        cur.execute(query("mark_abandoned_runs"), {"source_name": source.name})
        abandoned = [row[0] for row in cur.fetchall()]
        cur.execute(
            query("start_run"),
            {
                "source_name": source.name,
                "interval_start": interval.start,
                "interval_end": interval.end,
                "dag_run_id": dag_run_id,
            },
        )
        run_id = cur.fetchone()[0]
        cur.execute(query("lock_run"), {"run_id": run_id})
    if abandoned:
        logger.warning("%s: runs %s ended without closing their audit rows: marked abandoned", source.name, abandoned)
    return run_id


def close_failed_run(conn: psycopg2.extensions.connection, run: Run, exc: BaseException) -> None:
    """Mark the run's audit row failed with ``exc`` (an interruption: ``interrupted``, or its message, e.g. the
    CLI's ``terminated (SIGTERM)``). When the warehouse itself is what failed (the connection
    is gone), that cannot be written: a warning says so and the row is left ``running``, which the next
    run of the source marks abandoned (``mark_abandoned_runs``); ``exc`` is what the caller reports."""
    try:
        conn.rollback()
        error = (str(exc) or "interrupted") if isinstance(exc, KeyboardInterrupt) else f"{type(exc).__name__}: {exc}"
        finish_run(conn, run.run_id, run.counts, "failed", error)
    except psycopg2.Error as write_error:
        logger.warning(
            "run %s: could not mark the run failed (%s); the next run marks it abandoned",
            run.run_id,
            " ".join(str(write_error).split()),
        )


def finish_run(
    conn: psycopg2.extensions.connection, run_id: int, counts: StageCounts, status: str, error: str | None
) -> None:
    """Close the run's audit row with its counts, ``status`` (``success`` or ``failed``) and ``error``."""
    with conn, conn.cursor() as cur:
        params = {**asdict(counts), "discovery_counts": Json(counts.discovery_counts)}
        cur.execute(query("finish_run"), {**params, "run_id": run_id, "status": status, "error": error})


def describe_discovery(counts: Mapping[str, Mapping[str, int]]) -> str:
    """``sitemap saw 6, took 2, left out 2 out_of_interval, 1 no_date; rss ...``: one clause per method."""
    clauses = []
    for name, method in counts.items():
        left_out = ", ".join(f"{n} {k}" for k, n in method.items() if k not in ("seen", "taken"))
        clause = f"{name} saw {method.get('seen', 0)}, took {method.get('taken', 0)}"
        clauses.append(clause + (f", left out {left_out}" if left_out else ""))
    return "; ".join(clauses)


QUIET_DAY_REASONS = QUIET_REASONS
"""Entries left out only for these say the site published nothing in the interval (a Sunday, a holiday):
a quiet day, not a fault (the same set that lets discovery stop at a method, ``etl.crawl.discover``)."""


def discovery_took_none(counts: Mapping[str, Mapping[str, int]]) -> str | None:
    """Why a run's discovery saw entries but took none, naming the reasons it left them out; None when a
    method took some, none saw any, or every entry was left out as outside the interval (or a duplicate of
    one that was: ``QUIET_DAY_REASONS``). ``counts``: ``pipeline_runs.discovery_counts``."""
    if any(method.get("taken", 0) for method in counts.values()):
        return None
    left_out = {k for method in counts.values() for k, n in method.items() if n and k not in ("seen", "taken")}
    if left_out <= QUIET_DAY_REASONS:
        return None
    saw = []
    for name, method in sorted(counts.items()):
        if method.get("seen", 0):
            reasons = ", ".join(f"{k} {n}" for k, n in sorted(method.items()) if k not in ("seen", "taken"))
            saw.append(f"{name} saw {method['seen']} ({reasons or 'no reason recorded'})")
    return f"saw discovery entries but took none: {'; '.join(saw)}" if saw else None


def check_runs(settings: Settings, run_ids: Sequence[int]) -> str:
    """Fail loudly when a run failed, found pages but loaded none, or saw discovery entries but took none
    (naming why it left them out); else a one-line summary."""
    conn = connect(warehouse_url(settings), settings)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(query("select_runs"), {"run_ids": list(run_ids)})
            rows = cur.fetchall()
    finally:
        conn.close()
    missing = set(run_ids) - {row[0] for row in rows}
    problems = [f"run {run_id} has no audit row" for run_id in sorted(missing)]
    notes = []
    for (
        run_id,
        source,
        status,
        discovered,
        _,
        fetch_failed,
        extract_failed,
        loaded,
        error,
        load_failed,
        given_up,
        discovery_counts,
    ) in rows:
        if status != "success":
            problems.append(f"run {run_id} ({source}) is {status}: {error or 'no error recorded'}")
        elif (took_none := discovery_took_none(discovery_counts)) is not None:
            problems.append(f"run {run_id} ({source}) {took_none}")
        elif discovered > 0 and loaded == 0:
            problems.append(
                f"run {run_id} ({source}) discovered {discovered} URLs but loaded no article "
                f"({fetch_failed} fetch failures, {extract_failed} extract failures, {load_failed} not storable, "
                f"{given_up} URLs given up)"
            )
        if given_up:
            notes.append(f"run {run_id} ({source}) gave up {given_up} URLs out of attempts (reason given_up)")
        if load_failed:
            notes.append(f"run {run_id} ({source}) could not store {load_failed} pages (reason not_storable)")
    if problems:
        raise LoadCheckError("; ".join(problems + notes))
    total = sum(row[7] for row in rows)
    return "; ".join([f"{len(rows)} runs loaded {total} articles", *notes])
