"""``python -m etl``: the command-line contracts other tools rely on, run as a user runs them."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

from etl.demo_site.server import RunningSite
from etl.warehouse.connection import connect
from etl.warehouse.migrate import migration_objects
from etl.warehouse.queries import migration_files
from tests.factories import REPO_ROOT, SEED_PARAGRAPHS, query_rows, throwaway_database
from tests.hostile_server import HostileServer
from tests.hostile_source import HOSTILE_FETCH, hostile_sources_file


def etl(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSETL_")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "etl", *args], cwd=REPO_ROOT, env=full_env, capture_output=True, text=True, timeout=300
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
    assert set(first) == {"url", "title", "published_at", "language", "authors", "publisher", "paragraphs", "text"}
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


@contextmanager
def refusing_port() -> Iterator[int]:
    """A localhost port that refuses connections: bound, so nothing else takes it meanwhile, but not listening."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def sources_file(path: Path, dead_port: int) -> Path:
    """A sources file: ``dead``, whose site refuses connections, then ``live``, the demo site's Spanish edition."""
    dead = f"http://127.0.0.1:{dead_port}/de"
    path.write_text(
        f"""
[[source]]
name = "dead"
base_url = "{dead}/"
language = "de"
discovery = ["sitemap", "rss"]
sitemap_url = "{dead}/sitemap.xml"
feed_url = "{dead}/rss.xml"
min_delay_s = 0

[[source]]
name = "live"
base_url = "{{demo_site}}/es/"
language = "es"
discovery = ["sitemap"]
sitemap_url = "{{demo_site}}/es/sitemap.xml"
min_delay_s = 0
""",
        encoding="utf-8",
    )
    return path


def test_psql_passes_the_arguments_after_the_verb_to_psql(clean_database: str) -> None:
    env = {"NEWSETL_DATABASE_URL": clean_database}
    plain = etl("psql", "-c", "select 41+1", env=env)
    assert plain.returncode == 0, plain.stderr
    assert "42" in plain.stdout.split()
    after_dashes = etl("psql", "--", "-Atc", "select 41+1", env=env)
    assert after_dashes.returncode == 0, after_dashes.stderr
    assert after_dashes.stdout.strip() == "42"


def test_other_verbs_still_refuse_arguments_they_do_not_know() -> None:
    result = etl("migrate", "-c", "select 1")
    assert result.returncode == 2
    assert "unrecognized arguments: -c select 1" in result.stderr


def test_run_reports_a_source_whose_site_refuses_connections_in_one_line_and_runs_the_others(
    demo_site: RunningSite, clean_database: str, tmp_path: Path
) -> None:
    with refusing_port() as port:
        env = {
            "NEWSETL_DATABASE_URL": clean_database,
            "NEWSETL_DEMO_SITE_URL": demo_site.base_url,
            "NEWSETL_SOURCES_FILE": str(sources_file(tmp_path / "sources.toml", port)),
            "NEWSETL_FETCH_RETRIES": "0",
        }
        result = etl("run", "--start", "2025-05-14", "--end", "2025-05-15", env=env)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("newsetl: source")]
    assert line.startswith("newsetl: source dead: discovery failed: ")
    assert f"http://127.0.0.1:{port}/de/sitemap.xml" in line and f"http://127.0.0.1:{port}/de/rss.xml" in line
    (summary,) = [json.loads(line) for line in result.stdout.splitlines()]
    assert (summary["source"], summary["status"]) == ("live", "success")
    assert summary["articles_loaded"] > 0
    conn = connect(clean_database)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("select source_name, status, error from pipeline_runs order by run_id")
            runs = cur.fetchall()
    finally:
        conn.close()
    assert [(source, status) for source, status, _ in runs] == [("dead", "failed"), ("live", "success")]
    assert runs[0][2].startswith("DiscoveryFailed: ")


def test_run_verbose_keeps_the_traceback_of_a_failed_source(clean_database: str, tmp_path: Path) -> None:
    with refusing_port() as port:
        env = {
            "NEWSETL_DATABASE_URL": clean_database,
            "NEWSETL_SOURCES_FILE": str(sources_file(tmp_path / "sources.toml", port)),
            "NEWSETL_FETCH_RETRIES": "0",
        }
        result = etl("-v", "run", "--start", "2025-05-14", "--end", "2025-05-15", "--source", "dead", env=env)
    assert result.returncode == 1
    assert "Traceback" in result.stderr
    assert "etl.pipeline.run.DiscoveryFailed" in result.stderr
    assert result.stderr.splitlines()[-1].startswith("newsetl: source dead: discovery failed: ")


def test_reset_warehouse_refuses_a_configured_warehouse_without_yes_before_connecting() -> None:
    with refusing_port() as port:
        result = etl("reset-warehouse", env={"NEWSETL_DATABASE_URL": f"postgresql://newsetl:s3cret@127.0.0.1:{port}/x"})
    assert result.returncode == 2
    assert f"refusing to reset the warehouse at postgresql://newsetl:***@127.0.0.1:{port}/x" in result.stderr
    assert "--yes" in result.stderr
    assert "s3cret" not in result.stderr


def test_reset_warehouse_yes_drops_and_recreates_the_newsetl_objects_only(server_url: str) -> None:
    with throwaway_database(server_url, "newsetl_test_reset") as url:
        conn = connect(url)
        try:
            with conn, conn.cursor() as cur:
                cur.execute("insert into sources (source_name, base_url, language) values ('x', 'http://x/', 'de')")
                cur.execute("create table not_ours (n integer); insert into not_ours values (7)")
            result = etl("reset-warehouse", "--yes", env={"NEWSETL_DATABASE_URL": url})
            assert result.returncode == 0, result.stderr
            (line,) = result.stdout.splitlines()
            assert line.startswith(f"newsetl: reset the warehouse at {url}: dropped ")
            assert line.endswith(f"; applied {len(migration_files())} migrations")
            dropped = set(re.findall(r"\w+", line.split(": dropped ", 1)[1]))
            assert {name for _, name in migration_objects()} <= dropped
            assert "not_ours" not in line
            with conn, conn.cursor() as cur:
                cur.execute("select count(*) from sources")
                assert cur.fetchone() == (0,)
                cur.execute("select count(*) from schema_migrations")
                assert cur.fetchone() == (len(migration_files()),)
                cur.execute("select n from not_ours")
                assert cur.fetchall() == [(7,)]
        finally:
            conn.close()


def test_reset_warehouse_without_an_embedded_warehouse_has_nothing_to_reset(tmp_path: Path) -> None:
    result = etl("reset-warehouse", env={"NEWSETL_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"newsetl: no embedded warehouse in {tmp_path / 'pg'}: nothing to reset"
    assert not (tmp_path / "pg").exists()


def test_an_interval_that_ends_before_it_starts_is_one_usage_line() -> None:
    result = etl("run", "--start", "2025-05-17", "--end", "2025-05-16")
    assert result.returncode == 2
    assert "--end 2025-05-16T00:00:00+00:00 must be after --start 2025-05-17T00:00:00+00:00" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_warehouse_that_refuses_connections_is_one_line() -> None:
    with refusing_port() as port:
        url = f"postgresql://postgres@127.0.0.1:{port}/newsetl"
        result = etl("run", "--start", "2025-05-16", "--end", "2025-05-17", env={"NEWSETL_DATABASE_URL": url})
        migrate = etl("migrate", env={"NEWSETL_DATABASE_URL": url})
    for outcome in (result, migrate):
        assert outcome.returncode == 1
        assert outcome.stderr.startswith("newsetl: cannot use the warehouse: connection to server at")
        assert len(outcome.stderr.strip().splitlines()) == 1
    verbose = etl("-v", "migrate", env={"NEWSETL_DATABASE_URL": url})
    assert "Traceback" in verbose.stderr


def test_a_missing_database_or_role_is_one_line(server_url: str) -> None:
    server = server_url.rsplit("/", 1)[0]
    missing_db = etl("migrate", env={"NEWSETL_DATABASE_URL": f"{server}/newsetl_no_such_database"})
    assert missing_db.returncode == 1
    assert 'database "newsetl_no_such_database" does not exist' in missing_db.stderr
    assert "Traceback" not in missing_db.stderr


def test_an_unmigrated_warehouse_asks_for_migrate_before_running(server_url: str) -> None:
    with throwaway_database(server_url, "newsetl_unmigrated", migrated=False) as url:
        result = etl("run", "--start", "2025-05-16", "--end", "2025-05-17", env={"NEWSETL_DATABASE_URL": url})
    assert result.returncode == 2
    assert "migrations (0001_create_core_tables.sql" in result.stderr
    assert "run `python -m etl migrate` first" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_sources_file_is_reported_before_a_warehouse_is_started(tmp_path: Path) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_bytes(b"\x00\xff\xfe binary")
    data_dir = tmp_path / "data"
    result = etl(
        "run",
        "--start",
        "2025-05-16",
        "--end",
        "2025-05-17",
        env={"NEWSETL_SOURCES_FILE": str(sources), "NEWSETL_DATA_DIR": str(data_dir)},
    )
    assert result.returncode == 2
    assert result.stderr.startswith("configuration error: sources file")
    assert not (data_dir / "pg").exists()


def test_extract_of_a_missing_file_or_a_directory_is_one_line_each_and_the_other_files_still_print(
    tmp_path: Path,
) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html><body><article><p>" + "Ein Satz über den Hafen. " * 8 + "</p></article></body></html>")
    result = etl("extract", str(tmp_path / "missing.html"), str(tmp_path), str(page))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"newsetl: cannot read {tmp_path / 'missing.html'}: No such file or directory",
        f"newsetl: cannot read {tmp_path}: Is a directory",
    ]
    assert len(result.stdout.splitlines()) == 1


def test_extract_refuses_a_pdf_whatever_its_name_in_one_line(tmp_path: Path) -> None:
    pdf = tmp_path / "article.html"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    result = etl("extract", str(pdf), "--url", "https://news.example/a.html")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == f"newsetl: {pdf}: not_html: the body is a PDF document, not an HTML page\n"


def test_ctrl_c_during_a_run_is_one_line_and_marks_the_run_failed(demo_site: RunningSite, clean_database: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSETL_")}
    env |= {"NEWSETL_DATABASE_URL": clean_database, "NEWSETL_DEMO_SITE_URL": demo_site.base_url}
    command = [sys.executable, "-m", "etl", "run", "--start", "2025-05-12", "--end", "2025-05-19"]
    with subprocess.Popen(
        command,
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as run:
        deadline = time.monotonic() + 120
        while not _has_a_running_run(clean_database) and time.monotonic() < deadline:
            time.sleep(0.05)
        os.killpg(run.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole process group
        _, stderr = run.communicate(timeout=60)
    assert run.returncode == 130
    assert stderr.startswith("newsetl: interrupted;") and len(stderr.splitlines()) == 1
    assert "Traceback" not in stderr
    statuses = {row[0] for row in query_rows(clean_database, "select status from pipeline_runs")}
    assert statuses <= {"failed", "success"} and "failed" in statuses


def _has_a_running_run(database_url: str) -> bool:
    return bool(query_rows(database_url, "select 1 from pipeline_runs where status = 'running'"))
