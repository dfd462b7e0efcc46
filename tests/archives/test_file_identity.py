"""Which file an import is: a local file by its content (size and a digest of its ends), never by the path as
typed; a checkpoint that cannot belong to the file, and an empty file, never make a file ``done``. Real
warehouse, WARC files written by the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.config import FetchSettings, Settings
from etl.demo_site.content import SiteConfig, build_site
from etl.pipeline.imports import identify_file, import_files
from tests.archives.builders import BASE, Rec, articles, demo_records, page, write_warc
from tests.factories import query_rows

SITE = build_site(SiteConfig())


@pytest.fixture
def settings(clean_database: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=clean_database,
        data_dir=tmp_path / "newsetl",
        extract_processes=1,
        fetch=FetchSettings(retries=0, connect_timeout_s=2.0, read_timeout_s=5.0),
    )


def other_crawl(path: Path) -> Path:
    """A WARC of two demo-es articles, different from ``demo_records``."""
    entries = articles(SITE, "es", 2)
    return write_warc(path, [Rec(BASE + e.path, page(SITE, e), e.published_at) for e in entries])


def test_two_files_of_one_name_in_two_directories_are_two_files(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    write_warc(tmp_path / "a" / "crawl.warc.gz", demo_records(SITE))
    other_crawl(tmp_path / "b" / "crawl.warc.gz")

    monkeypatch.chdir(tmp_path / "a")
    (first,) = import_files(settings, ["crawl.warc.gz"])
    monkeypatch.chdir(tmp_path / "b")
    (second,) = import_files(settings, ["crawl.warc.gz"])

    assert (first.status, second.status) == ("done", "done")
    assert second.counts["loaded"] == 2
    assert query_rows(settings.database_url or "", "select warc_file from warc_imports order by 1") == [
        (str(tmp_path / "a" / "crawl.warc.gz"),),
        (str(tmp_path / "b" / "crawl.warc.gz"),),
    ]


def test_another_spelling_of_the_same_path_is_skipped_and_adds_no_captures(settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    path = write_warc(tmp_path / "a" / "x.warc.gz", demo_records(SITE))
    import_files(settings, [str(path)])
    db = settings.database_url or ""
    captures = query_rows(db, "select count(*) from warc_captures")

    (again,) = import_files(settings, [str(tmp_path / "a" / ".." / "a" / "x.warc.gz")])

    assert again.status == "skipped"
    assert query_rows(db, "select count(*) from warc_captures") == captures


def test_a_checkpoint_past_the_files_end_is_refused_and_the_file_read_from_the_start(
    settings: Settings, tmp_path: Path
) -> None:
    path = write_warc(tmp_path / "demo.warc.gz", demo_records(SITE))
    (whole,) = import_files(settings, [str(path)])
    db = settings.database_url or ""
    query_rows(db, "update warc_imports set status = 'running', resume_offset = resume_offset + 10000 returning 1")

    (again,) = import_files(settings, [str(path)])

    assert again.status == "done"
    assert again.resumed_at == 0
    assert (again.records_read, again.counts) == (whole.records_read, whole.counts)


def test_an_empty_file_fails_and_does_not_block_the_real_one(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(b"")

    (empty,) = import_files(settings, [str(path)])
    write_warc(path, demo_records(SITE))
    (real,) = import_files(settings, [str(path)])

    assert empty.status == "failed"
    assert empty.error is not None and "empty file" in empty.error
    assert not empty.retryable
    assert real.status == "done" and real.counts["loaded"] > 0


def test_a_local_file_is_known_by_its_content_wherever_it_lies(tmp_path: Path) -> None:
    first = write_warc(tmp_path / "one.warc.gz", demo_records(SITE))
    copy = tmp_path / "copy.warc.gz"
    copy.write_bytes(first.read_bytes())
    other = other_crawl(tmp_path / "two.warc.gz")
    fetch = FetchSettings()

    assert identify_file(str(first), fetch).key == identify_file(str(copy), fetch).key
    assert identify_file(str(first), fetch).key != identify_file(str(other), fetch).key
    assert identify_file(str(first), fetch).size == first.stat().st_size
