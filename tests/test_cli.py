"""``python -m etl``: the command-line contracts other tools rely on, run as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from etl.demo_site.server import RunningSite
from tests.hostile_server import HostileServer
from tests.hostile_source import HOSTILE_FETCH, hostile_sources_file

REPO = Path(__file__).resolve().parents[1]
SEED_FILE = Path(__file__).parent / "fixtures" / "seed-belta-htp-karamay.txt"
SEED_PARAGRAPHS = [line for line in SEED_FILE.read_text("utf-8").splitlines() if line.strip()][:5]


def etl(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSETL_")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "etl", *args], cwd=REPO, env=full_env, capture_output=True, text=True, timeout=300
    )


def test_extract_prints_one_json_object_per_file(demo_site: RunningSite, tmp_path: Path) -> None:
    seed = next(t for t in demo_site.site.articles("de") if t.kind == "seed")
    english = next(t for t in demo_site.site.articles("en") if t.status == 200 and not t.robots_disallowed)
    files = []
    for name, truth in (("seed.html", seed), ("english.html", english)):
        path = tmp_path / name
        path.write_bytes(demo_site.site.response(truth.path, demo_site.base_url)[2])
        files.append(str(path))
    result = etl("extract", *files, "--url", "https://deu.belta.by/economics/view/seed#top")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert set(first) == {"url", "title", "published_at", "language", "authors", "paragraphs", "text"}
    assert first["url"] == "https://deu.belta.by/economics/view/seed"
    assert first["title"] == seed.title
    assert datetime.fromisoformat(first["published_at"]) == seed.published_at
    assert first["language"] == "de"
    assert first["paragraphs"] == SEED_PARAGRAPHS
    assert first["text"] == "\n\n".join(SEED_PARAGRAPHS)
    assert json.loads(lines[1])["title"] == english.title


def test_run_loads_an_interval_and_prints_a_summary_per_source(demo_site: RunningSite, clean_database: str) -> None:
    env = {
        "NEWSETL_DATABASE_URL": clean_database,
        "NEWSETL_DEMO_SITE_URL": demo_site.base_url,
        "NEWSETL_FETCH_RETRIES": "0",
    }
    result = etl("run", "--start", "2025-05-16", "--end", "2025-05-17", "--source", "demo-es", env=env)
    assert result.returncode == 0, result.stderr
    (summary,) = [json.loads(line) for line in result.stdout.splitlines()]
    expected = [t for t in demo_site.site.articles("es") if t.published_at.date().isoformat() == "2025-05-16"]
    assert summary["source"] == "demo-es"
    assert summary["status"] == "success"
    assert summary["interval_start"] == "2025-05-16T00:00:00+00:00"
    assert summary["articles_loaded"] == sum(1 for t in expected if t.status == 200 and not t.robots_disallowed)


def test_migrate_twice_reports_up_to_date(clean_database: str) -> None:
    result = etl("migrate", env={"NEWSETL_DATABASE_URL": clean_database})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "schema is up to date"


def test_unknown_source_is_a_configuration_error(clean_database: str) -> None:
    result = etl(
        "run",
        "--start",
        "2025-05-16",
        "--end",
        "2025-05-17",
        "--source",
        "nope",
        env={"NEWSETL_DATABASE_URL": clean_database},
    )
    assert result.returncode == 2
    assert "unknown source 'nope'" in result.stderr


def test_a_bad_date_is_rejected_by_the_parser() -> None:
    result = etl("run", "--start", "15.05.2025", "--end", "2025-05-17")
    assert result.returncode == 2
    assert "is not a date" in result.stderr


def test_fetch_prints_one_json_object_per_url_with_a_reason_for_each_failure(tmp_path: Path) -> None:
    with HostileServer() as site:
        env = {
            "NEWSETL_SOURCES_FILE": str(hostile_sources_file(site, tmp_path)),
            **{f"NEWSETL_FETCH_{name.upper()}": str(value) for name, value in asdict(HOSTILE_FETCH).items()},
        }
        faults = site.fault_urls()
        urls = [*site.good_urls(), *faults]
        result = etl("fetch", *urls, "--source", "hostile", env=env)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["url"] for r in records] == urls
    keys = {"url", "final_url", "status", "ok", "reason", "bytes", "charset", "elapsed_s"}
    assert all(set(r) == keys for r in records)
    for record in records[: len(site.good_urls())]:
        assert (record["ok"], record["status"], record["reason"], record["final_url"]) == (
            True,
            200,
            None,
            record["url"],
        )
        assert record["bytes"] > 0 and record["charset"]
    assert {r["url"]: r["reason"] for r in records if not r["ok"]} == faults
    by_url = {r["url"]: r for r in records}
    assert by_url[site.base_url + "/fault/500"]["status"] == 500
    assert by_url[site.base_url + "/news/ru-cp1251"]["charset"] == "cp1251"
    assert all(0 <= r["elapsed_s"] < HOSTILE_FETCH.total_timeout_s + 2.5 for r in records)


def test_fetch_without_a_source_stays_on_the_urls_hosts() -> None:
    with HostileServer() as site:
        result = etl("fetch", site.base_url + "/fault/offsite-redirect", env={"NEWSETL_FETCH_RETRIES": "0"})
    assert result.returncode == 0, result.stderr
    (record,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert (record["ok"], record["reason"], record["final_url"]) == (False, "offsite_redirect", None)


def test_reprocess_reloads_from_the_archive_and_prints_a_summary(demo_site: RunningSite, clean_database: str) -> None:
    env = {"NEWSETL_DATABASE_URL": clean_database, "NEWSETL_DEMO_SITE_URL": demo_site.base_url}
    bounds = ("--start", "2025-05-16", "--end", "2025-05-17", "--source", "demo-es")
    fetched = etl("run", *bounds, env=env)
    assert fetched.returncode == 0, fetched.stderr
    env["NEWSETL_DEMO_SITE_URL"] = "http://127.0.0.1:9"  # no network: nothing listens there
    result = etl("reprocess", *bounds, env=env)
    assert result.returncode == 0, result.stderr
    (summary,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert summary["status"] == "success"
    assert summary["articles_loaded"] == json.loads(fetched.stdout)["articles_loaded"] > 0
