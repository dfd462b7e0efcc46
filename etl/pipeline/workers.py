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

One page costs one page at most, never the batch or the run. Each worker extracts one page at a time under
a deadline and a memory cap: a page still running at ``Settings.extract_timeout_s`` is a ``too_slow``
failure and its worker is killed; a worker's address space is capped at ``Settings.extract_max_memory_mb``
(``RLIMIT_AS``), so a page that needs more fails inside it with ``MemoryError`` and becomes ``too_large``. A
worker that dies while extracting (the kernel's out-of-memory killer, a crash in a C extension) costs the
page it held a ``worker_died`` failure; it is replaced and the other pages go on (``ExtractionPool``: a
job whose first argument is an ``ExtractJob`` always resolves to an ``ExtractOutcome``). Python's own
``ProcessPoolExecutor`` cannot do this: one dead worker breaks the whole pool (``BrokenProcessPool``) and
fails every page of the batch, and it can neither stop one job nor tell which job a dead worker held.

With 0 extract processes (or a daemonic caller) pages are extracted in the calling process: the deadline and
the memory cap do not apply there (a signal-based deadline would take the caller's ``SIGALRM``, which
Airflow's task timeout uses), only the extractor's own bounds (a linear-time strip, ``MAX_ELEMENTS``).

Settings read: ``Settings.extract_processes`` (0 runs jobs in the calling process), ``extract_timeout_s``,
``extract_max_memory_mb`` (through ``WorkerLimits``).
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.context
import multiprocessing.process
import os
import resource
import signal
import sys
import threading
import time
import types
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.connection import Connection, wait
from typing import Any, ParamSpec, TypeVar

from etl.config import Settings
from etl.dates import date_in_url
from etl.dedup.within_article import UniqueParagraphs, unique_paragraphs
from etl.extract import Extracted, Unreadable, extract
from etl.extract.charset import binary_format, charset_of
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
    listed_published_at: datetime | None = None
    """The publication date discovery's listing gave the page (``DiscoveredUrl.published_at``), if any."""


@dataclass(frozen=True)
class ExtractOutcome:
    """A page's article (deduplicated) or the failure it became, and the worker's seconds per step."""

    article: DedupedArticle | None
    failure: Failure | None
    paragraphs_extracted: int
    extract_s: float
    dedup_s: float


def job_for(source: Source, page: FetchedPage, listed_published_at: datetime | None = None) -> ExtractJob:
    """The job extracting ``page``; ``listed_published_at``: the publication date its listing gave (a feed
    item's, a news sitemap's), the article's own when the page states none (``published_at``)."""
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
        listed_published_at=listed_published_at,
    )


def published_at(found: datetime | None, listed: datetime | None, url: str) -> datetime | None:
    """The article's publication date: the page's own (``found``) wins; the listing's (``listed``, offset
    kept) stands in when the page states none, or when the page's date is only the day its URL names
    (``etl.dates.date_in_url``, a midnight) and the listing names the same day with its time and offset."""
    if found is None:
        return listed
    if listed is not None and found == date_in_url(url) and listed.date() == found.date():
        return listed
    return found


@dataclass(frozen=True)
class ReadPage:
    """One page read as the warehouse stores it: the extractor's result, its paragraphs kept once each, and
    the seconds each step took."""

    found: Extracted
    unique: UniqueParagraphs
    extract_s: float
    dedup_s: float


def read_page(
    content: bytes | str,
    *,
    url: str | None,
    charset: str | None = None,
    selector: str | None = None,
    fetched_at: datetime | None = None,
) -> ReadPage:
    """Extract a page's metadata and main text, then keep each paragraph once at its first position: the one
    place extract-then-dedup is written (the pipeline's workers, ``python -m etl extract``, the benchmarks).

    Raises what the extractor raises (``Unreadable`` for a page it refuses); ``extract_page`` turns that into
    a failure value."""
    started = time.perf_counter()
    if isinstance(content, bytes) and (binary := binary_format(content)):
        raise Unreadable(Reason.NOT_HTML, f"the body is {binary}, not an HTML page")
    found = extract(content, url=url, charset=charset, selector=selector, fetched_at=fetched_at)
    extracted = time.perf_counter()
    unique = unique_paragraphs(found.paragraphs)
    return ReadPage(found, unique, extracted - started, time.perf_counter() - extracted)


def extract_page(job: ExtractJob) -> ExtractOutcome:
    """Extract and deduplicate one page (its listing's publication date standing in for a missing one:
    ``published_at``); a parser error, an empty main text, a body that is not text
    (``not_html``) or too large to read (``too_large``, ``MemoryError`` under the worker's cap) is a failure
    value."""
    started = time.perf_counter()
    try:
        page = read_page(
            job.content,
            url=job.final_url,
            charset=charset_of(job.content_type),
            selector=job.selector,
            fetched_at=job.fetched_at,
        )
    except Unreadable as exc:
        failure = _failure(job, exc.reason, str(exc))
        return ExtractOutcome(None, failure, 0, time.perf_counter() - started, 0.0)
    except MemoryError:
        failure = _failure(job, *_reason_of(MemoryError()))
        return ExtractOutcome(None, failure, 0, time.perf_counter() - started, 0.0)
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
        published_at=published_at(found.published_at, job.listed_published_at, job.final_url),
        language=found.language or job.default_language,
        authors=found.authors,
        section=found.section,
        publisher=found.publisher,
        fetched_at=job.fetched_at,
        paragraphs=found.paragraphs,
    )
    deduped = DedupedArticle(article, unique.paragraphs, unique.repeats_removed, unique.body_hash)
    return ExtractOutcome(deduped, None, len(found.paragraphs), page.extract_s, page.dedup_s)


def _failure(job: ExtractJob, reason: str, detail: str) -> Failure:
    return Failure(job.source, job.requested_url, "extract", reason, job.status, datetime.now(UTC), detail)


class InlineExecutor(Executor):
    """Runs each job at once in the calling process: ``extract_processes = 0`` (debugging, profiling), or a
    daemonic caller such as a Celery prefork worker, which may not start child processes. No deadline and no
    memory cap apply here (see the module docstring)."""

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        future: Future[T] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


@dataclass(frozen=True)
class WorkerLimits:
    """What one page may cost an extraction worker: ``timeout_s`` seconds, and ``max_memory_mb`` MiB of
    address space for the whole worker process (about 170 MiB of it is the interpreter and the extractor)."""

    timeout_s: float
    max_memory_mb: int

    @classmethod
    def of(cls, settings: Settings) -> WorkerLimits:
        """The limits ``settings`` set (``extract_timeout_s``, ``extract_max_memory_mb``)."""
        return cls(settings.extract_timeout_s, settings.extract_max_memory_mb)


class WorkerLost(RuntimeError):
    """A job other than an extraction (``_ready``) whose worker died or ran past the deadline."""


@dataclass
class _Task:
    future: Future[Any]
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]

    @property
    def job(self) -> ExtractJob | None:
        """The page this task extracts, if it extracts one: its future then always gets an ``ExtractOutcome``."""
        return self.args[0] if self.args and isinstance(self.args[0], ExtractJob) else None


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    task: _Task | None = None
    sent: float = 0.0
    """When the task was sent (``time.monotonic``)."""
    started: float | None = None
    """When the worker said it holds the task, its function imported and its page unpickled: the deadline
    counts from here, so a worker importing a job's module for the first time is not held against the page."""

    def deadline(self, timeout_s: float) -> float:
        return self.sent + WORKER_START_TIMEOUT_S if self.started is None else self.started + timeout_s

    def seconds(self) -> float:
        return time.monotonic() - (self.sent if self.started is None else self.started)


class ExtractionPool(Executor):
    """``processes`` worker processes, one job each at a time, under ``limits``; a manager thread hands out
    jobs, collects answers, kills a worker past its deadline and replaces dead workers.

    A job's future gets its function's result or exception. A job whose first argument is an ``ExtractJob``
    always gets an ``ExtractOutcome``: past the deadline ``too_slow``, its worker dead ``worker_died``, an
    exception outside ``extract_page`` (``MemoryError`` unpickling a huge page: ``too_large``) a failure too.
    Other jobs get ``WorkerLost`` in those cases.
    """

    def __init__(self, processes: int, limits: WorkerLimits, context: _WorkerContext) -> None:
        self._processes = processes
        self._limits = limits
        self._context = context
        self._tasks: deque[_Task] = deque()
        self._workers: list[_Worker] = []
        self._lock = threading.Lock()
        self._closing = False
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_write, False)
        self._thread = threading.Thread(target=self._manage, name="newsetl-extract-pool", daemon=True)
        self._thread.start()

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        future: Future[T] = Future()
        with self._lock:
            if self._closing:
                raise RuntimeError("cannot submit to an extraction pool after shutdown")
            self._tasks.append(_Task(future, fn, args, kwargs))
        self._wake()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop taking jobs; finish the queued ones (or cancel them), then stop the workers."""
        with self._lock:
            self._closing = True
            if cancel_futures:
                for task in self._tasks:
                    task.future.cancel()
                self._tasks.clear()
        self._wake()
        if wait:
            self._thread.join()

    def _wake(self) -> None:
        # A full pipe wakes the manager anyway; a closed one belongs to a finished pool.
        with suppress(OSError):
            os.write(self._wake_write, b"!")

    def _manage(self) -> None:
        """The manager thread: until shut down and idle, hand out jobs and wait for answers, deaths, deadlines."""
        try:
            while True:
                self._dispatch()
                with self._lock:
                    if self._closing and not self._tasks and not self._busy():
                        break
                self._wait()
        except BaseException:
            logger.exception("the extraction pool's manager failed")
            self._fail_everything()
        finally:
            self._stop_workers()
            os.close(self._wake_read)
            os.close(self._wake_write)

    def _busy(self) -> list[_Worker]:
        return [worker for worker in self._workers if worker.task is not None]

    def _dispatch(self) -> None:
        """Give queued jobs to idle workers, starting workers up to ``processes``."""
        while True:
            with self._lock:
                idle = next((w for w in self._workers if w.task is None), None)
                if not self._tasks or (idle is None and len(self._workers) >= self._processes):
                    return
                task = self._tasks.popleft()
            if not task.future.set_running_or_notify_cancel():
                continue
            if idle is None:
                try:
                    idle = self._start_worker()
                except OSError as exc:
                    self._resolve_lost(task, Reason.WORKER_DIED, f"no extraction worker could start ({exc})", 0.0)
                    continue
            self._send(idle, task)

    def _start_worker(self) -> _Worker:
        ours, theirs = self._context.Pipe()
        process = self._context.Process(
            target=_serve, args=(theirs, self._limits.max_memory_mb), name="newsetl-extract", daemon=True
        )
        process.start()
        theirs.close()
        worker = _Worker(process, ours)
        self._workers.append(worker)
        return worker

    def _send(self, worker: _Worker, task: _Task) -> None:
        worker.task, worker.sent, worker.started = task, time.monotonic(), None
        try:
            worker.conn.send((task.fn, task.args, task.kwargs))
        except (OSError, EOFError):
            self._lose(worker, Reason.WORKER_DIED, "the extraction worker ended before it took the page")
        except Exception as exc:  # the job cannot be pickled: a bug in the caller, reported on its future
            worker.task = None
            task.future.set_exception(exc)

    def _wait(self) -> None:
        """Wait for an answer, a death, a deadline or a new job, and handle what happened."""
        busy = self._busy()
        deadline = min((w.deadline(self._limits.timeout_s) for w in busy), default=None)
        timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
        waitables: list[Any] = [self._wake_read, *(w.conn for w in busy), *(w.process.sentinel for w in self._workers)]
        ready = set(wait(waitables, timeout))
        if self._wake_read in ready:
            os.read(self._wake_read, 65536)
        for worker in list(self._workers):
            if worker.task is not None and worker.conn in ready:
                self._receive(worker)
            elif worker.process.sentinel in ready:
                self._lose(worker, Reason.WORKER_DIED, _death(worker.process))
        now = time.monotonic()
        for worker in self._busy():
            if now >= worker.deadline(self._limits.timeout_s):
                limit = f"{self._limits.timeout_s:g} s (NEWSETL_EXTRACT_TIMEOUT_S)"
                if worker.started is None:
                    limit = f"{WORKER_START_TIMEOUT_S:g} s to start"
                self._lose(worker, Reason.TOO_SLOW, f"extraction took longer than {limit}")

    def _receive(self, worker: _Worker) -> None:
        task = worker.task
        assert task is not None
        try:
            message = worker.conn.recv()
        except (OSError, EOFError):
            self._lose(worker, Reason.WORKER_DIED, _death(worker.process))
            return
        if message == _STARTED:
            worker.started = time.monotonic()
            return
        ok, value, retiring = message
        seconds = worker.seconds()
        worker.task = None
        if ok:
            task.future.set_result(value)
        elif task.job is not None:
            task.future.set_result(_lost_outcome(task.job, *_reason_of(value), seconds))
        else:
            task.future.set_exception(value)
        if retiring or not worker.process.is_alive():
            self._lose(worker, Reason.WORKER_DIED, "")

    def _lose(self, worker: _Worker, reason: Reason, detail: str) -> None:
        """End ``worker`` (killed if it still runs); the page it held, if any, fails with ``reason`` and
        ``detail``. A worker that holds no page (it retired, or died idle) is only replaced."""
        self._workers.remove(worker)
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(timeout=10)
        worker.conn.close()
        if worker.task is not None:
            logger.warning("extraction worker %s lost its job: %s: %s", worker.process.pid, reason, detail)
            self._resolve_lost(worker.task, reason, detail, worker.seconds())

    def _resolve_lost(self, task: _Task, reason: Reason, detail: str, seconds: float) -> None:
        if task.job is not None:
            task.future.set_result(_lost_outcome(task.job, reason, detail, seconds))
        else:
            task.future.set_exception(WorkerLost(f"{reason}: {detail}"))

    def _fail_everything(self) -> None:
        with self._lock:
            self._closing = True
            tasks = [*self._tasks, *(w.task for w in self._workers if w.task is not None)]
            self._tasks.clear()
        for task in tasks:
            if not task.future.done() and (task.future.running() or task.future.set_running_or_notify_cancel()):
                task.future.set_exception(WorkerLost("the extraction pool's manager failed (see the log)"))

    def _stop_workers(self) -> None:
        for worker in self._workers:
            with suppress(OSError, EOFError):
                worker.conn.send(None)
        for worker in self._workers:
            worker.process.join(timeout=5)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()
        self._workers.clear()


def _death(process: multiprocessing.process.BaseProcess) -> str:
    """How a worker ended, for a failure's detail."""
    process.join(timeout=10)
    code = process.exitcode
    if code is not None and code < 0:
        name = signal.Signals(-code).name
        cause = " (the kernel's out-of-memory killer sends it)" if -code == signal.SIGKILL else ""
        return f"the extraction worker was ended by {name}{cause} while extracting this page"
    return f"the extraction worker exited with status {code} while extracting this page"


def _reason_of(exc: BaseException) -> tuple[Reason, str]:
    """The failure an exception raised in a worker outside ``extract_page``'s own handling becomes."""
    if isinstance(exc, MemoryError):
        return Reason.TOO_LARGE, "the page needs more memory than NEWSETL_EXTRACT_MAX_MEMORY_MB allows"
    return Reason.PARSE_ERROR, f"{type(exc).__name__}: {exc}"


def _lost_outcome(job: ExtractJob, reason: Reason, detail: str, seconds: float) -> ExtractOutcome:
    return ExtractOutcome(None, _failure(job, reason, detail), 0, seconds, 0.0)


_STARTED = "started"
"""What a worker answers first when it has taken a job: it now runs the job's function."""
_WARM_UP_PAGE = b"<html><body><article><p>A worker reads this page first, so no page pays for loading.</p></article>"
"""Extracted by each new worker before its first job: what the first extraction loads lazily (the language
model, about 0.8 s) is then not counted against a page's deadline."""


def _serve(conn: Connection, max_memory_mb: int) -> None:
    """A worker's loop: cap the address space, then run jobs one at a time until told to stop (``None``),
    each answered twice: ``_STARTED`` once unpickled, then ``(ok, result or exception, retiring)``.

    A worker extracts ``_WARM_UP_PAGE`` before it takes a job. It retires (ends after its answer, and is
    replaced) when a page ran out of memory or its address space has grown past half the cap: memory Python
    freed is rarely returned to the system, so a worker that once held a huge page would otherwise fail
    ordinary pages as ``too_large`` later. Ctrl-C is the parent's to handle: it stops the pool, which stops
    the workers. A worker whose parent died (kill -9: ``EOFError``, ``ConnectionResetError``,
    ``BrokenPipeError`` on its pipe) ends without a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = max_memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (cap if hard == resource.RLIM_INFINITY else min(cap, hard), hard))
    with suppress(Exception):
        read_page(_WARM_UP_PAGE, url=None)
    while True:
        try:
            task = conn.recv()
            if task is None:
                return
            conn.send(_STARTED)
        except (EOFError, OSError):  # the parent is gone (killed): nobody to answer, end quietly
            return
        except MemoryError as exc:
            with suppress(EOFError, OSError):
                conn.send((False, exc, True))
            return
        fn, args, kwargs = task
        try:
            ok, value = True, fn(*args, **kwargs)
        except BaseException as exc:
            ok, value = False, exc
        del task, fn, args, kwargs
        retiring = _ran_out_of_memory(value) or _address_space() > cap // 2
        try:
            conn.send((ok, value, retiring))
        except (OSError, EOFError):
            return
        except Exception as exc:  # an answer that cannot be pickled
            problem = f"the job's answer could not be sent back: {type(exc).__name__}: {exc}"
            conn.send((False, RuntimeError(problem), retiring))
        if retiring:
            return


def _ran_out_of_memory(value: object) -> bool:
    if isinstance(value, MemoryError):
        return True
    return isinstance(value, ExtractOutcome) and value.failure is not None and value.failure.reason == Reason.TOO_LARGE


def _address_space() -> int:
    """This process's address space in bytes (what ``RLIMIT_AS`` caps), 0 where ``/proc`` does not say."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


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


def extraction_executor(processes: int, limits: WorkerLimits | None = None) -> Executor:
    """An ``ExtractionPool`` of ``processes`` workers forked from a forkserver under ``limits`` (default: those
    of the default ``Settings``), its first worker started and checked before it is returned (0, or a
    daemonic caller: an ``InlineExecutor``).

    Raises ``WorkerStartError`` when the workers cannot start, naming the cause.
    """
    if processes == 0:
        return InlineExecutor()
    if multiprocessing.current_process().daemon:
        logger.info("extracting in process: a daemonic process (a Celery prefork worker) may not start workers")
        return InlineExecutor()
    context = _WorkerContext()
    context.set_forkserver_preload(["etl.pipeline.workers"])
    pool = ExtractionPool(processes, limits or WorkerLimits.of(Settings()), context)
    try:
        pool.submit(_ready).result(timeout=WORKER_START_TIMEOUT_S)
    except (WorkerLost, TimeoutError, OSError) as exc:
        pool.shutdown(wait=False, cancel_futures=True)
        raise WorkerStartError(
            f"the {processes} extraction worker processes could not start ({type(exc).__name__}: {exc}); "
            "their own error, if any, is printed above. Set NEWSETL_EXTRACT_PROCESSES=0 to extract in this "
            "process instead"
        ) from exc
    return pool
