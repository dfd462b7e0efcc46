"""Importing WARC files into a real warehouse: pages through the same stages as fetched ones, counts by reason,
publication intervals, provenance, re-runs, and resuming a killed ``ccnews`` import over HTTP (a local
mirror) to the same rows as an uninterrupted one."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from etl.config import FetchSettings, Settings
from etl.demo_site.content import SiteConfig, build_site
from etl.pipeline.imports import import_files
from etl.records import Interval
from tests.archives.builders import (
    BASE,
    CHANGED_HEADLINE,
    CORRECTION,
    EXPECTED_COUNTS,
    Rec,
    articles,
    demo_records,
    page,
    write_warc,
)
from tests.archives.mirror import Mirror, publish_month, running_mirror
from tests.factories import REPO_ROOT, empty_data_tables, query_rows

SITE = build_site(SiteConfig())


@pytest.fixture
def settings(warehouse: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=warehouse,
        data_dir=tmp_path / "newsetl",
        extract_processes=1,
        fetch=FetchSettings(retries=0, connect_timeout_s=2.0, read_timeout_s=5.0),
    )


@pytest.fixture
def demo_warc(tmp_path: Path) -> Path:
    return write_warc(tmp_path / "demo.warc.gz", demo_records(SITE))


def test_an_import_loads_the_pages_and_counts_every_other_record(settings: Settings, demo_warc: Path) -> None:
    (result,) = import_files(settings, [str(demo_warc)])

    assert result.status == "done"
    assert result.counts == {**EXPECTED_COUNTS, "loaded": EXPECTED_COUNTS["taken"]}
    assert result.records_read == sum(EXPECTED_COUNTS.values())
    assert result.bytes_read == demo_warc.stat().st_size
    db = settings.database_url or ""
    assert query_rows(db, "select count(*), count(distinct url) from articles") == [(7, 7)]
    runs = query_rows(
        db, "select source_name, status, urls_discovered, discovery_counts from pipeline_runs order by source_name"
    )
    assert [(name, status, taken) for name, status, taken, _ in runs] == [
        ("demo-de", "success", 7),
        ("demo-es", "success", 2),
    ]
    assert runs[0][3]["warc"] == {
        "seen": 13,
        "taken": 7,
        "loaded": 7,
        "truncated": 2,
        "revisit": 1,
        "not_html": 1,
        "redirect": 1,
        "http_error": 1,
    }
    stored = query_rows(db, "select status, resume_offset, records_read, counts from warc_imports")
    assert stored == [("done", demo_warc.stat().st_size, result.records_read, result.counts)]


def test_every_capture_is_archived_with_its_file_and_offset(settings: Settings, demo_warc: Path) -> None:
    import_files(settings, [str(demo_warc)])

    db = settings.database_url or ""
    captures = query_rows(
        db,
        "select c.record_offset, c.url, c.captured_at, b.size_bytes from warc_captures c "
        "join page_bodies b using (body_sha256) where c.warc_file = %s order by c.record_offset",
        (str(demo_warc),),
    )
    assert len(captures) == EXPECTED_COUNTS["taken"]
    first = articles(SITE, "de", 1)[0]
    of_first = [(url, at) for _, url, at, _ in captures if url == BASE + first.path]
    assert [at.date().day for _, at in of_first] == [12, 13, 14]
    assert all(size > 1000 for *_, size in captures)


def test_the_article_keeps_its_latest_capture_and_earlier_ones_as_revisions(
    settings: Settings, demo_warc: Path
) -> None:
    import_files(settings, [str(demo_warc)])

    db = settings.database_url or ""
    first = articles(SITE, "de", 1)[0]
    ((title, fetched_at),) = query_rows(
        db, "select title, fetched_at from articles where url = %s", (BASE + first.path,)
    )
    assert title == CHANGED_HEADLINE
    assert fetched_at == datetime.fromisoformat("2025-05-14T07:32:35+00:00")
    paragraphs = query_rows(
        db,
        "select p.text from articles a join article_paragraphs ap using (article_id) join paragraphs p "
        "using (paragraph_key) where a.url = %s order by ap.position desc limit 2",
        (BASE + first.path,),
    )
    assert CORRECTION in [text for (text,) in paragraphs]
    revisions = query_rows(
        db, "select title from article_revisions where url = %s order by revision", (BASE + first.path,)
    )
    assert [t for (t,) in revisions] == [first.title, CHANGED_HEADLINE]


def test_with_an_interval_only_articles_published_in_it_load_and_the_rest_are_counted(
    settings: Settings, demo_warc: Path
) -> None:
    may_13 = Interval(datetime(2025, 5, 13, tzinfo=UTC), datetime(2025, 5, 14, tzinfo=UTC))

    (result,) = import_files(settings, [str(demo_warc)], ["demo-de"], may_13)

    loaded = query_rows(settings.database_url or "", "select published_at from articles")
    assert loaded and all(may_13.contains(at) for (at,) in loaded)
    assert result.counts["out_of_interval"] == EXPECTED_COUNTS["taken"] - 2 - len(loaded)
    assert result.counts["other_source"] == 2
    assert result.counts["loaded"] == len(loaded)


def test_a_second_import_skips_the_finished_file_and_a_new_interval_imports_it_again(
    settings: Settings, demo_warc: Path
) -> None:
    import_files(settings, [str(demo_warc)])
    db = settings.database_url or ""
    before = content_snapshot(db)

    (again,) = import_files(settings, [str(demo_warc)])
    (narrower,) = import_files(
        settings, [str(demo_warc)], None, Interval(datetime(2025, 5, 1, tzinfo=UTC), datetime(2025, 6, 1, tzinfo=UTC))
    )

    assert again.status == "skipped"
    assert narrower.status == "done"
    assert query_rows(db, "select count(*) from warc_imports") == [(2,)]
    after = content_snapshot(db)
    assert after["articles"] == before["articles"]
    assert after["warc_captures"] == before["warc_captures"]


def test_a_missing_file_fails_alone_and_the_next_is_imported(settings: Settings, demo_warc: Path) -> None:
    missing, done = import_files(settings, [str(demo_warc.parent / "missing.warc.gz"), str(demo_warc)])

    assert missing.status == "failed"
    assert missing.error is not None and "cannot read" in missing.error
    assert not missing.retryable
    assert done.status == "done"


def test_an_uncompressed_warc_loads_the_same_articles(settings: Settings, tmp_path: Path) -> None:
    plain = write_warc(tmp_path / "demo.warc", demo_records(SITE), gzip=False)

    (result,) = import_files(settings, [str(plain)])

    assert result.counts == {**EXPECTED_COUNTS, "loaded": EXPECTED_COUNTS["taken"]}


# ccnews over HTTP, killed and resumed, as a user runs it.


def many_records() -> list[Rec]:
    """Enough demo-de and demo-es captures (about 1 MB) for an import to be killed half-way."""
    records = []
    for edition in ("de", "es"):
        for entry in [e for e in SITE.entries(edition) if e.kind == "generated" and e.status == 200][:40]:
            records.append(Rec(BASE + entry.path, page(SITE, entry), entry.published_at.astimezone(UTC)))
    return records


def content_snapshot(database_url: str) -> dict[str, object]:
    """Row counts and a checksum of every content table an import writes (ids and run bookkeeping left out)."""
    statements = {
        "articles": "select url, title, published_at, fetched_at, body_hash, paragraph_count from articles "
        "order by url",
        "article_paragraphs": "select a.url, ap.position, ap.paragraph_key from article_paragraphs ap "
        "join articles a using (article_id) order by 1, 2",
        "paragraphs": "select paragraph_key, text from paragraphs order by paragraph_key",
        "page_bodies": "select body_sha256 from page_bodies order by 1",
        "warc_captures": "select warc_file, record_offset, source_name, url, captured_at, body_sha256 "
        "from warc_captures order by 1, 2",
        "warc_imports": "select warc_file, scope, status, resume_offset, records_read, counts from warc_imports",
    }
    snapshot: dict[str, object] = {}
    for table, statement in statements.items():
        rows = query_rows(database_url, statement)
        digest = hashlib.sha256(
            repr([tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in rows]).encode()
        )
        snapshot[table] = (len(rows), digest.hexdigest())
    return snapshot


def ccnews(env: dict[str, str]) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "etl", "ccnews", "--start", "2025-05-01", "--end", "2025-06-01"]
    return subprocess.Popen(
        command,
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[Mirror]:
    with running_mirror(tmp_path / "mirror") as running:
        (tmp_path / "mirror").mkdir(exist_ok=True)
        name = "CC-NEWS-20250513000000-00000.warc.gz"
        data = write_warc(tmp_path / name, many_records()).read_bytes()
        publish_month(running, 2025, 5, {name: data})
        yield running


@pytest.mark.slow
def test_a_killed_ccnews_import_resumes_to_the_rows_of_an_uninterrupted_one(warehouse: str, mirror: Mirror) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSETL_")}
    env |= {
        "NEWSETL_DATABASE_URL": warehouse,
        "NEWSETL_CCNEWS_BASE_URL": mirror.base_url,
        "NEWSETL_EXTRACT_PROCESSES": "1",
        "NEWSETL_LOAD_BATCH_SIZE": "4",
    }
    with ccnews(env) as whole:
        out, err = whole.communicate(timeout=300)
    assert whole.returncode == 0, err
    assert json.loads(out.splitlines()[-1])["status"] == "done"
    uninterrupted = content_snapshot(warehouse)

    empty_data_tables(warehouse)
    mirror.seconds_per_chunk = 0.05
    with ccnews(env) as killed:
        deadline = time.monotonic() + 120
        offset = 0
        while time.monotonic() < deadline and killed.poll() is None:
            rows = query_rows(warehouse, "select resume_offset from warc_imports where status = 'running'")
            if rows and rows[0][0] > 0:
                offset = rows[0][0]
                break
            time.sleep(0.05)
        os.killpg(killed.pid, signal.SIGKILL)
        killed.communicate(timeout=30)
    assert offset > 0, "the import finished or never checkpointed before it could be killed"
    (checkpoint,) = query_rows(warehouse, "select status, resume_offset from warc_imports")
    assert checkpoint[0] == "running"

    mirror.seconds_per_chunk = 0.0
    mirror.requests.clear()
    with ccnews(env) as resumed:
        out, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, err

    result = json.loads(out.splitlines()[-1])
    assert result["status"] == "done"
    assert result["resumed_at"] == checkpoint[1]
    assert (mirror.requests[-1][1]) == f"bytes={checkpoint[1]}-"
    assert content_snapshot(warehouse) == uninterrupted
    statuses = query_rows(warehouse, "select status, count(*) from pipeline_runs group by 1 order by 1")
    assert [status for status, _ in statuses] == ["abandoned", "success"]


@pytest.mark.slow
def test_a_server_that_ignores_range_is_read_again_and_the_loaded_records_skipped(
    settings: Settings, mirror: Mirror
) -> None:
    (url,) = [f"{mirror.base_url}crawl-data/CC-NEWS/2025/05/CC-NEWS-20250513000000-00000.warc.gz"]
    (whole,) = import_files(settings, [url])
    before = content_snapshot(settings.database_url or "")
    middle = int(whole.bytes_read / 2)
    query_rows(
        settings.database_url or "",
        "update warc_imports set status = 'running', resume_offset = %s returning 1",
        (middle,),
    )
    mirror.honour_range = False

    (again,) = import_files(settings, [url])

    assert again.status == "done"
    assert content_snapshot(settings.database_url or "")["articles"] == before["articles"]


def test_the_cli_prints_one_json_object_per_file_and_a_missing_file_in_one_line(
    warehouse: str, demo_warc: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSETL_")}
    env |= {"NEWSETL_DATABASE_URL": warehouse, "NEWSETL_EXTRACT_PROCESSES": "1"}
    command = [sys.executable, "-m", "etl", "import-warc", str(demo_warc), str(demo_warc.parent / "gone.warc.gz")]

    done, again = (
        subprocess.run(c, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
        for c in (command, command[:-1])
    )

    assert done.returncode == 1
    imported, missing = (json.loads(line) for line in done.stdout.splitlines())
    assert imported["status"] == "done" and imported["retryable"] is None
    assert imported["counts"] == {**EXPECTED_COUNTS, "loaded": EXPECTED_COUNTS["taken"]}
    assert missing["status"] == "failed" and missing["retryable"] is False and "cannot read" in missing["error"]
    errors = [line for line in done.stderr.splitlines() if "gone.warc.gz" in line]
    assert len(errors) == 1 and "failed" in errors[0] and "cannot read" in errors[0]
    assert "Traceback" not in done.stderr
    assert again.returncode == 0
    assert json.loads(again.stdout)["status"] == "skipped"
    assert [line for line in again.stderr.splitlines() if "skipped, imported before" in line]


def test_the_cli_wants_start_and_end_together(warehouse: str, demo_warc: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSETL_")} | {"NEWSETL_DATABASE_URL": warehouse}
    command = [sys.executable, "-m", "etl", "import-warc", str(demo_warc), "--start", "2025-05-01"]

    done = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)

    assert done.returncode == 2
    assert "--start and --end go together" in done.stderr
