"""What discovery's listing says about a page reaches the warehouse, run as a user runs it.

- A feed item's published date is the article's when the page states none, offset kept (site case
  ``60-feed-date-used-when-page-has-none``: its outcome's ``published`` maps URL -> [published_at in UTC,
  published_utc_offset_min]).
- A source whose discovery took nothing because its entries are undated says so in one WARNING line on the
  console, and the run still succeeds (``check_runs`` fails it in Airflow: ``discovery_took_none``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from etl.pipeline.workers import published_at
from tests.factories import REPO_ROOT, clean_environment, query_rows, throwaway_database
from tests.pipeline.test_sites import RUN_TIMEOUT_S, SITES, run_case
from tests.sites_server import serving

FEED_DATE_CASE = SITES / "60-feed-date-used-when-page-has-none"


def _run_etl(case_dir: Path, database_url: str, base_url: str) -> subprocess.CompletedProcess[str]:
    expected = json.loads((case_dir / "case.json").read_text("utf-8"))["expected"]
    env = clean_environment() | {
        "NEWSETL_DATABASE_URL": database_url,
        "NEWSETL_SOURCES_FILE": str(case_dir / "sources.toml"),
        "NEWSETL_DEMO_SITE_URL": base_url,
        "NEWSETL_DATA_DIR": str(case_dir / ".newsetl-unused"),
        "PYTHONPATH": str(REPO_ROOT),
    }
    run = ["run", "--start", expected["start"], "--end", expected["end"], "--source", expected["source"]]
    done = subprocess.CompletedProcess[str]([], 0, "", "")
    for verb in (["migrate"], run):
        done = subprocess.run(
            [sys.executable, "-m", "etl", *verb],
            env=env,
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT_S,
            check=False,
        )
    return done


def test_feed_date_is_the_article_date_when_the_page_states_none(server_url: str) -> None:
    outcome = json.loads((FEED_DATE_CASE / "case.json").read_text("utf-8"))["expected"]["outcomes_one_of"][0]
    with (
        throwaway_database(server_url, "newsetl_listed", migrated=False) as database_url,
        serving(FEED_DATE_CASE, "site") as site,
    ):
        done = _run_etl(FEED_DATE_CASE, database_url, site.base_url)
        rows = query_rows(database_url, "select url, published_at, published_utc_offset_min from articles")
    assert done.returncode == 0, done.stderr
    got = {
        url.replace(site.base_url, "{site}"): [when.astimezone(UTC).isoformat() if when else None, offset]
        for url, when, offset in rows
    }
    assert got == outcome["published"]


def test_undated_discovery_warns_in_one_line(server_url: str, tmp_path: Path) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        "<url><loc>{site}/articles/ferry.html</loc></url>\n<url><loc>{site}/articles/market.html</loc></url>\n"
        "</urlset>\n",
        "utf-8",
    )
    (tmp_path / "sources.toml").write_text(
        '[[source]]\nname = "undated"\nbase_url = "{demo_site}/"\nlanguage = "en"\ndiscovery = ["sitemap"]\n'
        'sitemap_url = "{demo_site}/sitemap.xml"\nmin_delay_s = 0\n',
        "utf-8",
    )
    expected = {"source": "undated", "start": "2024-03-05", "end": "2024-03-06", "site_dir": "site"}
    (tmp_path / "case.json").write_text(json.dumps({"expected": expected}), "utf-8")
    observed = run_case(tmp_path, server_url)
    lines = [line for line in observed.stderr.splitlines() if line.strip()]
    assert (observed.exit_status, observed.run["status"]) == (0, "success")
    assert len(lines) == 1 and " WARNING " in lines[0], lines
    assert "source undated saw discovery entries but took none: sitemap saw 2 (no_date 2)" in lines[0]


PAGE_DATE = datetime(2024, 3, 5, 7, 30, tzinfo=timezone(timedelta(hours=1)))
LISTED = datetime(2024, 3, 5, 10, 0, tzinfo=timezone(timedelta(hours=1)))


@pytest.mark.parametrize(
    ("found", "listed", "url", "expected"),
    [
        (PAGE_DATE, LISTED, "http://a.test/x.html", PAGE_DATE),  # the page's own date wins
        (None, LISTED, "http://a.test/x.html", LISTED),  # none of its own: the listing's, offset kept
        (None, None, "http://a.test/x.html", None),  # a retry knows the URL only
        (datetime(2024, 3, 5, tzinfo=UTC), LISTED, "http://a.test/2024/03/05/x", LISTED),  # URL's day, same day
        (datetime(2024, 3, 4, tzinfo=UTC), LISTED, "http://a.test/2024/03/04/x", datetime(2024, 3, 4, tzinfo=UTC)),
    ],
)
def test_the_page_date_wins_over_the_listed_one(
    found: datetime | None, listed: datetime | None, url: str, expected: datetime | None
) -> None:
    chosen = published_at(found, listed, url)
    assert (chosen, chosen.utcoffset() if chosen else None) == (expected, expected.utcoffset() if expected else None)
