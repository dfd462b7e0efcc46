"""``make airflow`` as a new user meets it: the README's command, the UI's forms in a real Chromium.

Airflow is started by ``make airflow`` itself (same Makefile, same launcher script, same environment; only
the data directory and the ports are moved, with the variables the README documents), and driven through
its UI: log in with the password the console printed, backfill three days from the *Backfill* form (which
unpauses the DAG), then the same days again with *All Runs*, then one day from the *Single Run* form. The
warehouse must hold exactly those days' articles, the same rows after every re-run, the downstream stats
DAG's snapshot must fill by itself, and the scheduler must be alive at the end. Then Ctrl-C must stop
everything within 30 s. Screenshots of the Runs tab go to ``test-output/``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import requests

from etl.demo_site.content import SiteConfig, build_site
from tests.e2e.local_airflow import LocalAirflow, new_local_airflow, remove
from tests.factories import (
    BACKFILL_DAYS,
    REPO_ROOT,
    expected_paths,
    loaded_paths,
    run_audit,
    stats_days,
    warehouse_rows,
)

OUTPUT_DIR = REPO_ROOT / "test-output"
"""Where the screenshots of the Runs tab go."""
SOURCES = 5
BACKFILL_TIMEOUT_S = 900


@pytest.fixture
def local_airflow() -> Iterator[LocalAirflow]:
    local = new_local_airflow()
    try:
        local.start()
        local.wait_until_ready()
        yield local
    finally:
        remove(local)


def wait_for(condition: Any, timeout: float, what: str, local: LocalAirflow) -> None:
    deadline = time.monotonic() + timeout
    while not _holds(condition, what, local):
        assert local.process is not None
        if local.process.poll() is not None:
            raise AssertionError(f"make airflow exited while waiting for {what}:\n{local.diagnostics()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}:\n{local.diagnostics()}")
        time.sleep(2)


def _holds(condition: Any, what: str, local: LocalAirflow) -> bool:
    """``condition()``; an API that stops answering fails the test with what ``make airflow`` printed."""
    try:
        return bool(condition())
    except requests.ConnectionError as exc:
        time.sleep(3)  # let make airflow's supervisor print its report of the component that died
        raise AssertionError(
            f"the API stopped answering while waiting for {what} ({exc}):\n{local.diagnostics()}"
        ) from exc


def backfills(local: LocalAirflow) -> list[dict[str, Any]]:
    return local.api("GET", "/backfills", params={"dag_id": "news_etl"})["backfills"]


def dag_runs(local: LocalAirflow, run_type: str) -> list[dict[str, Any]]:
    runs = local.api("GET", "/dags/news_etl/dagRuns", params={"limit": 100})["dag_runs"]
    return [run for run in runs if run["run_type"] == run_type]


def log_in(page: Any, local: LocalAirflow) -> None:
    page.goto(local.base_url + "/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(local.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/auth/" not in url)
    page.get_by_role("link", name="Dags").first.wait_for()


def pick(page: Any, field: Any, day: date, time_of_day: str) -> None:
    """Set one of the forms' date-time fields through its picker, as a user does."""
    field.click()
    picker = page.locator('[data-scope="popover"][data-part="content"][data-state="open"]')
    picker.get_by_placeholder("YYYY/MM/DD").fill(day.strftime("%Y/%m/%d"))
    picker.get_by_placeholder("HH:mm").fill(time_of_day)
    page.keyboard.press("Escape")


def backfill_from_the_form(page: Any, local: LocalAirflow, reprocess_label: str | None) -> None:
    from playwright.sync_api import expect

    page.goto(local.base_url + "/dags/news_etl")
    page.get_by_role("button", name="Trigger").click()
    page.get_by_text("Backfill", exact=True).click()
    for field, day in zip(
        page.get_by_test_id("datetime-input").all()[:2], (BACKFILL_DAYS[0], BACKFILL_DAYS[-1]), strict=True
    ):
        pick(page, field, day, "00:00")
    if reprocess_label:
        page.get_by_text(reprocess_label, exact=True).click()
    expect(page.get_by_text(f"{len(BACKFILL_DAYS)} runs will be triggered")).to_be_visible()
    page.get_by_role("button", name="Run Backfill").click()
    # The form closes once the backfill exists; an error would keep it open.
    expect(page.get_by_role("button", name="Run Backfill")).to_be_hidden(timeout=60_000)


def screenshot_runs(page: Any, local: LocalAirflow, name: str) -> Path:
    from playwright.sync_api import expect

    page.goto(local.base_url + "/dags/news_etl/runs")
    expect(page.get_by_text(f"backfill__{BACKFILL_DAYS[0].isoformat()}", exact=False)).to_be_visible(timeout=30_000)
    OUTPUT_DIR.mkdir(exist_ok=True)
    path = OUTPUT_DIR / name
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.mark.slow
def test_make_airflow_backfills_from_the_ui_reprocesses_and_stops_on_ctrl_c(
    local_airflow: LocalAirflow, chromium: Path
) -> None:
    from playwright.sync_api import sync_playwright

    local = local_airflow
    started = time.monotonic()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium), args=["--no-sandbox", "--disable-background-networking"]
        )
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        try:
            log_in(page, local)

            # 1. The first backfill: three days, from the form, which also unpauses news_etl.
            backfill_from_the_form(page, local, reprocess_label=None)
            wait_for(lambda: len(backfills(local)) == 1, 60, "the backfill to exist", local)
            backfill_id = backfills(local)[0]["id"]
            wait_for(
                lambda: local.api("GET", f"/backfills/{backfill_id}")["completed_at"] is not None,
                BACKFILL_TIMEOUT_S,
                "the first backfill to complete",
                local,
            )
            first_done = time.monotonic() - started
            runs = dag_runs(local, "backfill")
            assert sorted((run["dag_run_id"], run["logical_date"][:10], run["state"]) for run in runs) == [
                (f"backfill__{day.isoformat()}T00:00:00+00:00", day.isoformat(), "success") for day in BACKFILL_DAYS
            ], local.diagnostics()
            assert sorted(run["run_after"][:10] for run in runs) == [day.isoformat() for day in BACKFILL_DAYS]
            assert loaded_paths(local.warehouse_url) == expected_paths(build_site(SiteConfig()), BACKFILL_DAYS)
            assert run_audit(local.warehouse_url, BACKFILL_DAYS) == [
                (day, "success", True, SOURCES) for day in BACKFILL_DAYS
            ]
            # The downstream DAG was never unpaused by hand: its snapshot fills from the Asset events.
            wait_for(lambda: stats_days(local.warehouse_url) == BACKFILL_DAYS, 300, "the daily stats snapshot", local)
            screenshot_runs(page, local, "make_airflow_first_backfill_runs.png")
            first = warehouse_rows(local.warehouse_url)

            # 2. The same days again, "All Runs": the runs are cleared and run again, same rows.
            backfill_from_the_form(page, local, reprocess_label="All Runs")
            wait_for(lambda: len(backfills(local)) == 2, 60, "the second backfill to exist", local)
            second_id = max(backfill["id"] for backfill in backfills(local))
            wait_for(
                lambda: local.api("GET", f"/backfills/{second_id}")["completed_at"] is not None,
                BACKFILL_TIMEOUT_S,
                "the second backfill to complete",
                local,
            )
            wait_for(
                lambda: all(run["state"] == "success" for run in dag_runs(local, "backfill")),
                BACKFILL_TIMEOUT_S,
                "the re-run days to succeed",
                local,
            )
            assert run_audit(local.warehouse_url, BACKFILL_DAYS) == [
                (day, "success", True, 2 * SOURCES) for day in BACKFILL_DAYS
            ]
            assert warehouse_rows(local.warehouse_url) == first
            screenshot_runs(page, local, "make_airflow_second_backfill_runs.png")

            # 3. One day already loaded, again from the Single Run form: no interval set by hand.
            page.goto(local.base_url + "/dags/news_etl")
            page.get_by_role("button", name="Trigger").click()
            pick(page, page.get_by_test_id("datetime-input").first, BACKFILL_DAYS[1], "10:00")
            page.get_by_role("button", name="Trigger").last.click()
            wait_for(lambda: len(dag_runs(local, "manual")) == 1, 60, "the manual run to exist", local)
            wait_for(
                lambda: dag_runs(local, "manual")[0]["state"] in ("success", "failed"),
                BACKFILL_TIMEOUT_S,
                "the manual run to finish",
                local,
            )
            (manual,) = dag_runs(local, "manual")
            assert manual["state"] == "success", local.diagnostics()
            assert manual["dag_run_id"].startswith(f"manual__{BACKFILL_DAYS[1].isoformat()}__")
            assert (manual["data_interval_start"][:10], manual["data_interval_end"][:10]) == (
                "2025-05-15",
                "2025-05-16",
            )
            assert warehouse_rows(local.warehouse_url) == first
            OUTPUT_DIR.mkdir(exist_ok=True)
            page.goto(local.base_url + "/dags/news_etl/runs")
            page.get_by_text(manual["dag_run_id"]).wait_for(timeout=30_000)
            page.screenshot(path=str(OUTPUT_DIR / "make_airflow_manual_run.png"), full_page=True)
        finally:
            browser.close()

    health = local.health()
    assert health["scheduler"] == "healthy" and health["dag_processor"] == "healthy", health
    assert "NOT running" not in local.console()
    print(
        f"first backfill green {first_done:.0f} s after the UI answered; all steps {time.monotonic() - started:.0f} s"
    )

    # 4. Ctrl-C in the terminal: SIGINT to the foreground process group (make and the launcher).
    assert local.process is not None
    processes = local.started_processes()
    os.killpg(local.process.pid, signal.SIGINT)
    seconds = local.wait_stopped(processes)
    print(f"Ctrl-C stopped {len(processes)} processes in {seconds:.1f} s")
    assert sorted(local.ports_free()) == sorted(local.ports.values())
    assert not (local.data_dir / "pg" / "postmaster.pid").exists(), "the embedded warehouse it started still runs"


@pytest.mark.slow
def test_sigterm_to_make_alone_stops_everything(local_airflow: LocalAirflow) -> None:
    assert local_airflow.process is not None
    processes = local_airflow.started_processes()

    local_airflow.process.send_signal(signal.SIGTERM)
    seconds = local_airflow.wait_stopped(processes)

    print(f"SIGTERM to make stopped {len(processes)} processes in {seconds:.1f} s")
    assert sorted(local_airflow.ports_free()) == sorted(local_airflow.ports.values())


@pytest.mark.slow
def test_a_second_make_airflow_on_the_same_data_directory_is_refused_in_one_line(local_airflow: LocalAirflow) -> None:
    second = subprocess.run(
        ["make", "airflow"],
        cwd=REPO_ROOT,
        env=local_airflow.environment(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert second.returncode != 0
    assert "make airflow already runs with the data directory" in second.stderr
    assert "Traceback" not in second.stdout + second.stderr
    assert local_airflow.health()["scheduler"] == "healthy"


@pytest.mark.slow
def test_a_component_that_dies_is_reported_loudly_and_everything_stops(local_airflow: LocalAirflow) -> None:
    assert local_airflow.process is not None
    processes = local_airflow.started_processes()

    local_airflow.component("scheduler").kill()
    local_airflow.wait_stopped(processes, limit=60)

    console = local_airflow.console()
    assert "scheduler exited with code -9" in console
    assert "Airflow is NOT running any more" in console
    assert local_airflow.process.returncode != 0
