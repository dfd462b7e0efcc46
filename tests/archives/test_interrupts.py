"""What a user sees when an import is stopped (Ctrl-C, SIGTERM) and how its runs are recorded, and files
read over HTTP known by their URL and the validators the server gives. Real warehouse, a local mirror."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from etl.config import FetchSettings, Settings
from etl.demo_site.content import SiteConfig, build_site
from etl.pipeline.imports import identify_file, import_files
from tests.archives.builders import BASE, Rec, articles, page, write_warc
from tests.archives.mirror import Mirror, publish_month, running_mirror
from tests.factories import REPO_ROOT, query_rows

SITE = build_site(SiteConfig())
NAME = "CC-NEWS-20250513000000-00000.warc.gz"


def captures(edition: str, count: int) -> list[Rec]:
    return [Rec(BASE + e.path, page(SITE, e), e.published_at) for e in articles(SITE, edition, count)]


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[Mirror]:
    with running_mirror(tmp_path / "mirror") as running:
        yield running


def publish(mirror: Mirror, tmp_path: Path, records: list[Rec]) -> str:
    data = write_warc(tmp_path / NAME, records).read_bytes()
    (url,) = publish_month(mirror, 2025, 5, {NAME: data})
    return url


@pytest.mark.slow
@pytest.mark.parametrize(
    ("signum", "status", "said"),
    [(signal.SIGTERM, 143, "terminated (SIGTERM)"), (signal.SIGINT, 130, "interrupted")],
)
def test_a_stopped_import_is_one_line_and_its_run_says_why(
    warehouse: str, mirror: Mirror, tmp_path: Path, signum: int, status: int, said: str
) -> None:
    url = publish(mirror, tmp_path, captures("de", 40) + captures("es", 40))
    mirror.seconds_per_chunk = 0.05
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSETL_")}
    env |= {"NEWSETL_DATABASE_URL": warehouse, "NEWSETL_EXTRACT_PROCESSES": "1", "NEWSETL_LOAD_BATCH_SIZE": "4"}
    command = [sys.executable, "-m", "etl", "import-warc", url]
    with subprocess.Popen(
        command, cwd=REPO_ROOT, env=env, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as stopped:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and stopped.poll() is None:
            if query_rows(warehouse, "select 1 from pipeline_runs where status = 'running'"):
                break
            time.sleep(0.05)
        stopped.send_signal(signum)  # the process alone, as kill, timeout or a service manager send it
        _, stderr = stopped.communicate(timeout=60)

    assert stopped.returncode == status
    assert "Traceback" not in stderr
    (line,) = [line for line in stderr.splitlines() if said in line]
    assert line.startswith(f"newsetl: {said};")
    assert query_rows(warehouse, "select distinct status, error from pipeline_runs") == [("failed", said)]


def test_a_url_is_read_again_when_its_server_says_the_content_changed(
    warehouse: str, mirror: Mirror, tmp_path: Path
) -> None:
    settings = Settings(database_url=warehouse, data_dir=tmp_path / "newsetl", extract_processes=1)
    url = publish(mirror, tmp_path, captures("de", 2))
    (first,) = import_files(settings, [url])
    (again,) = import_files(settings, [url])

    publish(mirror, tmp_path, captures("es", 3))
    (changed,) = import_files(settings, [url])

    assert (first.status, again.status, changed.status) == ("done", "skipped", "done")
    assert changed.counts["loaded"] == 3
    assert identify_file(url, FetchSettings()).key.startswith(f"url:{url}|etag=")


def test_an_empty_download_fails_as_an_empty_file(warehouse: str, mirror: Mirror, tmp_path: Path) -> None:
    settings = Settings(database_url=warehouse, data_dir=tmp_path / "newsetl", extract_processes=1)
    (url,) = publish_month(mirror, 2025, 5, {NAME: b""})

    (result,) = import_files(settings, [url])

    assert result.status == "failed"
    assert result.error is not None and "empty file" in result.error
    assert query_rows(warehouse, "select count(*) from warc_imports") == [(0,)]
