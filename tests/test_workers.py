"""``etl.workers``: extraction jobs in worker processes return the same plain values as in process."""

from __future__ import annotations

import multiprocessing
import multiprocessing.queues
from datetime import UTC, datetime

from etl.demo_site.server import RunningSite
from etl.records import FetchedPage, Source
from etl.workers import InlineExecutor, extract_page, extraction_executor, job_for

SOURCE = Source(name="demo-de", base_url="http://example.test/de/", language="de")


def _page(url: str, body: bytes) -> FetchedPage:
    return FetchedPage(
        source=SOURCE.name,
        requested_url=url,
        final_url=url,
        status=200,
        content=body,
        content_type="text/html; charset=utf-8",
        fetched_at=datetime(2025, 5, 15, tzinfo=UTC),
        elapsed_s=0.0,
    )


def _demo_page(demo_site: RunningSite) -> FetchedPage:
    entry = next(e for e in demo_site.site.entries("de") if e.listed)
    _status, _type, body = demo_site.site.response(entry.path, demo_site.base_url)
    return _page(demo_site.base_url + entry.path, body)


def test_a_worker_process_returns_what_extraction_in_process_returns(demo_site: RunningSite) -> None:
    job = job_for(SOURCE, _demo_page(demo_site))
    with extraction_executor(2) as pool:
        from_worker = pool.submit(extract_page, job).result()
    in_process = extract_page(job)
    assert from_worker.article == in_process.article
    assert from_worker.article is not None and from_worker.article.paragraphs
    assert from_worker.paragraphs_extracted >= len(from_worker.article.paragraphs)


def test_a_page_without_main_text_is_a_no_text_failure() -> None:
    outcome = extract_page(job_for(SOURCE, _page("http://example.test/de/empty", b"<html><body></body></html>")))
    assert outcome.article is None
    assert outcome.failure is not None and outcome.failure.reason == "no_text"
    assert outcome.failure.stage == "extract"


def test_zero_processes_extract_in_the_calling_process() -> None:
    assert isinstance(extraction_executor(0), InlineExecutor)


def _executor_kind_in_daemon(results: multiprocessing.queues.Queue) -> None:
    results.put(type(extraction_executor(2)).__name__)


def test_a_daemonic_caller_such_as_a_celery_worker_extracts_in_process() -> None:
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    child = context.Process(target=_executor_kind_in_daemon, args=(results,), daemon=True)
    child.start()
    child.join(timeout=30)
    assert results.get(timeout=5) == "InlineExecutor"
