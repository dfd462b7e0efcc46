"""A backfill created the way a user does it: in the Airflow UI, in a real headless Chromium.

Log in, open ``news_etl``, *Trigger* -> *Backfill*, enter the date range, *Run Backfill*; then the runs
page shows the three runs succeeded, the warehouse holds exactly those days' articles, and a screenshot of
the finished runs is saved as ``test-output/ui_backfill_runs.png``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.demo_site.server import RunningSite
from tests.e2e.airflow_cluster import ADMIN, AirflowCluster, wait_for
from tests.e2e.conftest import OUTPUT_DIR, expected_paths, loaded_paths
from tests.e2e.test_backfill_local import DAYS


@pytest.mark.slow
def test_backfill_from_the_ui_form_loads_its_days(
    cluster: AirflowCluster, clean_database: str, demo_site: RunningSite, chromium: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium), args=["--no-sandbox", "--disable-background-networking"]
        )
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        try:
            page.goto(cluster.base_url + "/")
            page.get_by_label("Username").fill(ADMIN[0])
            page.get_by_label("Password").fill(ADMIN[1])
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(lambda url: "/auth/" not in url)
            page.get_by_role("link", name="Dags").first.wait_for()

            page.goto(cluster.base_url + "/dags/news_etl")
            page.get_by_role("button", name="Trigger").click()
            page.get_by_text("Backfill", exact=True).click()
            for field, day in zip(page.get_by_test_id("datetime-input").all()[:2], (DAYS[0], DAYS[-1]), strict=True):
                field.click()
                picker = page.locator('[data-scope="popover"][data-part="content"][data-state="open"]')
                picker.get_by_placeholder("YYYY/MM/DD").fill(day.strftime("%Y/%m/%d"))
                picker.get_by_placeholder("HH:mm").fill("00:00")
                page.keyboard.press("Escape")
            expect(page.get_by_text(f"{len(DAYS)} runs will be triggered")).to_be_visible()
            page.get_by_role("button", name="Run Backfill").click()

            wait_for(lambda: backfills_completed(cluster) == 1, 900, "the UI's backfill to complete", cluster)
            page.goto(cluster.base_url + "/dags/news_etl/runs")
            expect(page.get_by_text("backfill__", exact=False)).to_have_count(len(DAYS), timeout=30_000)
            OUTPUT_DIR.mkdir(exist_ok=True)
            page.screenshot(path=str(OUTPUT_DIR / "ui_backfill_runs.png"), full_page=True)
        finally:
            browser.close()

    runs = [run for run in cluster.api("GET", "/dags/news_etl/dagRuns")["dag_runs"] if run["run_type"] == "backfill"]
    assert sorted((run["logical_date"][:10], run["state"]) for run in runs) == [
        (day.isoformat(), "success") for day in DAYS
    ]
    assert loaded_paths(clean_database) == expected_paths(demo_site, DAYS)


def backfills_completed(cluster: AirflowCluster) -> int:
    backfills = cluster.api("GET", "/backfills", params={"dag_id": "news_etl"})["backfills"]
    return sum(backfill["completed_at"] is not None for backfill in backfills)
