"""Extraction in worker processes, so parsing (CPU-bound) runs on every core while pages are fetched and loaded.

A worker gets an ``ExtractJob`` (the page bytes and what the source says about reading them) and returns an
``ExtractOutcome`` (a deduplicated article or a failure): plain frozen dataclasses, cheap to pickle, no
connection or session crosses the process boundary. Workers are forked from a clean forkserver that has
imported the extractor once, so a pool starts in milliseconds and never inherits the pipeline's threads or
database connections.

Workers never re-run the program that started the pipeline. Python's forkserver and spawn start methods
normally re-import the parent's ``__main__`` in every worker (so functions defined there can be unpickled);
under ``airflow standalone`` that program is the ``airflow`` console script, whose import reads the
deliberately unusable metadata-database URL Airflow gives task processes, and every worker died with a
misleading ``sqlalchemy`` error. The jobs here need nothing from ``__main__``, so the pool's processes are
launched without it (``_WorkerContext``), whatever launched the caller: the CLI, ``python -m airflow``, the
``airflow`` script, a LocalExecutor or Celery worker. A pool that still cannot start is a ``WorkerStartError``
naming the cause and the setting that avoids it.

Settings read: ``Settings.extract_processes`` (0 runs jobs in the calling process).
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.context
import sys
import time
import types
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ParamSpec, TypeVar

from etl.dedup.within_article import UniqueParagraphs, unique_paragraphs
from etl.extract import Extracted, extract
from etl.extract.charset import charset_of
from etl.reasons import Reason
from etl.records import Article, DedupedArticle, Failure, FetchedPage, Source

logger = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

# How long a new pool may take to answer its first job before the start is called failed, in seconds: the
# forkserver imports the extractor once (about a second), a worker forks from it in milliseconds.
WORKER_START_TIMEOUT_S = 120.0


class WorkerStartError(RuntimeError):
    """The extraction worker processes could not be started; the message names the cause and the way out."""


@dataclass(frozen=True)
class ExtractJob:
    """One fetched page to extract, with the source's defaults: all a worker needs."""

    source: str
    default_language: str
    selector: str | None
    requested_url: str
    final_url: str
    status: int
    content: bytes
    content_type: str
    fetched_at: datetime


@dataclass(frozen=True)
class ExtractOutcome:
    """A page's article (deduplicated) or the failure it became, and the worker's seconds per step."""

    article: DedupedArticle | None
    failure: Failure | None
    paragraphs_extracted: int
    extract_s: float
    dedup_s: float


def job_for(source: Source, page: FetchedPage) -> ExtractJob:
    return ExtractJob(
        source=source.name,
        default_language=source.language,
        selector=source.article_selector,
        requested_url=page.requested_url,
        final_url=page.final_url,
        status=page.status,
        content=page.content,
        content_type=page.content_type,
        fetched_at=page.fetched_at,
    )


@dataclass(frozen=True)
class ReadPage:
    """One page read as the warehouse stores it: the extractor's result, its paragraphs kept once each, and
    the seconds each step took."""

    found: Extracted
    unique: UniqueParagraphs
    extract_s: float
    dedup_s: float


def read_page(
    content: bytes | str, *, url: str | None, charset: str | None = None, selector: str | None = None
) -> ReadPage:
    """Extract a page's metadata and main text, then keep each paragraph once at its first position: the one
    place extract-then-dedup is written (the pipeline's workers, ``python -m etl extract``, the benchmarks).

    Raises what the extractor raises; ``extract_page`` turns that into a failure value."""
    started = time.perf_counter()
    found = extract(content, url=url, charset=charset, selector=selector)
    extracted = time.perf_counter()
    unique = unique_paragraphs(found.paragraphs)
    return ReadPage(found, unique, extracted - started, time.perf_counter() - extracted)


def extract_page(job: ExtractJob) -> ExtractOutcome:
    """Extract and deduplicate one page; a parser error or an empty main text is a failure value."""
    started = time.perf_counter()
    try:
        page = read_page(job.content, url=job.final_url, charset=charset_of(job.content_type), selector=job.selector)
    except Exception as exc:  # a parser bug on one page must not cost the run
        logger.exception("extracting %s failed", job.final_url)
        failure = _failure(job, Reason.PARSE_ERROR, f"{type(exc).__name__}: {exc}")
        return ExtractOutcome(None, failure, 0, time.perf_counter() - started, 0.0)
    found, unique = page.found, page.unique
    if not unique.paragraphs:
        failure = _failure(job, Reason.NO_TEXT, "no main-text paragraphs found")
        return ExtractOutcome(None, failure, 0, page.extract_s, page.dedup_s)
    article = Article(
        source=job.source,
        url=found.url or job.final_url,
        title=found.title,
        published_at=found.published_at,
        language=found.language or job.default_language,
        authors=found.authors,
        section=found.section,
        fetched_at=job.fetched_at,
        paragraphs=found.paragraphs,
    )
    deduped = DedupedArticle(article, unique.paragraphs, unique.repeats_removed, unique.body_hash)
    return ExtractOutcome(deduped, None, len(found.paragraphs), page.extract_s, page.dedup_s)


def _failure(job: ExtractJob, reason: str, detail: str) -> Failure:
    return Failure(job.source, job.requested_url, "extract", reason, job.status, datetime.now(UTC), detail)


class InlineExecutor(Executor):
    """Runs each job at once in the calling process: ``extract_processes = 0`` (debugging, profiling), or a
    daemonic caller such as a Celery prefork worker, which may not start child processes."""

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        future: Future[T] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


@contextmanager
def _main_module_hidden() -> Iterator[None]:
    """While a worker is launched, ``__main__`` is an empty module, so the worker is told of no main program
    to re-run (``multiprocessing.spawn.get_preparation_data`` reads ``sys.modules["__main__"]``)."""
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


class _WorkerProcess(multiprocessing.context.ForkServerProcess):
    """A forkserver process launched without the parent's ``__main__`` (see the module docstring)."""

    @staticmethod
    def _Popen(process_obj: multiprocessing.process.BaseProcess) -> Any:
        from multiprocessing.popen_forkserver import Popen

        with _main_module_hidden():
            return Popen(process_obj)


class _WorkerContext(multiprocessing.context.ForkServerContext):
    """The forkserver start method with ``_WorkerProcess`` as its process class."""

    Process = _WorkerProcess


def _ready() -> int:
    """The first job of a new pool: proves a worker started and imported the extractor."""
    return multiprocessing.current_process().pid or 0


def extraction_executor(processes: int) -> Executor:
    """A pool of ``processes`` extraction workers forked from a forkserver, started and checked before it is
    returned (0, or a daemonic caller: an ``InlineExecutor``).

    Raises ``WorkerStartError`` when the workers cannot start, naming the cause.
    """
    if processes == 0:
        return InlineExecutor()
    if multiprocessing.current_process().daemon:
        logger.info("extracting in process: a daemonic process (a Celery prefork worker) may not start workers")
        return InlineExecutor()
    context = _WorkerContext()
    context.set_forkserver_preload(["etl.pipeline.workers"])
    pool: ProcessPoolExecutor | None = None
    try:
        pool = ProcessPoolExecutor(max_workers=processes, mp_context=context)
        pool.submit(_ready).result(timeout=WORKER_START_TIMEOUT_S)
    except (BrokenProcessPool, TimeoutError, OSError) as exc:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        raise WorkerStartError(
            f"the {processes} extraction worker processes could not start ({type(exc).__name__}: {exc}); "
            "their own error, if any, is printed above. Set NEWSETL_EXTRACT_PROCESSES=0 to extract in this "
            "process instead"
        ) from exc
    return pool
