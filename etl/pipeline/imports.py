"""Import WARC files (``python -m etl import-warc``, ``python -m etl ccnews``, the ``news_archive`` DAG): the
pages sources take from an archive go through the same stages as fetched pages.

A file is read once, as a stream (``etl.archives.warc``), for every source imported: each record is routed
to its source from its target URL before its payload is read; a source's captures are archived
(``etl.warehouse.archive.store_pages``, with file and record offset in ``warc_captures``), extracted in the
worker pool, deduplicated and loaded by ``etl.pipeline.run``'s own stages (``Run``, ``load_outcomes``), one
``pipeline_runs`` row per source and file import (opened when the file's first page of that source comes).
With a publication interval, only articles published in it load; the rest are counted (``out_of_interval``,
``no_date``) like every record not taken (``etl.archives.warc.Skip``).

Resumable: records are read in batches (``Settings.load_batch_size`` pages, or ``CHECKPOINT_RECORDS``
records); after a batch loaded, ``warc_imports`` commits the byte offset of the next record and the counts so
far, so a killed import continues there (a local file seeked, a URL asked for a Range; a server that ignores
Range is read again from the start and the records before the offset skipped uncounted) and a file read to
its end is skipped by the next import of the same scope and interval. A thread reads batch N+2 while batch
N+1 extracts and batch N loads. Loads are idempotent, so the batch a kill interrupted loads again unchanged.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg2.extensions
import requests
from psycopg2.extras import Json

from etl.archives.warc import (
    ArchiveError,
    Capture,
    Left,
    NotAnArchive,
    Skip,
    SourceRouter,
    describe_error,
    http_session,
    is_url,
    read_archive,
)
from etl.config import ConfigError, FetchSettings, Settings
from etl.dedup.after_batch import after_run
from etl.pipeline.run import Run, close_failed_run, finish_run, load_outcomes, start_run, unless_rejected
from etl.pipeline.streams import run_ahead
from etl.pipeline.workers import (
    ExtractOutcome,
    WorkerLimits,
    WorkerStartError,
    extract_page,
    extraction_executor,
    job_for,
)
from etl.records import Failure, FetchedPage, Interval, Source
from etl.sources import find_source, load_sources
from etl.warehouse.archive import store_pages
from etl.warehouse.connection import connect, wait_for_lock, warehouse_url
from etl.warehouse.load import register_source
from etl.warehouse.queries import query

logger = logging.getLogger(__name__)

ALL_TIME = Interval(datetime(1, 1, 1, tzinfo=UTC), datetime(9999, 12, 31, tzinfo=UTC))
"""The interval an import without ``--start/--end`` is filed under (``warc_imports``, ``pipeline_runs``)."""
CHECKPOINT_RECORDS = 5_000
"""Records read between two checkpoints when few of them are pages (a file where 1% belong to a source)."""
READ_AHEAD = 1
"""Batches the reading thread may hold ready (besides the one it fills) while the pipeline is busy."""
DIGEST_BYTES = 1 << 20
"""Bytes read from each end of a local file for its identity (``identify_file``)."""
PROGRESS_EVERY_S = 5.0
"""Seconds between two progress lines of one file."""

Progress = Callable[[str], None]


@dataclass(frozen=True)
class FileImport:
    """What importing one WARC file did, over all its attempts (counts carry over a resume).

    ``status``: ``done`` (read to its end now), ``skipped`` (done by an earlier import of this scope and
    interval), ``failed`` (``error`` says why; the next import continues at the last checkpoint; ``retryable``
    is False when reading the file again cannot help: ``etl.archives.warc.NotAnArchive``).
    ``counts``: records by outcome (``warc_imports.counts``); ``resumed_at``: the byte this attempt started at.
    """

    warc_file: str
    status: str
    records_read: int
    bytes_read: int
    counts: dict[str, int]
    run_ids: tuple[int, ...] = ()
    resumed_at: int = 0
    error: str | None = None
    retryable: bool = True

    @property
    def pages_loaded(self) -> int:
        return self.counts.get("loaded", 0)

    def as_dict(self) -> dict[str, Any]:
        return {
            "warc_file": self.warc_file,
            "status": self.status,
            "records_read": self.records_read,
            "mb_read": round(self.bytes_read / 1e6, 3),
            "pages_loaded": self.pages_loaded,
            "resumed_at": self.resumed_at,
            "counts": dict(sorted(self.counts.items())),
            "run_ids": list(self.run_ids),
            "error": self.error,
            "retryable": self.retryable if self.status == "failed" else None,
        }

    def skipped_note(self) -> str:
        """One line for a person about a ``skipped`` file: why it was not read again."""
        return f"{self.warc_file}: skipped, imported before by an import of the same sources and interval"

    def describe(self) -> str:
        """One line for a person: the outcome, then every count by reason."""
        counts = ", ".join(f"{n} {reason}" for reason, n in sorted(self.counts.items()))
        resumed = f", resumed at byte {self.resumed_at:,}" if self.resumed_at else ""
        return (
            f"{self.warc_file}: {self.status}{resumed}: {self.records_read:,} records, "
            f"{self.bytes_read / 1e6:.1f} MB, {self.pages_loaded} pages loaded ({counts or 'no records'})"
            + (f": {self.error}" if self.error else "")
        )


def import_files(
    settings: Settings,
    locations: Sequence[str],
    source_names: Sequence[str] | None = None,
    published_in: Interval | None = None,
    *,
    dag_run_id: str | None = None,
    progress: Progress | None = None,
) -> list[FileImport]:
    """Import each WARC file (local path or http(s) URL) for the named sources (default: every source),
    loading only articles published in ``published_in`` when given. One extraction pool serves all files.

    A file that cannot be read (``ArchiveError``) or whose load fails costs that file only: its result says
    ``failed`` and the next file is imported. A bad configuration raises ``ConfigError``."""
    sources = load_sources(settings)
    for name in source_names or ():
        find_source(sources, name)
    settings = replace(settings, database_url=warehouse_url(settings))
    results = []
    with extraction_executor(settings.extract_processes, WorkerLimits.of(settings)) as pool:
        for location in locations:
            importer = _FileImporter(settings, location, sources, source_names, published_in, pool, dag_run_id)
            try:
                results.append(importer.run(progress))
            except (ConfigError, WorkerStartError):
                raise
            except Exception as exc:
                logger.info("import of %s failed", location, exc_info=True)
                error = describe_error(exc)
                if isinstance(exc, ArchiveError):
                    error = " ".join(str(exc).split())
                results.append(importer.failed(error, retryable=not isinstance(exc, NotAnArchive)))
    return results


@dataclass(frozen=True)
class FileIdentity:
    """What a WARC file is, whatever it was called: ``key`` (``warc_imports.file_key``), where it is read
    from (``location``: an absolute path or the URL) and its size in bytes when known (None: a server that
    gave no Content-Length)."""

    key: str
    location: str
    size: int | None


def identify_file(location: str, fetch: FetchSettings) -> FileIdentity:
    """The identity of a local path or http(s) URL (``warc_imports.file_key``).

    A local file: its resolved absolute path, and as key its size and the SHA-256 of its first and last
    ``DIGEST_BYTES`` (two different ``crawl.warc.gz`` differ; ``a/../a/x.warc.gz`` is ``a/x.warc.gz``; a copy
    elsewhere is the same file). A URL: the URL, with the ``ETag``, ``Content-Length`` and ``Last-Modified``
    a HEAD request gets (none when the server answers no HEAD: then the URL alone). Raises ``NotAnArchive`` for a
    local path that names no file, ``ArchiveError`` for one that cannot be read now."""
    if is_url(location):
        return _identify_url(location, fetch)
    path = Path(location).expanduser().resolve()
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            digest = hashlib.sha256(f"{size}|".encode())
            digest.update(handle.read(DIGEST_BYTES))
            if size > DIGEST_BYTES:
                handle.seek(max(DIGEST_BYTES, size - DIGEST_BYTES))
                digest.update(handle.read(DIGEST_BYTES))
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
        raise NotAnArchive(f"cannot read {location}: {exc.strerror or exc}") from exc
    except OSError as exc:
        raise ArchiveError(f"cannot read {location}: {exc.strerror or exc}") from exc
    return FileIdentity(f"local:{size}:{digest.hexdigest()}", str(path), size)


def _identify_url(url: str, fetch: FetchSettings) -> FileIdentity:
    try:
        with http_session(fetch) as session:
            response = session.head(url, allow_redirects=True, timeout=(fetch.connect_timeout_s, fetch.read_timeout_s))
    except requests.RequestException:
        return FileIdentity(f"url:{url}", url, None)
    if response.status_code != 200:
        return FileIdentity(f"url:{url}", url, None)
    headers = response.headers
    length = headers.get("Content-Length", "").strip()
    size = int(length) if length.isdigit() else None
    given = {"etag": headers.get("ETag"), "length": length, "modified": headers.get("Last-Modified")}
    validators = [f"|{name}={value.strip()}" for name, value in given.items() if value and value.strip()]
    return FileIdentity(f"url:{url}" + "".join(validators), url, size)


def scope_of(source_names: Sequence[str] | None) -> str:
    """``warc_imports.scope``: ``*`` for every source, else the names sorted and joined by commas."""
    return ",".join(sorted(set(source_names))) if source_names else "*"


@dataclass
class _Batch:
    """The records read since the last checkpoint: counts by outcome, captures per source, then their
    extraction futures; ``end`` is the byte offset of the first record after them; ``error``: why reading
    stopped before the file's end (the stream broke), None when it did not."""

    records: int = 0
    end: int = 0
    error: ArchiveError | None = None
    counts: Counter[str] = field(default_factory=Counter)
    by_source: dict[str, Counter[str]] = field(default_factory=dict)
    captures: dict[str, list[Capture]] = field(default_factory=dict)
    extracting: dict[str, list[Failure | Future[ExtractOutcome]]] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return sum(len(captures) for captures in self.captures.values())

    def add(self, outcome: Capture | Left) -> None:
        self.records += 1
        source: str | None
        if isinstance(outcome, Capture):
            name = outcome.page.source
            self.captures.setdefault(name, []).append(outcome)
            reason, source = "taken", name
        else:
            reason, source = outcome.reason.value, outcome.source
        self.counts[reason] += 1
        if source is not None:
            self.by_source.setdefault(source, Counter())[reason] += 1

    def count(self, source: str, reason: str, n: int) -> None:
        if n:
            self.counts[reason] += n
            self.by_source.setdefault(source, Counter())[reason] += n


class _FileImporter:
    """One import of one WARC file: its checkpoint row (on a connection of its own, holding the file's lock)
    and a ``Run`` per source met in it."""

    def __init__(
        self,
        settings: Settings,
        location: str,
        sources: Sequence[Source],
        source_names: Sequence[str] | None,
        published_in: Interval | None,
        pool: Executor,
        dag_run_id: str | None,
    ) -> None:
        self.settings = settings
        self.location = location
        self.sources = {source.name: source for source in sources}
        self.router = SourceRouter(sources, source_names or list(self.sources), settings.fetch.user_agent)
        self.published_in = published_in
        self.interval = published_in or ALL_TIME
        self.pool = pool
        self.dag_run_id = dag_run_id
        self.key: dict[str, Any] = {
            "file_key": None,
            "warc_file": location,
            "scope": scope_of(source_names),
            "interval_start": self.interval.start,
            "interval_end": self.interval.end,
        }
        self.runs: dict[str, Run] = {}
        self.totals: Counter[str] = Counter()
        self.by_source: dict[str, Counter[str]] = {}
        self.records = 0
        self.offset = 0
        self.resumed_at = 0
        self.last_progress = 0.0

    def failed(self, error: str, *, retryable: bool) -> FileImport:
        return FileImport(
            self.location,
            "failed",
            self.records,
            self.offset,
            dict(self.totals),
            tuple(run.run_id for run in self.runs.values()),
            self.resumed_at,
            error,
            retryable,
        )

    def run(self, progress: Progress | None) -> FileImport:
        identity = identify_file(self.location, self.settings.fetch)
        if identity.size == 0:
            raise NotAnArchive(f"{self.location}: empty file (0 bytes)")
        self.key.update(file_key=identity.key, warc_file=identity.location)
        conn = connect(warehouse_url(self.settings), self.settings)
        try:
            wait_for_lock(conn, query("lock_warc_import"), self.key, f"another import of {self.location}")
            with conn, conn.cursor() as cur:
                cur.execute(query("start_warc_import"), self.key)
                status, resume_offset, records_read, counts = cur.fetchone()
            if status != "done" and identity.size is not None and resume_offset > identity.size:
                logger.warning(
                    "%s: the checkpoint at byte %d lies past the file's end (%d bytes): reading it from the start",
                    self.location,
                    resume_offset,
                    identity.size,
                )
                status, resume_offset, records_read, counts = "running", 0, 0, {}
            self.totals.update(counts)
            self.records, self.offset, self.resumed_at = records_read, resume_offset, resume_offset
            if status == "done":
                return FileImport(self.location, "skipped", self.records, self.offset, dict(self.totals))
            try:
                self._read(conn, progress)
            except BaseException as exc:
                for run in self.runs.values():
                    close_failed_run(run.conn, run, exc)
                raise
            for run in self.runs.values():
                with run.times.timed("boilerplate_s"):
                    after_run(run.conn, self.settings.dedup, run.source.name)
                finish_run(run.conn, run.run_id, run.counts, "success", None)
            run_ids = tuple(run.run_id for run in self.runs.values())
            done = FileImport(
                self.location, "done", self.records, self.offset, dict(self.totals), run_ids, self.resumed_at
            )
            if progress is not None:
                progress(done.describe())
            return done
        finally:
            for run in self.runs.values():
                run.conn.close()
            conn.close()

    def _read(self, conn: psycopg2.extensions.connection, progress: Progress | None) -> None:
        """Read the file from the checkpoint to its end in a thread (``READ_AHEAD`` batches ahead), while
        here a batch is archived and sent to extraction and the one before it loads. When the stream breaks
        (``ArchiveError``), every batch read before it still loads and is checkpointed, then the error is
        raised (the file is ``failed`` and the next import continues after the last record read)."""
        pending: _Batch | None = None
        error: ArchiveError | None = None
        for batch in run_ahead(self._batches(), READ_AHEAD, "newsetl-warc"):
            pending = self._advance(conn, batch, pending, progress)
            error = batch.error
        if pending is not None:
            self._load(conn, pending, "running" if error else "done", progress)
        if error is not None:
            raise error

    def _batches(self) -> Iterator[_Batch]:
        """The records from the checkpoint on (``etl.archives.warc.read_archive``: routed, read, damaged spans
        counted ``corrupt``), in batches of at most ``Settings.load_batch_size`` captures or
        ``CHECKPOINT_RECORDS`` records; the last ends at the file's end, or where the stream broke (its
        ``error`` set). Runs in the reading thread: no warehouse here."""
        settings = self.settings
        batch = _Batch(end=self.offset)
        reads = read_archive(self.location, self.offset, settings.fetch, self.router, settings.fetch.max_bytes)
        try:
            for read in reads:
                if batch.pages >= settings.load_batch_size or batch.records >= CHECKPOINT_RECORDS:
                    yield batch
                    batch = _Batch(end=batch.end)
                batch.add(read.outcome)
                batch.end = read.end
        except ArchiveError as exc:
            batch.error = exc
        finally:
            reads.close()
        yield batch

    def _advance(
        self, conn: psycopg2.extensions.connection, batch: _Batch, pending: _Batch | None, progress: Progress | None
    ) -> _Batch:
        """Archive ``batch``'s captures and send them to extraction, then load ``pending`` (the batch before)."""
        for name, captures in batch.captures.items():
            run = self._run_for(self.sources[name])
            pages = [capture.page for capture in captures]
            with run.times.timed("archive_s"):
                archived = store_pages(run.conn, run.run_id, name, pages)
                self._record_captures(run, captures)
            outcomes = [unless_rejected(page, archived.rejected) for page in pages]
            batch.extracting[name] = [
                run.pool.submit(extract_page, job_for(run.source, page)) if isinstance(page, FetchedPage) else page
                for page in outcomes
            ]
        if pending is not None:
            self._load(conn, pending, "running", progress)
        return batch

    def _load(
        self, conn: psycopg2.extensions.connection, batch: _Batch, status: str, progress: Progress | None
    ) -> None:
        """Load a batch's articles (``etl.pipeline.run.load_outcomes``), then commit the checkpoint after it."""
        for name, extracting in batch.extracting.items():
            run = self.runs[name]
            loaded, failed, left = run.counts.articles_loaded, run.counts.extract_failed, Counter(run.left_out)
            load_outcomes(run, extracting)
            batch.count(name, "loaded", run.counts.articles_loaded - loaded)
            batch.count(name, "extract_failed", run.counts.extract_failed - failed)
            for reason, n in (run.left_out - left).items():
                batch.count(name, reason, n)
        self.totals.update(batch.counts)
        for name, counts in batch.by_source.items():
            self.by_source.setdefault(name, Counter()).update(counts)
        for name, run in self.runs.items():
            mine = self.by_source.get(name, Counter())
            run.counts.urls_discovered = mine["taken"]
            seen = mine["taken"] + sum(mine[reason.value] for reason in Skip)
            run.counts.discovery_counts = {"warc": {"seen": seen, **mine}}
        self.records += batch.records
        self.offset = batch.end
        with conn, conn.cursor() as cur:
            cur.execute(
                query("checkpoint_warc_import"),
                {
                    **self.key,
                    "status": status,
                    "resume_offset": self.offset,
                    "records_read": self.records,
                    "counts": Json(dict(self.totals)),
                    "run_ids": [run.run_id for run in self.runs.values()],
                },
            )
        now = time.monotonic()
        if progress is not None and status != "done" and now - self.last_progress >= PROGRESS_EVERY_S:
            self.last_progress = now
            progress(
                f"{self.location}: {self.records:,} records read, {self.offset / 1e6:.1f} MB, "
                f"{self.totals['taken']} pages taken, {self.totals['loaded']} loaded"
            )

    def _run_for(self, source: Source) -> Run:
        """The source's run in this import, its ``pipeline_runs`` row opened on first use."""
        run = self.runs.get(source.name)
        if run is None:
            run_conn = connect(warehouse_url(self.settings), self.settings)
            try:
                register_source(run_conn, source)
                run_id = start_run(run_conn, source, self.interval, self.dag_run_id)
            except BaseException:
                run_conn.close()
                raise
            run = Run(self.settings, source, self.interval, run_id, run_conn, self.pool, published_in=self.published_in)
            logger.info("run %s: %s from %s", run_id, source.name, self.location)
            self.runs[source.name] = run
        return run

    def _record_captures(self, run: Run, captures: Sequence[Capture]) -> None:
        with run.conn, run.conn.cursor() as cur:
            cur.execute(
                query("insert_warc_captures"),
                {
                    "file_key": self.key["file_key"],
                    "warc_file": self.key["warc_file"],
                    "source_name": run.source.name,
                    "run_id": run.run_id,
                    "record_offsets": [c.record_offset for c in captures],
                    "urls": [c.page.requested_url for c in captures],
                    "target_uris": [c.target_uri for c in captures],
                    "captured_ats": [c.page.fetched_at for c in captures],
                    "body_sha256s": [hashlib.sha256(c.page.content).digest() for c in captures],
                },
            )
