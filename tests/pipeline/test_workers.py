"""``etl.pipeline.workers``: extraction jobs in worker processes return the same plain values as in process."""

from __future__ import annotations

import multiprocessing
import multiprocessing.queues
import os
import subprocess
import sys
from pathlib import Path

from etl.demo_site.server import RunningSite
from etl.pipeline.workers import InlineExecutor, extract_page, extraction_executor, job_for
from etl.records import FetchedPage
from tests.factories import SOURCE, fetched_page, repo_pythonpath


def _demo_page(demo_site: RunningSite) -> FetchedPage:
    entry = next(e for e in demo_site.site.entries("de") if e.listed)
    _status, _type, body = demo_site.site.response(entry.path, demo_site.base_url)
    return fetched_page(demo_site.base_url + entry.path, body)


def test_a_worker_process_returns_what_extraction_in_process_returns(demo_site: RunningSite) -> None:
    job = job_for(SOURCE, _demo_page(demo_site))
    with extraction_executor(2) as pool:
        from_worker = pool.submit(extract_page, job).result()
    in_process = extract_page(job)
    assert from_worker.article == in_process.article
    assert from_worker.article is not None and from_worker.article.paragraphs
    assert from_worker.paragraphs_extracted >= len(from_worker.article.paragraphs)


def test_a_page_without_main_text_is_a_no_text_failure() -> None:
    outcome = extract_page(job_for(SOURCE, fetched_page("http://example.test/de/empty", b"<html><body></body></html>")))
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


# A program that, like the ``airflow`` console script under ``airflow standalone``, cannot be imported a
# second time: re-running it in a worker ends that worker at once.
LAUNCHER = """
import sys
if __name__ != "__main__":
    sys.exit("this program was re-run in a worker process")
from etl.pipeline.workers import extract_page, extraction_executor, job_for
from tests.factories import SOURCE, fetched_page
page = fetched_page("http://example.test/de/a", b"<html><body><article><p>{text}</p></article></body></html>")
job = job_for(SOURCE, page)
with extraction_executor(2) as pool:
    print(pool.submit(extract_page, job).result().article.paragraphs[0].text)
"""


def _launch(script: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "launcher"
    path.write_text(script)
    env = {**os.environ, "PYTHONPATH": repo_pythonpath()}
    return subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path, check=False
    )


def test_workers_start_under_a_launching_program_that_cannot_be_imported_again(tmp_path: Path) -> None:
    text = "Ein Absatz, der lang genug ist, um als Haupttext eines Artikels zu gelten, und der nur einmal vorkommt."
    done = _launch(LAUNCHER.replace("{text}", text), tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == text
    assert "re-run in a worker" not in done.stderr


def test_workers_that_cannot_start_are_an_error_naming_the_cause_and_the_setting(tmp_path: Path) -> None:
    script = """
import multiprocessing
from etl.pipeline.workers import WorkerStartError, extraction_executor
multiprocessing.set_executable("/nonexistent/python3")
try:
    extraction_executor(2)
except WorkerStartError as exc:
    print(exc)
"""
    done = _launch(script, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "extraction worker processes could not start" in done.stdout
    assert "NEWSETL_EXTRACT_PROCESSES=0" in done.stdout
