"""CC-NEWS listing: the months an interval touches, the files whose crawl time may hold its articles, read
from a path index a local mirror serves."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from etl.archives.ccnews import ccnews_files, crawl_time, in_window, index_url, months_touched
from etl.archives.warc import ArchiveError
from etl.config import CcnewsSettings, FetchSettings
from etl.records import Interval
from tests.archives.mirror import publish_month, running_mirror

MAY = Interval(datetime(2025, 5, 1, tzinfo=UTC), datetime(2025, 6, 1, tzinfo=UTC))
FETCH = FetchSettings(retries=0, connect_timeout_s=2.0, read_timeout_s=5.0)


def test_an_interval_touches_the_months_it_overlaps() -> None:
    assert months_touched(MAY) == [date(2025, 5, 1)]
    spanning = Interval(datetime(2024, 12, 30, tzinfo=UTC), datetime(2025, 2, 1, 0, 1, tzinfo=UTC))
    assert months_touched(spanning) == [date(2024, 12, 1), date(2025, 1, 1), date(2025, 2, 1)]


def test_the_path_index_lies_under_the_base_url_with_or_without_a_final_slash() -> None:
    expected = "https://data.commoncrawl.org/crawl-data/CC-NEWS/2025/05/warc.paths.gz"
    assert index_url("https://data.commoncrawl.org/", date(2025, 5, 1)) == expected
    assert index_url("https://data.commoncrawl.org", date(2025, 5, 1)) == expected


def test_a_file_name_gives_its_crawl_time() -> None:
    path = "crawl-data/CC-NEWS/2025/05/CC-NEWS-20250515103000-00123.warc.gz"
    assert crawl_time(path) == datetime(2025, 5, 15, 10, 30, tzinfo=UTC)
    assert crawl_time("crawl-data/CC-NEWS/2025/05/other.warc.gz") is None


def test_files_crawled_well_outside_the_interval_are_left_out() -> None:
    week = Interval(datetime(2025, 5, 10, tzinfo=UTC), datetime(2025, 5, 17, tzinfo=UTC))
    margin = timedelta(days=3)

    assert in_window("CC-NEWS-20250507000000-00001.warc.gz", week, margin)
    assert not in_window("CC-NEWS-20250506235959-00001.warc.gz", week, margin)
    assert in_window("CC-NEWS-20250519235959-00001.warc.gz", week, margin)
    assert not in_window("CC-NEWS-20250520000000-00001.warc.gz", week, margin)
    assert in_window("unnamed.warc.gz", week, margin)


def test_the_listing_reads_each_months_index_from_the_mirror(tmp_path: Path) -> None:
    with running_mirror(tmp_path) as mirror:
        files = {f"CC-NEWS-202505{day:02d}000000-00000.warc.gz": b"" for day in (1, 10, 20)}
        urls = publish_month(mirror, 2025, 5, files)
        settings = CcnewsSettings(base_url=mirror.base_url, margin_days=2)
        interval = Interval(datetime(2025, 5, 9, tzinfo=UTC), datetime(2025, 5, 12, tzinfo=UTC))

        listing = ccnews_files(settings, FETCH, interval)

    assert listing.urls == (urls[1],)
    assert listing.outside_window == 2
    assert listing.months == ("2025-05",)


def test_a_month_without_an_index_is_one_line_and_the_other_months_are_listed(tmp_path: Path) -> None:
    with running_mirror(tmp_path) as mirror:
        urls = publish_month(mirror, 2025, 4, {"CC-NEWS-20250430120000-00000.warc.gz": b""})
        settings = CcnewsSettings(base_url=mirror.base_url, margin_days=0)
        spanning = Interval(datetime(2025, 4, 30, tzinfo=UTC), datetime(2025, 5, 2, tzinfo=UTC))

        listing = ccnews_files(settings, FETCH, spanning)

    assert listing.urls == tuple(urls)
    assert listing.months == ("2025-04",)
    assert len(listing.unlisted) == 1 and "2025-05" in listing.unlisted[0] and "404" in listing.unlisted[0]
    assert not listing.incomplete


def test_a_month_whose_index_fails_otherwise_is_unreadable_and_the_listing_incomplete(tmp_path: Path) -> None:
    with running_mirror(tmp_path) as mirror:
        urls = publish_month(mirror, 2025, 4, {"CC-NEWS-20250430120000-00000.warc.gz": b""})
        publish_month(mirror, 2025, 5, {"CC-NEWS-20250501120000-00000.warc.gz": b""})
        mirror.failing.add("crawl-data/CC-NEWS/2025/05/warc.paths.gz")
        settings = CcnewsSettings(base_url=mirror.base_url, margin_days=0)
        spanning = Interval(datetime(2025, 4, 30, tzinfo=UTC), datetime(2025, 5, 2, tzinfo=UTC))

        listing = ccnews_files(settings, FETCH, spanning)

    assert listing.urls == tuple(urls)
    assert len(listing.unreadable) == 1 and "2025-05" in listing.unreadable[0] and "503" in listing.unreadable[0]
    assert listing.unlisted == listing.unreadable
    assert listing.incomplete


def test_no_month_listed_at_all_is_an_archive_error_naming_them(tmp_path: Path) -> None:
    with running_mirror(tmp_path) as mirror:
        settings = CcnewsSettings(base_url=mirror.base_url, margin_days=0)
        with pytest.raises(ArchiveError, match=r"no CC-NEWS month could be listed: CC-NEWS 2025-05: .*HTTP 404"):
            ccnews_files(settings, FETCH, MAY)


def test_the_margin_reaches_into_the_months_before_and_after(tmp_path: Path) -> None:
    with running_mirror(tmp_path) as mirror:
        april = publish_month(mirror, 2025, 4, {f"CC-NEWS-202504{d}000000-00000.warc.gz": b"" for d in (20, 29)})
        may = publish_month(mirror, 2025, 5, {"CC-NEWS-20250515000000-00000.warc.gz": b""})
        june = publish_month(mirror, 2025, 6, {f"CC-NEWS-202506{d}000000-00000.warc.gz": b"" for d in ("02", 10)})
        settings = CcnewsSettings(base_url=mirror.base_url, margin_days=3)

        listing = ccnews_files(settings, FETCH, MAY)

    assert months_touched(Interval(MAY.start - timedelta(days=3), MAY.end + timedelta(days=3))) == [
        date(2025, 4, 1),
        date(2025, 5, 1),
        date(2025, 6, 1),
    ]
    assert listing.months == ("2025-04", "2025-05", "2025-06")
    assert listing.urls == (april[1], may[0], june[0])
    assert listing.outside_window == 2
