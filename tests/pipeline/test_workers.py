"""``etl.pipeline.workers``: extraction jobs in worker processes return the same plain values as in process,
and one page costs one page: past the deadline, over the memory cap, or killing its worker."""

from __future__ import annotations

import multiprocessing
import multiprocessing.queues
import os
import resource
import signal
import subprocess
import sys
import time
from concurrent.futures import Future
from pathlib import Path

from etl.demo_site.server import RunningSite
from etl.pipeline.workers import (
    ExtractJob,
    ExtractOutcome,
    InlineExecutor,
    WorkerLimits,
    _serve,
    _WorkerContext,
    extract_page,
    extraction_executor,
    job_for,
)
from etl.records import FetchedPage
from tests.factories import SOURCE, fetched_page, repo_pythonpath

ARTICLE = (
    "<html><body><article><p>Der Stadtrat von Eichental hat am Montag den neuen Haushalt beschlossen, mit mehr "
    "Geld für Schulen und Radwege.</p><p>{marker}</p></article></body></html>"
)
LIMITS = WorkerLimits(timeout_s=30.0, max_memory_mb=1024)
KILL = "Diese Seite beendet den Prozess, der sie liest, wie es der Speicherwächter des Kernels täte."
ALLOCATE = "Diese Seite verlangt mehr Speicher, als ein Arbeitsprozess haben darf, und bekommt ihn nicht."
SLEEP = "Diese Seite braucht länger, als ein Arbeitsprozess für eine Seite Zeit hat, viel länger."


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


def _page(marker: str) -> ExtractJob:
    html = ARTICLE.replace("{marker}", marker)
    return job_for(SOURCE, fetched_page(f"http://example.test/de/{abs(hash(marker))}", html.encode("utf-8")))


def extract_with_test_faults(job: ExtractJob) -> ExtractOutcome:
    """``extract_page``, except that a page carrying one of the markers above does what it says: the faults a
    real page causes rarely and slowly (the kernel's OOM killer, a page the parser needs minutes for)."""
    if KILL.encode() in job.content:
        os.kill(os.getpid(), signal.SIGKILL)
    if ALLOCATE.encode() in job.content:
        _ = bytearray(4 * 2**30)
    if SLEEP.encode() in job.content:
        time.sleep(600)
    return extract_page(job)


def _batch(markers: list[str], limits: WorkerLimits) -> tuple[list[ExtractOutcome], float]:
    started = time.monotonic()
    with extraction_executor(2, limits) as pool:
        futures: list[Future[ExtractOutcome]] = [
            pool.submit(extract_with_test_faults, _page(marker)) for marker in markers
        ]
        outcomes = [future.result(timeout=120) for future in futures]
        after = pool.submit(extract_with_test_faults, _page("Ein Absatz nach dem Fehler, in einem neuen Prozess."))
        assert after.result(timeout=120).article is not None
    return outcomes, time.monotonic() - started


def _reasons(outcomes: list[ExtractOutcome]) -> list[str | None]:
    return [outcome.failure.reason if outcome.failure else None for outcome in outcomes]


GOOD = ["Erster guter Absatz dieser Seite.", "Zweiter guter Absatz.", "Dritter guter Absatz.", "Vierter."]


def test_a_page_that_kills_its_worker_is_worker_died_and_the_rest_of_the_batch_is_kept() -> None:
    outcomes, _ = _batch([GOOD[0], KILL, GOOD[1], GOOD[2], KILL, GOOD[3]], LIMITS)
    assert _reasons(outcomes) == [None, "worker_died", None, None, "worker_died", None]
    assert all(o.article is not None for o in outcomes if o.failure is None)
    died = outcomes[1].failure
    assert died is not None and "SIGKILL" in died.detail and died.stage == "extract"


def test_a_page_past_the_deadline_is_too_slow_and_its_worker_is_replaced() -> None:
    outcomes, seconds = _batch([GOOD[0], SLEEP, GOOD[1], GOOD[2]], WorkerLimits(timeout_s=3.0, max_memory_mb=1024))
    assert _reasons(outcomes) == [None, "too_slow", None, None]
    assert seconds < 60
    assert outcomes[1].failure is not None and "NEWSETL_EXTRACT_TIMEOUT_S" in outcomes[1].failure.detail


def test_a_page_over_the_memory_cap_is_too_large() -> None:
    outcomes, _ = _batch([GOOD[0], ALLOCATE, GOOD[1]], LIMITS)
    assert _reasons(outcomes) == [None, "too_large", None]


def test_a_real_page_that_parses_longer_than_the_deadline_is_too_slow() -> None:
    html = b"<html><body><div>" + b"<span>x</span>" * 45_000 + b"</div></body></html>"
    slow = job_for(SOURCE, fetched_page("http://example.test/de/slow", html))
    with extraction_executor(1, WorkerLimits(timeout_s=0.2, max_memory_mb=1024)) as pool:
        outcome = pool.submit(extract_page, slow).result(timeout=60)
    assert outcome.failure is not None and outcome.failure.reason == "too_slow"


def test_a_page_of_millions_of_tags_is_too_large_at_once_not_after_minutes() -> None:
    html = b"<html><body>" + b"x<br>" * 1_900_000
    started = time.perf_counter()
    outcome = extract_page(job_for(SOURCE, fetched_page("http://example.test/de/br", html)))
    assert outcome.failure is not None and outcome.failure.reason == "too_large"
    assert time.perf_counter() - started < 10


def test_bytes_that_are_not_text_are_not_html() -> None:
    noise = bytes((i * 7919 + (i >> 3) * 104729) % 251 for i in range(200_000))
    outcome = extract_page(job_for(SOURCE, fetched_page("http://example.test/de/noise", noise)))
    assert outcome.failure is not None and outcome.failure.reason == "not_html"


def test_workers_cap_their_address_space() -> None:
    with extraction_executor(1, WorkerLimits(timeout_s=30.0, max_memory_mb=512)) as pool:
        soft, _hard = pool.submit(resource.getrlimit, resource.RLIMIT_AS).result(timeout=60)
    assert soft == 512 * 2**20


def test_a_worker_that_ran_out_of_memory_is_replaced_before_the_next_page() -> None:
    with extraction_executor(1, LIMITS) as pool:
        before = pool.submit(os.getpid).result(timeout=60)
        outcome = pool.submit(extract_with_test_faults, _page(ALLOCATE)).result(timeout=60)
        after = pool.submit(os.getpid).result(timeout=60)
        good = pool.submit(extract_with_test_faults, _page(GOOD[0])).result(timeout=60)
    assert outcome.failure is not None and outcome.failure.reason == "too_large"
    assert after != before
    assert good.article is not None


def test_a_worker_whose_parent_died_ends_without_a_traceback() -> None:
    context = _WorkerContext()
    ours, theirs = context.Pipe()
    worker = context.Process(target=_serve, args=(theirs, 2048))
    worker.start()
    theirs.close()
    ours.send((len, ("page",), {}))  # a job, then the parent is gone before the worker answers it
    ours.close()
    worker.join(60)

    assert worker.exitcode == 0  # an uncaught BrokenPipeError or ConnectionResetError would end it with 1
